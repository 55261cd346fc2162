// Pure plotting helpers: ticks, mapping, decimation, labels (no ImGui here).
#include "labtwin/viz/plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace labtwin::viz::plot {
namespace {

// Proleptic Gregorian date of a day count since 1970-01-01 (era-based, exact for all int64 days
// in range).
void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
}

struct Civil {
  int year;
  unsigned month, day;
  int hour, minute, second;
};

Civil civil_of(std::int64_t unix_us, std::int64_t utc_offset_s) {
  const std::int64_t s =
      (unix_us >= 0 ? unix_us / 1'000'000 : (unix_us - 999'999) / 1'000'000) + utc_offset_s;
  const std::int64_t days = (s >= 0 ? s / 86400 : (s - 86399) / 86400);
  const std::int64_t sod = s - days * 86400;
  Civil c{};
  civil_from_days(days, c.year, c.month, c.day);
  c.hour = static_cast<int>(sod / 3600);
  c.minute = static_cast<int>(sod % 3600 / 60);
  c.second = static_cast<int>(sod % 60);
  return c;
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int max_ticks) {
  std::vector<double> out;
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi) || max_ticks < 1) return out;
  const double raw = (hi - lo) / max_ticks;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10.0 * mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  // Integer multiples of the step, so labels do not accumulate rounding.
  const auto first = static_cast<long long>(std::ceil(lo / step - 1e-9));
  const auto last = static_cast<long long>(std::floor(hi / step + 1e-9));
  for (long long k = first; k <= last; ++k) out.push_back(static_cast<double>(k) * step);
  return out;
}

double time_tick_step(double span_s, int max_ticks) {
  static constexpr double kSteps[] = {1,     2,     5,     10,    15,     30,    60,
                                      120,   300,   600,   900,   1800,   3600,  7200,
                                      10800, 21600, 43200, 86400, 172800, 604800};
  if (!(span_s > 0.0) || max_ticks < 1) return 3600.0;
  for (double s : kSteps)
    if (span_s / s <= max_ticks) return s;
  return std::ceil(span_s / max_ticks / 604800.0) * 604800.0;
}

std::vector<double> time_ticks(double lo_s, double hi_s, int max_ticks, std::int64_t origin_us,
                               std::int64_t utc_offset_s) {
  std::vector<double> out;
  if (!(hi_s > lo_s)) return out;
  const double step = time_tick_step(hi_s - lo_s, max_ticks);
  // Align to local clock time: tick k sits where local seconds since the epoch are k * step.
  const double shift = static_cast<double>(origin_us) / 1e6 + static_cast<double>(utc_offset_s);
  const double first = std::ceil((lo_s + shift) / step - 1e-9) * step - shift;
  for (double t = first; t <= hi_s + 1e-6; t += step) out.push_back(t);
  return out;
}

std::string format_datetime(std::int64_t unix_us, std::int64_t utc_offset_s) {
  const Civil c = civil_of(unix_us, utc_offset_s);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d", c.year, c.month, c.day, c.hour,
                c.minute, c.second);
  return buf;
}

std::string format_time_tick(std::int64_t unix_us, std::int64_t utc_offset_s, double step_s,
                             bool with_date) {
  const Civil c = civil_of(unix_us, utc_offset_s);
  char buf[40];
  if (step_s >= 86400.0)
    std::snprintf(buf, sizeof buf, "%02u-%02u", c.month, c.day);
  else if (with_date)
    std::snprintf(buf, sizeof buf, "%02u-%02u %02d:%02d", c.month, c.day, c.hour, c.minute);
  else if (step_s < 60.0)
    std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", c.hour, c.minute, c.second);
  else
    std::snprintf(buf, sizeof buf, "%02d:%02d", c.hour, c.minute);
  return buf;
}

std::string format_value(double v, double step, const std::string& unit) {
  // Enough decimals to tell neighbouring ticks apart.
  int decimals = 0;
  if (step > 0.0 && step < 1.0)
    decimals = std::min(6, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v == 0.0 ? 0.0 : v);
  std::string s = buf;
  if (!unit.empty() && unit != "1") s += " " + unit;
  return s;
}

float Mapping::px(double x) const {
  const double f = x_hi > x_lo ? (x - x_lo) / (x_hi - x_lo) : 0.0;
  return left + static_cast<float>(f) * (right - left);
}
float Mapping::py(double y) const {
  const double f = y_hi > y_lo ? (y - y_lo) / (y_hi - y_lo) : 0.0;
  return bottom - static_cast<float>(f) * (bottom - top);
}
double Mapping::x_at(float p) const {
  return right > left ? x_lo + (p - left) / (right - left) * (x_hi - x_lo) : x_lo;
}
double Mapping::y_at(float p) const {
  return bottom > top ? y_lo + (bottom - p) / (bottom - top) * (y_hi - y_lo) : y_lo;
}

void decimate(std::span<const double> x, std::span<const double> y, double x_lo, double x_hi,
              int columns, std::vector<Point>& out) {
  out.clear();
  const std::size_t n = std::min(x.size(), y.size());
  if (n == 0 || !(x_hi > x_lo) || columns < 1) return;
  auto b = static_cast<std::size_t>(
      std::lower_bound(x.begin(), x.begin() + static_cast<long>(n), x_lo) - x.begin());
  auto e = static_cast<std::size_t>(
      std::upper_bound(x.begin(), x.begin() + static_cast<long>(n), x_hi) - x.begin());
  if (b > 0) --b;  // one sample before the range: the line enters from the left edge
  if (e < n) ++e;  // and one after
  const double width = (x_hi - x_lo) / columns;
  std::size_t i = b;
  while (i < e) {
    // One column: all samples whose column index equals that of sample i.
    const double col = std::floor((x[i] - x_lo) / width);
    std::size_t j = i, lo = i, hi = i;
    while (j < e && std::floor((x[j] - x_lo) / width) == col) {
      if (y[j] < y[lo]) lo = j;
      if (y[j] > y[hi]) hi = j;
      ++j;
    }
    const std::size_t last = j - 1;
    // First, min, max, last in index order, without repeats.
    std::size_t idx[4] = {i, std::min(lo, hi), std::max(lo, hi), last};
    std::size_t prev = static_cast<std::size_t>(-1);
    for (std::size_t k : idx) {
      if (k == prev || (prev != static_cast<std::size_t>(-1) && k < prev)) continue;
      out.push_back({x[k], y[k]});
      prev = k;
    }
    i = j;
  }
}

void value_range(std::span<const double> v, std::span<const double> extra, double pad, double& lo,
                 double& hi) {
  lo = std::numeric_limits<double>::infinity();
  hi = -lo;
  for (double a : v)
    if (std::isfinite(a)) lo = std::min(lo, a), hi = std::max(hi, a);
  for (double a : extra)
    if (std::isfinite(a)) lo = std::min(lo, a), hi = std::max(hi, a);
  if (!(hi >= lo)) {
    lo = 0.0;
    hi = 1.0;
    return;
  }
  if (hi - lo < 1e-12) {
    lo -= 1.0;
    hi += 1.0;
    return;
  }
  const double m = (hi - lo) * pad;
  lo -= m;
  hi += m;
}

long nearest_index(std::span<const double> x, double at) {
  if (x.empty()) return -1;
  const auto it = std::lower_bound(x.begin(), x.end(), at);
  if (it == x.begin()) return 0;
  if (it == x.end()) return static_cast<long>(x.size() - 1);
  const auto i = it - x.begin();
  return (at - x[static_cast<std::size_t>(i - 1)] <= *it - at) ? static_cast<long>(i - 1)
                                                               : static_cast<long>(i);
}

}  // namespace labtwin::viz::plot
