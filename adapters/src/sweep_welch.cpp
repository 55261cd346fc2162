// Welch's warm-up method over windowed replications.
#include "labtwin/adapters/sweep_welch.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "labtwin/twin/lab_model.hpp"

namespace labtwin::adapters {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool is_additive(const KpiColumn& k) {
  if (k.unit == "count" || k.unit == "money" || k.unit == "J") return true;
  // Summed durations (stockout_time) add up; time_to_* are means over events and do not.
  return k.unit == "s" && k.name.size() > 5 && k.name.compare(k.name.size() - 5, 5, "_time") == 0;
}

}  // namespace

std::vector<double> welch_moving_average(const std::vector<double>& y, int w) {
  const auto m = static_cast<std::ptrdiff_t>(y.size());
  std::vector<double> out(y.size(), kNaN);
  for (std::ptrdiff_t i = 0; i < m - w; ++i) {
    const std::ptrdiff_t half = std::min<std::ptrdiff_t>(w, i);  // 2i-1 points near the start
    double sum = 0.0;
    int n = 0;
    for (std::ptrdiff_t s = i - half; s <= i + half; ++s) {
      if (std::isnan(y[static_cast<std::size_t>(s)])) continue;
      sum += y[static_cast<std::size_t>(s)];
      ++n;
    }
    out[static_cast<std::size_t>(i)] = n > 0 ? sum / n : kNaN;
  }
  return out;
}

WelchSeries welch_series(const SweepVariant& variant, const KpiColumn& kpi, std::size_t kpi_index,
                         std::size_t replications, int windows, int smoothing,
                         const SweepRunOptions& options) {
  if (windows < 2) throw std::invalid_argument("--windows must be at least 2");
  if (replications < 1) throw std::invalid_argument("--replications must be at least 1");
  WelchSeries s;
  s.kpi = kpi.name;
  s.unit = kpi.unit;
  s.increments = is_additive(kpi);
  s.replications = replications;
  s.smoothing = smoothing > 0 ? smoothing : std::max(1, windows / 10);
  if (s.smoothing > windows / 2) s.smoothing = windows / 2;
  const auto nw = static_cast<std::size_t>(windows);
  // values[r][i]: the KPI in window i of replication r (stored by index: -j independent).
  std::vector<std::vector<double>> values(replications, std::vector<double>(nw, kNaN));
  sim::Time horizon{};
  auto run_one = [&](std::size_t r) {
    twin::RunOptions ro;
    ro.seed = options.seed;
    ro.until = options.until;
    ro.replication = r;
    twin::LabModel model(variant.scenario, ro);
    const sim::Time h = model.horizon();
    if (r == 0) horizon = h;
    double previous = 0.0;
    for (std::size_t i = 0; i < nw; ++i) {
      model.run_until(sim::Time{h.ticks / windows * static_cast<std::int64_t>(i + 1) +
                                (i + 1 == nw ? h.ticks % windows : 0)});
      const double v = model.result().kpis.at(kpi_index).value;
      values[r][i] = s.increments ? v - previous : v;
      previous = v;
    }
  };
  tbb::task_arena arena(std::max(1, options.threads));
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, replications, 1),
                      [&](const tbb::blocked_range<std::size_t>& range) {
                        for (std::size_t r = range.begin(); r != range.end(); ++r) run_one(r);
                      });
  });
  for (std::size_t i = 0; i < nw; ++i) {
    s.window_end.push_back(horizon.seconds() * static_cast<double>(i + 1) /
                           static_cast<double>(nw));
    double sum = 0.0;
    std::size_t n = 0;
    for (std::size_t r = 0; r < replications; ++r) {
      if (std::isnan(values[r][i])) continue;
      sum += values[r][i];
      ++n;
    }
    s.mean.push_back(n > 0 ? sum / static_cast<double>(n) : kNaN);
  }
  s.moving = welch_moving_average(s.mean, s.smoothing);
  return s;
}

std::string welch_table(const WelchSeries& s) {
  std::ostringstream os;
  os << "Welch's method: " << s.kpi << " [" << s.unit << "] "
     << (s.increments ? "per window" : "to date") << ", mean of " << s.replications
     << " replication(s), moving average w = " << s.smoothing << "\n";
  os << "  window   end (h)          mean   moving avg\n";
  char line[160];
  for (std::size_t i = 0; i < s.mean.size(); ++i) {
    if (std::isnan(s.moving[i])) {  // the last w windows have no centred average
      std::snprintf(line, sizeof line, "  %6zu  %8.2f  %12.6g  %11s\n", i + 1,
                    s.window_end[i] / 3600.0, s.mean[i], "-");
    } else {
      std::snprintf(line, sizeof line, "  %6zu  %8.2f  %12.6g  %11.6g\n", i + 1,
                    s.window_end[i] / 3600.0, s.mean[i], s.moving[i]);
    }
    os << line;
  }
  os << "Pick clock.warmup where the moving average stops trending (docs/what-if.md).\n";
  return os.str();
}

std::string welch_csv(const WelchSeries& s) {
  std::ostringstream os;
  os << "window,end_seconds,mean,moving_average\n";
  char line[160];
  for (std::size_t i = 0; i < s.mean.size(); ++i) {
    std::snprintf(line, sizeof line, "%zu,%.17g,%.17g,%.17g\n", i + 1, s.window_end[i], s.mean[i],
                  s.moving[i]);
    std::string l = line;
    // Empty field instead of "nan" (CSV readers differ on it).
    for (std::string::size_type p; (p = l.find("nan")) != std::string::npos;) l.erase(p, 3);
    os << l;
  }
  return os.str();
}

}  // namespace labtwin::adapters
