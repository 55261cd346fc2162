#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "labtwin/core/inventory/state.hpp"

namespace labtwin::core::inventory {

namespace {

double snap(double v) { return std::fabs(v) < kQtyEpsilon ? 0.0 : v; }

// Values within a relative 1e-9 (absolute 1e-6 near zero) are equal for the books.
bool near(double a, double b) {
  return std::fabs(a - b) <= 1e-6 + 1e-9 * std::max(std::fabs(a), std::fabs(b));
}

template <typename T>
void erase_value(std::vector<T>& v, T x) {
  // Swap-and-pop: O(1) after the search; order is not meaningful in these lists.
  auto it = std::find(v.begin(), v.end(), x);
  if (it == v.end()) return;
  *it = v.back();
  v.pop_back();
}

template <typename Id>
void expect_next(Id id, std::size_t size, const char* what) {
  if (index(id) != size) {
    throw std::out_of_range(std::string("inventory event creates ") + what + " #" +
                            std::to_string(index(id)) + " but the next free handle is #" +
                            std::to_string(size));
  }
}

}  // namespace

bool Reservation::open() const {
  return std::any_of(lines.begin(), lines.end(),
                     [](const PickLine& l) { return l.quantity > 0.0; });
}

void LedgerState::apply(const Event& event) {
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, ItemRegistered>) {
          expect_next(b.sku, items_.size(), "item");
          items_.push_back(b.item);
          books_.emplace_back();
          sku_index_.emplace(b.item.sku, b.sku);
        } else if constexpr (std::is_same_v<T, LocationAdded>) {
          expect_next(b.location, locations_.size(), "location");
          Location loc;
          loc.code = b.code;
          loc.kind = b.kind;
          loc.parent = b.parent;
          loc.capacity = b.capacity;
          if (b.parent == kNoLoc) {
            loc.site = b.location;
          } else {
            const Location& p = locations_.at(index(b.parent));
            loc.site = p.site;
            loc.unit = p.unit;
            loc.storage = p.storage;
            children_.at(index(b.parent)).push_back(b.location);
          }
          if (b.kind == LocationKind::StorageUnit) {
            loc.unit = b.location;
            loc.storage = b.storage;
          }
          locations_.push_back(std::move(loc));
          children_.emplace_back();
          lots_at_.emplace_back();
          occupied_.push_back(0);
          location_index_.emplace(b.code, b.location);
        } else if constexpr (std::is_same_v<T, Received>) {
          expect_next(b.lot, lots_.size(), "lot");
          books_.at(index(b.sku));
          locations_.at(index(b.location));
          Lot lot;
          lot.code = b.code;
          lot.sku = b.sku;
          lot.location = b.location;
          lot.expiry = b.expiry;
          lot.qc = QcState::Quarantine;
          lot.receipt_seq = event.seq;
          lot.po = b.po;
          lots_.push_back(std::move(lot));
          lot_index_.emplace(b.code, b.lot);
          books_[index(b.sku)].received += b.quantity;
          set_on_hand(b.lot, b.quantity);
        } else if constexpr (std::is_same_v<T, QcReleased>) {
          lots_.at(index(b.lot)).qc = QcState::Released;
        } else if constexpr (std::is_same_v<T, QcRejected>) {
          lots_.at(index(b.lot)).qc = QcState::Rejected;
        } else if constexpr (std::is_same_v<T, Reserved>) {
          lots_.at(index(b.lot));
          if (index(b.reservation) == reservations_.size()) {
            reservations_.push_back(Reservation{b.sku, {}});
          }
          auto& lines = reservations_.at(index(b.reservation)).lines;
          auto it = std::find_if(lines.begin(), lines.end(),
                                 [&](const PickLine& l) { return l.lot == b.lot; });
          if (it == lines.end()) {
            lines.push_back(PickLine{b.lot, b.quantity});
          } else {
            it->quantity = snap(it->quantity + b.quantity);
          }
          add_reserved(b.lot, b.quantity);
        } else if constexpr (std::is_same_v<T, ReservationReleased>) {
          for (auto& l : reservations_.at(index(b.reservation)).lines) {
            if (l.lot == b.lot) l.quantity = snap(l.quantity - b.quantity);
          }
          add_reserved(b.lot, -b.quantity);
        } else if constexpr (std::is_same_v<T, Issued>) {
          Lot& lot = lots_.at(index(b.lot));
          if (lot.qc != QcState::Released || lot.expired_at(event.at)) ++bad_issues_;
          if (b.reservation != kNoRes) {
            for (auto& l : reservations_.at(index(b.reservation)).lines) {
              if (l.lot == b.lot) l.quantity = snap(l.quantity - b.quantity);
            }
            add_reserved(b.lot, -b.quantity);
          }
          books_[index(lot.sku)].issued += b.quantity;
          set_on_hand(b.lot, lot.on_hand - b.quantity);
        } else if constexpr (std::is_same_v<T, Transferred>) {
          locations_.at(index(b.to));
          if (b.moved == b.lot) {
            Lot& lot = lots_.at(index(b.lot));
            const bool stocked = lot.on_hand > 0.0;
            if (stocked) detach(b.lot);
            lot.location = b.to;
            if (stocked) attach(b.lot);
          } else {
            expect_next(b.moved, lots_.size(), "lot");
            Lot part = lots_.at(index(b.lot));
            part.code = split_lot_code(part.code, b.moved);
            part.location = b.to;
            part.on_hand = 0.0;
            part.reserved = 0.0;
            lots_.push_back(std::move(part));
            lot_index_.emplace(lots_.back().code, b.moved);
            set_on_hand(b.lot, lots_[index(b.lot)].on_hand - b.quantity);
            set_on_hand(b.moved, b.quantity);
          }
        } else if constexpr (std::is_same_v<T, Adjusted>) {
          Lot& lot = lots_.at(index(b.lot));
          books_[index(lot.sku)].adjusted += b.delta;
          set_on_hand(b.lot, lot.on_hand + b.delta);
        } else if constexpr (std::is_same_v<T, WrittenOff>) {
          Lot& lot = lots_.at(index(b.lot));
          books_[index(lot.sku)].written_off += b.quantity;
          set_on_hand(b.lot, lot.on_hand - b.quantity);
        } else if constexpr (std::is_same_v<T, PoRequested>) {
          expect_next(b.po, pos_.size(), "purchase order");
          books_.at(index(b.sku)).pos.push_back(b.po);
          books_.at(index(b.sku)).open_pos.push_back(b.po);
          pos_.push_back(
              PurchaseOrder{b.sku, b.quantity, b.site, b.supplier, PoState::Requested, kNoLot});
        } else if constexpr (std::is_same_v<T, PoAdvanced>) {
          PurchaseOrder& po = pos_.at(index(b.po));
          if (is_on_order(po.state) && !is_on_order(b.to)) {
            erase_value(books_[index(po.sku)].open_pos, b.po);
          }
          po.state = b.to;
          if (b.lot != kNoLot) po.lot = b.lot;
        }
      },
      event.body);
  if (!event.key.empty()) {
    outcomes_.insert_or_assign(
        event.key, KeyedOutcome{event.seq, event.seq + event.batch - 1, created_id(event.body)});
  }
  last_seq_ = event.seq;
}

void LedgerState::set_on_hand(LotId id, double value) {
  Lot& lot = lots_[index(id)];
  value = snap(value);
  const double old = lot.on_hand;
  books_[index(lot.sku)].on_hand += value - old;
  lot.on_hand = value;
  if (old <= 0.0 && value > 0.0) attach(id);
  if (old > 0.0 && value <= 0.0) detach(id);
}

void LedgerState::attach(LotId id) {
  const Lot& lot = lots_[index(id)];
  books_[index(lot.sku)].lots.push_back(id);
  lots_at_[index(lot.location)].push_back(id);
  for (LocId a = lot.location; a != kNoLoc; a = locations_[index(a)].parent) {
    ++occupied_[index(a)];
  }
}

void LedgerState::detach(LotId id) {
  const Lot& lot = lots_[index(id)];
  erase_value(books_[index(lot.sku)].lots, id);
  erase_value(lots_at_[index(lot.location)], id);
  for (LocId a = lot.location; a != kNoLoc; a = locations_[index(a)].parent) {
    --occupied_[index(a)];
  }
}

void LedgerState::add_reserved(LotId id, double delta) {
  Lot& lot = lots_[index(id)];
  lot.reserved = snap(lot.reserved + delta);
  books_[index(lot.sku)].reserved += delta;
}

std::optional<SkuId> LedgerState::find_sku(std::string_view sku) const {
  auto it = sku_index_.find(sku);
  if (it == sku_index_.end()) return std::nullopt;
  return it->second;
}

std::optional<LocId> LedgerState::find_location(std::string_view code) const {
  auto it = location_index_.find(code);
  if (it == location_index_.end()) return std::nullopt;
  return it->second;
}

std::optional<LotId> LedgerState::find_lot(std::string_view code) const {
  auto it = lot_index_.find(code);
  if (it == lot_index_.end()) return std::nullopt;
  return it->second;
}

std::span<const LocId> LedgerState::children(LocId id) const { return children_.at(index(id)); }

std::vector<LocId> LedgerState::path(LocId id) const {
  std::vector<LocId> out;
  for (LocId a = id; a != kNoLoc; a = locations_.at(index(a)).parent) out.push_back(a);
  std::reverse(out.begin(), out.end());
  return out;
}

std::string LedgerState::path_string(LocId id) const {
  std::string s;
  for (LocId a : path(id)) {
    if (!s.empty()) s += '/';
    s += locations_[index(a)].code;
  }
  return s;
}

bool LedgerState::is_within(LocId node, LocId ancestor) const {
  for (LocId a = node; a != kNoLoc; a = locations_.at(index(a)).parent) {
    if (a == ancestor) return true;
  }
  return false;
}

std::optional<std::uint32_t> LedgerState::free_capacity(LocId id) const {
  const Location& loc = locations_.at(index(id));
  if (!loc.capacity) return std::nullopt;
  const std::uint32_t used = occupied_[index(id)];
  return used >= *loc.capacity ? 0u : *loc.capacity - used;
}

bool LedgerState::fits(LocId dest, LocId from) const {
  for (LocId a = dest; a != kNoLoc; a = locations_.at(index(a)).parent) {
    const Location& loc = locations_[index(a)];
    if (!loc.capacity) continue;
    if (from != kNoLoc && is_within(from, a)) continue;  // the lot is already counted here
    if (occupied_[index(a)] + 1 > *loc.capacity) return false;
  }
  return true;
}

std::vector<LotId> LedgerState::lots_in(LocId id) const {
  std::vector<LotId> out;
  if (occupied_.at(index(id)) == 0) return out;
  std::vector<LocId> stack{id};
  while (!stack.empty()) {
    const LocId n = stack.back();
    stack.pop_back();
    const auto& here = lots_at_[index(n)];
    out.insert(out.end(), here.begin(), here.end());
    for (LocId c : children_[index(n)]) {
      if (occupied_[index(c)] > 0) stack.push_back(c);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

double LedgerState::value_in(LocId id) const {
  double v = 0.0;
  for (LotId l : lots_in(id)) {
    const Lot& lot = lots_[index(l)];
    v += lot.on_hand * items_[index(lot.sku)].unit_value;
  }
  return v;
}

double LedgerState::on_hand(SkuId sku, LocId site) const {
  const SkuBook& b = books_.at(index(sku));
  if (site == kNoLoc) return b.on_hand;
  double q = 0.0;
  for (LotId l : b.lots) {
    const Lot& lot = lots_[index(l)];
    if (locations_[index(lot.location)].site == site) q += lot.on_hand;
  }
  return q;
}

double LedgerState::reserved(SkuId sku, LocId site) const {
  const SkuBook& b = books_.at(index(sku));
  if (site == kNoLoc) return b.reserved;
  double q = 0.0;
  for (LotId l : b.lots) {
    const Lot& lot = lots_[index(l)];
    if (locations_[index(lot.location)].site == site) q += lot.reserved;
  }
  return q;
}

double LedgerState::available(LotId id, Instant now) const {
  const Lot& lot = lots_.at(index(id));
  if (lot.qc != QcState::Released || lot.expired_at(now)) return 0.0;
  return std::max(0.0, lot.on_hand - lot.reserved);
}

double LedgerState::available(SkuId sku, Instant now, LocId site) const {
  double q = 0.0;
  for (LotId l : books_.at(index(sku)).lots) {
    if (site != kNoLoc && locations_[index(lots_[index(l)].location)].site != site) continue;
    q += available(l, now);
  }
  return q;
}

double LedgerState::on_order(SkuId sku, LocId site) const {
  double q = 0.0;
  for (PoId p : books_.at(index(sku)).open_pos) {
    const PurchaseOrder& po = pos_[index(p)];
    if (site != kNoLoc && po.site != site) continue;
    q += po.quantity;
  }
  return q;
}

namespace {

std::vector<LotId> by_expiry(const std::vector<Lot>& lots, std::vector<LotId> ids) {
  std::sort(ids.begin(), ids.end(), [&](LotId a, LotId b) {
    const Lot& la = lots[index(a)];
    const Lot& lb = lots[index(b)];
    if (*la.expiry != *lb.expiry) return *la.expiry < *lb.expiry;
    return a < b;
  });
  return ids;
}

}  // namespace

std::vector<LotId> LedgerState::expiring_within(Instant now, Span span) const {
  std::vector<LotId> out;
  const Instant until = now + span;
  for (std::uint32_t i = 0; i < lots_.size(); ++i) {
    const Lot& lot = lots_[i];
    if (lot.on_hand > 0.0 && lot.expiry && *lot.expiry > now && *lot.expiry <= until) {
      out.push_back(LotId{i});
    }
  }
  return by_expiry(lots_, std::move(out));
}

std::vector<LotId> LedgerState::expired(Instant now) const {
  std::vector<LotId> out;
  for (std::uint32_t i = 0; i < lots_.size(); ++i) {
    if (lots_[i].on_hand > 0.0 && lots_[i].expired_at(now)) out.push_back(LotId{i});
  }
  return by_expiry(lots_, std::move(out));
}

double LedgerState::plan_pick(SkuId sku, double quantity, Instant now, PickStrategy strategy,
                              LocId site, std::vector<PickLine>& out) const {
  out.clear();
  scratch_.clear();
  for (LotId l : books_.at(index(sku)).lots) {
    if (site != kNoLoc && locations_[index(lots_[index(l)].location)].site != site) continue;
    if (available(l, now) > 0.0) scratch_.push_back(l);
  }
  // FEFO: earliest expiry first, lots without expiry last; FIFO: receipt order. Ties (and
  // split parts sharing a receipt) fall back to the handle, so the order is total.
  constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
  std::sort(scratch_.begin(), scratch_.end(), [&](LotId a, LotId b) {
    const Lot& la = lots_[index(a)];
    const Lot& lb = lots_[index(b)];
    if (strategy == PickStrategy::Fefo) {
      const std::int64_t ea = la.expiry ? la.expiry->us : kNever;
      const std::int64_t eb = lb.expiry ? lb.expiry->us : kNever;
      if (ea != eb) return ea < eb;
    }
    if (la.receipt_seq != lb.receipt_seq) return la.receipt_seq < lb.receipt_seq;
    return a < b;
  });
  double remaining = quantity;
  for (LotId l : scratch_) {
    if (remaining <= kQtyEpsilon) break;
    const double take = std::min(available(l, now), remaining);
    out.push_back(PickLine{l, take});
    remaining -= take;
  }
  return remaining > kQtyEpsilon ? remaining : 0.0;
}

std::vector<PickLine> LedgerState::plan_pick(SkuId sku, double quantity, Instant now,
                                             PickStrategy strategy, LocId site) const {
  std::vector<PickLine> out;
  if (valid(sku)) plan_pick(sku, quantity, now, strategy, site, out);
  return out;
}

const KeyedOutcome* LedgerState::outcome(std::string_view key) const {
  auto it = outcomes_.find(key);
  return it == outcomes_.end() ? nullptr : &it->second;
}

std::vector<std::string> LedgerState::check_invariants() const {
  std::vector<std::string> v;
  auto lot_name = [&](std::size_t i) { return "lot '" + lots_[i].code + "'"; };
  std::vector<double> on_hand(items_.size(), 0.0);
  std::vector<double> reserved(items_.size(), 0.0);
  std::vector<double> line_sum(lots_.size(), 0.0);
  std::vector<std::uint32_t> occupied(locations_.size(), 0);
  std::vector<std::size_t> stocked(items_.size(), 0);
  for (const Reservation& r : reservations_) {
    for (const PickLine& l : r.lines) {
      if (l.quantity < 0.0)
        v.push_back("reservation line on " + lot_name(index(l.lot)) +
                    " is negative: " + std::to_string(l.quantity));
      line_sum.at(index(l.lot)) += l.quantity;
    }
  }
  for (std::size_t i = 0; i < lots_.size(); ++i) {
    const Lot& lot = lots_[i];
    if (lot.on_hand < 0.0)
      v.push_back(lot_name(i) + " on hand is negative: " + std::to_string(lot.on_hand));
    if (lot.reserved < 0.0) v.push_back(lot_name(i) + " reserved is negative");
    if (lot.reserved > lot.on_hand + kQtyEpsilon) {
      v.push_back(lot_name(i) + " reserves " + std::to_string(lot.reserved) + " > on hand " +
                  std::to_string(lot.on_hand));
    }
    if (lot.reserved > 0.0 && lot.qc != QcState::Released) {
      v.push_back(lot_name(i) + " has reservations but is " + std::string(to_string(lot.qc)));
    }
    if (!near(lot.reserved, line_sum[i])) {
      v.push_back(lot_name(i) + " reserved " + std::to_string(lot.reserved) +
                  " != sum of reservation lines " + std::to_string(line_sum[i]));
    }
    on_hand[index(lot.sku)] += lot.on_hand;
    reserved[index(lot.sku)] += lot.reserved;
    if (lot.on_hand > 0.0) {
      ++stocked[index(lot.sku)];
      for (LocId a = lot.location; a != kNoLoc; a = locations_[index(a)].parent) {
        ++occupied[index(a)];
      }
    }
  }
  for (std::size_t s = 0; s < items_.size(); ++s) {
    const SkuBook& b = books_[s];
    const std::string name = "SKU '" + items_[s].sku + "'";
    const double books = b.received - b.issued - b.written_off + b.adjusted;
    if (!near(books, on_hand[s])) {
      v.push_back(name + ": received - issued - written off + adjusted = " + std::to_string(books) +
                  " but lots hold " + std::to_string(on_hand[s]));
    }
    if (!near(b.on_hand, on_hand[s])) v.push_back(name + ": on-hand total out of sync");
    if (!near(b.reserved, reserved[s])) v.push_back(name + ": reserved total out of sync");
    if (stocked[s] != b.lots.size()) v.push_back(name + ": stocked-lot list out of sync");
  }
  for (std::size_t i = 0; i < locations_.size(); ++i) {
    const Location& loc = locations_[i];
    if (occupied[i] != occupied_[i]) {
      v.push_back("location '" + loc.code + "' occupancy out of sync");
    }
    if (loc.capacity && occupied[i] > *loc.capacity) {
      v.push_back("location '" + loc.code + "' holds " + std::to_string(occupied[i]) +
                  " lots, capacity " + std::to_string(*loc.capacity));
    }
  }
  if (bad_issues_ > 0) {
    v.push_back(std::to_string(bad_issues_) +
                " issue(s) from quarantined, rejected or expired lots");
  }
  return v;
}

bool LedgerState::operator==(const LedgerState& o) const {
  return last_seq_ == o.last_seq_ && items_ == o.items_ && books_ == o.books_ &&
         locations_ == o.locations_ && children_ == o.children_ && lots_at_ == o.lots_at_ &&
         occupied_ == o.occupied_ && lots_ == o.lots_ && reservations_ == o.reservations_ &&
         pos_ == o.pos_ && sku_index_ == o.sku_index_ && location_index_ == o.location_index_ &&
         lot_index_ == o.lot_index_ && outcomes_ == o.outcomes_ && bad_issues_ == o.bad_issues_;
}

}  // namespace labtwin::core::inventory
