#pragma once
/// @file BookingLedgerState: the booking state as a fold of events, with the queries the ledger
/// and the twins use.
///
/// A plain copyable value (a snapshot). `apply` is its only mutator; applying the same events
/// to equal states gives equal states (operator==).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "labtwin/core/instruments/booking.hpp"
#include "labtwin/core/instruments/booking_events.hpp"
#include "labtwin/core/instruments/instrument.hpp"
#include "labtwin/core/instruments/interval_index.hpp"
#include "labtwin/core/ports.hpp"

namespace labtwin::core::instruments {

/// What an accepted command with an idempotency key produced.
struct KeyedOutcome {
  std::uint64_t first_seq = 0;  ///< first event
  std::uint64_t last_seq = 0;   ///< last event
  std::uint32_t id = kNone;     ///< handle created
  bool operator==(const KeyedOutcome&) const = default;
};

/// Derived per-instrument state.
struct InstrumentBook {
  IntervalIndex slots{};                            ///< slots of bookings that hold one
  std::multimap<std::int64_t, WindowId> windows{};  ///< windows and outages by start (us)
  Span longest_window{};                            ///< bounds the window overlap search
  std::vector<BookingId> waitlist{};                ///< Waitlisted bookings, first come first
  WindowId outage = kNoWindow;                      ///< the open outage while down
  Span usage{};                                     ///< sum of completed runs' durations
  /// True while broken down.
  bool down() const { return outage != kNoWindow; }
  bool operator==(const InstrumentBook&) const = default;
};

/// The booking ledger's state.
class BookingLedgerState {
 public:
  /// Folds one event into the state. Events are trusted facts (produced by a BookingLedger after
  /// validation); a handle out of range throws std::out_of_range instead of corrupting memory.
  void apply(const Event& event);
  /// Records the outcome of a keyed command (the ledger calls it once a command's batch is
  /// complete; `apply` records it from the batch size on replay).
  void set_outcome(const std::string& key, KeyedOutcome outcome);

  /// Sequence number of the last applied event (0 if none).
  std::uint64_t last_seq() const { return last_seq_; }

  /// The instrument with code `id`, if registered.
  std::optional<InstrumentId> find_instrument(std::string_view id) const;
  /// The run type with code `id`, if registered.
  std::optional<RunTypeId> find_run_type(std::string_view id) const;
  /// Number of instruments.
  std::size_t instrument_count() const { return instruments_.size(); }
  /// Number of run types.
  std::size_t run_type_count() const { return run_types_.size(); }
  /// Number of bookings ever made.
  std::size_t booking_count() const { return bookings_.size(); }
  /// Number of windows and outages ever placed.
  std::size_t window_count() const { return windows_.size(); }
  /// True if the handle refers to an existing entity.
  bool valid(InstrumentId id) const { return index(id) < instruments_.size(); }
  /// True if the handle refers to an existing entity.
  bool valid(RunTypeId id) const { return index(id) < run_types_.size(); }
  /// True if the handle refers to an existing entity.
  bool valid(BookingId id) const { return index(id) < bookings_.size(); }
  /// True if the handle refers to an existing entity.
  bool valid(WindowId id) const { return index(id) < windows_.size(); }
  /// The instrument (throws std::out_of_range on a bad handle).
  const Instrument& instrument(InstrumentId id) const { return instruments_.at(index(id)); }
  /// The instrument's derived state (throws std::out_of_range on a bad handle).
  const InstrumentBook& book(InstrumentId id) const { return books_.at(index(id)); }
  /// The run type (throws std::out_of_range on a bad handle).
  const RunType& run_type(RunTypeId id) const { return run_types_.at(index(id)); }
  /// The booking (throws std::out_of_range on a bad handle).
  const Booking& booking(BookingId id) const { return bookings_.at(index(id)); }
  /// The window (throws std::out_of_range on a bad handle).
  const Window& window(WindowId id) const { return windows_.at(index(id)); }

  /// The earliest-starting window or outage of `instrument` overlapping [start, end), if any.
  std::optional<WindowId> first_window_overlap(InstrumentId instrument, Instant start,
                                               Instant end) const;
  /// Hours of `principal` counted in `week` on `instrument` (see week_of).
  Span quota_used(InstrumentId instrument, std::string_view principal, std::int64_t week) const;
  /// Who a booking's quota is charged to under the instrument's quota scope.
  std::string_view principal(const Booking& b) const;
  /// Local calendar week number of `t` (weeks start Monday 00:00 local time = UTC + offset).
  static std::int64_t week_of(Instant t, Span utc_offset);
  /// Start (UTC) of local week `week`.
  static Instant week_start(std::int64_t week, Span utc_offset);

  /// The outcome recorded for an idempotency key, or nullptr.
  const KeyedOutcome* outcome(std::string_view key) const;

  /// Every violated invariant, described (empty when consistent): per instrument, the slot index
  /// holds exactly the bookings in Requested/Confirmed/CheckedIn and none overlap; none of them
  /// overlaps a window or outage or lies outside working hours; usage equals the sum of the
  /// completed bookings' durations; quota totals recomputed from the bookings equal the
  /// maintained ones and stay within the weekly quota; the waitlist holds exactly the
  /// Waitlisted bookings, in request order.
  std::vector<std::string> check_invariants() const;

  /// Full state equality (snapshot + replay tests).
  bool operator==(const BookingLedgerState& other) const;

 private:
  struct QuotaKey {
    std::uint32_t instrument = 0;
    std::int64_t week = 0;
    std::string principal;
    bool operator==(const QuotaKey&) const = default;
  };
  struct QuotaView {
    std::uint32_t instrument = 0;
    std::int64_t week = 0;
    std::string_view principal;
  };
  struct QuotaLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      if (a.instrument != b.instrument) return a.instrument < b.instrument;
      if (a.week != b.week) return a.week < b.week;
      return std::string_view(a.principal) < std::string_view(b.principal);
    }
  };
  using QuotaMap = std::map<QuotaKey, std::int64_t, QuotaLess>;

  Booking& at(BookingId id) { return bookings_.at(index(id)); }
  void charge(const Booking& b, std::int64_t sign);  // quota +/- the booking's duration
  void release(Booking& b);                          // leaves slot, quota and waitlist
  void hold(Booking& b);                             // takes slot and quota
  void unlist(const Booking& b);                     // leaves the waitlist

  std::uint64_t last_seq_ = 0;
  std::vector<Instrument> instruments_;
  std::vector<InstrumentBook> books_;
  std::vector<RunType> run_types_;
  std::vector<Booking> bookings_;
  std::vector<Window> windows_;
  std::map<std::string, InstrumentId, std::less<>> instrument_index_;
  std::map<std::string, RunTypeId, std::less<>> run_type_index_;
  std::map<std::string, KeyedOutcome, std::less<>> outcomes_;
  QuotaMap quota_;
};

}  // namespace labtwin::core::instruments
