#pragma once
/// @file An immediate-mode time plot on ImGui's draw list: frame, axes with ticks and units,
/// a sim date-time x axis, lines, limit lines, interval bands and a hover readout.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "labtwin/viz/plot.hpp"

namespace labtwin::viz {

/// What a plot shows.
struct TimePlotSpec {
  const char* id = "plot";        ///< ImGui id (unique in its window)
  double x_lo = 0, x_hi = 1;      ///< s since the scenario start
  double y_lo = 0, y_hi = 1;      ///< value range
  const char* y_unit = "";        ///< unit shown on y ticks (a static string)
  std::int64_t origin_us = 0;     ///< scenario start, us since the epoch (UTC)
  std::int64_t utc_offset_s = 0;  ///< local time = UTC + offset
  float height = 200.0f;          ///< pixels (width: the available width)
};

/// One plot, begun by the constructor and finished by finish() (draws the hover readout).
class TimePlot {
 public:
  /// Reserves the plot rectangle and draws frame, grid and axes.
  explicit TimePlot(const TimePlotSpec& spec);
  /// Draws a line through (x, y) samples (x ascending), decimated to the pixel width.
  void line(std::span<const double> x, std::span<const double> y, std::uint32_t color,
            const char* label, float thickness = 2.0f);
  /// Draws a horizontal limit line with a label at the right end.
  void hline(double y, std::uint32_t color, const char* label);
  /// Draws a vertical marker at x.
  void vline(double x, std::uint32_t color);
  /// Shades intervals in a strip at the bottom: rows count from the bottom (row 0 lowest).
  void band(const std::vector<Interval>& intervals, int row, std::uint32_t color);
  /// Draws the hover readout (time and each line's value); returns the hovered x (s) or -1.
  double finish();
  /// The data-to-pixel mapping of the plot area.
  const plot::Mapping& mapping() const { return map_; }
  /// True when the plot area was clicked this frame.
  bool clicked() const { return clicked_; }

 private:
  struct Series {
    std::span<const double> x, y;
    std::uint32_t color;
    const char* label;
  };
  TimePlotSpec spec_;
  plot::Mapping map_;
  std::vector<Series> series_;
  bool hovered_ = false;
  bool clicked_ = false;
};

}  // namespace labtwin::viz
