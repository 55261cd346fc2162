#include <cmath>
#include <cstdio>
#include <type_traits>
#include <utility>

#include "labtwin/core/idempotency.hpp"
#include "labtwin/core/inventory/ledger.hpp"

namespace labtwin::core::inventory {

namespace {

Result fail(Error e, std::string reason) {
  Result r;
  r.error = e;
  r.reason = std::move(reason);
  return r;
}

std::string qty(double q) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", q);
  return buf;
}

bool bad_quantity(double q) { return !std::isfinite(q) || q <= 0.0; }

Result bad_quantity_error(double q) {
  return fail(Error::InvalidQuantity, "quantity must be positive and finite, got " + qty(q));
}

std::string id_text(const char* prefix, std::uint32_t i) {
  return std::string(prefix) + std::to_string(i);
}

}  // namespace

Ledger::Ledger(const Clock& clock, EventSink* sink) : clock_(&clock), sink_(sink) {}

Ledger::Ledger(const Clock& clock, EventSink* sink, LedgerState snapshot)
    : clock_(&clock), sink_(sink), state_(std::move(snapshot)) {}

Result Ledger::execute(const Command& command) {
  return std::visit([&](const auto& c) { return execute(c); }, command);
}

Result Ledger::execute(const RegisterItem& c) { return run(c); }
Result Ledger::execute(const AddLocation& c) { return run(c); }
Result Ledger::execute(const Receive& c) { return run(c); }
Result Ledger::execute(const ReleaseQc& c) { return run(c); }
Result Ledger::execute(const RejectQc& c) { return run(c); }
Result Ledger::execute(const Reserve& c) { return run(c); }
Result Ledger::execute(const ReleaseReservation& c) { return run(c); }
Result Ledger::execute(const Issue& c) { return run(c); }
Result Ledger::execute(const IssueLot& c) { return run(c); }
Result Ledger::execute(const IssueReservation& c) { return run(c); }
Result Ledger::execute(const Transfer& c) { return run(c); }
Result Ledger::execute(const Adjust& c) { return run(c); }
Result Ledger::execute(const WriteOff& c) { return run(c); }
Result Ledger::execute(const WriteOffUnit& c) { return run(c); }
Result Ledger::execute(const RequestPo& c) { return run(c); }
Result Ledger::execute(const AdvancePo& c) { return run(c); }
Result Ledger::execute(const ReceivePo& c) { return run(c); }

template <typename C>
Result Ledger::run(const C& c) {
  if (!c.key.empty()) {
    if (const KeyedOutcome* o = state_.outcome(c.key)) return replayed_outcome<Result>(*o);
  }
  now_ = clock_->now();
  pending_.clear();
  Result r = validate(c);
  if (!r.ok()) {
    pending_.clear();
    return r;
  }
  return commit(c.key);
}

Result Ledger::commit(const std::string& key) {
  Result r;
  if (pending_.empty()) return r;  // accepted, nothing to record (e.g. an empty unit)
  const auto n = static_cast<std::uint32_t>(pending_.size());
  r.first_seq = state_.last_seq() + 1;
  for (std::uint32_t i = 0; i < n; ++i) {
    Event e;
    e.seq = state_.last_seq() + 1;
    e.at = now_;
    e.body = std::move(pending_[i]);
    if (i == 0) {
      e.key = key;
      e.batch = n;
    }
    state_.apply(e);
    log_.push_back(std::move(e));
    publish(log_.back());
  }
  pending_.clear();
  r.last_seq = state_.last_seq();
  r.id = created_id(log_[log_.size() - n].body);
  return r;
}

Result Ledger::replay(const Event& event) {
  if (event.seq != state_.last_seq() + 1) {
    return fail(Error::InvalidArgument, "replayed event has sequence number " +
                                            std::to_string(event.seq) + ", expected " +
                                            std::to_string(state_.last_seq() + 1));
  }
  state_.apply(event);
  log_.push_back(event);
  Result r;
  r.first_seq = r.last_seq = event.seq;
  r.id = created_id(event.body);
  return r;
}

// --- shared checks ----------------------------------------------------------------------------

Result Ledger::check_put_away(SkuId sku, LocId location, LocId from) const {
  if (!state_.valid(location)) {
    return fail(Error::UnknownLocation, id_text("unknown location handle #", index(location)));
  }
  const Location& loc = state_.location(location);
  if (loc.kind < LocationKind::StorageUnit) {
    return fail(Error::InvalidHierarchy, "lots are stored in a storage unit or below, '" +
                                             state_.path_string(location) + "' is a " +
                                             std::string(to_string(loc.kind)));
  }
  const Item& item = state_.item(sku);
  if (!loc.storage || !can_store(*loc.storage, item.storage)) {
    return fail(Error::IncompatibleStorage,
                "SKU '" + item.sku + "' needs " + std::string(to_string(item.storage)) +
                    " storage, '" + state_.path_string(location) + "' is " +
                    (loc.storage ? std::string(to_string(*loc.storage)) : "unclassified"));
  }
  if (!state_.fits(location, from)) {
    return fail(Error::OverCapacity, "no free slot at '" + state_.path_string(location) +
                                         "' (a node on its path is at capacity)");
  }
  return {};
}

Result Ledger::check_issuable(LotId lot) const {
  const Lot& l = state_.lot(lot);
  if (l.qc == QcState::Quarantine) {
    return fail(Error::LotNotReleased, "lot '" + l.code + "' is in quarantine");
  }
  if (l.qc == QcState::Rejected)
    return fail(Error::LotRejected, "lot '" + l.code + "' is rejected");
  if (l.expired_at(now_)) return fail(Error::LotExpired, "lot '" + l.code + "' is expired");
  return {};
}

void Ledger::release_reservations_on(LotId lot) {
  if (state_.lot(lot).reserved <= 0.0) return;
  for (std::uint32_t r = 0; r < state_.reservation_count(); ++r) {
    for (const PickLine& l : state_.reservation(ResId{r}).lines) {
      if (l.lot == lot && l.quantity > 0.0) {
        pending_.push_back(ReservationReleased{ResId{r}, lot, l.quantity});
      }
    }
  }
}

#define LABTWIN_CHECK_LOT(lot_id)                                                   \
  if (!state_.valid(lot_id)) {                                                      \
    return fail(Error::UnknownLot, id_text("unknown lot handle #", index(lot_id))); \
  }

// --- catalogue --------------------------------------------------------------------------------

Result Ledger::validate(const RegisterItem& c) {
  if (c.item.sku.empty()) return fail(Error::InvalidArgument, "item SKU code is empty");
  if (state_.find_sku(c.item.sku)) {
    return fail(Error::DuplicateId, "SKU '" + c.item.sku + "' is already registered");
  }
  if (c.item.unit.empty()) {
    return fail(Error::InvalidArgument, "SKU '" + c.item.sku + "' has no unit of measure");
  }
  if (!std::isfinite(c.item.unit_value) || c.item.unit_value < 0.0) {
    return fail(Error::InvalidArgument, "SKU '" + c.item.sku +
                                            "' unit value must be finite and >= 0, got " +
                                            qty(c.item.unit_value));
  }
  pending_.push_back(
      ItemRegistered{SkuId{static_cast<std::uint32_t>(state_.item_count())}, c.item});
  return {};
}

Result Ledger::validate(const AddLocation& c) {
  if (c.code.empty()) return fail(Error::InvalidArgument, "location code is empty");
  if (state_.find_location(c.code)) {
    return fail(Error::DuplicateId, "location '" + c.code + "' already exists");
  }
  if (c.kind == LocationKind::Site) {
    if (c.parent != kNoLoc) {
      return fail(Error::InvalidHierarchy, "site '" + c.code + "' cannot have a parent");
    }
  } else {
    if (c.parent == kNoLoc) {
      return fail(Error::InvalidHierarchy,
                  std::string(to_string(c.kind)) + " '" + c.code + "' needs a parent");
    }
    if (!state_.valid(c.parent)) {
      return fail(Error::UnknownLocation, "parent of '" + c.code + "' is unknown (handle #" +
                                              std::to_string(index(c.parent)) + ")");
    }
    const Location& p = state_.location(c.parent);
    if (p.kind >= c.kind) {
      return fail(Error::InvalidHierarchy, "a " + std::string(to_string(c.kind)) + " ('" + c.code +
                                               "') cannot be placed in a " +
                                               std::string(to_string(p.kind)) + " ('" + p.code +
                                               "')");
    }
  }
  if (c.kind == LocationKind::StorageUnit && !c.storage) {
    return fail(Error::InvalidArgument, "storage unit '" + c.code + "' needs a storage class");
  }
  if (c.kind != LocationKind::StorageUnit && c.storage) {
    return fail(Error::InvalidArgument, "only storage units have a storage class, '" + c.code +
                                            "' is a " + std::string(to_string(c.kind)));
  }
  if (c.capacity && *c.capacity == 0) {
    return fail(Error::InvalidArgument, "capacity of '" + c.code + "' must be at least 1");
  }
  pending_.push_back(LocationAdded{LocId{static_cast<std::uint32_t>(state_.location_count())},
                                   c.code, c.kind, c.parent, c.capacity, c.storage});
  return {};
}

// --- receipt and QC ---------------------------------------------------------------------------

Result Ledger::validate(const Receive& c) {
  if (!state_.valid(c.sku))
    return fail(Error::UnknownSku, id_text("unknown SKU handle #", index(c.sku)));
  if (c.lot_code.empty()) return fail(Error::InvalidArgument, "lot code is empty");
  if (state_.find_lot(c.lot_code)) {
    return fail(Error::DuplicateId, "lot '" + c.lot_code + "' already exists");
  }
  if (bad_quantity(c.quantity)) return bad_quantity_error(c.quantity);
  if (Result r = check_put_away(c.sku, c.location, kNoLoc); !r.ok()) return r;
  pending_.push_back(Received{LotId{static_cast<std::uint32_t>(state_.lot_count())}, c.sku,
                              c.lot_code, c.quantity, c.location, c.expiry, kNoPo});
  return {};
}

Result Ledger::validate(const ReleaseQc& c) {
  LABTWIN_CHECK_LOT(c.lot)
  const Lot& l = state_.lot(c.lot);
  if (l.qc == QcState::Released) {
    return fail(Error::InvalidTransition, "lot '" + l.code + "' is already released");
  }
  if (l.qc == QcState::Rejected)
    return fail(Error::LotRejected, "lot '" + l.code + "' is rejected");
  if (l.expired_at(now_)) {
    return fail(Error::LotExpired, "lot '" + l.code + "' expired before its QC release");
  }
  pending_.push_back(QcReleased{c.lot});
  if (l.po != kNoPo && state_.po(l.po).state == PoState::QcHold) {
    pending_.push_back(PoAdvanced{l.po, PoState::Released, kNoLot});
  }
  return {};
}

Result Ledger::validate(const RejectQc& c) {
  LABTWIN_CHECK_LOT(c.lot)
  const Lot& l = state_.lot(c.lot);
  if (l.qc == QcState::Rejected) {
    return fail(Error::InvalidTransition, "lot '" + l.code + "' is already rejected");
  }
  release_reservations_on(c.lot);
  pending_.push_back(QcRejected{c.lot});
  if (l.on_hand > 0.0) {
    pending_.push_back(WrittenOff{c.lot, l.on_hand, WriteOffReason::QcRejected});
  }
  if (l.po != kNoPo && state_.po(l.po).state == PoState::QcHold) {
    pending_.push_back(PoAdvanced{l.po, PoState::Rejected, kNoLot});
  }
  return {};
}

// --- reservations and issues ------------------------------------------------------------------

namespace {

Result check_site(const LedgerState& s, LocId site) {
  if (site == kNoLoc) return {};
  if (!s.valid(site)) {
    return fail(Error::UnknownLocation, id_text("unknown site handle #", index(site)));
  }
  if (s.location(site).kind != LocationKind::Site) {
    return fail(Error::InvalidArgument, "site filter '" + s.location(site).code + "' is a " +
                                            std::string(to_string(s.location(site).kind)) +
                                            ", not a site");
  }
  return {};
}

}  // namespace

Result Ledger::validate(const Reserve& c) {
  if (!state_.valid(c.sku))
    return fail(Error::UnknownSku, id_text("unknown SKU handle #", index(c.sku)));
  if (bad_quantity(c.quantity)) return bad_quantity_error(c.quantity);
  if (Result r = check_site(state_, c.site); !r.ok()) return r;
  const double shortfall =
      state_.plan_pick(c.sku, c.quantity, now_, c.strategy, c.site, pick_scratch_);
  if (shortfall > 0.0) {
    return fail(Error::InsufficientStock, "cannot reserve " + qty(c.quantity) + " of SKU '" +
                                              state_.item(c.sku).sku + "': only " +
                                              qty(c.quantity - shortfall) + " available");
  }
  const ResId res{static_cast<std::uint32_t>(state_.reservation_count())};
  for (const PickLine& l : pick_scratch_)
    pending_.push_back(Reserved{res, c.sku, l.lot, l.quantity});
  return {};
}

Result Ledger::check_open_reservation(ResId id) const {
  if (!state_.valid(id)) {
    return fail(Error::UnknownReservation, id_text("unknown reservation handle #", index(id)));
  }
  if (!state_.reservation(id).open()) {
    return fail(Error::InvalidTransition,
                id_text("reservation #", index(id)) + " is already closed");
  }
  return {};
}

Result Ledger::validate(const ReleaseReservation& c) {
  if (Result e = check_open_reservation(c.reservation); !e.ok()) return e;
  const Reservation& r = state_.reservation(c.reservation);
  for (const PickLine& l : r.lines) {
    if (l.quantity > 0.0) pending_.push_back(ReservationReleased{c.reservation, l.lot, l.quantity});
  }
  return {};
}

Result Ledger::validate(const Issue& c) {
  if (!state_.valid(c.sku))
    return fail(Error::UnknownSku, id_text("unknown SKU handle #", index(c.sku)));
  if (bad_quantity(c.quantity)) return bad_quantity_error(c.quantity);
  if (Result r = check_site(state_, c.site); !r.ok()) return r;
  const double shortfall =
      state_.plan_pick(c.sku, c.quantity, now_, c.strategy, c.site, pick_scratch_);
  if (shortfall > 0.0) {
    return fail(Error::InsufficientStock, "cannot issue " + qty(c.quantity) + " of SKU '" +
                                              state_.item(c.sku).sku + "': only " +
                                              qty(c.quantity - shortfall) + " available");
  }
  for (const PickLine& l : pick_scratch_) pending_.push_back(Issued{l.lot, l.quantity, kNoRes});
  return {};
}

Result Ledger::validate(const IssueLot& c) {
  LABTWIN_CHECK_LOT(c.lot)
  if (Result r = check_issuable(c.lot); !r.ok()) return r;
  if (bad_quantity(c.quantity)) return bad_quantity_error(c.quantity);
  const Lot& l = state_.lot(c.lot);
  const double free = l.on_hand - l.reserved;
  if (c.quantity > free + kQtyEpsilon) {
    return fail(Error::InsufficientStock, "cannot issue " + qty(c.quantity) + " from lot '" +
                                              l.code + "': " + qty(free) + " unreserved");
  }
  pending_.push_back(Issued{c.lot, c.quantity, kNoRes});
  return {};
}

Result Ledger::validate(const IssueReservation& c) {
  if (Result e = check_open_reservation(c.reservation); !e.ok()) return e;
  const Reservation& r = state_.reservation(c.reservation);
  for (const PickLine& l : r.lines) {
    if (l.quantity <= 0.0) continue;
    if (Result e = check_issuable(l.lot); !e.ok()) return e;
    pending_.push_back(Issued{l.lot, l.quantity, c.reservation});
  }
  return {};
}

// --- movements and corrections ----------------------------------------------------------------

Result Ledger::validate(const Transfer& c) {
  LABTWIN_CHECK_LOT(c.lot)
  const Lot& l = state_.lot(c.lot);
  if (l.on_hand <= 0.0) return fail(Error::InsufficientStock, "lot '" + l.code + "' is empty");
  if (c.to == l.location) {
    return fail(Error::InvalidArgument,
                "lot '" + l.code + "' is already at '" + state_.path_string(c.to) + "'");
  }
  double q = l.on_hand;
  bool whole = true;
  if (c.quantity) {
    if (bad_quantity(*c.quantity)) return bad_quantity_error(*c.quantity);
    if (*c.quantity > l.on_hand + kQtyEpsilon) {
      return fail(Error::InsufficientStock, "cannot move " + qty(*c.quantity) + " of lot '" +
                                                l.code + "': on hand " + qty(l.on_hand));
    }
    whole = *c.quantity >= l.on_hand - kQtyEpsilon;
    if (!whole) {
      q = *c.quantity;
      if (q > l.on_hand - l.reserved + kQtyEpsilon) {
        return fail(Error::InsufficientStock, "cannot split " + qty(q) + " off lot '" + l.code +
                                                  "': " + qty(l.on_hand - l.reserved) +
                                                  " unreserved");
      }
    }
  }
  const LotId moved = whole ? c.lot : LotId{static_cast<std::uint32_t>(state_.lot_count())};
  if (!whole && state_.find_lot(split_lot_code(l.code, moved))) {
    return fail(Error::DuplicateId,
                "split lot code '" + split_lot_code(l.code, moved) + "' is already in use");
  }
  if (Result r = check_put_away(l.sku, c.to, whole ? l.location : kNoLoc); !r.ok()) return r;
  pending_.push_back(Transferred{c.lot, moved, l.location, c.to, q});
  return {};
}

Result Ledger::validate(const Adjust& c) {
  LABTWIN_CHECK_LOT(c.lot)
  const Lot& l = state_.lot(c.lot);
  if (l.qc == QcState::Rejected) {
    // Rejected stock was written off; a found unit of it is not stock again.
    return fail(Error::LotRejected, "lot '" + l.code + "' is rejected, its stock is written off");
  }
  if (!std::isfinite(c.delta) || c.delta == 0.0) {
    return fail(Error::InvalidQuantity,
                "adjustment must be non-zero and finite, got " + qty(c.delta));
  }
  const double after = l.on_hand + c.delta;
  if (after < l.reserved - kQtyEpsilon) {
    return fail(Error::InsufficientStock,
                "adjusting lot '" + l.code + "' by " + qty(c.delta) + " leaves " + qty(after) +
                    (after < 0.0 ? ", a negative quantity"
                                 : ", below its reservations (" + qty(l.reserved) + ")"));
  }
  if (l.on_hand <= 0.0 && after > kQtyEpsilon && !state_.fits(l.location, kNoLoc)) {
    return fail(Error::OverCapacity, "lot '" + l.code + "' cannot be restocked at '" +
                                         state_.path_string(l.location) + "': no free slot");
  }
  pending_.push_back(Adjusted{c.lot, c.delta, c.note});
  return {};
}

Result Ledger::validate(const WriteOff& c) {
  LABTWIN_CHECK_LOT(c.lot)
  const Lot& l = state_.lot(c.lot);
  if (l.on_hand <= 0.0) {
    return fail(Error::InsufficientStock, "lot '" + l.code + "' has nothing to write off");
  }
  if (c.reason == WriteOffReason::Expired && !l.expired_at(now_)) {
    return fail(Error::InvalidArgument, "lot '" + l.code + "' is not expired");
  }
  if (!c.quantity) {
    release_reservations_on(c.lot);
    pending_.push_back(WrittenOff{c.lot, l.on_hand, c.reason});
    return {};
  }
  if (bad_quantity(*c.quantity)) return bad_quantity_error(*c.quantity);
  if (*c.quantity > l.on_hand - l.reserved + kQtyEpsilon) {
    return fail(Error::InsufficientStock, "cannot write off " + qty(*c.quantity) + " of lot '" +
                                              l.code + "': " + qty(l.on_hand - l.reserved) +
                                              " unreserved");
  }
  pending_.push_back(WrittenOff{c.lot, *c.quantity, c.reason});
  return {};
}

Result Ledger::validate(const WriteOffUnit& c) {
  if (!state_.valid(c.unit)) {
    return fail(Error::UnknownLocation, id_text("unknown location handle #", index(c.unit)));
  }
  for (LotId lot : state_.lots_in(c.unit)) {
    // "Expired" sweeps only the lots that are expired; other reasons take everything.
    if (c.reason == WriteOffReason::Expired && !state_.lot(lot).expired_at(now_)) continue;
    release_reservations_on(lot);
    pending_.push_back(WrittenOff{lot, state_.lot(lot).on_hand, c.reason});
  }
  return {};
}

// --- purchase orders --------------------------------------------------------------------------

Result Ledger::validate(const RequestPo& c) {
  if (!state_.valid(c.sku))
    return fail(Error::UnknownSku, id_text("unknown SKU handle #", index(c.sku)));
  if (bad_quantity(c.quantity)) return bad_quantity_error(c.quantity);
  if (Result r = check_site(state_, c.site); !r.ok()) return r;
  pending_.push_back(PoRequested{PoId{static_cast<std::uint32_t>(state_.po_count())}, c.sku,
                                 c.quantity, c.site, c.supplier});
  return {};
}

Result Ledger::validate(const AdvancePo& c) {
  if (!state_.valid(c.po))
    return fail(Error::UnknownPo, id_text("unknown PO handle #", index(c.po)));
  if (c.to != PoState::Approved && c.to != PoState::Ordered && c.to != PoState::Shipped &&
      c.to != PoState::Cancelled) {
    return fail(Error::InvalidArgument,
                "AdvancePo goes to approved, ordered, shipped or cancelled; use ReceivePo, "
                "ReleaseQc or RejectQc for " +
                    std::string(to_string(c.to)));
  }
  const PoState from = state_.po(c.po).state;
  if (!can_advance(from, c.to)) {
    return fail(Error::InvalidTransition, id_text("PO-", index(c.po)) + " cannot go from " +
                                              std::string(to_string(from)) + " to " +
                                              std::string(to_string(c.to)));
  }
  pending_.push_back(PoAdvanced{c.po, c.to, kNoLot});
  return {};
}

Result Ledger::validate(const ReceivePo& c) {
  if (!state_.valid(c.po))
    return fail(Error::UnknownPo, id_text("unknown PO handle #", index(c.po)));
  const PurchaseOrder& po = state_.po(c.po);
  if (!can_advance(po.state, PoState::QcHold)) {
    return fail(Error::InvalidTransition, id_text("PO-", index(c.po)) + " is " +
                                              std::string(to_string(po.state)) +
                                              ", only a shipped order can be received");
  }
  if (c.lot_code.empty()) return fail(Error::InvalidArgument, "lot code is empty");
  if (state_.find_lot(c.lot_code)) {
    return fail(Error::DuplicateId, "lot '" + c.lot_code + "' already exists");
  }
  if (bad_quantity(c.quantity)) return bad_quantity_error(c.quantity);
  if (Result r = check_put_away(po.sku, c.location, kNoLoc); !r.ok()) return r;
  if (po.site != kNoLoc && state_.location(c.location).site != po.site) {
    return fail(Error::InvalidArgument, id_text("PO-", index(c.po)) + " ships to '" +
                                            state_.location(po.site).code + "', not to '" +
                                            state_.path_string(c.location) + "'");
  }
  const LotId lot{static_cast<std::uint32_t>(state_.lot_count())};
  pending_.push_back(Received{lot, po.sku, c.lot_code, c.quantity, c.location, c.expiry, c.po});
  pending_.push_back(PoAdvanced{c.po, PoState::QcHold, lot});
  return {};
}

#undef LABTWIN_CHECK_LOT

// --- publication ------------------------------------------------------------------------------

void Ledger::publish(const Event& e) {
  if (sink_ == nullptr) return;
  DomainEvent d;
  d.at = e.at;
  d.kind = std::string(kind_of(e.body));
  const LedgerState& s = state_;
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, ItemRegistered>) {
          d.entity = b.item.sku;
          d.detail = std::string(to_string(b.item.storage)) + ", " + b.item.unit;
        } else if constexpr (std::is_same_v<T, LocationAdded>) {
          d.entity = b.code;
          d.detail = std::string(to_string(b.kind)) + " at " + s.path_string(b.location);
        } else if constexpr (std::is_same_v<T, Received>) {
          d.entity = b.code;
          d.detail = qty(b.quantity) + " " + s.item(b.sku).unit + " of " + s.item(b.sku).sku +
                     " into " + s.path_string(b.location);
        } else if constexpr (std::is_same_v<T, QcReleased> || std::is_same_v<T, QcRejected>) {
          d.entity = s.lot(b.lot).code;
        } else if constexpr (std::is_same_v<T, Reserved>) {
          d.entity = s.lot(b.lot).code;
          d.detail = qty(b.quantity) + " for reservation #" + std::to_string(index(b.reservation));
        } else if constexpr (std::is_same_v<T, ReservationReleased>) {
          d.entity = s.lot(b.lot).code;
          d.detail = qty(b.quantity) + " from reservation #" + std::to_string(index(b.reservation));
        } else if constexpr (std::is_same_v<T, Issued>) {
          d.entity = s.lot(b.lot).code;
          d.detail = qty(b.quantity);
        } else if constexpr (std::is_same_v<T, Transferred>) {
          d.entity = s.lot(b.moved).code;
          d.detail = qty(b.quantity) + " to " + s.path_string(b.to);
        } else if constexpr (std::is_same_v<T, Adjusted>) {
          d.entity = s.lot(b.lot).code;
          d.detail = qty(b.delta) + " (" + b.note + ")";
        } else if constexpr (std::is_same_v<T, WrittenOff>) {
          d.entity = s.lot(b.lot).code;
          d.detail = qty(b.quantity) + ", " + std::string(to_string(b.reason));
        } else if constexpr (std::is_same_v<T, PoRequested>) {
          d.entity = id_text("PO-", index(b.po));
          d.detail = qty(b.quantity) + " of " + s.item(b.sku).sku;
        } else if constexpr (std::is_same_v<T, PoAdvanced>) {
          d.entity = id_text("PO-", index(b.po));
          d.detail = std::string(to_string(b.to));
        }
      },
      e.body);
  sink_->publish(d);
}

}  // namespace labtwin::core::inventory
