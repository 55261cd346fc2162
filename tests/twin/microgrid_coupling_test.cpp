// The microgrid coupled to the lab twin: freezer compressors are loads on the site grid; a grid
// outage the microgrid cannot carry cuts the freezers' power (warming, alarms, technicians).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "labtwin/twin/lab_model.hpp"

using namespace labtwin;

namespace {

constexpr double kH = 3600.0;

twin::ScenarioDef biobank(double battery_kwh, int freezers = 4) {
  twin::ScenarioDef sc;
  sc.meta.name = "microgrid-coupling";
  sc.seed = 5;
  sc.clock.start_us = 1'772'841'600'000'000;  // 2026-03-07T00:00Z
  sc.clock.horizon = sim::Time::h(72);
  twin::SiteDef site;
  site.id = "bio";
  site.rooms = {{"hall"}};
  for (int i = 0; i < freezers; ++i) {
    twin::FreezerDef f;
    f.id = "F-" + std::to_string(i + 1);
    f.room = "hall";
    f.capacity_boxes = 40;
    f.fill = 0.5;
    f.door.openings_per_day = 0;  // the thermostat alone drives the load
    site.freezers.push_back(f);
  }
  sc.sites.push_back(site);
  twin::TechnicianDef t;
  t.id = "tech";
  t.site = "bio";
  t.skills = {"freezer", "refrigeration"};
  sc.technicians.push_back(t);
  twin::SiteMicrogridDef mg;
  mg.site = "bio";
  mg.battery.capacity_kwh = battery_kwh;
  mg.battery.soc_initial = 1.0;
  mg.battery.soc_reserve = 1.0;  // kept full for outages
  mg.battery.charge_kw = mg.battery.discharge_kw = 10;
  mg.shedding.freezer_priority = 3;  // every freezer critical
  twin::GridOutageDef out;
  out.start_us = static_cast<std::int64_t>(12 * kH * 1e6);
  out.duration = sim::Time::h(36);
  mg.grid.outages.push_back(out);
  sc.microgrid.sites.push_back(mg);
  return sc;
}

double kpi(const twin::RunResult& r, const char* name) {
  const auto v = r.kpi(name);
  EXPECT_TRUE(v.has_value()) << name;
  return v.value_or(std::nan(""));
}

}  // namespace

// No battery: the bus is dark for 36 h. Every freezer is cut at the outage (4 cuts), their twins
// warm past the alarm limit, alarms fire and the technician responds; the critical loads ride
// through for 0 s. The energy not served is the compressors' draw while they call for cooling.
TEST(MicrogridCoupling, OutageWithoutBatteryWarmsFreezersAndRaisesAlarms) {
  twin::LabModel model(biobank(0.0));
  model.run();
  const auto r = model.result();
  EXPECT_EQ(kpi(r, "microgrid_freezer_power_cuts"), 4);
  EXPECT_EQ(kpi(r, "alarms"), 4);
  EXPECT_FALSE(std::isnan(kpi(r, "time_to_response")));  // a technician was dispatched
  EXPECT_EQ(kpi(r, "microgrid_ride_through"), 0.0);
  EXPECT_EQ(kpi(r, "microgrid_outage_time"), 36 * kH);
  // Powerless for 36 h, each thermostat calls for cooling nearly all the time: the unserved
  // critical energy is between 30 and 36 h x 4 kW.
  EXPECT_GT(kpi(r, "microgrid_unserved_critical"), 4 * 30.0);
  EXPECT_LE(kpi(r, "microgrid_unserved_critical"), 4 * 36.0 + 1e-9);
  // Warmed: the payloads passed the -80C class limit and the lots were written off.
  EXPECT_GT(kpi(r, "samples_lost"), 0);
  int lost = 0, restored = 0;
  for (const auto& e : model.event_log()) {
    lost += e.kind == "microgrid.power_lost";
    restored += e.kind == "microgrid.power_restored";
  }
  EXPECT_EQ(lost, 4);
  EXPECT_EQ(restored, 4);  // the grid came back at 48 h
}

// A 200 kWh battery carries four ~1 kW freezers (duty ~ 30 %) through 36 h: no cut, no alarm,
// ride-through = the whole outage; all load served, and served = the freezers' own electricity
// (the load follows the thermostat exactly).
TEST(MicrogridCoupling, BigBatteryRidesThrough) {
  const auto r = twin::run_scenario(biobank(200.0));
  EXPECT_EQ(kpi(r, "microgrid_freezer_power_cuts"), 0);
  EXPECT_EQ(kpi(r, "alarms"), 0);
  EXPECT_EQ(kpi(r, "samples_lost"), 0);
  EXPECT_EQ(kpi(r, "microgrid_ride_through"), 36 * kH);
  EXPECT_EQ(kpi(r, "microgrid_unserved_energy"), 0.0);
  const double served_kwh = kpi(r, "microgrid_load_served");
  const double freezer_kwh = kpi(r, "energy") / 3.6e6;
  EXPECT_NEAR(served_kwh, freezer_kwh, 1e-9 * freezer_kwh);
  // The battery delivered exactly the outage's share and was not used with the grid up.
  EXPECT_GT(kpi(r, "microgrid_battery_discharge"), 0.0);
  EXPECT_GT(kpi(r, "microgrid_battery_cycles"), 0.0);
  EXPECT_LT(kpi(r, "microgrid_battery_cycles"), 1.0);
  EXPECT_NEAR(kpi(r, "microgrid_grid_import") + kpi(r, "microgrid_battery_discharge"),
              served_kwh + kpi(r, "microgrid_battery_charge"), 1e-6 * served_kwh);
}

// A battery too small for the outage: the freezers ride through for a while, then lose power;
// the ride-through is the stored energy over the freezers' mean draw (within the spread of the
// duty cycle).
TEST(MicrogridCoupling, SmallBatteryRidesThroughPartly) {
  const auto r = twin::run_scenario(biobank(10.0));
  const double ride = kpi(r, "microgrid_ride_through");
  EXPECT_GT(ride, 2 * kH);
  EXPECT_LT(ride, 36 * kH);
  EXPECT_GE(kpi(r, "microgrid_freezer_power_cuts"), 1);
}

// Without a microgrid block nothing changes: no microgrid KPIs, and the run is the same as
// with an empty `microgrid.sites`.
TEST(MicrogridCoupling, AbsentBlockChangesNothing) {
  auto sc = biobank(0.0);
  sc.microgrid.sites.clear();
  const auto a = twin::run_scenario(sc);
  EXPECT_FALSE(a.kpi("microgrid_load_served").has_value());
  EXPECT_EQ(kpi(a, "alarms"), 0);
  auto with = biobank(200.0);
  with.microgrid.sites.front().grid.outages.clear();
  const auto b = twin::run_scenario(with);
  // Same freezer physics with an always-on grid: identical freezer KPIs.
  EXPECT_EQ(kpi(a, "energy"), kpi(b, "energy"));
  EXPECT_EQ(kpi(a, "mean_duty_cycle"), kpi(b, "mean_duty_cycle"));
}

// Deferrable jobs go to the cleanest hours of the forecast: never dirtier than at release.
TEST(MicrogridCoupling, JobsPlacedOnTheCarbonForecast) {
  auto sc = biobank(50.0);
  auto& mg = sc.microgrid.sites.front();
  mg.grid.outages.clear();
  mg.grid.carbon_daily_swing = 0.5;
  mg.grid.carbon_peak_hour = 19;
  for (int k = 0; k < 3; ++k) {
    twin::EnergyJobDef j;
    j.id = "defrost-" + std::to_string(k);
    j.kw = 3;
    j.duration = sim::Time::h(2);
    j.release = sim::Time::h(12 + 8 * k);
    j.deadline = sim::Time::h(36 + 8 * k);
    mg.jobs.push_back(j);
  }
  const auto r = twin::run_scenario(sc);
  const double placed = kpi(r, "microgrid_jobs_co2"), naive = kpi(r, "microgrid_jobs_co2_unplaced");
  EXPECT_LT(placed, naive);
  // The cheapest 2 h of a cosine with mean 0.3 and swing 0.5 is near 0.3 x (1 - 0.5) = 0.15.
  EXPECT_NEAR(placed / (3 * 3 * 2), 0.15, 0.01);
}
