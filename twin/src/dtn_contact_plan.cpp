// ContactPlan helpers: node lookup and canonical ordering.
#include <algorithm>
#include <tuple>

#include "labtwin/twin/dtn/contact_plan.hpp"

namespace labtwin::twin::dtn {

std::size_t ContactPlan::node_index(NodeId n) const {
  const auto it = std::lower_bound(nodes.begin(), nodes.end(), n);
  return it != nodes.end() && *it == n ? static_cast<std::size_t>(it - nodes.begin())
                                       : nodes.size();
}

void ContactPlan::finalize() {
  std::stable_sort(contacts.begin(), contacts.end(), [](const Contact& a, const Contact& b) {
    return std::tie(a.start, a.id, a.from, a.to) < std::tie(b.start, b.id, b.from, b.to);
  });
  // Nodes already listed stay (a node may have no contact yet); contacts and ranges add theirs.
  for (const auto& c : contacts) {
    nodes.push_back(c.from);
    nodes.push_back(c.to);
  }
  for (const auto& r : ranges) {
    nodes.push_back(r.from);
    nodes.push_back(r.to);
  }
  std::sort(nodes.begin(), nodes.end());
  nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
}

}  // namespace labtwin::twin::dtn
