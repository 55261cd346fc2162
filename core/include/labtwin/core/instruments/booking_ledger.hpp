#pragma once
/// @file BookingLedger: the event-sourced command handler for shared-instrument bookings.
///
/// Follows the stock ledger's design (inventory/ledger.hpp): a command is checked against the
/// current state at the Clock's time; a rejected command changes nothing and says why (a Reason
/// and a text naming what is wrong); an accepted one becomes events that are applied to the
/// state, appended to the log and published to the EventSink. Follow-on effects of a command
/// (a freed slot offered to the waitlist, bumped bookings re-offered a slot) are events of the
/// same command.
///
/// Optional collaborators: a stock ledger (run types' bills of materials are issued through it
/// at check-in) and a dispatcher (a breakdown opens a repair ticket). Both must outlive the
/// booking ledger. Their effects are not part of this log: replay() never re-issues stock.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "labtwin/core/instruments/booking.hpp"
#include "labtwin/core/instruments/booking_events.hpp"
#include "labtwin/core/instruments/booking_state.hpp"
#include "labtwin/core/ports.hpp"

namespace labtwin::core {
class Dispatcher;
namespace inventory {
class Ledger;
}  // namespace inventory
}  // namespace labtwin::core

namespace labtwin::core::instruments {

/// Event-sourced booking ledger with idempotent commands.
class BookingLedger {
 public:
  /// An empty ledger. `sink`, `stock` and `dispatch` may be nullptr.
  explicit BookingLedger(const Clock& clock, EventSink* sink = nullptr,
                         inventory::Ledger* stock = nullptr, Dispatcher* dispatch = nullptr);
  /// A ledger resuming from a snapshot (later events may then be replayed onto it).
  BookingLedger(const Clock& clock, EventSink* sink, BookingLedgerState snapshot);

  /// Sets (or clears, with nullptr) the stock ledger bills of materials are issued from.
  void set_stock(inventory::Ledger* stock) { stock_ = stock; }
  /// Sets (or clears) the dispatcher that receives repair tickets.
  void set_dispatcher(Dispatcher* dispatch) { dispatch_ = dispatch; }

  /// Executes any command.
  Result execute(const Command& command);
  /// Registers an instrument.
  Result execute(const AddInstrument& c);
  /// Registers a run type.
  Result execute(const AddRunType& c);
  /// Requests a slot (or joins the waitlist).
  Result execute(const Request& c);
  /// Approves a requested booking.
  Result execute(const Approve& c);
  /// Refuses a requested or waitlisted booking.
  Result execute(const Reject& c);
  /// Checks a run in (issuing its bill of materials, or losing the run).
  Result execute(const CheckIn& c);
  /// Completes a run.
  Result execute(const Complete& c);
  /// Cancels a booking.
  Result execute(const Cancel& c);
  /// Records a no-show.
  Result execute(const NoShow& c);
  /// Places a maintenance or calibration window.
  Result execute(const AddMaintenanceWindow& c);
  /// Reports a breakdown.
  Result execute(const ReportBreakdown& c);
  /// Ends a breakdown.
  Result execute(const RepairDone& c);

  /// Appends an event from a persisted log (no validation beyond the sequence number, no
  /// publication, no stock or dispatch effects). Rejects with InvalidArgument unless
  /// `event.seq == state().last_seq() + 1`.
  Result replay(const Event& event);

  /// What a Request for [start, end) by user/project would be told, without booking (the
  /// Overlap reason is checked last, so it is the only problem when returned).
  Result check_slot(InstrumentId instrument, Instant start, Instant end, std::string_view user,
                    std::string_view project) const;
  /// The earliest start at or after max(from, now) where a slot of `duration` would be accepted
  /// for user/project (working hours, granularity, windows, quota, other bookings), searching
  /// up to the book-ahead limit; nullopt if there is none or `duration` breaks the slot rules.
  std::optional<Instant> find_slot(InstrumentId instrument, Instant from, Span duration,
                                   std::string_view user, std::string_view project) const;

  /// The current state.
  const BookingLedgerState& state() const { return state_; }
  /// A copy of the current state (a snapshot).
  BookingLedgerState snapshot() const { return state_; }
  /// The event log since construction (or since the snapshot it resumed from).
  const std::vector<Event>& events() const { return log_; }
  /// The Clock's current time.
  Instant now() const { return clock_->now(); }
  /// The state's invariant violations (empty when consistent).
  std::vector<std::string> check_invariants() const { return state_.check_invariants(); }

 private:
  template <typename C>
  Result run(const C& c);
  Result handle(const AddInstrument& c);
  Result handle(const AddRunType& c);
  Result handle(const Request& c);
  Result handle(const Approve& c);
  Result handle(const Reject& c);
  Result handle(const CheckIn& c);
  Result handle(const Complete& c);
  Result handle(const Cancel& c);
  Result handle(const NoShow& c);
  Result handle(const AddMaintenanceWindow& c);
  Result handle(const ReportBreakdown& c);
  Result handle(const RepairDone& c);

  Result check_slot_at(InstrumentId instrument, Instant start, Instant end, std::string_view user,
                       std::string_view project, Instant now) const;
  std::optional<Instant> find_slot_at(InstrumentId instrument, Instant from, Span duration,
                                      std::string_view principal, Instant now) const;
  Result check_booking(BookingId id) const;
  void emit(EventBody body);
  void offer_waitlist(InstrumentId instrument);
  void bump_overlapping(InstrumentId instrument, WindowId window);
  void publish(const Event& e);

  const Clock* clock_;
  EventSink* sink_;
  inventory::Ledger* stock_ = nullptr;
  Dispatcher* dispatch_ = nullptr;
  BookingLedgerState state_;
  std::vector<Event> log_;
  std::vector<BookingId> scratch_;  // waitlist / bump candidates of the command being handled
  Instant now_{};                   // clock time of the command being handled
  const std::string* key_ = nullptr;
  std::size_t batch_start_ = 0;  // log index of the first event of the command being handled
};

}  // namespace labtwin::core::instruments
