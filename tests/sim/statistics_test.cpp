#include "labtwin/sim/statistics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <vector>

#include "labtwin/sim/distributions.hpp"
#include "labtwin/sim/random.hpp"

using namespace labtwin::sim;

TEST(Tally, HandComputedMoments) {
  // Data 2,4,4,4,5,5,7,9: mean 5, sum of squared deviations 32, sample variance 32/7.
  Tally t;
  EXPECT_EQ(t.count(), 0);
  EXPECT_EQ(t.mean(), 0.0);
  EXPECT_EQ(t.variance(), 0.0);
  EXPECT_TRUE(std::isinf(t.ci_halfwidth(0.95)));
  for (const double x : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0}) t.add(x);
  EXPECT_EQ(t.count(), 8);
  EXPECT_DOUBLE_EQ(t.mean(), 5.0);
  EXPECT_DOUBLE_EQ(t.variance(), 32.0 / 7.0);
  EXPECT_DOUBLE_EQ(t.stddev(), std::sqrt(32.0 / 7.0));
  EXPECT_EQ(t.min(), 2.0);
  EXPECT_EQ(t.max(), 9.0);
  // Half-width t_{0.975,7} s / sqrt(n) with the table value t_{0.975,7} = 2.364624.
  EXPECT_NEAR(t.ci_halfwidth(0.95), 2.364624 * std::sqrt(32.0 / 7.0) / std::sqrt(8.0), 1e-6);
  EXPECT_THROW(t.ci_halfwidth(1.0), std::invalid_argument);
  t.reset();
  EXPECT_EQ(t.count(), 0);
  t.add(-3.0);
  EXPECT_EQ(t.min(), -3.0);
  EXPECT_EQ(t.max(), -3.0);
}

TEST(Tally, WelfordIsStableForLargeOffsets) {
  // 1e9 + {4, 7, 13, 16}: variance 30 exactly; the naive sum-of-squares formula loses it.
  Tally t;
  for (const double x : {4.0, 7.0, 13.0, 16.0}) t.add(1e9 + x);
  EXPECT_NEAR(t.variance(), 30.0, 1e-6);
  EXPECT_NEAR(t.mean(), 1e9 + 10.0, 1e-6);
}

TEST(Tally, MergeEqualsSinglePass) {
  RandomStream r(1, 0, "tally");
  Tally all;
  Tally a;
  Tally b;
  for (int i = 0; i < 1000; ++i) {
    const double x = r.uniform(-5, 20);
    all.add(x);
    (i < 313 ? a : b).add(x);
  }
  Tally m = a;
  m.merge(b);
  EXPECT_EQ(m.count(), all.count());
  EXPECT_NEAR(m.mean(), all.mean(), 1e-12);
  EXPECT_NEAR(m.variance(), all.variance(), 1e-10);
  EXPECT_EQ(m.min(), all.min());
  EXPECT_EQ(m.max(), all.max());
  Tally empty;
  m.merge(empty);
  EXPECT_EQ(m.count(), all.count());
  empty.merge(a);
  EXPECT_EQ(empty.count(), a.count());
  EXPECT_EQ(empty.mean(), a.mean());
}

// Coverage of the Student-t CI for iid normal data: the 95% interval must cover the true mean
// in ~95% of 2000 replications (binomial sd 0.0049; accept +-4 sd).
TEST(Tally, StudentTIntervalHasNominalCoverage) {
  const Normal n(10.0, 3.0);
  int covered = 0;
  constexpr int kReps = 2000;
  for (int rep = 0; rep < kReps; ++rep) {
    RandomStream r(5, static_cast<std::uint64_t>(rep), "ci");
    Tally t;
    for (int i = 0; i < 10; ++i) t.add(n(r));
    if (std::fabs(t.mean() - 10.0) <= t.ci_halfwidth(0.95)) ++covered;
  }
  const double coverage = static_cast<double>(covered) / kReps;
  std::printf("iid normal n=10 95%% t-interval coverage %.4f\n", coverage);
  EXPECT_NEAR(coverage, 0.95, 4.0 * std::sqrt(0.95 * 0.05 / kReps));
}

TEST(TimeWeighted, HandComputedAverage) {
  // 0 on [0,1), 2 on [1,3), 5 on [3,4), 0 on [4,5]: area = 0 + 4 + 5 + 0 = 9 over 5 s -> 1.8.
  TimeWeighted q(Time::zero(), 0.0);
  EXPECT_EQ(q.mean(Time::zero()), 0.0);
  q.update(Time::s(1), 2.0);
  q.update(Time::s(3), 5.0);
  q.update(Time::s(4), 0.0);
  EXPECT_DOUBLE_EQ(q.mean(Time::s(5)), 1.8);
  EXPECT_DOUBLE_EQ(q.mean(Time::s(4)), 9.0 / 4.0);
  EXPECT_EQ(q.current(), 0.0);
  EXPECT_EQ(q.min(), 0.0);
  EXPECT_EQ(q.max(), 5.0);
  // Warm-up deletion: restart at t = 4 s with the current value 0, then 3 on [6, 8].
  q.reset(Time::s(4));
  EXPECT_EQ(q.start(), Time::s(4));
  q.update(Time::s(6), 3.0);
  EXPECT_DOUBLE_EQ(q.mean(Time::s(8)), 6.0 / 4.0);
  EXPECT_EQ(q.max(), 3.0);
  EXPECT_EQ(q.min(), 0.0);
  EXPECT_THROW(q.update(Time::s(5), 1.0), std::invalid_argument);
  EXPECT_THROW(q.mean(Time::s(5)), std::invalid_argument);
  // Same-instant updates contribute no area.
  TimeWeighted z(Time::s(10), 7.0);
  z.update(Time::s(10), 1.0);
  z.update(Time::s(12), 0.0);
  EXPECT_DOUBLE_EQ(z.mean(Time::s(14)), 0.5);
  EXPECT_EQ(z.max(), 7.0);
}

TEST(Histogram, CountsAndInterpolatedQuantiles) {
  Histogram h(0.0, 100.0, 10);
  EXPECT_THROW(h.quantile(0.5), std::logic_error);
  // 0.5, 1.5, ..., 99.5: ten per bin of width 10.
  for (int i = 0; i < 100; ++i) h.add(i + 0.5);
  EXPECT_EQ(h.total(), 100);
  for (std::size_t b = 0; b < 10; ++b) EXPECT_EQ(h.bin_count(b), 10);
  EXPECT_EQ(h.bin_lo(3), 30.0);
  // Rank 25 falls halfway through bin 2 ([20, 30)) -> 25; rank 95 -> 95; rank 100 -> 100.
  EXPECT_DOUBLE_EQ(h.quantile(0.25), 25.0);
  EXPECT_DOUBLE_EQ(h.quantile(0.95), 95.0);
  EXPECT_DOUBLE_EQ(h.quantile(1.0), 100.0);
  h.add(-1.0);
  h.add(100.0);  // hi itself is overflow: bins are [lo, hi)
  h.add(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(h.underflow(), 1);
  EXPECT_EQ(h.overflow(), 2);
  EXPECT_EQ(h.total(), 103);
  EXPECT_EQ(h.quantile(0.0), 0.0);  // lies in the underflow: clamped to lo
  EXPECT_THROW(h.quantile(1.5), std::invalid_argument);
  h.reset();
  EXPECT_EQ(h.total(), 0);
  EXPECT_EQ(h.bin_count(0), 0);
  EXPECT_THROW(Histogram(1.0, 1.0, 4), std::invalid_argument);
  EXPECT_THROW(Histogram(0.0, 1.0, 0), std::invalid_argument);
}

TEST(SampleQuantiles, Type7Interpolation) {
  SampleQuantiles q;
  EXPECT_THROW(q.quantile(0.5), std::logic_error);
  for (const double x : {7.0, 1.0, 10.0, 3.0, 5.0, 2.0, 9.0, 4.0, 8.0, 6.0}) q.add(x);
  // n = 10, h = 9p: p50 -> between 5 and 6 = 5.5; p95 -> h = 8.55 -> 9.55; p99 -> 9.91.
  EXPECT_DOUBLE_EQ(q.p50(), 5.5);
  EXPECT_NEAR(q.p95(), 9.55, 1e-12);
  EXPECT_NEAR(q.p99(), 9.91, 1e-12);
  EXPECT_EQ(q.quantile(0.0), 1.0);
  EXPECT_EQ(q.quantile(1.0), 10.0);
  q.add(0.0);  // adding after a query re-sorts
  EXPECT_EQ(q.quantile(0.0), 0.0);
  EXPECT_EQ(q.count(), 11U);
  q.reset();
  EXPECT_EQ(q.count(), 0U);
}

TEST(BatchMeans, HandComputedDoubling) {
  // k = 2 (so up to 4 batches), initial size 1. After 1..4: sums [1,2,3,4] -> merged to
  // [3,7] size 2. After 5..8: [3,7,11,15] -> [10,26] size 4: means 2.5 and 6.5.
  BatchMeans b(2, 1);
  for (int i = 1; i <= 9; ++i) b.add(i);
  EXPECT_EQ(b.batch_size(), 4);
  EXPECT_EQ(b.completed_batches(), 2U);
  EXPECT_EQ(b.count(), 9);
  const auto m = b.batch_means();
  ASSERT_EQ(m.size(), 2U);
  EXPECT_DOUBLE_EQ(m[0], 2.5);
  EXPECT_DOUBLE_EQ(m[1], 6.5);
  EXPECT_DOUBLE_EQ(b.mean(), 4.5);
  // Two batch means: s = sqrt(8), t_{0.975,1} = 12.706205: h = 12.706205 sqrt(8) / sqrt(2).
  EXPECT_NEAR(b.ci_halfwidth(0.95), 12.706205 * 2.0, 1e-5);
  b.reset();
  EXPECT_EQ(b.completed_batches(), 0U);
  EXPECT_EQ(b.batch_size(), 1);
  EXPECT_TRUE(std::isinf(b.ci_halfwidth(0.95)));
  EXPECT_THROW(BatchMeans(1, 1), std::invalid_argument);
  EXPECT_THROW(BatchMeans(10, 0), std::invalid_argument);
}

// Batch means on an autocorrelated AR(1) series X_t = phi X_{t-1} + e_t (phi = 0.5, mean 0):
// the naive iid interval undercovers badly (true variance of the mean is (1+phi)/(1-phi) = 3
// times the iid one, so its nominal 90% interval covers only ~P(|Z| < 1.645/sqrt 3) = 0.66),
// while batch means with 20 batches should be near nominal. 400 replications of 20,000 steps.
TEST(BatchMeans, CoversAutocorrelatedMeanWhereIidIntervalFails) {
  const Normal e(0.0, 1.0);
  constexpr int kReps = 400;
  int bm_cover = 0;
  int iid_cover = 0;
  for (int rep = 0; rep < kReps; ++rep) {
    RandomStream r(77, static_cast<std::uint64_t>(rep), "ar1");
    BatchMeans bm(20);
    Tally t;
    double x = 0;
    for (int i = 0; i < 20000; ++i) {
      x = 0.5 * x + e(r);
      bm.add(x);
      t.add(x);
    }
    if (std::fabs(bm.mean()) <= bm.ci_halfwidth(0.90)) ++bm_cover;
    if (std::fabs(t.mean()) <= t.ci_halfwidth(0.90)) ++iid_cover;
  }
  const double bm_rate = static_cast<double>(bm_cover) / kReps;
  const double iid_rate = static_cast<double>(iid_cover) / kReps;
  const double sd = std::sqrt(0.9 * 0.1 / kReps);  // 0.015
  std::printf("AR(1) 90%% coverage: batch means %.4f, iid %.4f\n", bm_rate, iid_rate);
  EXPECT_NEAR(bm_rate, 0.90, 4.0 * sd);
  EXPECT_NEAR(iid_rate, 0.66, 0.08);
}
