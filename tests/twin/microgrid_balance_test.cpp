// Property tests of the microgrid model over random profiles: the energy balance closes at
// every change and the state of charge never leaves its bounds.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "labtwin/sim/random.hpp"
#include "labtwin/twin/microgrid.hpp"

namespace labtwin::twin {
namespace {

constexpr double kH = 3600.0;

struct RandomCase {
  MicrogridParams params;
  std::string strategy;
  std::vector<LoadSpec> loads;
};

RandomCase random_case(sim::RandomStream& r) {
  auto u = [&](double a, double b) { return r.uniform(a, b); };
  RandomCase c;
  auto& p = c.params;
  p.pv_kwp = r.uniform01() < 0.2 ? 0.0 : u(0, 40);
  p.pv_derate = u(0.5, 1.0);
  p.irradiance.step_s = kH;
  for (int h = 0; h < 48; ++h) p.irradiance.values.push_back(r.uniform01() < 0.4 ? 0 : u(0, 1000));
  auto& b = p.battery;
  b.capacity_wh = r.uniform01() < 0.2 ? 0.0 : u(1000, 100'000);
  b.soc_min = u(0, 0.3);
  b.soc_max = u(0.7, 1.0);
  b.soc_initial = u(b.soc_min, b.soc_max);
  b.soc_reserve = u(b.soc_min, b.soc_max);
  b.soc_reconnect = u(b.soc_min, b.soc_max);
  b.charge_w = u(0, 30'000);
  b.discharge_w = u(0, 30'000);
  b.charge_efficiency = u(0.7, 1.0);
  b.discharge_efficiency = u(0.7, 1.0);
  if (r.uniform01() < 0.5) {
    p.generator.rated_w = u(1000, 30'000);
    p.generator.start_delay_s = u(0, 120);
    p.generator.tank_l = u(1, 50);
    p.generator.fuel_initial_l = u(0, p.generator.tank_l);
    p.generator.start_soc = u(0, 0.5);
  }
  double t = 0;
  while (r.uniform01() < 0.7) {
    const double s = t + u(0, 20 * kH);
    t = s + u(60, 20 * kH);
    p.outages.emplace_back(s, t);
  }
  p.export_allowed = r.uniform01() < 0.5;
  p.carbon.step_s = kH;
  for (int h = 0; h < 24; ++h) p.carbon.values.push_back(u(0.05, 0.5));
  p.price.step_s = 1800;
  for (int h = 0; h < 7; ++h) p.price.values.push_back(u(0.05, 0.5));
  const char* names[] = {"self_consumption", "peak_shaving", "carbon_aware"};
  c.strategy = names[static_cast<int>(u(0, 3)) % 3];
  const int n = 1 + static_cast<int>(u(0, 6));
  for (int i = 0; i < n; ++i) {
    LoadSpec l;
    l.id = "load" + std::to_string(i);
    l.priority = static_cast<int>(u(1, 4));
    l.critical = l.priority == 3;
    l.rated_w = u(100, 10'000);
    if (r.uniform01() < 0.3) {
      l.has_profile = true;
      l.profile.step_s = u(600, 7200);
      for (int k = 0; k < 10; ++k) l.profile.values.push_back(u(0, l.rated_w));
    }
    c.loads.push_back(l);
  }
  return c;
}

// For 300 random sites over 3 days: at every segment the test integrates the flows itself and
// checks (a) the cells' energy equals E0 + stored - withdrawn, (b) generation + import +
// discharge = load + export + charge + losses (totals), (c) soc_min <= SoC <= soc_max, (d) a
// load is unpowered only while islanded, (e) the model's own check ran at every change.
TEST(MicrogridProperties, BalanceClosesAndSocStaysInBoundsOverRandomProfiles) {
  sim::RandomStream r(7, 0, "microgrid-properties");
  std::uint64_t segments = 0, sheds = 0;
  double worst_balance = 0, worst_cells = 0;
  for (int k = 0; k < 300; ++k) {
    RandomCase c = random_case(r);
    const auto& b = c.params.battery;
    Microgrid mg(c.params, make_strategy(c.strategy, 3000, 0.15, 0.35));
    std::vector<std::size_t> free_loads;
    for (const auto& l : c.loads) {
      const auto i = mg.add_load(l);
      if (!l.has_profile) free_loads.push_back(i);
    }
    double e = mg.stored_wh();
    const double e0 = e;
    double pv = 0, gen = 0, imp = 0, exp = 0, stored = 0, withdrawn = 0, losses = 0, served = 0;
    double t = 0, next_demand = free_loads.empty() ? 1e300 : 0.0;
    const double end = 72 * kH;
    while (t < end) {
      if (t >= next_demand && !free_loads.empty()) {
        const auto i = free_loads[static_cast<std::size_t>(r.uniform01() * free_loads.size())];
        mg.set_demand(i, r.uniform01() < 0.3 ? 0.0 : r.uniform(0, c.loads[i].rated_w));
        next_demand = t + r.uniform(1, 3 * kH);
      }
      const double t1 = std::min({mg.next_event(), next_demand, end});
      const auto f = mg.flows();
      const double h = (t1 - t) / kH;
      const double ec = b.capacity_wh > 0 ? b.charge_efficiency : 0.0;
      const double ed = b.capacity_wh > 0 ? b.discharge_efficiency : 1.0;
      pv += f.pv_used * h;
      gen += f.generator * h;
      imp += f.import * h;
      exp += f.export_ * h;
      served += f.served * h;
      stored += f.charge * ec * h;
      withdrawn += f.discharge / ed * h;
      losses += (f.charge * (1 - ec) + (b.capacity_wh > 0 ? f.discharge * (1 / ed - 1) : 0)) * h;
      e += (f.charge * ec - f.discharge / ed) * h;
      mg.advance_to(t1);
      t = std::max(t1, mg.time());
      ++segments;
      // (a) the cells
      const double cell_scale = std::max({b.capacity_wh, stored + withdrawn, 1.0});
      worst_cells = std::max(worst_cells, std::abs(mg.stored_wh() - e) / cell_scale);
      ASSERT_NEAR(mg.stored_wh(), e, 1e-9 * cell_scale) << "case " << k << " t " << t;
      ASSERT_NEAR(mg.stored_wh() - e0, stored - withdrawn, 1e-9 * cell_scale);
      // (b) the balance from the test's own sums
      const double lhs = pv + gen + imp + withdrawn, rhs = served + exp + stored + losses;
      const double rel = std::abs(lhs - rhs) / std::max({lhs, rhs, 1e-9});
      worst_balance = std::max(worst_balance, rel);
      ASSERT_LE(rel, 1e-9) << "case " << k << " t " << t;
      // (c) bounds (the 1e-9 x capacity tolerance is the sub-tick limit-event offset)
      if (b.capacity_wh > 0) {
        ASSERT_GE(mg.soc(), b.soc_min - 1e-9) << "case " << k;
        ASSERT_LE(mg.soc(), b.soc_max + 1e-9) << "case " << k;
      }
      ASSERT_GE(mg.fuel_l(), -1e-9);
      // (d) shedding only while islanded
      for (std::size_t i = 0; i < mg.loads(); ++i) {
        if (!mg.powered(i)) {
          ASSERT_FALSE(mg.grid_up());
          ++sheds;
        }
      }
    }
    // (e) the model's own checks agree with the test's sums
    EXPECT_NEAR(mg.totals().served, served, 1e-9 * std::max(served, 1.0));
    EXPECT_NEAR(mg.totals().import, imp, 1e-9 * std::max(imp, 1.0));
    EXPECT_GT(mg.totals().changes, 0u);
    EXPECT_LE(mg.totals().max_residual, 1e-9);
  }
  std::printf("segments %llu, shed load-segments %llu, worst balance %.2e, worst cells %.2e\n",
              static_cast<unsigned long long>(segments), static_cast<unsigned long long>(sheds),
              worst_balance, worst_cells);
  EXPECT_GT(sheds, 0u);  // the cases exercise islanding with shedding
}

// Deterministic: the same inputs give the same totals bit for bit.
TEST(MicrogridProperties, Deterministic) {
  auto run = [] {
    sim::RandomStream r(11, 0, "microgrid-det");
    RandomCase c = random_case(r);
    Microgrid mg(c.params, make_strategy(c.strategy, 3000, 0.15, 0.35));
    for (const auto& l : c.loads) mg.add_load(l);
    for (std::size_t i = 0; i < mg.loads(); ++i)
      if (!c.loads[i].has_profile) mg.set_demand(i, c.loads[i].rated_w / 2);
    mg.advance_to(72 * kH);
    return mg.totals();
  };
  const auto a = run(), b = run();
  EXPECT_EQ(a.served, b.served);
  EXPECT_EQ(a.import, b.import);
  EXPECT_EQ(a.withdrawn, b.withdrawn);
  EXPECT_EQ(a.changes, b.changes);
}

}  // namespace
}  // namespace labtwin::twin
