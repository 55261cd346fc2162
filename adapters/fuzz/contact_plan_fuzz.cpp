// libFuzzer target: arbitrary bytes into the contact-plan importers (ION text and HDTN JSON,
// chosen by the first non-blank byte as `parse_contact_plan` does, and each parser forced). A
// parse either throws ContactPlanError whose message starts with the source name, or returns
// a plan whose invariants hold; a successful plan is then routed (contact graph routing between
// its first and last node), which must not crash either. Built with -DLABTWIN_BUILD_FUZZ=ON
// (clang); run with scripts/fuzz.sh.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "labtwin/adapters/contact_plan_io.hpp"
#include "labtwin/twin/dtn/cgr.hpp"

namespace {

namespace dtn = labtwin::twin::dtn;

// What every imported plan promises (contact_plan.hpp): nodes ascending and unique and naming
// every contact's ends; contacts ascending by (start, id); finite, non-negative numbers;
// confidence in (0, 1].
bool consistent(const dtn::ContactPlan& p) {
  if (!std::is_sorted(p.nodes.begin(), p.nodes.end())) return false;
  if (std::adjacent_find(p.nodes.begin(), p.nodes.end()) != p.nodes.end()) return false;
  for (std::size_t i = 0; i < p.contacts.size(); ++i) {
    const auto& c = p.contacts[i];
    if (!std::isfinite(c.start) || !std::isfinite(c.end) || !std::isfinite(c.rate) ||
        !std::isfinite(c.owlt) || c.rate < 0 || c.owlt < 0)
      return false;
    if (!(c.confidence > 0 && c.confidence <= 1)) return false;
    if (p.node_index(c.from) == p.nodes.size() || p.node_index(c.to) == p.nodes.size())
      return false;
    if (i > 0) {
      const auto& b = p.contacts[i - 1];
      if (c.start < b.start || (c.start == b.start && c.id < b.id)) return false;
    }
  }
  return true;
}

void check(const std::string_view text, int parser) {
  const std::string source = "fuzz.plan";
  try {
    dtn::ContactPlan plan = parser == 0 ? labtwin::adapters::parse_contact_plan(text, source)
                            : parser == 1
                                ? labtwin::adapters::parse_ion_contact_plan(text, source)
                                : labtwin::adapters::parse_hdtn_contact_plan(text, source);
    if (!consistent(plan)) __builtin_trap();
    if (plan.nodes.size() < 2) return;
    const dtn::NodeId from = plan.nodes.front(), to = plan.nodes.back();
    const double at = plan.contacts.empty() ? 0.0 : plan.contacts.front().start;
    const dtn::ContactGraph graph(std::move(plan));
    const auto route = graph.best_route({from, to, at, 100.0});
    // A route found delivers no earlier than it was asked for and follows its own contacts.
    if (route && (route->delivery_time < at || route->hops.size() != route->contacts.size() + 1))
      __builtin_trap();
  } catch (const labtwin::adapters::ContactPlanError& e) {
    if (std::string_view(e.what()).substr(0, source.size()) != source) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (int parser = 0; parser < 3; ++parser) check(text, parser);
  return 0;
}
