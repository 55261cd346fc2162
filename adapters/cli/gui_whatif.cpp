// What-if glue: parameters from the scenario, comparisons on the sweep engine.
#ifdef LABTWIN_HAS_GUI
#include "gui_whatif.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "labtwin/adapters/scenario_loader.hpp"
#include "labtwin/adapters/sweep.hpp"

namespace labtwin::cli {
namespace {

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::vector<viz::WhatIfParam> whatif_params(const adapters::TreeNode& tree,
                                            const twin::ScenarioDef& sc) {
  std::vector<viz::WhatIfParam> out;
  std::string dispatch = "priority_fifo";
  if (const auto* p = tree.find("policies"))
    if (const auto* d = p->find("dispatch"); d && d->is_scalar()) dispatch = d->scalar;
  out.push_back({"policies.dispatch",
                 "policies",
                 "dispatch rule",
                 dispatch,
                 {"priority_fifo", "edf", "nearest", "optimal"}});
  for (const auto& t : sc.technicians)
    out.push_back({"technicians[" + t.id + "].count",
                   "technicians",
                   t.id + " count",
                   std::to_string(t.count),
                   {}});
  for (std::size_t s = 0; s < sc.sites.size(); ++s)
    for (const auto& f : sc.sites[s].freezers)
      out.push_back({"sites[" + std::to_string(s) + "].freezers[" + f.id + "].backup",
                     "freezers",
                     f.id + " backup unit",
                     f.backup ? "true" : "false",
                     {"true", "false"}});
  for (const auto& it : sc.items) {
    if (!it.policy) continue;
    if (it.policy->s)
      out.push_back({"items[" + it.sku + "].policy.s",
                     "items",
                     it.sku + " s (reorder point)",
                     number_text(*it.policy->s),
                     {}});
    if (it.policy->S)
      out.push_back({"items[" + it.sku + "].policy.S",
                     "items",
                     it.sku + " S (order-up-to)",
                     number_text(*it.policy->S),
                     {}});
  }
  return out;
}

viz::WhatIfRunner whatif_runner(adapters::TreeNode tree, twin::ScenarioDef base, int threads) {
  return [tree = std::move(tree), base = std::move(base), threads](
             const std::vector<viz::Override>& overrides, std::size_t n,
             const viz::WhatIfProgress& progress, const std::atomic<bool>& stop) {
    viz::WhatIfResult res;
    adapters::VariantSpec spec;
    spec.name = "what-if";
    for (const auto& o : overrides) {
      adapters::TreeNode v;
      v.type = adapters::TreeNode::Type::scalar;
      v.scalar = o.value;
      spec.set.push_back({o.path, std::move(v)});
    }
    adapters::LoadResult built;
    try {
      built = adapters::build_scenario(adapters::apply_variant(tree, spec));
    } catch (const std::invalid_argument& e) {
      res.error = e.what();
      return res;
    }
    if (!built.ok()) {
      res.error = built.diagnostics.empty() ? "the what-if scenario does not build"
                                            : adapters::format(built.diagnostics.front());
      return res;
    }
    std::vector<adapters::SweepVariant> variants;
    variants.push_back({adapters::kBaselineVariant, "the scenario as written", base});
    variants.push_back({"what-if", "edited in the GUI", std::move(*built.scenario)});
    auto results = adapters::make_results(variants, adapters::kpi_columns(base));
    results.plan(n);
    std::size_t done = 0;
    adapters::SweepRunOptions opt;
    opt.threads = threads;
    opt.stop = &stop;
    opt.on_done = [&](std::size_t, std::size_t, const adapters::Replication&) {
      progress(++done, 2 * n);
    };
    adapters::run_replications(variants, results, opt);
    const auto sum = adapters::summarize(results);
    res.confidence = sum.confidence;
    res.replications = n;
    for (const auto& runs : results.runs)
      for (const auto& r : runs)
        if (!r.done) res.stopped = true;
    for (std::size_t k = 0; k < sum.kpis.size(); ++k) {
      const auto& b = sum.cells[0][k];
      const auto& a = sum.cells[1][k];
      viz::WhatIfKpi w;
      w.name = sum.kpis[k].name;
      w.unit = sum.kpis[k].unit;
      w.n = a.diff_n;
      w.base_mean = b.mean;
      w.base_hw = b.half_width;
      w.alt_mean = a.mean;
      w.alt_hw = a.half_width;
      w.diff_mean = a.diff_mean;
      w.diff_hw = a.diff_half_width;
      w.significant = a.diff_excludes_zero;
      res.kpis.push_back(std::move(w));
    }
    return res;
  };
}

}  // namespace labtwin::cli
#endif  // LABTWIN_HAS_GUI
