// clock.warmup: KPIs cover [warmup, end]. A run's prefix up to the warm-up is the same run
// stopped there (same seed, same streams), so additive KPIs must equal full-run minus prefix
// exactly, faults that began before the warm-up are not counted, and ratios use the
// post-warm-up numerators and denominators.
#include <gtest/gtest.h>

#include <cmath>

#include "labtwin/sim/time.hpp"
#include "labtwin/twin/lab_model.hpp"

namespace lt = labtwin::twin;
using labtwin::sim::Time;

namespace {

lt::ScenarioDef scenario(Time warmup) {
  lt::ScenarioDef sc;
  sc.meta.name = "warmup";
  sc.seed = 17;
  sc.clock.start_us = 1'772'841'600'000'000LL;  // 2026-03-07T00:00:00Z
  sc.clock.horizon = Time::days(20);
  sc.clock.warmup = warmup;
  lt::SiteDef site;
  site.id = "s";
  site.rooms.push_back({"r"});
  for (int i = 0; i < 2; ++i) {
    lt::FreezerDef f;
    f.id = "F" + std::to_string(i + 1);
    f.room = "r";
    f.capacity_boxes = 10;
    site.freezers.push_back(f);
  }
  sc.sites.push_back(site);
  lt::TechnicianDef t;
  t.id = "t";
  t.site = "s";
  t.skills = {"freezer", "refrigeration"};
  sc.technicians.push_back(t);
  lt::ItemDef it;
  it.sku = "RG";
  it.storage_class = "4C";
  it.unit_value = 5;
  it.initial = 30;
  it.demand = lt::DemandDef{"s", 6.0 / 86400.0, 0.3, "poisson"};
  it.lead_time = "const(3d)";
  it.policy = lt::InventoryPolicyDef{lt::InventoryPolicyType::sS, 10.0, 40.0, {}, {}};
  sc.items.push_back(it);
  lt::IncidentDef inc;  // a failure on day 1, repaired by the technician
  inc.at_us = Time::days(1).ticks;
  inc.target = "F1";
  sc.incidents.push_back(inc);
  return sc;
}

double kpi(const lt::RunResult& r, const char* name) { return r.kpi(name).value_or(std::nan("")); }

}  // namespace

TEST(Warmup, AdditiveKpisAreFullRunMinusThePrefix) {
  const auto full = lt::run_scenario(scenario(Time::zero()));
  lt::RunOptions prefix_opt;
  prefix_opt.until = Time::days(5);
  const auto prefix = lt::run_scenario(scenario(Time::zero()), prefix_opt);
  const auto warm = lt::run_scenario(scenario(Time::days(5)));
  ASSERT_GT(kpi(prefix, "demand_units"), 10.0);
  for (const char* k : {"demand_units", "purchase_orders", "stockout_time", "alarms", "callouts"})
    EXPECT_DOUBLE_EQ(kpi(warm, k), kpi(full, k) - kpi(prefix, k)) << k;
  EXPECT_NEAR(kpi(warm, "energy"), kpi(full, "energy") - kpi(prefix, "energy"),
              1e-9 * kpi(full, "energy"));
  // Duty over [5 d, 20 d]: the running time in that window over its length, per unit.
  const double on_full = kpi(full, "energy") / 1000.0, on_prefix = kpi(prefix, "energy") / 1000.0;
  EXPECT_NEAR(kpi(warm, "mean_duty_cycle"), (on_full - on_prefix) / (15 * 86400.0) / 2.0, 1e-9);
  // The warm-up event does not change the run: the same events, the same end state.
  EXPECT_EQ(kpi(warm, "backorders_at_end"), kpi(full, "backorders_at_end"));
  EXPECT_EQ(warm.events, full.events + 1);
}

TEST(Warmup, FaultsBeforeTheWarmupAreNotCounted) {
  const auto full = lt::run_scenario(scenario(Time::zero()));
  const auto warm = lt::run_scenario(scenario(Time::days(2)));
  EXPECT_EQ(kpi(full, "alarms"), 1.0);
  EXPECT_TRUE(std::isfinite(kpi(full, "time_to_alarm")));
  EXPECT_EQ(kpi(warm, "alarms"), 0.0);
  EXPECT_TRUE(std::isnan(kpi(warm, "time_to_alarm")));
}

TEST(Warmup, MustEndBeforeTheRun) {
  EXPECT_THROW(lt::run_scenario(scenario(Time::days(20))), std::invalid_argument);
  lt::RunOptions shorter;
  shorter.until = Time::days(3);
  EXPECT_THROW(lt::run_scenario(scenario(Time::days(5)), shorter), std::invalid_argument);
}
