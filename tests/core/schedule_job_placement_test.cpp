// Deferrable energy jobs against a carbon/price forecast: greedy vs exact placement.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "labtwin/core/schedule/job_placement.hpp"
#include "labtwin_test/splitmix.hpp"

namespace labtwin::core {
namespace {

using test::SplitMix64;

constexpr Instant kT{1'790'000'000'000'000};

// Builds "<prefix><n>" (appending avoids a GCC 12 -Wrestrict false positive on operator+).
std::string numbered(const char* prefix, std::size_t n) {
  std::string s(prefix);
  s.append(std::to_string(n));
  return s;
}

Forecast hourly(std::vector<double> v) { return Forecast{kT, Span::hours(1), std::move(v)}; }

EnergyJob job(const std::string& id, double hours, double kw, double release_h, double deadline_h) {
  return EnergyJob{id, Span::hours(hours), kw, kT + Span::hours(release_h),
                   kT + Span::hours(deadline_h)};
}

TEST(JobPlacement, IntegratesPiecewiseConstantForecast) {
  const Forecast f = hourly({2, 4, 6});
  // 0.5 h x 2 + 1 h x 4 + 0.5 h x 6 = 8.
  EXPECT_DOUBLE_EQ(integrate(f, kT + Span::minutes(30), kT + Span::minutes(150)), 8.0);
  EXPECT_DOUBLE_EQ(integrate(f, kT, kT), 0.0);
  EXPECT_DOUBLE_EQ(integrate(f, kT, f.end()), 12.0);
  EXPECT_THROW(integrate(f, kT - Span::minutes(1), kT), std::out_of_range);
  EXPECT_THROW(integrate(f, kT, f.end() + Span::minutes(1)), std::out_of_range);
}

TEST(JobPlacement, CandidateStartsAreReleaseThenGridPoints) {
  const Forecast f = hourly({1, 1, 1, 1, 1});
  const EnergyJob j = job("j", 1.0, 1.0, 0.5, 3.0);
  EXPECT_EQ(
      candidate_starts(f, j),
      (std::vector<Instant>{kT + Span::minutes(30), kT + Span::hours(1), kT + Span::hours(2)}));
  // Window shorter than the job: no candidates.
  EXPECT_TRUE(candidate_starts(f, job("k", 2.0, 1.0, 2.5, 4.0)).empty());
  // Deadline past the forecast end is clipped to the forecast.
  EXPECT_EQ(candidate_starts(f, job("l", 2.0, 1.0, 0.0, 99.0)).size(), 4U);
}

TEST(JobPlacement, SingleJobTakesCheapestWindow) {
  const Forecast f = hourly({5, 4, 1, 1, 3, 2});
  const std::vector<EnergyJob> jobs = {job("defrost", 2.0, 3.0, 0.0, 6.0)};
  for (const Placement& p : {place_greedy(f, jobs), place_exact(f, jobs)}) {
    ASSERT_TRUE(p.feasible);
    EXPECT_EQ(p.start[0], kT + Span::hours(2));
    EXPECT_DOUBLE_EQ(p.cost, 3.0 * 2.0 * 1.0);  // kW x h x per-kWh
  }
}

TEST(JobPlacement, ExactBeatsGreedyUnderConcurrencyLimit) {
  const Forecast f = hourly({1, 2, 10, 10});
  // Greedy (EDF) gives the small early job hour 0, pushing the 10 kW job to hour 1:
  // 1 x 1 + 10 x 2 = 21. Optimal: big job at hour 0, small at hour 1: 10 + 2 = 12.
  const std::vector<EnergyJob> jobs = {job("autoclave", 1.0, 10.0, 0.0, 4.0),
                                       job("defrost", 1.0, 1.0, 0.0, 2.0)};
  PlacementLimits lim;
  lim.max_concurrent = 1;
  const Placement g = place_greedy(f, jobs, lim);
  const Placement e = place_exact(f, jobs, lim);
  ASSERT_TRUE(g.feasible);
  ASSERT_TRUE(e.feasible);
  EXPECT_DOUBLE_EQ(g.cost, 21.0);
  EXPECT_DOUBLE_EQ(e.cost, 12.0);
  EXPECT_TRUE(e.proven_optimal);
  EXPECT_EQ(e.start[0], kT);
  EXPECT_EQ(e.start[1], kT + Span::hours(1));
  EXPECT_TRUE(placement_valid(jobs, g, lim));
  EXPECT_TRUE(placement_valid(jobs, e, lim));
  // Without the limit both run in hour 0 and greedy is optimal: 10 + 1 = 11.
  EXPECT_DOUBLE_EQ(place_greedy(f, jobs).cost, 11.0);
  EXPECT_DOUBLE_EQ(place_exact(f, jobs).cost, 11.0);
}

TEST(JobPlacement, PowerCapSeparatesJobs) {
  const Forecast f = hourly({1, 1, 5, 5});
  const std::vector<EnergyJob> jobs = {job("a", 2.0, 5.0, 0.0, 4.0), job("b", 2.0, 5.0, 0.0, 4.0)};
  PlacementLimits cap;
  cap.power_cap_kw = 8.0;
  const Placement e = place_exact(f, jobs, cap);
  ASSERT_TRUE(e.feasible);
  EXPECT_DOUBLE_EQ(e.cost, 5.0 * 2.0 + 5.0 * 10.0);  // one in hours 0-1, the other 2-3
  EXPECT_TRUE(placement_valid(jobs, e, cap));
  cap.power_cap_kw = 10.0;
  EXPECT_DOUBLE_EQ(place_exact(f, jobs, cap).cost, 20.0);  // both fit together
  cap.power_cap_kw = 4.0;                                  // no single job fits
  EXPECT_FALSE(place_greedy(f, jobs, cap).feasible);
  EXPECT_FALSE(place_exact(f, jobs, cap).feasible);
}

TEST(JobPlacement, InfeasibleAndInvalidJobs) {
  const Forecast f = hourly({1, 1, 1});
  const std::vector<EnergyJob> too_long = {job("x", 4.0, 1.0, 0.0, 3.0)};
  const Placement g = place_greedy(f, too_long);
  EXPECT_FALSE(g.feasible);
  EXPECT_EQ(g.placed[0], 0);
  EXPECT_FALSE(place_exact(f, too_long).feasible);
  EXPECT_THROW(place_greedy(f, {job("neg", 1.0, -1.0, 0, 3)}), std::invalid_argument);
  EXPECT_THROW(place_greedy(f, {job("zero", 0.0, 1.0, 0, 3)}), std::invalid_argument);
  EXPECT_THROW(place_exact(f, {job("back", 1.0, 1.0, 2, 1)}), std::invalid_argument);
}

// Exhaustive: every combination of candidate starts, keep the cheapest valid one.
double brute_force(const Forecast& f, const std::vector<EnergyJob>& jobs,
                   const PlacementLimits& lim) {
  std::vector<std::vector<Instant>> c;
  for (const auto& j : jobs) c.push_back(candidate_starts(f, j));
  Placement p;
  p.start.assign(jobs.size(), Instant{});
  p.placed.assign(jobs.size(), 1);
  double best = std::numeric_limits<double>::infinity();
  std::vector<std::size_t> idx(jobs.size(), 0);
  for (const auto& v : c) {
    if (v.empty()) return best;
  }
  while (true) {
    double cost = 0.0;
    for (std::size_t j = 0; j < jobs.size(); ++j) {
      p.start[j] = c[j][idx[j]];
      cost += jobs[j].power_kw * integrate(f, p.start[j], p.start[j] + jobs[j].duration);
    }
    if (cost < best && placement_valid(jobs, p, lim)) best = cost;
    std::size_t k = 0;
    while (k < jobs.size() && ++idx[k] == c[k].size()) idx[k++] = 0;
    if (k == jobs.size()) break;
  }
  return best;
}

struct RandomCase {
  Forecast f;
  std::vector<EnergyJob> jobs;
  PlacementLimits lim;
};

RandomCase random_case(SplitMix64& rng, std::size_t max_jobs, std::size_t hours, bool limits) {
  RandomCase rc{hourly({}), {}, {}};
  for (std::size_t h = 0; h < hours; ++h)
    rc.f.values.push_back(1.0 + static_cast<double>(rng.below(20)));
  const std::size_t n = 1 + rng.below(max_jobs);
  for (std::size_t i = 0; i < n; ++i) {
    const double dur = 0.5 * static_cast<double>(1 + rng.below(6));  // 0.5..3 h
    const double rel = static_cast<double>(rng.below(hours / 2));
    const double dl =
        std::min(static_cast<double>(hours), rel + dur + static_cast<double>(rng.below(hours)));
    rc.jobs.push_back(job(numbered("j", i), dur, 1.0 + static_cast<double>(rng.below(9)), rel, dl));
  }
  if (limits) {
    rc.lim.max_concurrent = rng.below(3);  // 0 (none), 1 or 2
    if (rng.below(2) == 0) rc.lim.power_cap_kw = 6.0 + static_cast<double>(rng.below(10));
  }
  return rc;
}

TEST(JobPlacement, ExactMatchesBruteForceAndNeverLosesToGreedy) {
  SplitMix64 rng{2026};
  int feasible = 0, greedy_worse = 0, greedy_failed = 0;
  for (int n = 0; n < 400; ++n) {
    const RandomCase rc = random_case(rng, 4, 10, true);
    const Placement g = place_greedy(rc.f, rc.jobs, rc.lim);
    const Placement e = place_exact(rc.f, rc.jobs, rc.lim);
    const double want = brute_force(rc.f, rc.jobs, rc.lim);
    ASSERT_TRUE(e.proven_optimal);
    EXPECT_TRUE(placement_valid(rc.jobs, g, rc.lim)) << "case " << n;
    EXPECT_EQ(e.feasible, std::isfinite(want)) << "case " << n;
    if (!e.feasible) {
      EXPECT_FALSE(g.feasible) << "case " << n;
      continue;
    }
    ++feasible;
    EXPECT_TRUE(placement_valid(rc.jobs, e, rc.lim)) << "case " << n;
    EXPECT_NEAR(e.cost, want, 1e-9 * want) << "case " << n;
    if (g.feasible) {
      EXPECT_LE(e.cost, g.cost + 1e-9 * g.cost) << "case " << n;
      if (e.cost < g.cost - 1e-9 * g.cost) ++greedy_worse;
    } else {
      ++greedy_failed;
    }
  }
  EXPECT_GT(feasible, 200);
  EXPECT_GT(greedy_worse + greedy_failed, 5);  // the limits make the comparison non-trivial
  std::printf("feasible %d/400, greedy strictly worse %d, greedy infeasible %d\n", feasible,
              greedy_worse, greedy_failed);
}

TEST(JobPlacement, GreedyIsOptimalWithoutLimits) {
  // Jobs are independent without limits, so each one's cheapest start is optimal.
  SplitMix64 rng{99};
  for (int n = 0; n < 200; ++n) {
    const RandomCase rc = random_case(rng, 6, 24, false);
    const Placement g = place_greedy(rc.f, rc.jobs);
    const Placement e = place_exact(rc.f, rc.jobs);
    ASSERT_EQ(g.feasible, e.feasible);
    if (g.feasible) {
      EXPECT_DOUBLE_EQ(e.cost, g.cost) << "case " << n;
    }
  }
}

TEST(JobPlacement, LargerInstancesExactNotWorseThanGreedy) {
  SplitMix64 rng{5};
  for (int n = 0; n < 100; ++n) {
    const RandomCase rc = random_case(rng, 7, 24, true);
    const Placement g = place_greedy(rc.f, rc.jobs, rc.lim);
    const Placement e = place_exact(rc.f, rc.jobs, rc.lim, 2'000'000);
    if (g.feasible) {
      ASSERT_TRUE(e.feasible);
      EXPECT_LE(e.cost, g.cost + 1e-9 * g.cost);
      EXPECT_TRUE(placement_valid(rc.jobs, e, rc.lim));
    }
  }
}

// Real data: hourly CAISO grid carbon intensity (kg CO2/kWh), first two days of the year.
TEST(JobPlacement, DefrostsAgainstCaisoCarbonIntensity) {
  const std::string path = std::string(LABTWIN_SHARED_DATA_DIR) + "/microgrid/co2-caiso.csv";
  std::ifstream in(path);
  if (!in) GTEST_SKIP() << "reference data not found: " << path;
  std::string line;
  std::getline(in, line);  // header
  Forecast f = hourly({});
  while (f.values.size() < 48 && std::getline(in, line)) f.values.push_back(std::stod(line));
  ASSERT_EQ(f.values.size(), 48U);
  // Eight freezers defrost once a day: 45 min at 3 kW, each within 12 h of its release;
  // at most two at a time.
  std::vector<EnergyJob> jobs;
  for (int i = 0; i < 8; ++i) {
    jobs.push_back(EnergyJob{numbered("defrost-", static_cast<std::size_t>(i)), Span::minutes(45),
                             3.0, kT + Span::hours(3.0 * i), kT + Span::hours(3.0 * i + 12.0)});
  }
  PlacementLimits lim;
  lim.max_concurrent = 2;
  const Placement g = place_greedy(f, jobs, lim);
  const Placement e = place_exact(f, jobs, lim);
  ASSERT_TRUE(g.feasible);
  ASSERT_TRUE(e.feasible);
  EXPECT_TRUE(e.proven_optimal);
  // Baseline: each defrost at its release (valid: releases are 3 h apart).
  Placement asap;
  asap.placed.assign(jobs.size(), 1);
  double asap_cost = 0.0;
  for (const auto& j : jobs) {
    asap.start.push_back(j.release);
    asap_cost += j.power_kw * integrate(f, j.release, j.release + j.duration);
  }
  ASSERT_TRUE(placement_valid(jobs, asap, lim));
  EXPECT_LE(e.cost, g.cost + 1e-12);
  EXPECT_LT(g.cost, asap_cost);  // shifting saves emissions on real data
  std::printf("CAISO defrosts: at release %.3f kg, greedy %.3f kg, exact %.3f kg (%.1f%% saved)\n",
              asap_cost, g.cost, e.cost, 100.0 * (1.0 - e.cost / asap_cost));
}

}  // namespace
}  // namespace labtwin::core
