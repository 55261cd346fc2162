#pragma once
/// @file Booking events: the facts the booking ledger state is folded from.
///
/// An accepted command appends one or more events; `BookingLedgerState::apply` is the only
/// function that changes state, so replaying the log reproduces the state exactly.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "labtwin/core/instruments/booking.hpp"
#include "labtwin/core/instruments/instrument.hpp"
#include "labtwin/core/ports.hpp"

namespace labtwin::core::instruments {

/// Why a run was lost.
enum class LossCause : std::uint8_t {
  Stockout,   ///< an item of the bill of materials was short at check-in
  Breakdown,  ///< the instrument broke during the run or was down at check-in
};

/// Short name, e.g. "stockout".
std::string_view to_string(LossCause c);

/// An instrument was registered.
struct InstrumentAdded {
  InstrumentId instrument{};  ///< assigned handle
  Instrument definition{};    ///< the instrument
  bool operator==(const InstrumentAdded&) const = default;
};

/// A run type was registered.
struct RunTypeAdded {
  RunTypeId run_type{};  ///< assigned handle
  RunType definition{};  ///< the run type
  bool operator==(const RunTypeAdded&) const = default;
};

/// A booking was created (holding its slot, or on the waitlist).
struct BookingRequested {
  BookingId booking{};                              ///< assigned handle
  InstrumentId instrument{};                        ///< instrument
  std::string user{};                               ///< who
  std::string project{};                            ///< project
  RunTypeId run_type = kNoRunType;                  ///< run type
  Instant start{};                                  ///< slot start
  Instant end{};                                    ///< slot end
  BookingStatus status = BookingStatus::Requested;  ///< Waitlisted, Requested or Confirmed
  bool operator==(const BookingRequested&) const = default;
};

/// A requested booking was approved (now Confirmed).
struct BookingApproved {
  BookingId booking{};  ///< booking
  bool operator==(const BookingApproved&) const = default;
};

/// A requested or waitlisted booking was refused.
struct BookingRejected {
  BookingId booking{};  ///< booking
  std::string note{};   ///< why
  bool operator==(const BookingRejected&) const = default;
};

/// A run started (its bill of materials was issued).
struct CheckedIn {
  BookingId booking{};  ///< booking
  bool operator==(const CheckedIn&) const = default;
};

/// A run ended.
struct RunCompleted {
  BookingId booking{};  ///< booking
  Instant end{};        ///< actual end (the slot end, or earlier)
  bool operator==(const RunCompleted&) const = default;
};

/// A booking was cancelled.
struct BookingCancelled {
  BookingId booking{};  ///< booking
  bool late = false;    ///< after the late-cancel cut-off
  bool operator==(const BookingCancelled&) const = default;
};

/// Nobody checked in.
struct NoShowRecorded {
  BookingId booking{};  ///< booking
  bool operator==(const NoShowRecorded&) const = default;
};

/// A run was lost; nothing was issued for it.
struct RunLost {
  BookingId booking{};                    ///< booking
  LossCause cause = LossCause::Stockout;  ///< why
  std::string detail{};                   ///< e.g. the short SKU and quantities
  bool operator==(const RunLost&) const = default;
};

/// A maintenance/calibration window or an outage was placed.
struct WindowAdded {
  WindowId window{};    ///< assigned handle
  Window definition{};  ///< the window
  bool operator==(const WindowAdded&) const = default;
};

/// A booking was displaced by a window or outage (it no longer holds a slot; a following
/// BookingRebooked gives it a new one when the policy found one).
struct BookingBumped {
  BookingId booking{};  ///< booking
  WindowId window{};    ///< the window or outage that displaced it
  Span notice{};        ///< original start - time of the bump (negative if already started)
  bool operator==(const BookingBumped&) const = default;
};

/// A bumped booking was given a new slot (same duration) and its former state back.
struct BookingRebooked {
  BookingId booking{};                              ///< booking
  Instant start{};                                  ///< new start
  Instant end{};                                    ///< new end
  BookingStatus status = BookingStatus::Confirmed;  ///< Requested or Confirmed
  bool operator==(const BookingRebooked&) const = default;
};

/// A waitlisted booking took its freed slot.
struct WaitlistPromoted {
  BookingId booking{};                              ///< booking
  BookingStatus status = BookingStatus::Confirmed;  ///< Requested or Confirmed
  bool operator==(const WaitlistPromoted&) const = default;
};

/// A waitlisted booking left the waitlist because its start passed.
struct WaitlistExpired {
  BookingId booking{};  ///< booking
  bool operator==(const WaitlistExpired&) const = default;
};

/// The instrument is down (its outage window was added just before).
struct BreakdownReported {
  InstrumentId instrument{};  ///< instrument
  WindowId outage{};          ///< the outage window
  std::string cause{};        ///< fault
  bool operator==(const BreakdownReported&) const = default;
};

/// The instrument is up again; its outage window ends at `at` if that is earlier.
struct RepairCompleted {
  InstrumentId instrument{};  ///< instrument
  Instant at{};               ///< when
  bool operator==(const RepairCompleted&) const = default;
};

/// Any booking event body.
using EventBody =
    std::variant<InstrumentAdded, RunTypeAdded, BookingRequested, BookingApproved, BookingRejected,
                 CheckedIn, RunCompleted, BookingCancelled, NoShowRecorded, RunLost, WindowAdded,
                 BookingBumped, BookingRebooked, WaitlistPromoted, WaitlistExpired,
                 BreakdownReported, RepairCompleted>;

/// One entry of the event log.
struct Event {
  std::uint64_t seq = 0;  ///< 1, 2, 3, ... without gaps
  Instant at{};           ///< clock time when the command was accepted
  EventBody body{};       ///< what happened
  /// Idempotency key of the command, on the first event of the command only.
  std::string key{};
  /// Number of events the command produced, on the first event of the command only.
  std::uint32_t batch = 1;
  bool operator==(const Event&) const = default;
};

/// The DomainEvent kind of a body, e.g. "booking.bumped".
std::string_view kind_of(const EventBody& body);

/// The handle a body creates (instrument, run type, booking or window), or kNone.
std::uint32_t created_id(const EventBody& body);

}  // namespace labtwin::core::instruments
