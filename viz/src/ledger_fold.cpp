// Lots and open purchase orders of a played-back run, folded from its /ledger table.
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "labtwin/sim/units.hpp"
#include "labtwin/viz/recording.hpp"

namespace labtwin::viz {

std::string ledger_value(std::string_view detail, std::string_view key) {
  std::size_t i = 0;
  while (i < detail.size()) {
    while (i < detail.size() && detail[i] == ' ') ++i;
    const std::size_t eq = detail.find('=', i);
    if (eq == std::string_view::npos) break;
    const std::string_view k = detail.substr(i, eq - i);
    std::string value;
    std::size_t j = eq + 1;
    if (j < detail.size() && detail[j] == '"') {
      // Quoted: backslash escapes a quote or a backslash.
      for (++j; j < detail.size() && detail[j] != '"'; ++j) {
        if (detail[j] == '\\' && j + 1 < detail.size()) ++j;
        value += detail[j];
      }
      ++j;  // the closing quote
    } else {
      const std::size_t end = std::min(detail.find(' ', j), detail.size());
      value.assign(detail.substr(j, end - j));
      j = end;
    }
    if (k == key) return value;
    i = j;
  }
  return {};
}

void fold_ledger(const std::vector<LedgerRow>& rows, double t_s, std::int64_t start_us,
                 std::vector<LotRow>& lots, std::vector<OrderRow>& orders) {
  lots.clear();
  orders.clear();
  struct Loc {
    std::string kind, parent;
  };
  std::map<std::string, Loc, std::less<>> locs;
  std::map<std::string, std::size_t, std::less<>> lot_at;  // lot code -> index in `all`
  std::vector<LotRow> all;
  std::vector<std::string> lot_loc;                       // parallel to `all`
  std::map<std::string, std::size_t, std::less<>> po_at;  // "PO-<n>" -> index in `pos`
  std::vector<OrderRow> pos;
  const auto qty = [](double q) { return std::isfinite(q) ? q : 0.0; };
  const auto lot = [&](const std::string& code) -> LotRow* {
    const auto it = lot_at.find(code);
    return it == lot_at.end() ? nullptr : &all[it->second];
  };
  for (const auto& r : rows) {
    if (r.t_s > t_s) break;
    const std::string_view k = r.kind;
    if (k == "inventory.location_added") {
      locs[r.entity] = {ledger_value(r.detail, "kind"), ledger_value(r.detail, "parent")};
    } else if (k == "inventory.received") {
      LotRow l;
      l.code = r.entity;
      l.sku = ledger_value(r.detail, "sku");
      l.quantity = qty(r.quantity);
      if (const auto e = ledger_value(r.detail, "expiry"); !e.empty()) {
        const auto us = sim::units::parse_datetime(e);
        if (us.ok()) l.expiry_s = static_cast<double>(us.value - start_us) / 1e6;
      }
      lot_at[l.code] = all.size();
      lot_loc.push_back(ledger_value(r.detail, "location"));
      all.push_back(std::move(l));
    } else if (k == "inventory.qc_released" || k == "inventory.qc_rejected") {
      if (auto* l = lot(r.entity)) l->released = k == "inventory.qc_released";
    } else if (k == "inventory.issued" || k == "inventory.written_off") {
      if (auto* l = lot(r.entity)) l->quantity -= qty(r.quantity);
    } else if (k == "inventory.adjusted") {
      if (auto* l = lot(r.entity)) l->quantity += qty(r.quantity);  // signed delta
    } else if (k == "inventory.transferred") {
      const std::string from = ledger_value(r.detail, "split_from");
      const std::string to = ledger_value(r.detail, "to");
      if (from.empty()) {
        if (const auto it = lot_at.find(r.entity); it != lot_at.end()) lot_loc[it->second] = to;
      } else if (auto* src = lot(from)) {
        // A split: the moved part is a new lot with the source's item, expiry and QC state.
        LotRow part = *src;
        src->quantity -= qty(r.quantity);
        part.code = r.entity;
        part.quantity = qty(r.quantity);
        lot_at[part.code] = all.size();
        lot_loc.push_back(to);
        all.push_back(std::move(part));
      }
    } else if (k == "inventory.po_requested") {
      po_at[r.entity] = pos.size();
      pos.push_back({r.entity, ledger_value(r.detail, "sku"), ledger_value(r.detail, "supplier"),
                     "requested", qty(r.quantity)});
    } else if (k == "inventory.po_advanced") {
      if (const auto it = po_at.find(r.entity); it != po_at.end())
        pos[it->second].state = ledger_value(r.detail, "to");
    }
  }
  // The storage unit of a location: itself or its nearest storage_unit ancestor.
  const auto unit_of = [&](std::string code) {
    for (int guard = 0; guard < 64 && !code.empty(); ++guard) {
      const auto it = locs.find(code);
      if (it == locs.end()) return std::string();
      if (it->second.kind == "storage_unit") return code;
      code = it->second.parent;
    }
    return std::string();
  };
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].quantity <= 1e-9) continue;  // as the live view: lots with stock only
    all[i].unit = unit_of(lot_loc[i]);
    lots.push_back(std::move(all[i]));
  }
  for (auto& o : pos)
    if (o.state == "requested" || o.state == "approved" || o.state == "ordered" ||
        o.state == "shipped")
      orders.push_back(std::move(o));
}

}  // namespace labtwin::viz
