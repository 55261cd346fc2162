#pragma once
/// @file The one plotting module: time-series plots drawn on ImGui draw lists. The pure
/// helpers (tick selection, data-to-pixel mapping, display decimation, date-time labels) are
/// separate from drawing so tests can check them without a window.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "labtwin/viz/snapshot.hpp"

namespace labtwin::viz::plot {

/// "Nice" tick positions (1, 2, 5 x 10^k steps) inside [lo, hi], at most about `max_ticks`.
std::vector<double> nice_ticks(double lo, double hi, int max_ticks);
/// Tick step for a time axis in seconds (1 s .. 7 d on clock-friendly values) for a span of
/// `span_s` seconds and at most about `max_ticks` ticks.
double time_tick_step(double span_s, int max_ticks);
/// Time ticks in seconds since `origin_us`: multiples of time_tick_step aligned on local
/// clock time (UTC + utc_offset_s), inside [lo_s, hi_s].
std::vector<double> time_ticks(double lo_s, double hi_s, int max_ticks, std::int64_t origin_us,
                               std::int64_t utc_offset_s);

/// A local date-time "2026-03-07 03:26:00" for `unix_us` shifted by `utc_offset_s`.
std::string format_datetime(std::int64_t unix_us, std::int64_t utc_offset_s);
/// A tick label for a time axis: "HH:MM" when the step is under a day, else "MM-DD", and
/// "MM-DD HH:MM" when `with_date`.
std::string format_time_tick(std::int64_t unix_us, std::int64_t utc_offset_s, double step_s,
                             bool with_date);
/// A number with its unit for a y-axis tick or readout, e.g. "-72.5 C".
std::string format_value(double v, double step, const std::string& unit);

/// Linear map from data coordinates to a pixel rectangle (y grows downwards on screen).
struct Mapping {
  double x_lo = 0, x_hi = 1;                       ///< data x range
  double y_lo = 0, y_hi = 1;                       ///< data y range
  float left = 0, top = 0, right = 1, bottom = 1;  ///< pixel rectangle
  /// Pixel x of data x.
  float px(double x) const;
  /// Pixel y of data y.
  float py(double y) const;
  /// Data x at pixel x.
  double x_at(float px) const;
  /// Data y at pixel y.
  double y_at(float py) const;
};

/// One display point.
struct Point {
  double x = 0, y = 0;  ///< data coordinates
};

/// Reduces (x, y) samples inside [x_lo, x_hi] to at most 4 points per pixel column of
/// `columns` (first, min, max, last of each column, in x order): extremes survive decimation.
/// The samples just outside the range are kept so lines reach the plot edges. `x` ascending.
void decimate(std::span<const double> x, std::span<const double> y, double x_lo, double x_hi,
              int columns, std::vector<Point>& out);

/// Axis range [lo, hi] of the finite values in `v` with `pad` fraction of margin (a flat
/// series gets +-1); `extra` values (limits to show) widen it.
void value_range(std::span<const double> v, std::span<const double> extra, double pad, double& lo,
                 double& hi);

/// Index of the sample nearest to x (x ascending), or -1 when empty.
long nearest_index(std::span<const double> x, double at);

}  // namespace labtwin::viz::plot
