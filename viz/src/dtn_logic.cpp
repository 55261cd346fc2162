// The DTN panel's pure logic: open and next contacts, and the snapshot's time-dependent DTN
// parts (bundle counts and node storage from the KPIs, open contacts on the site map).
#include <algorithm>
#include <cmath>
#include <string>

#include "labtwin/viz/snapshot.hpp"

namespace labtwin::viz {

std::vector<std::size_t> open_contacts(const DtnState& dtn, double t_s) {
  std::vector<std::size_t> out;
  if (!dtn.contacts) return out;
  const auto& c = *dtn.contacts;
  // Sorted by start: nothing after the first contact starting later than t can be open.
  for (std::size_t i = 0; i < c.size() && c[i].start_s <= t_s; ++i)
    if (t_s < c[i].end_s) out.push_back(i);
  return out;
}

std::vector<std::size_t> next_contacts(const DtnState& dtn, double t_s, std::size_t n) {
  std::vector<std::size_t> out;
  if (!dtn.contacts) return out;
  const auto& c = *dtn.contacts;
  auto it = std::upper_bound(c.begin(), c.end(), t_s,
                             [](double t, const DtnContact& x) { return t < x.start_s; });
  for (; it != c.end() && out.size() < n; ++it)
    out.push_back(static_cast<std::size_t>(it - c.begin()));
  return out;
}

std::string dtn_map_id(std::uint64_t node) { return "dtn/" + std::to_string(node); }

namespace {

// The node number of a "dtn/<node>" map id; false for any other id.
bool node_of(const std::string& id, std::uint64_t& node) {
  if (id.rfind("dtn/", 0) != 0 || id.size() == 4) return false;
  node = 0;
  for (std::size_t i = 4; i < id.size(); ++i) {
    if (id[i] < '0' || id[i] > '9') return false;
    node = node * 10 + static_cast<std::uint64_t>(id[i] - '0');
  }
  return true;
}

}  // namespace

void update_dtn(Snapshot& snap) {
  DtnState& d = snap.dtn;
  if (!d.enabled) return;
  const auto kpi = [&](const std::string& name) {
    for (const auto& k : snap.kpis)
      if (k.name == name) return std::isfinite(k.value) ? k.value : 0.0;
    return -1.0;
  };
  d.bundles = kpi("dtn_bundles");
  const double ratio = kpi("dtn_delivery_ratio");
  d.delivered = d.bundles >= 0 && ratio >= 0 ? std::round(ratio * d.bundles) : -1.0;
  d.expired = kpi("dtn_bundles_expired");
  d.dropped = kpi("dtn_bundles_dropped");
  d.pending = kpi("dtn_bundles_pending");
  for (auto& n : d.nodes) {
    n.storage_peak = kpi("dtn_storage_peak_node_" + std::to_string(n.node));
    n.storage_mean = kpi("dtn_storage_mean_node_" + std::to_string(n.node));
  }
  // Contact edges: open while any contact between the two nodes (either way) is open.
  const auto open = open_contacts(d, snap.now_s);
  for (auto& e : snap.map_edges) {
    if (e.kind != "contact" && e.kind != "contact_open") continue;
    std::uint64_t a = 0, b = 0;
    if (!node_of(e.a, a) || !node_of(e.b, b)) continue;
    bool is_open = false;
    for (std::size_t i : open) {
      const auto& c = (*d.contacts)[i];
      is_open |= (c.from == a && c.to == b) || (c.from == b && c.to == a);
    }
    e.kind = is_open ? "contact_open" : "contact";
  }
}

}  // namespace labtwin::viz
