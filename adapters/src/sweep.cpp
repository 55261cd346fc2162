// What-if sweeps: the variant plan, the parallel replication engine and the statistics.
#include "labtwin/adapters/sweep.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <mutex>
#include <stdexcept>

#include "labtwin/sim/analytic.hpp"
#include "labtwin/sim/random.hpp"
#include "labtwin/twin/lab_model.hpp"

namespace labtwin::adapters {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Shortest text that reads back as the same double ("20", "0.5").
std::string number_text(double x) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

/// The values of a parameter for a grid design.
std::vector<std::string> grid_values(const twin::SweepParameterDef& p) {
  if (!p.values.empty()) return p.values;
  if (!p.range_from || !p.range_to) {
    throw std::invalid_argument("sweep parameter `" + p.path + "`: needs values or a range");
  }
  if (!p.range_step || *p.range_step <= 0) {
    throw std::invalid_argument("sweep parameter `" + p.path +
                                "`: a grid design needs range.step > 0");
  }
  const double from = *p.range_from, to = *p.range_to, step = *p.range_step;
  if (to < from) {
    throw std::invalid_argument("sweep parameter `" + p.path + "`: range.to is below range.from");
  }
  const double count = std::floor((to - from) / step + 1e-9) + 1.0;
  if (count > 1e6) {
    throw std::invalid_argument("sweep parameter `" + p.path + "`: range has too many values");
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < static_cast<std::size_t>(count); ++i) {
    out.push_back(number_text(from + static_cast<double>(i) * step));
  }
  return out;
}

/// A scalar tree node holding `text`.
TreeNode scalar_node(const std::string& text) {
  TreeNode n;
  n.type = TreeNode::Type::scalar;
  n.scalar = text;
  return n;
}

/// The variant spec of one point (values[i] for parameter i).
VariantSpec point_spec(const twin::SweepDef& def, const std::vector<std::string>& values) {
  VariantSpec spec;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!spec.name.empty()) spec.name += ",";
    spec.name += def.parameters[i].path + "=" + values[i];
    spec.set.push_back(VariantSetting{def.parameters[i].path, scalar_node(values[i])});
  }
  spec.description = "sweep point";
  return spec;
}

double t_half_width(double sd, std::size_t n, double confidence) {
  if (n < 2) return kNaN;
  const double t = sim::student_t_quantile(0.5 + confidence / 2.0, static_cast<double>(n - 1));
  return t * sd / std::sqrt(static_cast<double>(n));
}

/// Mean and sample standard deviation (two-pass: the data are at hand).
void mean_sd(const std::vector<double>& x, double& mean, double& sd) {
  if (x.empty()) {
    mean = kNaN;
    sd = kNaN;
    return;
  }
  double sum = 0.0;
  for (double v : x) sum += v;
  mean = sum / static_cast<double>(x.size());
  if (x.size() < 2) {
    sd = kNaN;
    return;
  }
  double ss = 0.0;
  for (double v : x) ss += (v - mean) * (v - mean);
  sd = std::sqrt(ss / static_cast<double>(x.size() - 1));
}

}  // namespace

std::vector<VariantSpec> sweep_points(const twin::SweepDef& def, std::uint64_t seed) {
  std::vector<VariantSpec> out;
  if (def.parameters.empty()) return out;
  if (def.design == "grid") {
    std::vector<std::vector<std::string>> axes;
    std::size_t total = 1;
    for (const auto& p : def.parameters) {
      axes.push_back(grid_values(p));
      total *= axes.back().size();
      if (total > 100000)
        throw std::invalid_argument("sweep: the grid has more than 100000 points");
    }
    std::vector<std::size_t> idx(axes.size(), 0);
    for (std::size_t n = 0; n < total; ++n) {
      std::vector<std::string> values;
      for (std::size_t i = 0; i < axes.size(); ++i) values.push_back(axes[i][idx[i]]);
      out.push_back(point_spec(def, values));
      // Odometer: the last parameter turns fastest.
      for (std::size_t i = axes.size(); i-- > 0;) {
        if (++idx[i] < axes[i].size()) break;
        idx[i] = 0;
      }
    }
    return out;
  }
  if (def.design != "lhs") throw std::invalid_argument("sweep.design: expected grid or lhs");
  if (def.points < 1) throw std::invalid_argument("sweep.points: an lhs design needs points >= 1");
  const auto n = static_cast<std::size_t>(def.points);
  // One stratum per point on every axis; the strata are permuted independently per axis
  // (McKay, Beckman & Conover 1979), with a uniform position inside each stratum.
  sim::RandomStream rng(seed, 0, "sweep.lhs");
  std::vector<std::vector<std::string>> columns;
  for (const auto& p : def.parameters) {
    std::vector<std::size_t> perm(n);
    for (std::size_t i = 0; i < n; ++i) perm[i] = i;
    for (std::size_t i = n; i > 1; --i) std::swap(perm[i - 1], perm[rng.below(i)]);
    std::vector<std::string> col;
    for (std::size_t i = 0; i < n; ++i) {
      const double x = (static_cast<double>(perm[i]) + rng.uniform01()) / static_cast<double>(n);
      if (!p.values.empty()) {
        const auto k = std::min(p.values.size() - 1,
                                static_cast<std::size_t>(x * static_cast<double>(p.values.size())));
        col.push_back(p.values[k]);
        continue;
      }
      if (!p.range_from || !p.range_to) {
        throw std::invalid_argument("sweep parameter `" + p.path + "`: needs values or a range");
      }
      const double from = *p.range_from, to = *p.range_to;
      double v = from + x * (to - from);
      if (p.range_step && *p.range_step > 0) {
        v = from + std::round((v - from) / *p.range_step) * *p.range_step;
        v = std::min(v, to);
      }
      col.push_back(number_text(v));
    }
    columns.push_back(std::move(col));
  }
  std::vector<std::string> names;
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::string> values;
    for (const auto& c : columns) values.push_back(c[i]);
    VariantSpec spec = point_spec(def, values);
    // Rounded LHS points may coincide: keep names unique with a #k suffix.
    const auto dup = std::count(names.begin(), names.end(), spec.name);
    names.push_back(spec.name);
    if (dup > 0) spec.name += "#" + std::to_string(dup + 1);
    out.push_back(std::move(spec));
  }
  return out;
}

SweepVariants plan_variants(const TreeNode& tree, const twin::ScenarioDef& base,
                            const std::vector<std::string>& only) {
  SweepVariants out;
  out.variants.push_back(SweepVariant{kBaselineVariant, "the scenario as written", base});
  const auto declared = variants_of(tree);
  std::vector<VariantSpec> chosen;
  for (const auto& name : only) {
    if (name == kBaselineVariant) continue;
    const auto it = std::find_if(declared.begin(), declared.end(),
                                 [&](const VariantSpec& v) { return v.name == name; });
    if (it == declared.end()) {
      std::string known;
      for (const auto& v : declared) known += (known.empty() ? "" : ", ") + v.name;
      out.diagnostics.push_back(Diagnostic{
          SourceLocation{tree.location.file, 0, 0}, Severity::error, "variants",
          "no variant named `" + name + "`" +
              (known.empty() ? " (the scenario declares none)" : " (known: " + known + ")")});
      continue;
    }
    chosen.push_back(*it);
  }
  if (only.empty()) chosen = declared;
  std::size_t first_generated = chosen.size();
  if (base.sweep && only.empty()) {
    try {
      for (auto& p : sweep_points(*base.sweep, base.seed)) chosen.push_back(std::move(p));
    } catch (const std::invalid_argument& e) {
      out.diagnostics.push_back(
          Diagnostic{SourceLocation{tree.location.file, 0, 0}, Severity::error, "sweep", e.what()});
    }
  }
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    const auto& spec = chosen[i];
    const bool generated = i >= first_generated;
    LoadResult built;
    try {
      built = build_scenario(apply_variant(tree, spec));
    } catch (const std::invalid_argument& e) {
      out.diagnostics.push_back(Diagnostic{SourceLocation{tree.location.file, 0, 0},
                                           Severity::error, "variant " + spec.name, e.what()});
      continue;
    }
    for (auto& d : built.diagnostics) {
      if (d.severity != Severity::error) continue;
      if (generated) d.message = "sweep point `" + spec.name + "`: " + d.message;
      out.diagnostics.push_back(std::move(d));
    }
    if (!built.ok()) continue;
    out.variants.push_back(SweepVariant{spec.name, spec.description, std::move(*built.scenario)});
  }
  return out;
}

std::vector<KpiColumn> kpi_columns(const twin::ScenarioDef& scenario) {
  const twin::LabModel model(scenario, {});
  std::vector<KpiColumn> out;
  for (const auto& k : model.result().kpis) out.push_back(KpiColumn{k.name, k.unit, k.description});
  return out;
}

void SweepResults::plan(std::size_t n) {
  for (auto& r : runs) {
    if (r.size() < n) r.resize(n);
  }
}

std::size_t SweepResults::done_count() const {
  std::size_t n = 0;
  for (const auto& v : runs) {
    for (const auto& r : v) n += r.done ? 1 : 0;
  }
  return n;
}

SweepResults make_results(const std::vector<SweepVariant>& variants, std::vector<KpiColumn> kpis) {
  SweepResults out;
  for (const auto& v : variants) out.variants.push_back(v.name);
  out.kpis = std::move(kpis);
  out.runs.resize(variants.size());
  return out;
}

std::size_t run_replications(const std::vector<SweepVariant>& variants, SweepResults& results,
                             const SweepRunOptions& options) {
  if (variants.size() != results.runs.size()) {
    throw std::invalid_argument("run_replications: results were made for another variant list");
  }
  // Replication-major job order: partial results stay balanced across variants.
  struct Job {
    std::size_t variant;
    std::size_t replication;
  };
  std::vector<Job> jobs;
  const std::size_t reps = results.replications();
  for (std::size_t r = 0; r < reps; ++r) {
    for (std::size_t v = 0; v < variants.size(); ++v) {
      if (results.runs[v][r].done) continue;
      if (options.owns && !options.owns(v, r)) continue;
      jobs.push_back(Job{v, r});
    }
  }
  if (jobs.empty()) return 0;
  std::mutex done_mutex;
  std::size_t ran = 0;
  const std::size_t nk = results.kpis.size();
  auto run_one = [&](const Job& job) {
    if (options.stop != nullptr && options.stop->load(std::memory_order_relaxed)) return;
    const SweepVariant& variant = variants[job.variant];
    twin::RunOptions ro;
    ro.seed = options.seed;
    ro.until = options.until;
    ro.replication = job.replication;
    Replication rep;
    try {
      const twin::RunResult r = twin::run_scenario(variant.scenario, ro);
      if (r.kpis.size() != nk) throw std::invalid_argument("the run produced another KPI list");
      rep.values.resize(nk);
      for (std::size_t k = 0; k < nk; ++k) {
        if (r.kpis[k].name != results.kpis[k].name) {
          throw std::invalid_argument("the run produced KPI `" + r.kpis[k].name + "` where `" +
                                      results.kpis[k].name + "` was expected");
        }
        rep.values[k] = r.kpis[k].value;
      }
      rep.fingerprint = r.fingerprint;
      rep.done = true;
    } catch (const std::exception& e) {
      throw std::invalid_argument("variant `" + variant.name + "`, replication " +
                                  std::to_string(job.replication) + ": " + e.what());
    }
    {
      // Each slot is written by exactly one job; the lock orders the callbacks.
      const std::lock_guard<std::mutex> lock(done_mutex);
      results.runs[job.variant][job.replication] = std::move(rep);
      ++ran;
      if (options.on_done) {
        options.on_done(job.variant, job.replication, results.runs[job.variant][job.replication]);
      }
    }
    if (options.after_done) options.after_done();
  };
  const int threads = std::max(1, options.threads);
  if (threads == 1) {
    for (const auto& j : jobs) run_one(j);
    return ran;
  }
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(0, jobs.size(), 1),
        [&](const tbb::blocked_range<std::size_t>& range) {
          for (std::size_t i = range.begin(); i != range.end(); ++i) run_one(jobs[i]);
        },
        tbb::simple_partitioner());
  });
  return ran;
}

SweepSummary summarize(const SweepResults& results, double confidence) {
  SweepSummary s;
  s.confidence = confidence;
  s.variants = results.variants;
  s.kpis = results.kpis;
  s.replications = results.replications();
  const std::size_t nk = results.kpis.size();
  s.cells.assign(results.variants.size(), std::vector<KpiSummary>(nk));
  std::vector<double> xs, ds, bs;
  for (std::size_t v = 0; v < results.runs.size(); ++v) {
    for (std::size_t k = 0; k < nk; ++k) {
      KpiSummary& c = s.cells[v][k];
      xs.clear();
      ds.clear();
      for (std::size_t r = 0; r < results.runs[v].size(); ++r) {
        const Replication& rep = results.runs[v][r];
        if (!rep.done) continue;
        const double x = rep.values[k];
        if (!std::isfinite(x)) {  // undefined (NaN) or unbounded: never poisons a mean
          ++c.excluded;
          continue;
        }
        xs.push_back(x);
        // Pair with the baseline's same replication (common random numbers).
        if (r < results.runs[0].size() && results.runs[0][r].done &&
            std::isfinite(results.runs[0][r].values[k])) {
          ds.push_back(x - results.runs[0][r].values[k]);
        }
      }
      c.n = xs.size();
      mean_sd(xs, c.mean, c.sd);
      c.half_width = t_half_width(c.sd, c.n, confidence);
      c.diff_n = ds.size();
      double dsd = 0.0;
      mean_sd(ds, c.diff_mean, dsd);
      c.diff_half_width = t_half_width(dsd, c.diff_n, confidence);
      c.diff_excludes_zero = c.diff_n >= 2 && !std::isnan(c.diff_half_width) &&
                             std::fabs(c.diff_mean) > c.diff_half_width;
      c.welch_half_width = kNaN;
    }
  }
  // Unpaired Welch-Satterthwaite half-width of mean(v) - mean(base), for comparison.
  for (std::size_t v = 0; v < s.cells.size(); ++v) {
    for (std::size_t k = 0; k < nk; ++k) {
      KpiSummary& c = s.cells[v][k];
      const KpiSummary& b = s.cells[0][k];
      if (c.n < 2 || b.n < 2) continue;
      const double a1 = c.sd * c.sd / static_cast<double>(c.n);
      const double a2 = b.sd * b.sd / static_cast<double>(b.n);
      const double se2 = a1 + a2;
      if (se2 == 0.0) {
        c.welch_half_width = 0.0;
        continue;
      }
      double dof =
          se2 * se2 /
          (a1 * a1 / static_cast<double>(c.n - 1) + a2 * a2 / static_cast<double>(b.n - 1));
      // Underflow of the fourth powers (tiny variances): fall back to the conservative dof.
      if (!(dof > 0) || !std::isfinite(dof)) dof = static_cast<double>(std::min(c.n, b.n) - 1);
      c.welch_half_width = sim::student_t_quantile(0.5 + confidence / 2.0, dof) * std::sqrt(se2);
    }
  }
  return s;
}

double relative_half_width(const KpiSummary& cell) {
  if (cell.n < 2 || std::isnan(cell.half_width)) return std::numeric_limits<double>::infinity();
  if (cell.half_width == 0.0) return 0.0;
  if (cell.mean == 0.0) return std::numeric_limits<double>::infinity();
  return std::fabs(cell.half_width / cell.mean);
}

PrecisionStatus check_precision(const SweepSummary& summary, const std::vector<std::size_t>& kpis,
                                double target) {
  PrecisionStatus st;
  st.met = true;
  std::vector<std::size_t> cols = kpis;
  if (cols.empty()) {
    for (std::size_t k = 0; k < summary.kpis.size(); ++k) cols.push_back(k);
  }
  for (std::size_t v = 0; v < summary.cells.size(); ++v) {
    for (std::size_t k : cols) {
      const KpiSummary& c = summary.cells[v][k];
      if (c.n == 0) continue;  // never defined (e.g. no faults): nothing to estimate
      const double rel = relative_half_width(c);
      if (rel > target) st.met = false;
      if (st.widest_kpi.empty() || rel > st.widest) {
        st.widest = rel;
        st.widest_kpi = summary.kpis[k].name;
        st.widest_variant = summary.variants[v];
      }
    }
  }
  return st;
}

std::size_t next_replication_count(std::size_t n, double widest, double target, std::size_t cap) {
  double want = static_cast<double>(2 * n);
  if (std::isfinite(widest) && target > 0) {
    const double ratio = widest / target;
    want = std::ceil(static_cast<double>(n) * ratio * ratio);
  }
  std::size_t next = static_cast<std::size_t>(
      std::clamp(want, static_cast<double>(n + 1), static_cast<double>(2 * n)));
  return std::min(next, cap);
}

SweepOutcome run_sweep(const std::vector<SweepVariant>& variants, SweepResults& results,
                       const SweepPlan& plan, const SweepRunOptions& options) {
  SweepOutcome out;
  std::size_t reps = std::max<std::size_t>(plan.replications, plan.precision > 0 ? 2 : 1);
  const std::size_t cap =
      plan.max_replications > 0 ? std::max(plan.max_replications, reps) : 10 * reps;
  for (;;) {
    results.plan(reps);
    if (plan.after_plan) plan.after_plan(results);
    out.ran += run_replications(variants, results, options);
    if (options.stop != nullptr && options.stop->load() &&
        results.done_count() < results.replications() * results.runs.size()) {
      out.stopped = true;
      return out;
    }
    if (plan.after_batch) plan.after_batch(results);
    if (plan.precision <= 0) return out;
    out.precision = check_precision(summarize(results, plan.confidence), plan.kpis, plan.precision);
    if (out.precision.met) {
      out.precision_met = true;
      return out;
    }
    if (reps >= cap) {
      out.cap_hit = true;
      return out;
    }
    reps = next_replication_count(reps, out.precision.widest, plan.precision, cap);
  }
}

}  // namespace labtwin::adapters
