#include "labtwin/sim/time.hpp"

#include <gtest/gtest.h>

using labtwin::sim::Time;

TEST(Time, UnitsAreMicroseconds) {
  EXPECT_EQ(Time::s(1).ticks, 1'000'000);
  EXPECT_EQ(Time::h(2), Time::min(120));
  EXPECT_EQ(Time::days(1), Time::h(24));
  EXPECT_DOUBLE_EQ(Time::min(90).hours(), 1.5);
}

TEST(Time, FromSecondsRoundsToNearestTick) {
  EXPECT_EQ(Time::from_seconds(1.0000004).ticks, 1'000'000);
  EXPECT_EQ(Time::from_seconds(1.0000006).ticks, 1'000'001);
  EXPECT_EQ(Time::from_seconds(-1.0000006).ticks, -1'000'001);
}

TEST(Time, SpansCenturies) {
  // 300 years of simulated time is far inside the int64 range of microseconds.
  const Time t = Time::days(365) * 300;
  EXPECT_GT(t, Time::zero());
  EXPECT_LT(t, Time::max());
  EXPECT_NEAR(t.seconds() / (365.0 * 86400.0), 300.0, 1e-9);
}
