#pragma once
/// @file Ledger: the event-sourced inventory command handler.
///
/// A command is validated against the current state at the Clock's time; if accepted it
/// becomes one or more events that are applied to the state, appended to the log and
/// published to the EventSink as DomainEvents. A rejected command changes nothing.
#include <cstdint>
#include <string>
#include <vector>

#include "labtwin/core/inventory/commands.hpp"
#include "labtwin/core/inventory/events.hpp"
#include "labtwin/core/inventory/state.hpp"
#include "labtwin/core/ports.hpp"

namespace labtwin::core::inventory {

/// Event-sourced stock ledger with idempotent commands.
class Ledger {
 public:
  /// An empty ledger. `sink` may be nullptr (then nothing is formatted or published).
  explicit Ledger(const Clock& clock, EventSink* sink = nullptr);
  /// A ledger resuming from a snapshot (later events may then be replayed onto it).
  Ledger(const Clock& clock, EventSink* sink, LedgerState snapshot);

  /// Executes any command.
  Result execute(const Command& command);
  /// Adds a SKU.
  Result execute(const RegisterItem& c);
  /// Adds a location node.
  Result execute(const AddLocation& c);
  /// Receives a lot into quarantine.
  Result execute(const Receive& c);
  /// Releases a quarantined lot.
  Result execute(const ReleaseQc& c);
  /// Rejects a lot and writes it off.
  Result execute(const RejectQc& c);
  /// Reserves stock by a pick plan.
  Result execute(const Reserve& c);
  /// Releases a reservation.
  Result execute(const ReleaseReservation& c);
  /// Issues stock by a pick plan.
  Result execute(const Issue& c);
  /// Issues from one lot.
  Result execute(const IssueLot& c);
  /// Issues a reservation.
  Result execute(const IssueReservation& c);
  /// Moves a lot or part of it.
  Result execute(const Transfer& c);
  /// Corrects a lot's quantity.
  Result execute(const Adjust& c);
  /// Writes off (part of) a lot.
  Result execute(const WriteOff& c);
  /// Writes off every lot at or below a node.
  Result execute(const WriteOffUnit& c);
  /// Requests a purchase order.
  Result execute(const RequestPo& c);
  /// Advances a purchase order.
  Result execute(const AdvancePo& c);
  /// Receives a purchase order.
  Result execute(const ReceivePo& c);

  /// Appends an event from a persisted log (no validation beyond the sequence number, no
  /// publication). Rejects with InvalidArgument unless `event.seq == state().last_seq() + 1`.
  Result replay(const Event& event);

  /// The current state.
  const LedgerState& state() const { return state_; }
  /// A copy of the current state (a snapshot).
  LedgerState snapshot() const { return state_; }
  /// The event log since construction (or since the snapshot it resumed from).
  const std::vector<Event>& events() const { return log_; }
  /// The Clock's current time.
  Instant now() const { return clock_->now(); }

  /// plan_pick at the Clock's time.
  std::vector<PickLine> plan_pick(SkuId sku, double quantity,
                                  PickStrategy strategy = PickStrategy::Fefo,
                                  LocId site = kNoLoc) const {
    return state_.plan_pick(sku, quantity, now(), strategy, site);
  }
  /// Available quantity at the Clock's time.
  double available(SkuId sku, LocId site = kNoLoc) const {
    return state_.available(sku, now(), site);
  }
  /// The state's invariant violations (empty when consistent).
  std::vector<std::string> check_invariants() const { return state_.check_invariants(); }

 private:
  template <typename C>
  Result run(const C& c);
  Result validate(const RegisterItem& c);
  Result validate(const AddLocation& c);
  Result validate(const Receive& c);
  Result validate(const ReleaseQc& c);
  Result validate(const RejectQc& c);
  Result validate(const Reserve& c);
  Result validate(const ReleaseReservation& c);
  Result validate(const Issue& c);
  Result validate(const IssueLot& c);
  Result validate(const IssueReservation& c);
  Result validate(const Transfer& c);
  Result validate(const Adjust& c);
  Result validate(const WriteOff& c);
  Result validate(const WriteOffUnit& c);
  Result validate(const RequestPo& c);
  Result validate(const AdvancePo& c);
  Result validate(const ReceivePo& c);
  Result check_put_away(SkuId sku, LocId location, LocId from) const;
  Result check_issuable(LotId lot) const;
  Result check_open_reservation(ResId id) const;
  void release_reservations_on(LotId lot);
  Result commit(const std::string& key);
  void publish(const Event& e);

  const Clock* clock_;
  EventSink* sink_;
  LedgerState state_;
  std::vector<Event> log_;
  std::vector<EventBody> pending_;      // events of the command being validated
  std::vector<PickLine> pick_scratch_;  // reused pick plan
  Instant now_{};                       // clock time of the command being handled
};

}  // namespace labtwin::core::inventory
