#include <charconv>
#include <iostream>
#include <stdexcept>

#include "commands.hpp"
#include "labtwin/core/policy/poisson_ss.hpp"

namespace labtwin::cli {

int policy_ss_command(const PolicySsFlags& f) {
  const std::string prefix = "poisson:";
  double mean = 0;
  const char* first = f.demand.data() + prefix.size();
  const char* last = f.demand.data() + f.demand.size();
  if (f.demand.rfind(prefix, 0) != 0 || std::from_chars(first, last, mean).ptr != last ||
      !(mean > 0)) {
    std::cerr << "labtwin policy ss: --demand: expected poisson:MEAN with MEAN > 0, got \""
              << f.demand << "\"\n";
    return kBadInput;
  }
  auto bad = [](const char* flag, const char* rule) {
    std::cerr << "labtwin policy ss: " << flag << ": " << rule << "\n";
    return kBadInput;
  };
  if (!(f.holding > 0)) return bad("--holding", "must be > 0");
  if (!(f.penalty > 0)) return bad("--penalty", "must be > 0");
  if (!(f.order_cost >= 0)) return bad("--order-cost", "must be >= 0");
  if (f.lead_time < 0) return bad("--lead-time", "must be >= 0");
  if (f.format != "table" && f.format != "json") return bad("--format", "expected table or json");
  core::PoissonSsInput in{mean, f.holding, f.penalty, f.order_cost, f.lead_time};
  const auto r = core::optimal_ss_poisson(in);
  std::cout << (f.format == "json" ? core::format_ss_json(in, r) : core::format_ss_table(in, r));
  if (f.format == "json") std::cout << "\n";
  return kOk;
}

}  // namespace labtwin::cli
