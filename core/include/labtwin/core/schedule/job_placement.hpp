#pragma once
/// @file Placing deferrable energy-heavy jobs (defrosts, autoclave runs) against a
/// carbon-intensity or price forecast, under deadlines and optional concurrency/power caps.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "labtwin/core/ports.hpp"

namespace labtwin::core {

/// A piecewise-constant forecast: value[k] holds on [start + k*step, start + (k+1)*step).
/// Units are per kWh (kg CO2/kWh or currency/kWh).
struct Forecast {
  Instant start;               ///< start of the first step
  Span step = Span::hours(1);  ///< step length
  std::vector<double> values;  ///< one value per step
  /// End of the last step.
  Instant end() const { return start + Span{step.us * static_cast<std::int64_t>(values.size())}; }
};

/// Integral of the forecast over [from, to) in value x hours; throws std::out_of_range
/// outside the forecast.
double integrate(const Forecast& f, Instant from, Instant to);

/// One deferrable job.
struct EnergyJob {
  std::string id;       ///< job id
  Span duration;        ///< run time (> 0)
  double power_kw = 0;  ///< constant draw while running (>= 0)
  Instant release;      ///< earliest start
  Instant deadline;     ///< latest finish
};

/// Site limits on simultaneously running jobs.
struct PlacementLimits {
  std::size_t max_concurrent = 0;                                 ///< 0 = unlimited
  double power_cap_kw = std::numeric_limits<double>::infinity();  ///< total running power cap
};

/// A placement: one start per job (index-aligned with the input), or unplaced.
struct Placement {
  std::vector<Instant> start;   ///< chosen start per job
  std::vector<char> placed;     ///< 1 if the job got a start
  double cost = 0.0;            ///< sum of power * integral(forecast) over placed jobs
  bool feasible = false;        ///< every job placed
  bool proven_optimal = false;  ///< exact solver finished within its node budget
  std::size_t nodes = 0;        ///< search nodes visited (exact solver)
};

/// Candidate starts of a job: its release, then every forecast step boundary after it, while
/// the job still ends by both its deadline and the forecast end.
std::vector<Instant> candidate_starts(const Forecast& f, const EnergyJob& job);

/// Earliest-deadline-first greedy: each job in turn takes its cheapest feasible candidate
/// start (ties: earliest). Jobs with no feasible start are left unplaced.
Placement place_greedy(const Forecast& f, const std::vector<EnergyJob>& jobs,
                       const PlacementLimits& limits = {});

/// Exact minimum cost with every job placed, by branch and bound over candidate starts
/// (bound: cost so far + each remaining job's cheapest start ignoring limits), seeded with the
/// greedy solution. Stops after `node_budget` nodes (then proven_optimal = false).
Placement place_exact(const Forecast& f, const std::vector<EnergyJob>& jobs,
                      const PlacementLimits& limits = {}, std::size_t node_budget = 5'000'000);

/// True when the placed jobs respect the limits, releases and deadlines.
bool placement_valid(const std::vector<EnergyJob>& jobs, const Placement& p,
                     const PlacementLimits& limits);

}  // namespace labtwin::core
