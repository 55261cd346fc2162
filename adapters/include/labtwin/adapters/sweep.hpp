#pragma once
/// @file What-if sweeps: variants x replications run in parallel on oneTBB with common random
/// numbers, Student-t confidence intervals and paired differences against the baseline.
///
/// Replication r of every variant runs with RunOptions::replication = r, so every random stream
/// is keyed by (seed, r, stream name): variants that share stream names see the same draws
/// (common random numbers) and results never depend on the thread count or scheduling.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "labtwin/adapters/diagnostics.hpp"
#include "labtwin/adapters/scenario_loader.hpp"
#include "labtwin/adapters/scenario_tree.hpp"
#include "labtwin/sim/time.hpp"
#include "labtwin/twin/scenario_def.hpp"

namespace labtwin::adapters {

/// Name of the baseline variant (the scenario as written).
inline constexpr const char* kBaselineVariant = "base";

/// One variant of a sweep: the baseline, a `variants:` entry or a generated `sweep:` point.
struct SweepVariant {
  std::string name;            ///< "base", the variant's name or "path=value,path=value"
  std::string description;     ///< free text
  twin::ScenarioDef scenario;  ///< the built scenario
};

/// The variants of a sweep, or the diagnostics of the ones that failed to build.
struct SweepVariants {
  std::vector<SweepVariant> variants;   ///< [0] is the baseline
  std::vector<Diagnostic> diagnostics;  ///< every problem found
  /// True when every variant was built.
  bool ok() const { return !variants.empty() && diagnostics.empty(); }
};

/// The generated variants of a `sweep:` block: the grid (cartesian product in parameter order,
/// last parameter fastest) or `points` Latin-hypercube points drawn from a stream seeded by
/// `seed` (deterministic). Numeric ranges use from..to by step (grid); an LHS value on a range
/// with a step is rounded to that step. Throws std::invalid_argument naming the bad parameter.
std::vector<VariantSpec> sweep_points(const twin::SweepDef& def, std::uint64_t seed);

/// Builds the baseline, the `variants:` entries named in `only` (all when empty) and the
/// `sweep:` points of a composed scenario tree. An unknown name in `only` is a diagnostic.
SweepVariants plan_variants(const TreeNode& tree, const twin::ScenarioDef& base,
                            const std::vector<std::string>& only);

/// Name, unit and description of one KPI column.
struct KpiColumn {
  std::string name;         ///< KPI name
  std::string unit;         ///< its unit ("s", "J", "ratio", "count", ...)
  std::string description;  ///< one line
};

/// The KPI columns every run of `scenario` produces (in RunResult order).
std::vector<KpiColumn> kpi_columns(const twin::ScenarioDef& scenario);

/// One finished replication.
struct Replication {
  bool done = false;              ///< false until it has run (or was read from a journal)
  std::uint64_t fingerprint = 0;  ///< kernel fingerprint
  std::vector<double> values;     ///< one per KPI column (NaN where undefined)
};

/// Every replication of every variant, stored by (variant, replication) index.
struct SweepResults {
  std::vector<std::string> variants;           ///< variant names, [0] = baseline
  std::vector<KpiColumn> kpis;                 ///< KPI columns
  std::vector<std::vector<Replication>> runs;  ///< runs[variant][replication]

  /// Replications per variant currently planned.
  std::size_t replications() const { return runs.empty() ? 0 : runs.front().size(); }
  /// Grows (never shrinks) every variant to `n` planned replications.
  void plan(std::size_t n);
  /// Number of finished replications over all variants.
  std::size_t done_count() const;
};

/// Empty results for these variants and KPI columns.
SweepResults make_results(const std::vector<SweepVariant>& variants, std::vector<KpiColumn> kpis);

/// How to run the replications.
struct SweepRunOptions {
  int threads = 1;                          ///< worker threads (a tbb::task_arena)
  std::optional<std::uint64_t> seed;        ///< replaces every variant's seed
  std::optional<sim::Time> until;           ///< replaces every variant's horizon
  const std::atomic<bool>* stop = nullptr;  ///< when set, no new replication starts
  /// When set, only the (variant, replication) pairs it accepts run here (MPI ranks).
  std::function<bool(std::size_t variant, std::size_t replication)> owns;
  /// Called once per finished replication, serialized (journal, progress).
  std::function<void(std::size_t variant, std::size_t replication, const Replication&)> on_done;
  /// Called after on_done outside the lock, possibly concurrently (e.g. the journal's sync).
  std::function<void()> after_done;
};

/// Runs every planned replication that is not done yet (replication-major order); returns how
/// many ran. A model error is rethrown as std::invalid_argument naming the variant.
std::size_t run_replications(const std::vector<SweepVariant>& variants, SweepResults& results,
                             const SweepRunOptions& options);

/// Statistics of one KPI of one variant.
struct KpiSummary {
  std::size_t n = 0;         ///< finite values used
  std::size_t excluded = 0;  ///< non-finite values left out (time_to_alarm without faults)
  double mean = 0.0;         ///< sample mean (NaN when n == 0)
  double sd = 0.0;           ///< sample standard deviation (NaN when n < 2)
  double half_width = 0.0;   ///< Student-t CI half-width (NaN when n < 2)
  std::size_t diff_n = 0;    ///< replications where both this variant and the baseline are finite
  double diff_mean = 0.0;    ///< mean paired difference (this - baseline)
  double diff_half_width = 0.0;     ///< Student-t CI half-width of the paired difference
  bool diff_excludes_zero = false;  ///< the paired CI lies entirely above or below zero
  double welch_half_width = 0.0;    ///< unpaired (Welch-Satterthwaite) CI half-width of the
                                    ///< difference of means, for comparison with the paired one
};

/// Per variant and KPI statistics of a sweep.
struct SweepSummary {
  double confidence = 0.95;                    ///< CI level
  std::vector<std::string> variants;           ///< variant names
  std::vector<KpiColumn> kpis;                 ///< KPI columns
  std::vector<std::vector<KpiSummary>> cells;  ///< cells[variant][kpi]
  std::size_t replications = 0;                ///< replications per variant
};

/// Summarizes the finished replications (non-finite values excluded and counted).
SweepSummary summarize(const SweepResults& results, double confidence = 0.95);

/// Relative CI half-width |half_width / mean|: 0 when both are 0, +inf when undefined.
double relative_half_width(const KpiSummary& cell);

/// The outcome of a precision check.
struct PrecisionStatus {
  bool met = false;            ///< every chosen KPI of every variant is within the target
  double widest = 0.0;         ///< the largest relative half-width found
  std::string widest_kpi;      ///< where it was found
  std::string widest_variant;  ///< where it was found
};

/// Checks the chosen KPI columns (all when empty) of every variant against `target` (e.g.
/// 0.02). KPIs without any finite value cannot be estimated and are skipped.
PrecisionStatus check_precision(const SweepSummary& summary, const std::vector<std::size_t>& kpis,
                                double target);

/// The next replication count of a sequential-precision sweep: n (hw / target)^2 rounded up
/// (half-width shrinks like 1/sqrt(n)), at least n + 1, at most 2n and at most `cap`.
std::size_t next_replication_count(std::size_t n, double widest, double target, std::size_t cap);

/// The outcome of run_sweep.
struct SweepOutcome {
  std::size_t ran = 0;         ///< replications run by this call
  bool stopped = false;        ///< the stop flag ended it early
  bool precision_met = false;  ///< precision target met (precision mode)
  bool cap_hit = false;        ///< precision mode reached max_replications first
  PrecisionStatus precision;   ///< the last precision check (precision mode)
};

/// A sweep: fixed replications, or sequential precision when `precision` > 0.
struct SweepPlan {
  std::size_t replications = 10;     ///< replications (the first batch in precision mode)
  double precision = 0.0;            ///< relative CI half-width target; 0 = off
  std::size_t max_replications = 0;  ///< cap in precision mode (0 = 10 x replications)
  std::vector<std::size_t> kpis;     ///< KPI columns the precision target applies to
  double confidence = 0.95;          ///< CI level
  /// Called after each batch, before the precision check, with the results (MPI gathers here);
  /// may also fill results from elsewhere (resume).
  std::function<void(SweepResults&)> after_batch;
  /// Called after every growth of the plan (resume fills journal records here).
  std::function<void(SweepResults&)> after_plan;
};

/// Runs a sweep to completion (or until the stop flag is raised).
SweepOutcome run_sweep(const std::vector<SweepVariant>& variants, SweepResults& results,
                       const SweepPlan& plan, const SweepRunOptions& options);

}  // namespace labtwin::adapters
