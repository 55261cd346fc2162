// Microgrid bench: a network of sites, each with its freezers on a site microgrid (PV, battery,
// grid with random outages), against the same freezers without microgrids, in one run.
//
// Part A (Google Benchmark): one microgrid's dispatch per load change (the hot path the
// freezers drive) beside a plain FreezerModel event.
// Part B (custom main): the lab twin over `--days` (default 14) for `--sites` x `--freezers`
// (default 50 x 40), with and without the `microgrid:` block; events/s of both and the ratio.
// `--days=365` is the brief's full year (about a minute per run on one core). `--only=0` runs
// only the plain network, `--only=1` only the one with microgrids (for profiling, or to time
// each in a fresh process: in one process the second run is slower).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include "labtwin/twin/freezer_model.hpp"
#include "labtwin/twin/lab_model.hpp"
#include "labtwin/twin/microgrid.hpp"

using namespace labtwin;

namespace {

void BM_MicrogridLoadChange(benchmark::State& state) {
  twin::MicrogridParams p;
  p.pv_kwp = 40;
  p.irradiance.values.assign(24, 0.0);
  for (int h = 7; h < 18; ++h) p.irradiance.values[static_cast<std::size_t>(h)] = 600;
  p.battery.capacity_wh = 200'000;
  p.battery.charge_w = p.battery.discharge_w = 50'000;
  p.battery.soc_initial = 0.5;
  twin::Microgrid mg(p, nullptr);
  std::vector<std::size_t> loads;
  for (int i = 0; i < 40; ++i) {
    twin::LoadSpec s;
    char id[16];
    std::snprintf(id, sizeof id, "F%02d", i);
    s.id = id;
    s.priority = 3;
    s.rated_w = 1000;
    loads.push_back(mg.add_load(s));
  }
  double t = 0;
  std::size_t k = 0;
  for (auto _ : state) {
    t += 45.0;
    mg.advance_to(t);
    mg.set_demand(loads[k % 40], (k / 40) % 2 ? 0.0 : 1000.0);
    ++k;
  }
  benchmark::DoNotOptimize(mg.totals().served);
}
BENCHMARK(BM_MicrogridLoadChange);

void BM_FreezerEvent(benchmark::State& state) {
  twin::FreezerModel m(twin::FreezerParams{});
  for (auto _ : state) {
    const auto ev = m.next_event(1e9);
    m.advance_to(ev ? ev->time : m.time() + 3600.0);
  }
  benchmark::DoNotOptimize(m.air_c());
}
BENCHMARK(BM_FreezerEvent);

twin::ScenarioDef network(int sites, int freezers, double days, bool with_microgrid) {
  twin::ScenarioDef sc;
  sc.meta.name = with_microgrid ? "network-microgrid" : "network-plain";
  sc.seed = 42;
  sc.clock.start_us = 1'767'225'600'000'000;  // 2026-01-01T00:00Z
  sc.clock.horizon = sim::Time::from_seconds(days * 86400.0);
  for (int s = 0; s < sites; ++s) {
    twin::SiteDef site;
    char id[16];
    std::snprintf(id, sizeof id, "S%02d", s + 1);
    site.id = id;
    site.rooms = {{"hall"}};
    for (int f = 0; f < freezers; ++f) {
      twin::FreezerDef fd;
      char fid[24];
      std::snprintf(fid, sizeof fid, "S%02d-F%03d", s + 1, f + 1);
      fd.id = fid;
      fd.room = "hall";
      fd.door.openings_per_day = 4;
      site.freezers.push_back(fd);
    }
    sc.sites.push_back(site);
    if (!with_microgrid) continue;
    twin::SiteMicrogridDef mg;
    mg.site = id;
    mg.pv.kwp = 40;
    mg.pv.irradiance.latitude_deg = 35.0 + 0.3 * s;
    mg.pv.irradiance.longitude_deg = -100.0 + 0.5 * s;
    mg.pv.irradiance.clearness = 0.65;
    mg.pv.irradiance.variability = 0.2;
    mg.battery.capacity_kwh = 100;
    mg.battery.soc_reserve = 0.6;
    mg.grid.time_between_outages = "exp(30d)";
    mg.grid.outage_duration = "exp(4h)";
    mg.grid.carbon_daily_swing = 0.3;
    mg.shedding.freezer_priority = 3;
    mg.loads.push_back({"building", 6.0, std::nullopt, 1.0, 1});
    sc.microgrid.sites.push_back(mg);
  }
  return sc;
}

struct Run {
  double cpu_s = 0, events = 0;
  twin::RunResult result;
};

Run run(const twin::ScenarioDef& sc) {
  Run r;
  const std::clock_t c0 = std::clock();
  r.result = twin::run_scenario(sc);
  r.cpu_s = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  r.events = static_cast<double>(r.result.events);
  return r;
}

double arg(int argc, char** argv, const char* name, double fallback) {
  const std::size_t n = std::strlen(name);
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], name, n) == 0 && argv[i][n] == '=') return std::atof(argv[i] + n + 1);
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const double days = arg(argc, argv, "--days", 14);
  const int sites = static_cast<int>(arg(argc, argv, "--sites", 50));
  const int freezers = static_cast<int>(arg(argc, argv, "--freezers", 40));
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  std::printf("\n== network: %d sites x %d freezers, %.0f days ==\n", sites, freezers, days);
  // --only=1 runs just the microgrid network (for profiling); --only=0 just the plain one.
  const int only = static_cast<int>(arg(argc, argv, "--only", -1));
  const Run plain = only == 1 ? Run{} : run(network(sites, freezers, days, false));
  const Run grid = only == 0 ? Run{} : run(network(sites, freezers, days, true));
  auto kpi = [&](const char* k) { return grid.result.kpi(k).value_or(0.0); };
  if (only != 1)
    std::printf("  freezers only      : %10.0f events, %6.2f s CPU, %9.0f events/s\n", plain.events,
                plain.cpu_s, plain.events / plain.cpu_s);
  if (only != 0) {
    std::printf("  with microgrids    : %10.0f events, %6.2f s CPU, %9.0f events/s\n", grid.events,
                grid.cpu_s, grid.events / grid.cpu_s);
    std::printf(
        "  microgrid KPIs: outages %.0f, islanded %.1f h, PV %.0f kWh, import %.0f kWh, "
        "battery cycles %.2f, freezer power cuts %.0f, unserved critical %.1f kWh\n",
        kpi("microgrid_outages"), kpi("microgrid_outage_time") / 3600.0, kpi("microgrid_pv_energy"),
        kpi("microgrid_grid_import"), kpi("microgrid_battery_cycles"),
        kpi("microgrid_freezer_power_cuts"), kpi("microgrid_unserved_critical"));
    std::printf("  -> a full year at this rate: %.0f s CPU with microgrids\n",
                grid.cpu_s * 365.0 / days);
  }
  if (only == -1)
    std::printf("  ratio (CPU with / without): %.2f; events with / without: %.2f\n",
                grid.cpu_s / plain.cpu_s, grid.events / plain.events);
  return 0;
}
