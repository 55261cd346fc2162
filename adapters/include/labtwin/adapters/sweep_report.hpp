#pragma once
/// @file Sweep reports: the terminal table, sweep.json and sweep.csv (all deterministic: no
/// wall times, so a resumed or differently parallelized sweep gives the same bytes).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "labtwin/adapters/sweep.hpp"

namespace labtwin::adapters {

/// Facts about a sweep that its reports state beside the statistics.
struct SweepInfo {
  std::string scenario;          ///< meta.name
  std::uint64_t seed = 0;        ///< master seed used
  double horizon_seconds = 0.0;  ///< simulated length of each replication
  double precision = 0.0;        ///< relative half-width target (0 = fixed replications)
  bool precision_met = false;    ///< target met
  bool cap_hit = false;          ///< stopped at max_replications without meeting it
  PrecisionStatus last_check;    ///< the final precision check
};

/// The terminal table: per KPI, each variant's mean +- CI half-width, the paired difference
/// against the baseline +- its half-width, and "*" when that CI excludes zero.
std::string sweep_table(const SweepSummary& summary, const std::vector<std::size_t>& kpis,
                        const SweepInfo& info);

/// sweep.json: info, per variant and KPI the statistics, and every replication's fingerprint.
std::string sweep_json(const SweepSummary& summary, const SweepResults& results,
                       const std::vector<std::size_t>& kpis, const SweepInfo& info);

/// sweep.csv: one row per (variant, KPI) with mean, sd, CI bounds and the paired difference.
std::string sweep_csv(const SweepSummary& summary, const std::vector<std::size_t>& kpis);

}  // namespace labtwin::adapters
