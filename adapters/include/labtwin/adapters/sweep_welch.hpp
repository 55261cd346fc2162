#pragma once
/// @file Welch's graphical warm-up method (Welch 1983; Law, Simulation Modeling and Analysis,
/// 5th ed., sec. 9.5.1): replications are run in windows, the KPI per window is averaged over
/// replications, and a moving average of that curve shows where the start-up transient ends.
#include <cstddef>
#include <string>
#include <vector>

#include "labtwin/adapters/sweep.hpp"

namespace labtwin::adapters {

/// The Welch curve of one KPI.
struct WelchSeries {
  std::string kpi;                 ///< KPI name
  std::string unit;                ///< its unit
  bool increments = false;         ///< per-window increments (counts, money, energy, times
                                   ///< summed) rather than the value to date
  std::size_t replications = 0;    ///< replications averaged
  int smoothing = 0;               ///< moving-average half-window w
  std::vector<double> window_end;  ///< end of window i, seconds since the start
  std::vector<double> mean;        ///< Ybar_i: the KPI in window i averaged over replications
  std::vector<double> moving;      ///< Ybar_i(w), defined for i < windows - w (NaN after)
};

/// Moving average of Law (eq. 9.2): centred 2w+1 points, shrinking to 2i-1 near the start;
/// NaN for the last w points. NaN inputs are skipped.
std::vector<double> welch_moving_average(const std::vector<double>& y, int w);

/// Runs `replications` replications of `variant` in `windows` equal windows (on oneTBB with
/// options.threads) and computes the Welch curve of KPI column `kpi`. Additive KPIs (unit
/// count, money, J, or a summed time such as stockout_time) use per-window increments; other
/// KPIs (ratios, means) use the value to date, which smooths the curve (see docs/what-if.md).
WelchSeries welch_series(const SweepVariant& variant, const KpiColumn& kpi, std::size_t kpi_index,
                         std::size_t replications, int windows, int smoothing,
                         const SweepRunOptions& options);

/// A text table of the curve (window end, Ybar_i, moving average).
std::string welch_table(const WelchSeries& series);
/// The curve as CSV (window, end_seconds, mean, moving_average).
std::string welch_csv(const WelchSeries& series);

}  // namespace labtwin::adapters
