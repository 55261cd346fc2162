// The plotting module's pure helpers: ticks, mapping, decimation, date-time labels.
#include "labtwin/viz/plot.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "labtwin/sim/units.hpp"

namespace labtwin::viz::plot {
namespace {

TEST(NiceTicks, StepsAreOneTwoFiveTimesAPowerOfTen) {
  const auto t = nice_ticks(-83.2, -58.1, 5);
  // (hi - lo) / 5 = 5.02 -> the next 1-2-5 step is 10: -80, -70, -60.
  ASSERT_EQ(t.size(), 3u);
  EXPECT_DOUBLE_EQ(t[0], -80.0);
  EXPECT_DOUBLE_EQ(t[1], -70.0);
  EXPECT_DOUBLE_EQ(t[2], -60.0);
  const auto u = nice_ticks(0.0, 1.0, 10);  // raw step 0.1 -> 0.1
  ASSERT_EQ(u.size(), 11u);
  EXPECT_NEAR(u[3], 0.3, 1e-12);
  for (double lo : {-1000.0, -3.3, 0.0, 17.0})
    for (double span : {0.007, 1.0, 42.0, 12345.0})
      for (int n : {2, 5, 9}) {
        const auto v = nice_ticks(lo, lo + span, n);
        ASSERT_FALSE(v.empty()) << lo << " " << span << " " << n;
        EXPECT_LE(static_cast<int>(v.size()), n + 1);
        EXPECT_GE(v.front(), lo - 1e-9);
        EXPECT_LE(v.back(), lo + span + 1e-9);
        if (v.size() > 1) {
          const double step = v[1] - v[0];
          const double m = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
          EXPECT_TRUE(std::abs(m - 1) < 1e-6 || std::abs(m - 2) < 1e-6 || std::abs(m - 5) < 1e-6)
              << "step " << step;
        }
      }
  EXPECT_TRUE(nice_ticks(1.0, 1.0, 5).empty());
  EXPECT_TRUE(nice_ticks(0.0, NAN, 5).empty());
}

TEST(TimeTicks, AlignOnLocalClockHours) {
  // Scenario start 2026-03-06T18:00:00+01:00 = 17:00Z; ticks must fall on local whole hours.
  const auto start = sim::units::parse_datetime("2026-03-06T18:20:00+01:00");
  ASSERT_TRUE(start.ok());
  const double span = 12 * 3600.0;
  EXPECT_DOUBLE_EQ(time_tick_step(span, 8), 7200.0);  // 12 h / 8 ticks -> 2 h steps
  const auto t = time_ticks(0.0, span, 8, start.value, 3600);
  ASSERT_FALSE(t.empty());
  // The first tick is 20:00 local, 1 h 40 min after the start.
  EXPECT_DOUBLE_EQ(t.front(), 6000.0);
  for (double x : t) {
    const auto us = start.value + static_cast<std::int64_t>(x * 1e6);
    EXPECT_EQ(format_time_tick(us, 3600, 7200.0, false).substr(3), "00");
  }
}

TEST(FormatDatetime, KnownInstantsInLocalTime) {
  const auto alarm = sim::units::parse_datetime("2026-03-07T03:26:22+01:00");
  ASSERT_TRUE(alarm.ok());
  EXPECT_EQ(format_datetime(alarm.value, 3600), "2026-03-07 03:26:22");
  EXPECT_EQ(format_datetime(alarm.value, 0), "2026-03-07 02:26:22");
  const auto leap = sim::units::parse_datetime("2024-02-29T23:59:59Z");
  ASSERT_TRUE(leap.ok());
  EXPECT_EQ(format_datetime(leap.value, 0), "2024-02-29 23:59:59");
  EXPECT_EQ(format_datetime(leap.value, 1), "2024-03-01 00:00:00");
  EXPECT_EQ(format_datetime(0, -3600), "1969-12-31 23:00:00");
}

TEST(FormatValue, DecimalsFollowTheStep) {
  EXPECT_EQ(format_value(-72.5, 0.5, "C"), "-72.5 C");
  EXPECT_EQ(format_value(-70.0, 5.0, "C"), "-70 C");
  EXPECT_EQ(format_value(0.25, 0.05, "1"), "0.25");
}

TEST(Mapping, MapsCornersAndInverts) {
  Mapping m;
  m.x_lo = 100;
  m.x_hi = 200;
  m.y_lo = -80;
  m.y_hi = -60;
  m.left = 10;
  m.right = 110;
  m.top = 20;
  m.bottom = 220;
  EXPECT_FLOAT_EQ(m.px(100), 10);
  EXPECT_FLOAT_EQ(m.px(200), 110);
  EXPECT_FLOAT_EQ(m.py(-80), 220);  // low values at the bottom
  EXPECT_FLOAT_EQ(m.py(-60), 20);
  EXPECT_FLOAT_EQ(m.py(-70), 120);
  for (double x : {100.0, 133.3, 187.5}) EXPECT_NEAR(m.x_at(m.px(x)), x, 1e-4);
  for (double y : {-79.0, -65.25}) EXPECT_NEAR(m.y_at(m.py(y)), y, 1e-4);
}

TEST(Decimate, KeepsExtremesAndBoundsThePointCount) {
  // 100,000 samples of a slow sine with one spike up and one down in the middle.
  std::vector<double> x(100000), y(100000);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = static_cast<double>(i);
    y[i] = std::sin(static_cast<double>(i) / 5000.0);
  }
  y[41234] = 9.0;
  y[77777] = -7.0;
  std::vector<Point> out;
  decimate(x, y, 0.0, 99999.0, 300, out);
  EXPECT_LE(out.size(), 4u * 301u);
  EXPECT_GE(out.size(), 300u);
  double mx = -1e9, mn = 1e9;
  for (std::size_t i = 0; i < out.size(); ++i) {
    mx = std::max(mx, out[i].y), mn = std::min(mn, out[i].y);
    if (i > 0) {
      EXPECT_LT(out[i - 1].x, out[i].x);  // x order, no repeats
    }
  }
  EXPECT_EQ(mx, 9.0);
  EXPECT_EQ(mn, -7.0);
  EXPECT_EQ(out.front().x, 0.0);
  EXPECT_EQ(out.back().x, 99999.0);
  // A window keeps one sample either side so the line reaches the edges.
  decimate(x, y, 500.5, 600.5, 50, out);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.front().x, 500.0);
  EXPECT_EQ(out.back().x, 601.0);
  decimate({}, {}, 0, 1, 10, out);
  EXPECT_TRUE(out.empty());
}

TEST(ValueRange, CoversDataAndLimits) {
  const std::vector<double> v = {-80.5, -79.2, NAN, -78.0};
  const std::vector<double> limits = {-70.0, -60.0};
  double lo = 0, hi = 0;
  value_range(v, limits, 0.0, lo, hi);
  EXPECT_DOUBLE_EQ(lo, -80.5);
  EXPECT_DOUBLE_EQ(hi, -60.0);
  value_range(std::vector<double>{5.0}, {}, 0.1, lo, hi);
  EXPECT_DOUBLE_EQ(lo, 4.0);  // flat: +-1
  EXPECT_DOUBLE_EQ(hi, 6.0);
}

TEST(NearestIndex, PicksTheCloserNeighbour) {
  const std::vector<double> x = {0, 10, 20, 30};
  EXPECT_EQ(nearest_index(x, -5), 0);
  EXPECT_EQ(nearest_index(x, 14), 1);
  EXPECT_EQ(nearest_index(x, 16), 2);
  EXPECT_EQ(nearest_index(x, 99), 3);
  EXPECT_EQ(nearest_index({}, 1), -1);
}

}  // namespace
}  // namespace labtwin::viz::plot
