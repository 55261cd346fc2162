// Tests of the microgrid model against hand-worked and closed-form results.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "labtwin/twin/microgrid.hpp"

namespace labtwin::twin {
namespace {

constexpr double kH = 3600.0;

LoadSpec spec(const char* id, int priority, bool critical, double rated_w) {
  LoadSpec s;
  s.id = id;
  s.priority = priority;
  s.critical = critical;
  s.rated_w = rated_w;
  return s;
}

// A hand-worked 24-hour day, grid connected, self-consumption, export allowed.
//
// Battery 10 kWh, SoC 0.5 (5 kWh) at 00:00, bounds 0.1..0.9 (1..9 kWh), reserve 0.1, charge and
// discharge limits 2 kW at the bus, charge and discharge efficiency 0.8. One constant 1 kW load.
// PV 4 kWp x derate 0.75 under a step irradiance: 0 W/m2 for 00-06 and 18-24, 1000 W/m2 for
// 06-18, so 3 kW of PV from 06:00 to 18:00. Import price 0.2/kWh, export 0.05/kWh, 0.3 kg/kWh.
//
//  00:00-03:12  deficit 1 kW from the battery: withdrawn 1/0.8 = 1.25 kW, (5-1)/1.25 = 3.2 h.
//               discharge at the bus 3.2 kWh, withdrawn 4 kWh, losses 0.8 kWh.
//  03:12-06:00  battery at its floor: import 1 kW x 2.8 h = 2.8 kWh.
//  06:00-11:00  surplus 3-1 = 2 kW charges at the 2 kW limit: stored 1.6 kW, (9-1)/1.6 = 5 h.
//               charge at the bus 10 kWh, stored 8 kWh, losses 2 kWh.
//  11:00-18:00  battery full: export 2 kW x 7 h = 14 kWh.
//  18:00-24:00  deficit 1 kW from the battery: withdrawn 1.25 kW x 6 h = 7.5 kWh, E -> 1.5 kWh.
//               discharge at the bus 6 kWh, losses 1.5 kWh.
// Totals: load 24, PV 36, import 2.8, export 14, charge 10 (stored 8), discharge 9.2
// (withdrawn 11.5), losses 4.3 kWh; final store 5 - 4 + 8 - 7.5 = 1.5 kWh.
// Balance: 36 + 2.8 + 11.5 = 50.3 = 24 + 14 + 8 + 4.3. Cost 2.8 x 0.2 - 14 x 0.05 = -0.14;
// CO2 2.8 x 0.3 = 0.84 kg.
MicrogridParams hand_day() {
  MicrogridParams p;
  p.pv_kwp = 4.0;
  p.pv_derate = 0.75;
  p.irradiance.values.assign(24, 0.0);
  for (int h = 6; h < 18; ++h) p.irradiance.values[static_cast<std::size_t>(h)] = 1000.0;
  auto& b = p.battery;
  b.capacity_wh = 10'000;
  b.soc_initial = 0.5;
  b.soc_min = 0.1;
  b.soc_max = 0.9;
  b.soc_reserve = 0.1;
  b.soc_reconnect = 0.2;
  b.charge_w = b.discharge_w = 2000;
  b.charge_efficiency = b.discharge_efficiency = 0.8;
  p.price = StepSeries::flat(0.2);
  p.export_price = StepSeries::flat(0.05);
  p.carbon = StepSeries::flat(0.3);
  return p;
}

TEST(MicrogridHandWorked, TwentyFourHoursMatchToTheWattHour) {
  Microgrid mg(hand_day(), nullptr);
  const auto load = mg.add_load(spec("base", 1, false, 1000));
  mg.set_demand(load, 1000);
  // The battery reaches its floor at 3.2 h and its ceiling at 11 h exactly.
  mg.advance_to(3.2 * kH - 1.0);
  EXPECT_GT(mg.flows().discharge, 999.0);
  mg.advance_to(3.2 * kH + 1.0);
  EXPECT_NEAR(mg.flows().import, 1000.0, 1e-9);
  EXPECT_NEAR(mg.stored_wh(), 1000.0, 1e-6);
  mg.advance_to(11 * kH + 1.0);
  EXPECT_NEAR(mg.stored_wh(), 9000.0, 1e-6);
  EXPECT_NEAR(mg.flows().export_, 2000.0, 1e-9);
  mg.advance_to(24 * kH);
  const auto& t = mg.totals();
  EXPECT_NEAR(t.served, 24'000, 1.0);
  EXPECT_NEAR(t.pv_used, 36'000, 1.0);
  EXPECT_NEAR(t.curtailed, 0.0, 1.0);
  EXPECT_NEAR(t.import, 2'800, 1.0);
  EXPECT_NEAR(t.export_, 14'000, 1.0);
  EXPECT_NEAR(t.charge_bus, 10'000, 1.0);
  EXPECT_NEAR(t.stored, 8'000, 1.0);
  EXPECT_NEAR(t.discharge_bus, 9'200, 1.0);
  EXPECT_NEAR(t.withdrawn, 11'500, 1.0);
  EXPECT_NEAR(t.losses, 4'300, 1.0);
  EXPECT_NEAR(mg.stored_wh(), 1'500, 1.0);
  EXPECT_NEAR(t.cost, -0.14, 1e-6);
  EXPECT_NEAR(t.co2_kg, 0.84, 1e-6);
  EXPECT_EQ(t.unserved, 0.0);
  // Tighter than the brief's watt-hour: the event times are exact.
  EXPECT_NEAR(t.import, 2'800, 1e-6);
  EXPECT_NEAR(t.export_, 14'000, 1e-6);
}

// Islanded with a battery only: a constant critical load P is carried until the cells reach
// soc_min, i.e. for t = (E0 - Emin) x eta_d / P; then it is shed.
TEST(MicrogridIslanded, BatteryRideThroughIsTheStoredEnergyOverTheLoad) {
  MicrogridParams p;
  p.battery.capacity_wh = 50'000;
  p.battery.soc_initial = 1.0;
  p.battery.soc_min = 0.1;
  p.battery.soc_reserve = 1.0;  // kept full for outages while the grid is up
  p.battery.charge_w = p.battery.discharge_w = 25'000;
  p.battery.discharge_efficiency = 0.95;
  p.outages = {{2 * kH, 50 * kH}};
  Microgrid mg(std::move(p), nullptr);
  const auto l = mg.add_load(spec("freezers", 3, true, 4000));
  mg.set_demand(l, 4000);
  const double expected = 45'000 * 0.95 / 4000 * kH;  // 10.6875 h
  mg.advance_to(2 * kH + expected - 1.0);
  EXPECT_TRUE(mg.powered(l));
  mg.advance_to(2 * kH + expected + 1.0);
  EXPECT_FALSE(mg.powered(l));
  const auto rt = mg.ride_through();
  ASSERT_EQ(rt.size(), 1u);
  EXPECT_NEAR(rt[0].second, expected, 1e-6);
  EXPECT_NEAR(mg.soc(), 0.1, 1e-9);
  // Unserved: 4 kW from the loss to now.
  EXPECT_NEAR(mg.totals().unserved_critical, 4000 * (1.0 / kH), 1e-6);
  // The grid returns at 50 h: the load is powered again.
  mg.advance_to(50 * kH);
  EXPECT_TRUE(mg.powered(l));
  EXPECT_TRUE(mg.grid_up());
  EXPECT_NEAR(mg.totals().islanded_s, 48 * kH, 1e-6);
}

// Shedding by priority class: with 5 kW of discharge power and 3 + 2 + 2 kW of loads in classes
// 3, 2, 1, the class-1 load is shed while islanded; the critical class is kept.
TEST(MicrogridIslanded, ShedsTheLowestClassFirst) {
  MicrogridParams p;
  p.battery.capacity_wh = 100'000;
  p.battery.charge_w = p.battery.discharge_w = 5000;
  p.outages = {{kH, 3 * kH}};
  Microgrid mg(std::move(p), nullptr);
  const auto crit = mg.add_load(spec("crit", 3, true, 3000));
  const auto mid = mg.add_load(spec("mid", 2, false, 2000));
  const auto low = mg.add_load(spec("low", 1, false, 2000));
  mg.set_demand(crit, 3000);
  mg.set_demand(mid, 2000);
  mg.set_demand(low, 2000);
  std::vector<std::size_t> sw;
  mg.take_switched(sw);
  EXPECT_TRUE(sw.empty());
  mg.advance_to(1.5 * kH);
  EXPECT_TRUE(mg.powered(crit));
  EXPECT_TRUE(mg.powered(mid));
  EXPECT_FALSE(mg.powered(low));
  mg.take_switched(sw);
  EXPECT_EQ(sw, std::vector<std::size_t>{low});
  EXPECT_NEAR(mg.flows().discharge, 5000, 1e-9);
  // The mid load stops drawing: the low load (rated 2 kW) fits again and comes back.
  mg.set_demand(mid, 0);
  EXPECT_TRUE(mg.powered(low));
  // A shed load comes back only if its rated draw fits: mid wants 2 kW again -> it stays on
  // (connected loads keep their place), total 7 kW > 5 kW, so the lowest class goes.
  mg.set_demand(mid, 2000);
  EXPECT_TRUE(mg.powered(mid));
  EXPECT_FALSE(mg.powered(low));
  mg.advance_to(3 * kH);
  EXPECT_TRUE(mg.powered(low));
  const auto rt = mg.ride_through();
  ASSERT_EQ(rt.size(), 1u);
  EXPECT_NEAR(rt[0].second, 2 * kH, 1e-9);  // the critical load never lost power
}

// islanded_min_priority drops the lower classes as soon as the grid fails, even with power to
// spare, and doubles the critical load's ride-through here: (E0 - Emin) x eta_d / P.
TEST(MicrogridIslanded, LowClassesDroppedAtIslanding) {
  MicrogridParams p;
  p.battery.capacity_wh = 20'000;
  p.battery.soc_min = 0.0;
  p.battery.soc_reserve = 1.0;
  p.battery.charge_w = p.battery.discharge_w = 10'000;
  p.battery.discharge_efficiency = 1.0;
  p.islanded_min_priority = 2;
  p.outages = {{0.0, 20 * kH}};
  Microgrid mg(std::move(p), nullptr);
  const auto crit = mg.add_load(spec("crit", 3, true, 2000));
  const auto hvac = mg.add_load(spec("hvac", 1, false, 2000));
  mg.set_demand(crit, 2000);
  mg.set_demand(hvac, 2000);
  EXPECT_TRUE(mg.powered(crit));
  EXPECT_FALSE(mg.powered(hvac));
  mg.advance_to(20 * kH);
  EXPECT_NEAR(mg.ride_through().at(0).second, 20'000.0 / 2000 * kH, 1e-6);  // 10 h, not 5 h
}

// The generator: requested when the islanded bus cannot carry the load, on the bus after its
// start delay, burning f0 x rated + f1 x output litres per hour (HOMER's linear fuel curve).
TEST(MicrogridGenerator, StartDelayAndLinearFuelCurve) {
  MicrogridParams p;
  p.generator.rated_w = 20'000;
  p.generator.start_delay_s = 30;
  p.generator.tank_l = 100;
  p.generator.fuel_initial_l = 100;
  p.generator.f0_l_per_kwh = 0.08;
  p.generator.f1_l_per_kwh = 0.25;
  p.outages = {{kH, 5 * kH}};
  Microgrid mg(std::move(p), nullptr);
  const auto l = mg.add_load(spec("l", 3, true, 10'000));
  mg.set_demand(l, 10'000);
  mg.advance_to(kH + 10);
  EXPECT_FALSE(mg.powered(l));  // no battery: dark until the generator runs
  mg.advance_to(kH + 31);
  EXPECT_TRUE(mg.powered(l));
  EXPECT_TRUE(mg.generator_running());
  // Fuel: (0.08 x 20 + 0.25 x 10) L/h = 4.1 L/h over 4 h - 30 s.
  mg.advance_to(5 * kH);
  const double hours = 4.0 - 30.0 / kH;
  EXPECT_NEAR(mg.totals().fuel_l, 4.1 * hours, 1e-9);
  EXPECT_NEAR(mg.totals().generator, 10'000 * hours, 1e-6);
  EXPECT_NEAR(mg.totals().unserved_critical, 10'000 * 30.0 / kH, 1e-6);
  EXPECT_FALSE(mg.generator_running());
  EXPECT_NEAR(mg.ride_through().at(0).second, 0.0, 1e-9);
}

// The tank runs dry exactly when the fuel curve says: 10 L at 4.1 L/h lasts 2.439 h.
TEST(MicrogridGenerator, RunsDryAtTheExactInstant) {
  MicrogridParams p;
  p.generator.rated_w = 20'000;
  p.generator.start_delay_s = 0;
  p.generator.tank_l = 10;
  p.generator.fuel_initial_l = 10;
  p.generator.f0_l_per_kwh = 0.08;
  p.generator.f1_l_per_kwh = 0.25;
  p.outages = {{0.0, 10 * kH}};
  Microgrid mg(std::move(p), nullptr);
  const auto l = mg.add_load(spec("l", 3, true, 10'000));
  mg.set_demand(l, 10'000);
  const double dry = 10.0 / 4.1 * kH;
  mg.advance_to(dry - 1);
  EXPECT_TRUE(mg.powered(l));
  mg.advance_to(dry + 1);
  EXPECT_FALSE(mg.powered(l));
  EXPECT_NEAR(mg.fuel_l(), 0.0, 1e-9);
  EXPECT_NEAR(mg.ride_through().at(0).second, dry, 1e-6);
}

// Peak shaving keeps the import at the limit while the battery can; carbon-aware charges in
// clean hours and discharges in dirty ones.
TEST(MicrogridStrategies, PeakShavingAndCarbonAware) {
  {
    MicrogridParams p;
    p.battery.capacity_wh = 20'000;
    p.battery.soc_initial = 0.9;
    p.battery.soc_max = 0.9;
    p.battery.charge_w = p.battery.discharge_w = 10'000;
    Microgrid mg(std::move(p), make_strategy("peak_shaving", 6000, 0, 0));
    const auto l = mg.add_load(spec("l", 1, false, 9000));
    mg.set_demand(l, 9000);
    EXPECT_NEAR(mg.flows().import, 6000, 1e-9);
    EXPECT_NEAR(mg.flows().discharge, 3000, 1e-9);
    mg.advance_to(kH);       // 3 kWh discharged: room to recharge
    mg.set_demand(l, 4000);  // 2 kW headroom below the limit recharges the battery
    EXPECT_NEAR(mg.flows().import, 6000, 1e-9);
    EXPECT_NEAR(mg.flows().charge, 2000, 1e-9);
  }
  {
    MicrogridParams p;
    p.battery.capacity_wh = 20'000;
    p.battery.soc_initial = 0.5;
    p.battery.charge_w = p.battery.discharge_w = 5000;
    p.carbon.values = {0.1, 0.25, 0.5};
    p.carbon.step_s = kH;
    Microgrid mg(std::move(p), make_strategy("carbon_aware", 0, 0.2, 0.4));
    const auto l = mg.add_load(spec("l", 1, false, 3000));
    mg.set_demand(l, 3000);
    EXPECT_NEAR(mg.flows().charge, 5000, 1e-9);  // clean: charge at full power
    EXPECT_NEAR(mg.flows().import, 8000, 1e-9);
    mg.advance_to(1.5 * kH);
    EXPECT_NEAR(mg.flows().charge + mg.flows().discharge, 0, 1e-9);  // middling: idle
    mg.advance_to(2.5 * kH);
    EXPECT_NEAR(mg.flows().discharge, 3000, 1e-9);  // dirty: cover the load
    EXPECT_NEAR(mg.flows().import, 0, 1e-9);
  }
  EXPECT_THROW(make_strategy("cheapest", 0, 0, 0), std::invalid_argument);
}

TEST(MicrogridParams, InvalidInputIsRefusedWithItsName) {
  MicrogridParams p;
  p.battery.capacity_wh = 10;
  p.battery.soc_min = 0.5;
  p.battery.soc_initial = 0.2;
  try {
    Microgrid mg(p, nullptr);
    FAIL() << "accepted soc_initial below soc_min";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("soc_initial"), std::string::npos);
  }
  MicrogridParams q;
  Microgrid mg(q, nullptr);
  const auto l = mg.add_load(spec("x", 1, false, 0));
  EXPECT_THROW(mg.set_demand(l, -1), std::invalid_argument);
  mg.advance_to(100);
  EXPECT_THROW(mg.advance_to(50), std::invalid_argument);
}

}  // namespace
}  // namespace labtwin::twin
