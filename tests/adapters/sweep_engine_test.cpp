// The sweep engine: -j independence, common random numbers, statistics against hand and
// theory, precision stopping, NaN handling, grid/LHS points, journal and results.h5.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "labtwin/adapters/scenario_loader.hpp"
#include "labtwin/adapters/sweep.hpp"
#include "labtwin/adapters/sweep_h5.hpp"
#include "labtwin/adapters/sweep_journal.hpp"
#include "labtwin/adapters/sweep_welch.hpp"
#include "labtwin/sim/analytic.hpp"
#include "labtwin/twin/run_result.hpp"

namespace lt = labtwin;
namespace ad = labtwin::adapters;
namespace fs = std::filesystem;

namespace {

const std::string kPoisson = std::string(LABTWIN_SOURCE_DIR) + "/tests/data/sweep/poisson.yaml";
const std::string kReagent = std::string(LABTWIN_SOURCE_DIR) + "/scenarios/reagent-reorder.yaml";

struct Loaded {
  ad::LoadResult load;
  ad::SweepVariants plan;
  std::vector<ad::KpiColumn> kpis;
};

Loaded load(const std::string& file, const std::vector<std::string>& only = {}) {
  Loaded l;
  l.load = ad::load_scenario(file);
  EXPECT_TRUE(l.load.ok()) << file;
  l.plan = ad::plan_variants(*l.load.tree, *l.load.scenario, only);
  EXPECT_TRUE(l.plan.ok());
  l.kpis = ad::kpi_columns(*l.load.scenario);
  return l;
}

std::size_t column(const std::vector<ad::KpiColumn>& kpis, const std::string& name) {
  for (std::size_t k = 0; k < kpis.size(); ++k)
    if (kpis[k].name == name) return k;
  ADD_FAILURE() << "no KPI " << name;
  return 0;
}

ad::SweepResults run(const Loaded& l, std::size_t reps, int threads,
                     std::optional<lt::sim::Time> until = std::nullopt) {
  auto res = ad::make_results(l.plan.variants, l.kpis);
  res.plan(reps);
  ad::SweepRunOptions o;
  o.threads = threads;
  o.until = until;
  EXPECT_EQ(ad::run_replications(l.plan.variants, res, o), reps * l.plan.variants.size());
  return res;
}

fs::path temp_dir(const std::string& name) {
  const fs::path p =
      fs::temp_directory_path() / ("labtwin_sweep_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

}  // namespace

// Replication r of every variant is keyed by (seed, r, stream): the thread count must not
// change a single bit of any KPI nor any fingerprint.
TEST(SweepEngine, ResultsAreBitIdenticalForOneAndTwoThreads) {
  const auto l = load(kReagent);
  ASSERT_EQ(l.plan.variants.size(), 3u);  // base, lean, safe
  const auto until = lt::sim::Time::from_seconds(30 * 86400.0);
  const auto a = run(l, 8, 1, until);
  const auto b = run(l, 8, 2, until);
  for (std::size_t v = 0; v < 3; ++v) {
    for (std::size_t r = 0; r < 8; ++r) {
      const auto& x = a.runs[v][r];
      const auto& y = b.runs[v][r];
      ASSERT_TRUE(x.done && y.done);
      EXPECT_EQ(x.fingerprint, y.fingerprint) << v << "/" << r;
      ASSERT_EQ(x.values.size(), y.values.size());
      EXPECT_EQ(0, std::memcmp(x.values.data(), y.values.data(), x.values.size() * sizeof(double)))
          << "variant " << v << " replication " << r;
    }
  }
  // Different replications are different runs.
  EXPECT_NE(a.runs[0][0].fingerprint, a.runs[0][1].fingerprint);
}

// Common random numbers: the variant only changes the reorder point, so demand is identical
// replication by replication and the paired CI of the stockout-time difference is far narrower
// than the unpaired (Welch-Satterthwaite) CI of the same difference of means.
TEST(SweepEngine, PairedDifferenceIsNarrowerThanUnpairedUnderCrn) {
  const auto l = load(kPoisson);
  ASSERT_EQ(l.plan.variants.size(), 2u);
  const auto res = run(l, 30, 2);
  const auto s = ad::summarize(res);
  const auto demand = column(l.kpis, "demand_units");
  const auto stockout = column(l.kpis, "stockout_time");
  // Same demand draws in both variants: every paired difference is exactly zero.
  EXPECT_EQ(s.cells[1][demand].diff_mean, 0.0);
  EXPECT_EQ(s.cells[1][demand].diff_half_width, 0.0);
  EXPECT_GT(s.cells[1][demand].welch_half_width, 0.0);
  // Measured at 30 replications: paired half-width 55671 s vs unpaired 141538 s (0.39 x).
  const auto& c = s.cells[1][stockout];
  EXPECT_LT(c.diff_half_width, 0.6 * c.welch_half_width)
      << "paired " << c.diff_half_width << " unpaired " << c.welch_half_width;
  std::printf("[ measured ] stockout diff paired +-%.0f s, unpaired +-%.0f s\n", c.diff_half_width,
              c.welch_half_width);
  EXPECT_TRUE(c.diff_excludes_zero);  // s 25 -> 27 shortens stockouts, and CRN shows it
  EXPECT_LT(c.diff_mean, 0.0);
}

// Coverage: E[demand_units] = 10/d x (20 weekdays + 8 weekend days x 0.5) = 240 (Poisson,
// thinned on weekends; tests/data/sweep/poisson.yaml). Forty independent 95% CIs from 10
// replications each: coverage ~ Binomial(40, 0.95), mean 38, sd 1.38; we require >= 34.
TEST(SweepEngine, StudentTIntervalsCoverThePoissonMean) {
  const auto l = load(kPoisson, {"base"});
  const auto res = run(l, 400, 2);
  const auto k = column(l.kpis, "demand_units");
  const double theory = 10.0 * (20.0 + 8.0 * 0.5);
  int covered = 0;
  const double t = lt::sim::student_t_quantile(0.975, 9.0);
  for (std::size_t g = 0; g < 40; ++g) {
    ad::SweepResults part = ad::make_results(l.plan.variants, l.kpis);
    part.plan(10);
    for (std::size_t r = 0; r < 10; ++r) part.runs[0][r] = res.runs[0][g * 10 + r];
    const auto s = ad::summarize(part);
    const auto& c = s.cells[0][k];
    EXPECT_NEAR(c.half_width, t * c.sd / std::sqrt(10.0), 1e-9);
    if (std::fabs(c.mean - theory) <= c.half_width) ++covered;
  }
  EXPECT_GE(covered, 34) << "of 40";
  std::printf("[ measured ] %d of 40 CIs cover 240\n", covered);
  // And the grand mean of 400 replications: sd of the mean = sqrt(240/400) = 0.77.
  const auto all = ad::summarize(res);
  std::printf("[ measured ] grand mean %.3f (theory 240), variance/mean %.3f\n",
              all.cells[0][k].mean, all.cells[0][k].sd * all.cells[0][k].sd / theory);
  EXPECT_NEAR(all.cells[0][k].mean, theory, 4 * std::sqrt(theory / 400.0));
  // Poisson: variance = mean (within sampling error of the variance, ~7% at n = 400).
  EXPECT_NEAR(all.cells[0][k].sd * all.cells[0][k].sd / theory, 1.0, 0.25);
}

// Statistics by hand on synthetic results: NaN and inf are excluded and counted, pairing
// uses only replications where both values are finite.
TEST(SweepEngine, SummaryMatchesHandComputationAndExcludesNaN) {
  ad::SweepResults res;
  res.variants = {"base", "v"};
  res.kpis = {{"x", "count", ""}};
  res.runs.resize(2);
  res.plan(5);
  const double nan = std::nan("");
  const double base[5] = {1, 2, 3, 4, nan};
  const double var[5] = {2, 2, 5, 5, 7};
  for (std::size_t r = 0; r < 5; ++r) {
    res.runs[0][r] = ad::Replication{true, r, {base[r]}};
    res.runs[1][r] = ad::Replication{true, r, {var[r]}};
  }
  const auto s = ad::summarize(res);
  const auto& b = s.cells[0][0];
  EXPECT_EQ(b.n, 4u);
  EXPECT_EQ(b.excluded, 1u);
  EXPECT_DOUBLE_EQ(b.mean, 2.5);
  EXPECT_DOUBLE_EQ(b.sd, std::sqrt(5.0 / 3.0));
  // t_{0.975, 3} = 3.182446 (tables).
  EXPECT_NEAR(b.half_width, 3.182446 * std::sqrt(5.0 / 3.0) / 2.0, 1e-5);
  const auto& v = s.cells[1][0];
  EXPECT_EQ(v.n, 5u);
  EXPECT_DOUBLE_EQ(v.mean, 4.2);
  // Pairs (2-1, 2-2, 5-3, 5-4): d = 1, 0, 2, 1 -> mean 1, sd sqrt(2/3).
  EXPECT_EQ(v.diff_n, 4u);
  EXPECT_DOUBLE_EQ(v.diff_mean, 1.0);
  EXPECT_NEAR(v.diff_half_width, 3.182446 * std::sqrt(2.0 / 3.0) / 2.0, 1e-5);
  EXPECT_FALSE(v.diff_excludes_zero);  // half-width 1.299 > |mean| 1
  // A KPI that is never defined has no mean and is skipped by the precision check.
  res.kpis.push_back({"never", "s", ""});
  for (auto& vr : res.runs)
    for (auto& r : vr) r.values.push_back(nan);
  const auto s2 = ad::summarize(res);
  EXPECT_EQ(s2.cells[0][1].n, 0u);
  EXPECT_EQ(s2.cells[0][1].excluded, 5u);
  EXPECT_TRUE(std::isnan(s2.cells[0][1].mean));
  const auto p = ad::check_precision(s2, {1}, 0.02);
  EXPECT_TRUE(p.met);
}

// Sequential precision: stops once every chosen KPI's relative half-width is within target,
// and reports the cap when the target is out of reach.
TEST(SweepEngine, PrecisionStopsAtTargetOrReportsTheCap) {
  const auto l = load(kPoisson);
  const auto k = column(l.kpis, "demand_units");
  {
    auto res = ad::make_results(l.plan.variants, l.kpis);
    ad::SweepPlan plan;
    plan.replications = 4;
    plan.precision = 0.02;
    plan.max_replications = 200;
    plan.kpis = {k};
    ad::SweepRunOptions o;
    o.threads = 2;
    const auto out = ad::run_sweep(l.plan.variants, res, plan, o);
    EXPECT_TRUE(out.precision_met);
    EXPECT_FALSE(out.cap_hit);
    const auto s = ad::summarize(res);
    for (std::size_t v = 0; v < 2; ++v) EXPECT_LE(ad::relative_half_width(s.cells[v][k]), 0.02);
    // Poisson(240): relative half-width ~ 1.96 sqrt(240/n) / 240 <= 0.02 needs n >= ~40;
    // the growth rule never more than doubles, so it stops below 2 x that.
    std::printf("[ measured ] precision 2%% met at %zu replications\n", res.replications());
    EXPECT_GE(res.replications(), 20u);
    EXPECT_LE(res.replications(), 100u);
    EXPECT_EQ(out.ran, 2 * res.replications());
  }
  {
    auto res = ad::make_results(l.plan.variants, l.kpis);
    ad::SweepPlan plan;
    plan.replications = 3;
    plan.precision = 1e-6;
    plan.max_replications = 7;
    plan.kpis = {k};
    ad::SweepRunOptions o;
    const auto out = ad::run_sweep(l.plan.variants, res, plan, o);
    EXPECT_FALSE(out.precision_met);
    EXPECT_TRUE(out.cap_hit);
    EXPECT_EQ(res.replications(), 7u);
    EXPECT_EQ(out.precision.widest_kpi, "demand_units");
    EXPECT_GT(out.precision.widest, 1e-6);
  }
  EXPECT_EQ(ad::next_replication_count(10, 0.04, 0.02, 1000), 20u);   // 10 x 2^2, capped at 2n
  EXPECT_EQ(ad::next_replication_count(10, 0.021, 0.02, 1000), 12u);  // ceil(10 x 1.1025)
  EXPECT_EQ(ad::next_replication_count(10, 0.04, 0.02, 15), 15u);
}

// The stop flag: no new replication starts once it is raised.
TEST(SweepEngine, StopFlagEndsTheSweepEarly) {
  const auto l = load(kPoisson);
  auto res = ad::make_results(l.plan.variants, l.kpis);
  std::atomic<bool> stop{false};
  std::size_t seen = 0;
  ad::SweepRunOptions o;
  o.stop = &stop;
  o.on_done = [&](std::size_t, std::size_t, const ad::Replication&) {
    if (++seen == 3) stop = true;
  };
  ad::SweepPlan plan;
  plan.replications = 10;
  const auto out = ad::run_sweep(l.plan.variants, res, plan, o);
  EXPECT_TRUE(out.stopped);
  EXPECT_EQ(res.done_count(), 3u);  // one thread: exactly three ran
}

TEST(SweepPoints, GridIsTheCartesianProductLastParameterFastest) {
  lt::twin::SweepDef def;
  def.parameters.push_back({"technicians[0].count", {"1", "2"}, {}, {}, {}});
  def.parameters.push_back({"items[0].policy.s", {}, 10.0, 20.0, 5.0});
  const auto pts = ad::sweep_points(def, 1);
  ASSERT_EQ(pts.size(), 6u);
  EXPECT_EQ(pts[0].name, "technicians[0].count=1,items[0].policy.s=10");
  EXPECT_EQ(pts[1].name, "technicians[0].count=1,items[0].policy.s=15");
  EXPECT_EQ(pts[5].name, "technicians[0].count=2,items[0].policy.s=20");
  EXPECT_EQ(pts[5].set[1].value.scalar, "20");
  def.parameters[1].range_step.reset();
  EXPECT_THROW(ad::sweep_points(def, 1), std::invalid_argument);
}

// LHS: every stratum of every axis is used exactly once, and the design is a pure function of
// the seed.
TEST(SweepPoints, LatinHypercubeIsStratifiedAndDeterministic) {
  lt::twin::SweepDef def;
  def.design = "lhs";
  def.points = 10;
  def.parameters.push_back({"a", {}, 0.0, 1.0, {}});
  def.parameters.push_back({"b", {}, 100.0, 200.0, {}});
  const auto p1 = ad::sweep_points(def, 42);
  const auto p2 = ad::sweep_points(def, 42);
  const auto p3 = ad::sweep_points(def, 43);
  ASSERT_EQ(p1.size(), 10u);
  for (std::size_t axis = 0; axis < 2; ++axis) {
    std::set<int> strata;
    for (const auto& p : p1) {
      const double x = std::stod(p.set[axis].value.scalar);
      const double u = axis == 0 ? x : (x - 100.0) / 100.0;
      strata.insert(static_cast<int>(std::floor(u * 10.0)));
    }
    EXPECT_EQ(strata.size(), 10u) << "axis " << axis;
  }
  for (std::size_t i = 0; i < 10; ++i) EXPECT_EQ(p1[i].name, p2[i].name);
  bool differs = false;
  for (std::size_t i = 0; i < 10; ++i) differs |= p1[i].name != p3[i].name;
  EXPECT_TRUE(differs);
}

// A sweep: block in a scenario becomes variants that build and run.
TEST(SweepPoints, ScenarioSweepBlockBecomesVariants) {
  std::ifstream in(kPoisson);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  text += "sweep:\n  parameters:\n    - {path: \"items[REAGENT].policy.s\", values: [20, 30]}\n";
  const auto loaded = ad::load_scenario_string(text, kPoisson);
  ASSERT_TRUE(loaded.ok());
  const auto plan = ad::plan_variants(*loaded.tree, *loaded.scenario, {});
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan.variants.size(), 4u);  // base, s27, two points
  EXPECT_EQ(plan.variants[2].name, "items[REAGENT].policy.s=20");
  EXPECT_EQ(plan.variants[3].scenario.items[0].policy->s, 30.0);
  // An unknown --variant name is a diagnostic naming the known ones.
  const auto bad = ad::plan_variants(*loaded.tree, *loaded.scenario, {"nope"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.diagnostics[0].message.find("no variant named `nope` (known: s27)"),
            std::string::npos)
      << bad.diagnostics[0].message;
}

// The journal keeps exact values (hex floats, NaN included), drops a torn last line and
// refuses a journal written for another plan.
TEST(SweepJournal, RoundTripTornLineAndPlanMismatch) {
  const auto dir = temp_dir("journal");
  const auto path = dir / "sweep.journal";
  const double nan = std::nan("");
  const ad::Replication a{true, 0x0123456789abcdefULL, {0.1, nan, -1e300, 2.5}};
  const ad::Replication b{true, 42, {1.0 / 3.0, 0.0, 7.0, -0.0}};
  {
    auto j = ad::SweepJournal::create(path, 77);
    j.append(1, 3, a);
    j.append(0, 0, b);
  }
  {
    std::ofstream torn(path, std::ios::app);
    torn << "0 1 00000000000000ff 0x1p+0 0x1";  // killed mid-line: no newline
  }
  std::vector<ad::JournalRecord> recs;
  {
    auto j = ad::SweepJournal::resume(path, 77, 4, recs);
    ASSERT_EQ(recs.size(), 2u);
    j.append(0, 2, b);
  }
  EXPECT_EQ(recs[0].variant, 1u);
  EXPECT_EQ(recs[0].replication, 3u);
  EXPECT_EQ(recs[0].run.fingerprint, a.fingerprint);
  EXPECT_EQ(recs[0].run.values[0], 0.1);
  EXPECT_TRUE(std::isnan(recs[0].run.values[1]));
  EXPECT_EQ(recs[0].run.values[2], -1e300);
  EXPECT_EQ(recs[1].run.values[0], 1.0 / 3.0);
  EXPECT_TRUE(std::signbit(recs[1].run.values[3]));
  std::vector<ad::JournalRecord> again;
  ad::SweepJournal::resume(path, 77, 4, again);
  EXPECT_EQ(again.size(), 3u);  // torn line gone, new line appended cleanly
  std::vector<ad::JournalRecord> none;
  try {
    ad::SweepJournal::resume(path, 78, 4, none);
    FAIL() << "a journal of another plan was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("another scenario"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ad::SweepJournal::resume(dir / "missing", 77, 4, none), std::runtime_error);
  // The hash depends on everything that makes replications comparable.
  const std::vector<ad::KpiColumn> k = {{"x", "1", ""}};
  const auto h = ad::sweep_plan_hash("text", 1, 10, {"base"}, k);
  EXPECT_NE(h, ad::sweep_plan_hash("text2", 1, 10, {"base"}, k));
  EXPECT_NE(h, ad::sweep_plan_hash("text", 2, 10, {"base"}, k));
  EXPECT_NE(h, ad::sweep_plan_hash("text", 1, 11, {"base"}, k));
  EXPECT_NE(h, ad::sweep_plan_hash("text", 1, 10, {"base", "v"}, k));
  fs::remove_all(dir);
}

TEST(SweepH5, ReplicationsTableRoundTrips) {
  const auto l = load(kPoisson);
  const auto res = run(l, 3, 2);
  const auto s = ad::summarize(res);
  const auto dir = temp_dir("h5");
  ad::write_sweep_h5(dir / "results.h5", s, res, "labtwin: 1\n", 5);
  const auto c = ad::read_sweep_h5(dir / "results.h5");
  ASSERT_EQ(c.kpis.size(), l.kpis.size());
  EXPECT_EQ(c.kpis[0], l.kpis[0].name);
  ASSERT_EQ(c.variant.size(), 6u);
  EXPECT_EQ(c.variant[3], "s27");
  EXPECT_EQ(c.replication[4], 1u);
  EXPECT_EQ(c.fingerprint[4], lt::twin::fingerprint_hex(res.runs[1][1].fingerprint));
  for (std::size_t k = 0; k < c.kpis.size(); ++k) {
    EXPECT_EQ(0, std::memcmp(&c.values[4][k], &res.runs[1][1].values[k], sizeof(double)));
  }
  EXPECT_EQ(c.summary_rows, 2 * l.kpis.size());
  EXPECT_EQ(c.scenario_text, "labtwin: 1\n");
  EXPECT_EQ(c.seed, 5u);
  EXPECT_FALSE(fs::exists(dir / ("results.h5.tmp." + std::to_string(::getpid()))));
  fs::remove_all(dir);
}

// Law (2015) eq. 9.2 by hand: w = 1 -> (y1), (y1+y2+y3)/3, ...; the last w points undefined.
TEST(SweepWelch, MovingAverageFollowsLaw) {
  const std::vector<double> y = {1, 2, 6, 4, 5};
  const auto m = ad::welch_moving_average(y, 1);
  EXPECT_DOUBLE_EQ(m[0], 1.0);
  EXPECT_DOUBLE_EQ(m[1], 3.0);
  EXPECT_DOUBLE_EQ(m[2], 4.0);
  EXPECT_DOUBLE_EQ(m[3], 5.0);
  EXPECT_TRUE(std::isnan(m[4]));
  const auto m2 = ad::welch_moving_average(y, 2);
  EXPECT_DOUBLE_EQ(m2[2], 18.0 / 5.0);
  EXPECT_TRUE(std::isnan(m2[3]));
}

// Welch windows of an additive KPI: per-window demand of the Poisson scenario averages to
// rate x window x weekday share; the windows sum to the whole-run mean.
TEST(SweepWelch, WindowIncrementsSumToTheRunTotal) {
  const auto l = load(kPoisson, {"base"});
  const auto k = column(l.kpis, "demand_units");
  ad::SweepRunOptions o;
  o.threads = 2;
  const auto w = ad::welch_series(l.plan.variants[0], l.kpis[k], k, 20, 28, 2, o);
  EXPECT_TRUE(w.increments);
  ASSERT_EQ(w.mean.size(), 28u);
  EXPECT_DOUBLE_EQ(w.window_end.back(), 28 * 86400.0);
  double total = 0.0;
  for (double x : w.mean) total += x;
  const auto res = run(l, 20, 2);
  EXPECT_NEAR(total, ad::summarize(res).cells[0][k].mean, 1e-9);
  // Day windows: Saturday (window 6) has half the weekday rate in expectation (10 vs 5 units);
  // averaged over 20 replications, sd ~ sqrt(10/20) = 0.7 per weekday window.
  EXPECT_NEAR(w.mean[0], 10.0, 3.0);
  EXPECT_NEAR(w.mean[5], 5.0, 2.5);
}
