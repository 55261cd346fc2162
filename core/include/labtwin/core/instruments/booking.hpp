#pragma once
/// @file Bookings: life-cycle states, the booking record, commands and their results.
///
/// State machine (see docs/instruments.md):
///   Waitlisted -> Requested | Confirmed (promoted when a slot frees), Rejected, Cancelled,
///                 Expired (its start passed while waiting);
///   Requested  -> Confirmed (Approve), Rejected (Reject), Cancelled / LateCancelled, Bumped;
///   Confirmed  -> CheckedIn, Cancelled / LateCancelled, NoShow, Bumped, LostBreakdown,
///                 LostStockout (check-in with a bill of materials that cannot be issued);
///   CheckedIn  -> Completed, LostBreakdown.
/// A bumped booking that is re-offered a slot goes back to the state it had (Requested or
/// Confirmed) at its new time; Bumped is final only when no slot could be offered.
///
/// Every command has an optional idempotency key (last member, so designated initialisers may
/// omit it), with the same rules as the stock ledger's: a repeated key returns the original
/// outcome and changes nothing; only accepted commands bind their key.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "labtwin/core/instruments/instrument.hpp"
#include "labtwin/core/ports.hpp"

namespace labtwin::core::instruments {

/// Where a booking is in its life cycle.
enum class BookingStatus : std::uint8_t {
  Waitlisted,     ///< waiting for its slot to free up
  Requested,      ///< holds its slot, waiting for approval
  Confirmed,      ///< holds its slot
  CheckedIn,      ///< the run is on the instrument
  Completed,      ///< the run finished
  Cancelled,      ///< cancelled before the cut-off
  LateCancelled,  ///< cancelled after the cut-off (start - late_cancel_cutoff)
  NoShow,         ///< nobody checked in
  Rejected,       ///< refused by an approver
  Expired,        ///< left the waitlist: its start passed
  Bumped,         ///< displaced by a window or an outage and no slot could be re-offered
  LostStockout,   ///< the run could not start: an item of its bill of materials was short
  LostBreakdown,  ///< the run was lost to a breakdown
};

/// Short name, e.g. "late_cancelled".
std::string_view to_string(BookingStatus s);
/// True for the states that hold a slot on the instrument (Requested, Confirmed, CheckedIn).
constexpr bool holds_slot(BookingStatus s) {
  return s == BookingStatus::Requested || s == BookingStatus::Confirmed ||
         s == BookingStatus::CheckedIn;
}
/// True for the states that count against a weekly quota (slot holders and Completed).
constexpr bool counts_for_quota(BookingStatus s) {
  return holds_slot(s) || s == BookingStatus::Completed;
}

/// One booking.
struct Booking {
  BookingId id{};                                   ///< handle
  InstrumentId instrument{};                        ///< instrument
  std::string user{};                               ///< who books
  std::string project{};                            ///< project charged
  RunTypeId run_type = kNoRunType;                  ///< what runs (its bill of materials)
  Instant start{};                                  ///< slot start
  Instant end{};                                    ///< slot end (the actual end once completed)
  Instant requested_at{};                           ///< when the request was made
  Instant original_start{};                         ///< start as first requested
  Instant checked_in_at{};                          ///< when checked in (CheckedIn, Completed)
  BookingStatus status = BookingStatus::Requested;  ///< life-cycle state
  std::uint32_t bumps = 0;                          ///< times displaced by windows or outages
  bool operator==(const Booking&) const = default;
};

/// What a window is.
enum class WindowKind : std::uint8_t {
  Maintenance,  ///< preventive maintenance
  Calibration,  ///< calibration
  Outage,       ///< a breakdown (created by ReportBreakdown; not a command argument)
};

/// Short name, e.g. "calibration".
std::string_view to_string(WindowKind k);

/// A period in which an instrument cannot be booked.
struct Window {
  InstrumentId instrument{};                  ///< instrument
  Instant start{};                            ///< first blocked instant
  Instant end{};                              ///< first free instant
  WindowKind kind = WindowKind::Maintenance;  ///< why
  std::string note{};                         ///< free text (plan id, fault)
  bool operator==(const Window&) const = default;
};

// --- commands ---------------------------------------------------------------------------------

/// Registers an instrument.
struct AddInstrument {
  Instrument instrument{};  ///< new, non-empty id; valid rules
  std::string key{};        ///< idempotency key (empty = none)
};

/// Registers a run type.
struct AddRunType {
  RunType run_type{};  ///< new, non-empty id; positive quantities
  std::string key{};   ///< idempotency key
};

/// Requests a slot [start, end) on an instrument.
struct Request {
  InstrumentId instrument{};        ///< instrument
  std::string user{};               ///< non-empty
  std::string project{};            ///< project charged (required when the quota is per project)
  Instant start{};                  ///< >= now, within the book-ahead limit, on the granularity
  Instant end{};                    ///< > start, within working hours
  RunTypeId run_type = kNoRunType;  ///< stock consumed at check-in
  bool waitlist = false;            ///< wait instead of a rejection for Overlap/InstrumentDown
  std::string key{};                ///< idempotency key
};

/// Approves a Requested booking.
struct Approve {
  BookingId booking{};  ///< Requested booking whose slot has not ended
  std::string key{};    ///< idempotency key
};

/// Refuses a Requested or Waitlisted booking.
struct Reject {
  BookingId booking{};  ///< Requested or Waitlisted booking
  std::string note{};   ///< why
  std::string key{};    ///< idempotency key
};

/// Starts a confirmed run: issues its bill of materials.
struct CheckIn {
  BookingId booking{};  ///< Confirmed, now in [start - check_in_early, end)
  std::string key{};    ///< idempotency key
};

/// Ends a checked-in run now (early completion frees the rest of the slot).
struct Complete {
  BookingId booking{};  ///< CheckedIn booking
  std::string key{};    ///< idempotency key
};

/// Cancels a booking (late when after start - late_cancel_cutoff).
struct Cancel {
  BookingId booking{};  ///< Waitlisted, Requested or Confirmed booking
  std::string key{};    ///< idempotency key
};

/// Records that nobody came.
struct NoShow {
  BookingId booking{};  ///< Confirmed booking, now >= start + no_show_grace
  std::string key{};    ///< idempotency key
};

/// Blocks [start, end) for maintenance or calibration, bumping overlapping bookings.
struct AddMaintenanceWindow {
  InstrumentId instrument{};                  ///< instrument
  Instant start{};                            ///< >= now
  Instant end{};                              ///< > start
  WindowKind kind = WindowKind::Maintenance;  ///< Maintenance or Calibration
  std::string note{};                         ///< e.g. the PM plan id
  std::string key{};                          ///< idempotency key
};

/// The instrument broke now: blocks [now, now + expected_repair), loses a run in progress,
/// bumps bookings in the outage and (with a dispatcher) opens a repair ticket.
struct ReportBreakdown {
  InstrumentId instrument{};  ///< an instrument that is up
  Span expected_repair{};     ///< > 0
  std::string cause{};        ///< fault description
  std::string skill{};        ///< skill the repair ticket requires ("" = anyone)
  std::string key{};          ///< idempotency key
};

/// The repair is done: the instrument is up again and the rest of the outage is freed.
struct RepairDone {
  InstrumentId instrument{};  ///< an instrument that is down
  std::string key{};          ///< idempotency key
};

/// Any command.
using Command = std::variant<AddInstrument, AddRunType, Request, Approve, Reject, CheckIn, Complete,
                             Cancel, NoShow, AddMaintenanceWindow, ReportBreakdown, RepairDone>;

/// Why a command was rejected.
enum class Reason : std::uint8_t {
  None,
  UnknownInstrument,
  UnknownBooking,
  UnknownRunType,
  DuplicateId,
  InvalidArgument,
  InvalidTransition,
  Overlap,
  OutsideHours,
  OverQuota,
  InMaintenance,
  InstrumentDown,
  TooFarAhead,
  InPast,
  TooShort,
  TooLong,
  Granularity,
  InUse,
  TooEarly,
  TooLate,
};

/// Short name, e.g. "outside_hours".
std::string_view to_string(Reason r);

/// The outcome of a command.
struct Result {
  Reason reason = Reason::None;  ///< None when accepted
  std::string text{};            ///< human-readable reason of a rejection
  std::uint64_t first_seq = 0;   ///< first event appended (0 if none)
  std::uint64_t last_seq = 0;    ///< last event appended (0 if none)
  std::uint32_t id = kNone;      ///< handle created (instrument, run type, booking, window)
  bool duplicate = false;        ///< true if the key was seen: the original outcome, replayed

  /// True if accepted (or a duplicate of an accepted command).
  bool ok() const { return reason == Reason::None; }
};

}  // namespace labtwin::core::instruments
