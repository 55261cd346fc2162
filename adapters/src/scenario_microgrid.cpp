// The `microgrid:` block (docs/twins/microgrid.md): schema, cross-reference checks, extraction.
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "labtwin/sim/units.hpp"
#include "scenario_blocks.hpp"
#include "schema_build.hpp"
#include "tree_access.hpp"

namespace labtwin::adapters::detail {
namespace units = sim::units;
using namespace schema_build;  // NOLINT(google-build-using-namespace): the table DSL

SchemaNode microgrid_schema() {
  const auto frac = [] { return ranged(K::fraction, 0.0, 1.0, "0..1 (0%..100%)"); };
  const auto hour = [] { return ranged(K::number, 0.0, 24.0, "0..24"); };
  const auto money = [] { return non_negative(K::number, "0"); };
  auto irradiance = map_of({
      opt("model", enum_of({"clear_sky", "file"}), "clear_sky",
          "clear_sky: Haurwitz clear sky x hourly clearness; file: hourly W/m2 of a typical year",
          "file"),
      opt("latitude", ranged(K::number, -90.0, 90.0, "-90..90"), "52",
          "clear_sky: site latitude, degrees north", "29.76"),
      opt("longitude", ranged(K::number, -180.0, 180.0, "-180..180"), "0",
          "clear_sky: site longitude, degrees east", "-95.37"),
      opt("clearness", frac(), "0.75", "clear_sky: mean hourly clearness (GHI / clear-sky GHI)",
          "0.6"),
      opt("variability", frac(), "0",
          "clear_sky: standard deviation of the hourly clearness (AR(1) process)", "0.2"),
      opt("persistence", ranged(K::number, 0.0, 0.99, "0..0.99"), "0.8",
          "clear_sky: lag-1 hourly autocorrelation of the clearness", "0.9"),
      opt("file", kind(K::string), "",
          "file: CSV, one value per hour from Jan 1 00:00 local time (header line skipped), "
          "relative to the scenario file",
          "pv-Houston.csv"),
      opt("scale", positive(K::number, "0"), "1", "file: multiplier on the file values", "0.9"),
  });
  auto pv = map_of({
      opt("peak_power", non_negative(K::power, "0W"), "0W", "array peak power at 1000 W/m2",
          "30kW"),
      opt("derate", frac(), "0.8", "system derate (inverter, soiling, temperature)", "0.85"),
      opt("irradiance", std::move(irradiance), "", "where the irradiance comes from",
          "{latitude: 52.2, clearness: 0.6}"),
  });
  auto battery = map_of({
      opt("capacity", non_negative(K::energy, "0J"), "0kWh", "nominal capacity (0: no battery)",
          "200kWh"),
      opt("soc_initial", frac(), "1", "state of charge at the start", "80%"),
      opt("soc_min", frac(), "0.1", "never discharged below", "5%"),
      opt("soc_max", frac(), "1", "never charged above", "95%"),
      opt("soc_reserve", frac(), "0.1",
          "kept for outages while the grid is up (recharged from the grid below it)", "80%"),
      opt("soc_reconnect", frac(), "0.2",
          "islanded: after hitting soc_min, discharge resumes at this charge", "30%"),
      opt("charge_power", non_negative(K::power, "0W"), "0W",
          "charge limit at the bus (0W: capacity / 2h)", "50kW"),
      opt("discharge_power", non_negative(K::power, "0W"), "0W",
          "discharge limit at the bus (0W: capacity / 2h)", "50kW"),
      opt("charge_efficiency", ranged(K::fraction, 0.01, 1.0, "0.01..1"), "0.95",
          "stored / drawn while charging", "0.96"),
      opt("discharge_efficiency", ranged(K::fraction, 0.01, 1.0, "0.01..1"), "0.95",
          "delivered / withdrawn while discharging", "0.96"),
  });
  auto outage = map_of({
      req("start", kind(K::time_point), "offset from the start (\"+12h\") or a date-time",
          "\"+12h\""),
      req("duration", positive(K::duration, "0s"), "length of the outage", "36h"),
  });
  auto grid = map_of({
      opt("outages", seq_of(std::move(outage)), "[]", "scheduled grid outages",
          "[{start: \"+12h\", duration: 36h}]"),
      opt("time_between_outages", kind(K::distribution), "",
          "random outages: time from the end of one to the start of the next (absent: none)",
          "\"exp(60d)\""),
      opt("outage_duration", kind(K::distribution), "\"exp(2h)\"", "random outages: length",
          "\"lognormal_ms(3h, 2h)\""),
      opt("price", money(), "0.2", "import price per kWh (off-peak)", "0.15"),
      opt("peak_price", money(), "0.2", "import price per kWh in the peak window", "0.35"),
      opt("peak_start", hour(), "17", "local hour the peak window starts", "16"),
      opt("peak_end", hour(), "21", "local hour the peak window ends", "20"),
      opt("export_price", money(), "0.05", "paid per exported kWh", "0.08"),
      opt("export_allowed", kind(K::boolean), "true", "may the site export surplus", "false"),
      opt("carbon", non_negative(K::number, "0"), "0.3", "mean grid carbon intensity, kg CO2/kWh",
          "0.25"),
      opt("carbon_daily_swing", frac(), "0", "synthetic intensity: relative daily swing (cosine)",
          "0.4"),
      opt("carbon_peak_hour", hour(), "19", "synthetic intensity: local hour of the maximum", "18"),
      opt("carbon_file", kind(K::string), "",
          "hourly kg CO2/kWh of a typical year (CSV, replaces the synthetic series)", "co2.csv"),
  });
  auto generator = map_of({
      req("rated_power", positive(K::power, "0W"), "rated power", "60kW"),
      opt("start_delay", non_negative(K::duration, "0s"), "30s",
          "start request to power on the bus", "10s"),
      opt("tank", positive(K::number, "0"), "500", "fuel tank, litres", "1000"),
      opt("fuel_initial", non_negative(K::number, "0"), "500", "fuel at the start, litres", "800"),
      opt("fuel_idle", non_negative(K::number, "0"), "0.08145", "fuel curve F0: L/h per kW rated",
          "0.08"),
      opt("fuel_slope", non_negative(K::number, "0"), "0.246", "fuel curve F1: L/h per kW output",
          "0.25"),
      opt("start_soc", frac(), "0.3", "islanded: started at or below this battery charge", "40%"),
      opt("fuel_price", money(), "1.5", "money per litre", "1.8"),
      opt("carbon_per_litre", non_negative(K::number, "0"), "2.68", "kg CO2 per litre", "2.7"),
  });
  auto load = map_of({
      req("id", kind(K::identifier), "load id", "hvac"),
      opt("power", non_negative(K::power, "0W"), "0W", "constant draw (when no file)", "12kW"),
      opt("file", kind(K::string), "",
          "hourly kW of a typical year (CSV, relative to the scenario file)", "load.csv"),
      opt("scale", positive(K::number, "0"), "1", "multiplier on the file values", "0.02"),
      opt("priority", ranged(K::integer, 0.0, 100.0, "0..100"), "1",
          "shedding class: higher classes are shed later", "2"),
  });
  auto shedding = map_of({
      opt("freezer_priority", ranged(K::integer, 0.0, 100.0, "0..100"), "2",
          "shedding class of every freezer of the site", "3"),
      opt("critical_priority", ranged(K::integer, 0.0, 100.0, "0..100"), "3",
          "classes at or above this are critical (unserved critical energy, ride-through)", "3"),
      opt("islanded_min_priority", ranged(K::integer, 0.0, 100.0, "0..100"), "0",
          "islanded: loads of lower classes are dropped as soon as the grid fails", "2"),
      opt("critical_freezers", seq_of(kind(K::identifier)), "[]",
          "freezers of the site raised to the critical class", "[F-01, F-02]"),
  });
  auto strategy = map_of({
      opt("type", enum_of({"self_consumption", "peak_shaving", "carbon_aware"}), "self_consumption",
          "grid-connected battery dispatch", "carbon_aware"),
      opt("peak_limit", non_negative(K::power, "0W"), "0W", "peak_shaving: import kept below",
          "20kW"),
      opt("carbon_low", non_negative(K::number, "0"), "0.2",
          "carbon_aware: charge from the grid at or below, kg/kWh", "0.15"),
      opt("carbon_high", non_negative(K::number, "0"), "0.35",
          "carbon_aware: discharge at or above, kg/kWh", "0.3"),
  });
  auto job = map_of({
      req("id", kind(K::identifier), "job id", "defrost-F-01"),
      req("power", positive(K::power, "0W"), "draw while running", "3kW"),
      req("duration", positive(K::duration, "0s"), "run time", "2h"),
      opt("release", non_negative(K::duration, "0s"), "0s",
          "earliest start after the scenario start", "12h"),
      req("deadline", positive(K::duration, "0s"), "latest finish after the scenario start", "36h"),
  });
  auto site = map_of({
      req("site", kind(K::identifier), "site id (one of `sites`)", "biobank"),
      opt("pv", std::move(pv), "", "PV array", "{peak_power: 30kW}"),
      opt("battery", std::move(battery), "", "stationary battery", "{capacity: 200kWh}"),
      opt("grid", std::move(grid), "", "grid connection: outages, prices, carbon",
          "{outages: [{start: \"+12h\", duration: 36h}]}"),
      opt("generator", std::move(generator), "", "standby generator (absent: none)",
          "{rated_power: 60kW}"),
      opt("loads", seq_of(std::move(load)), "[]", "base loads besides the freezers",
          "[{id: hvac, power: 12kW}]"),
      opt("shedding", std::move(shedding), "", "priority classes while islanded",
          "{freezer_priority: 3}"),
      opt("strategy", std::move(strategy), "", "grid-connected dispatch strategy",
          "{type: peak_shaving, peak_limit: 20kW}"),
      opt("jobs", seq_of(std::move(job)), "[]",
          "deferrable jobs (defrosts, autoclave runs) placed on the forecast",
          "[{id: defrost-1, power: 3kW, duration: 2h, deadline: 36h}]"),
      opt("job_objective", enum_of({"carbon", "price"}), "carbon",
          "what the job placement minimises", "price"),
  });
  return map_of({
      opt("sites", seq_of(std::move(site)), "[]", "one microgrid per site",
          "[{site: biobank, battery: {capacity: 200kWh}}]"),
  });
}

namespace {

constexpr double kJPerKwh = 3.6e6;

twin::SiteMicrogridDef site_def(const TreeNode& n) {
  using Q = units::Quantity;
  twin::SiteMicrogridDef d;
  d.site = text(&n, "site");
  const TreeNode* pv = get(&n, "pv");
  d.pv.kwp = q(pv, "peak_power", Q::power, 0.0) / 1000.0;
  d.pv.derate = q(pv, "derate", Q::fraction, d.pv.derate);
  const TreeNode* ir = get(pv, "irradiance");
  auto& i = d.pv.irradiance;
  i.model = text(ir, "model", i.model);
  i.latitude_deg = q(ir, "latitude", Q::number, i.latitude_deg);
  i.longitude_deg = q(ir, "longitude", Q::number, i.longitude_deg);
  i.clearness = q(ir, "clearness", Q::fraction, i.clearness);
  i.variability = q(ir, "variability", Q::fraction, i.variability);
  i.persistence = q(ir, "persistence", Q::number, i.persistence);
  if (get(ir, "file")) i.file = resolve_path(ir, "file");
  i.scale = q(ir, "scale", Q::number, i.scale);
  const TreeNode* b = get(&n, "battery");
  auto& bd = d.battery;
  bd.capacity_kwh = q(b, "capacity", Q::energy, 0.0) / kJPerKwh;
  bd.soc_initial = q(b, "soc_initial", Q::fraction, bd.soc_initial);
  bd.soc_min = q(b, "soc_min", Q::fraction, bd.soc_min);
  bd.soc_max = q(b, "soc_max", Q::fraction, bd.soc_max);
  bd.soc_reserve = q(b, "soc_reserve", Q::fraction, bd.soc_reserve);
  bd.soc_reconnect = q(b, "soc_reconnect", Q::fraction, bd.soc_reconnect);
  bd.charge_kw = q(b, "charge_power", Q::power, 0.0) / 1000.0;
  bd.discharge_kw = q(b, "discharge_power", Q::power, 0.0) / 1000.0;
  bd.charge_efficiency = q(b, "charge_efficiency", Q::fraction, bd.charge_efficiency);
  bd.discharge_efficiency = q(b, "discharge_efficiency", Q::fraction, bd.discharge_efficiency);
  const TreeNode* g = get(&n, "grid");
  auto& gd = d.grid;
  for (const auto& o : items(g, "outages")) {
    twin::GridOutageDef od;
    const std::string at = text(&o, "start");
    if (const auto abs = units::parse_datetime(at); abs.ok()) {
      od.absolute = true;
      od.start_us = abs.value;
    } else {
      od.start_us = units::parse_duration_ticks(at).value;
    }
    od.duration = duration(&o, "duration", od.duration);
    gd.outages.push_back(od);
  }
  gd.time_between_outages = opt_text(g, "time_between_outages");
  gd.outage_duration = text(g, "outage_duration", gd.outage_duration);
  gd.price_per_kwh = q(g, "price", Q::number, gd.price_per_kwh);
  gd.peak_price_per_kwh = q(g, "peak_price", Q::number, gd.price_per_kwh);
  gd.peak_start_hour = q(g, "peak_start", Q::number, gd.peak_start_hour);
  gd.peak_end_hour = q(g, "peak_end", Q::number, gd.peak_end_hour);
  gd.export_price_per_kwh = q(g, "export_price", Q::number, gd.export_price_per_kwh);
  gd.export_allowed = boolean(g, "export_allowed", gd.export_allowed);
  gd.carbon_kg_per_kwh = q(g, "carbon", Q::number, gd.carbon_kg_per_kwh);
  gd.carbon_daily_swing = q(g, "carbon_daily_swing", Q::fraction, gd.carbon_daily_swing);
  gd.carbon_peak_hour = q(g, "carbon_peak_hour", Q::number, gd.carbon_peak_hour);
  if (get(g, "carbon_file")) gd.carbon_file = resolve_path(g, "carbon_file");
  if (const TreeNode* gen = get(&n, "generator")) {
    twin::GeneratorDef ge;
    ge.rated_kw = q(gen, "rated_power", Q::power, 0.0) / 1000.0;
    ge.start_delay = duration(gen, "start_delay", ge.start_delay);
    ge.tank_l = q(gen, "tank", Q::number, ge.tank_l);
    ge.fuel_initial_l = q(gen, "fuel_initial", Q::number, std::min(ge.fuel_initial_l, ge.tank_l));
    ge.fuel_idle_l_per_kwh = q(gen, "fuel_idle", Q::number, ge.fuel_idle_l_per_kwh);
    ge.fuel_slope_l_per_kwh = q(gen, "fuel_slope", Q::number, ge.fuel_slope_l_per_kwh);
    ge.start_soc = q(gen, "start_soc", Q::fraction, ge.start_soc);
    ge.fuel_price_per_l = q(gen, "fuel_price", Q::number, ge.fuel_price_per_l);
    ge.carbon_kg_per_l = q(gen, "carbon_per_litre", Q::number, ge.carbon_kg_per_l);
    d.generator = ge;
  }
  for (const auto& l : items(&n, "loads")) {
    twin::BaseLoadDef ld;
    ld.id = text(&l, "id");
    ld.kw = q(&l, "power", Q::power, 0.0) / 1000.0;
    if (get(&l, "file")) ld.file = resolve_path(&l, "file");
    ld.scale = q(&l, "scale", Q::number, ld.scale);
    ld.priority = integer(&l, "priority", ld.priority);
    d.loads.push_back(ld);
  }
  const TreeNode* sh = get(&n, "shedding");
  d.shedding.freezer_priority = integer(sh, "freezer_priority", d.shedding.freezer_priority);
  d.shedding.critical_priority = integer(sh, "critical_priority", d.shedding.critical_priority);
  d.shedding.islanded_min_priority =
      integer(sh, "islanded_min_priority", d.shedding.islanded_min_priority);
  d.shedding.critical_freezers = strings(sh, "critical_freezers");
  const TreeNode* st = get(&n, "strategy");
  d.strategy.type = text(st, "type", d.strategy.type);
  d.strategy.peak_limit_kw = q(st, "peak_limit", Q::power, 0.0) / 1000.0;
  d.strategy.carbon_low = q(st, "carbon_low", Q::number, d.strategy.carbon_low);
  d.strategy.carbon_high = q(st, "carbon_high", Q::number, d.strategy.carbon_high);
  for (const auto& j : items(&n, "jobs")) {
    twin::EnergyJobDef jd;
    jd.id = text(&j, "id");
    jd.kw = q(&j, "power", Q::power, 0.0) / 1000.0;
    jd.duration = duration(&j, "duration", jd.duration);
    jd.release = duration(&j, "release", jd.release);
    jd.deadline = duration(&j, "deadline", jd.deadline);
    d.jobs.push_back(jd);
  }
  d.job_objective = text(&n, "job_objective", d.job_objective);
  return d;
}

void error_at(const TreeNode* at, const TreeNode& fallback, const std::string& path,
              std::string msg, std::vector<Diagnostic>& out) {
  out.push_back(Diagnostic{(at ? at : &fallback)->location, Severity::error, path, std::move(msg)});
}

}  // namespace

void check_microgrid(const TreeNode& root, const KnownIds& known, std::vector<Diagnostic>& out) {
  using Q = units::Quantity;
  const TreeNode* block = get(&root, "microgrid");
  const auto& sites = items(block, "sites");
  std::map<std::string, int> seen;
  // Freezers per site (counts are already expanded), for `shedding.critical_freezers`.
  std::map<std::string, std::set<std::string>> freezers_of;
  for (const auto& s : items(&root, "sites"))
    for (const auto& f : items(&s, "freezers")) freezers_of[text(&s, "id")].insert(text(&f, "id"));
  for (std::size_t i = 0; i < sites.size(); ++i) {
    const TreeNode& n = sites[i];
    const std::string p = "microgrid.sites[" + std::to_string(i) + "]";
    unique_id(n, "site", p, "microgrid site", seen, out);
    unknown_ref(get(&n, "site"), p + ".site", "site", known.sites, out, "sites");
    const std::string site_id = text(&n, "site");
    const TreeNode* sh = get(&n, "shedding");
    const auto& crit = items(sh, "critical_freezers");
    for (std::size_t k = 0; k < crit.size(); ++k)
      unknown_ref(&crit[k], p + ".shedding.critical_freezers[" + std::to_string(k) + "]", "freezer",
                  freezers_of[site_id], out, "the freezers of site `" + site_id + "`");
    const TreeNode* b = get(&n, "battery");
    const double lo = q(b, "soc_min", Q::fraction, 0.1), hi = q(b, "soc_max", Q::fraction, 1.0);
    if (q(b, "capacity", Q::energy, 0.0) > 0) {
      if (lo >= hi)
        error_at(get(b, "soc_max"), *b, p + ".battery.soc_max", "soc_max must exceed soc_min", out);
      for (const char* key : {"soc_initial", "soc_reserve", "soc_reconnect"}) {
        const TreeNode* v = get(b, key);
        if (v == nullptr) continue;
        const double x = q(b, key, Q::fraction, lo);
        if (x < lo - 1e-12 || x > hi + 1e-12)
          error_at(v, *b, p + ".battery." + key,
                   std::string(key) + " must lie within soc_min..soc_max", out);
      }
    }
    const TreeNode* ir = get(get(&n, "pv"), "irradiance");
    if (text(ir, "model") == "file" && get(ir, "file") == nullptr)
      error_at(get(ir, "model"), *ir, p + ".pv.irradiance.file", "model file needs `file`", out);
    if (const TreeNode* gen = get(&n, "generator")) {
      if (q(gen, "fuel_initial", Q::number, 0) > q(gen, "tank", Q::number, 500) + 1e-9)
        error_at(get(gen, "fuel_initial"), *gen, p + ".generator.fuel_initial",
                 "fuel_initial must not exceed tank", out);
    }
    const TreeNode* st = get(&n, "strategy");
    if (text(st, "type") == "peak_shaving" && get(st, "peak_limit") == nullptr)
      error_at(get(st, "type"), *st, p + ".strategy.peak_limit", "peak_shaving needs peak_limit",
               out);
    if (q(st, "carbon_low", Q::number, 0.2) > q(st, "carbon_high", Q::number, 0.35))
      error_at(get(st, "carbon_low"), *st, p + ".strategy.carbon_low",
               "carbon_low must not exceed carbon_high", out);
    const auto& loads = items(&n, "loads");
    std::map<std::string, int> load_ids;
    for (std::size_t k = 0; k < loads.size(); ++k) {
      const std::string lp = p + ".loads[" + std::to_string(k) + "]";
      unique_id(loads[k], "id", lp, "load", load_ids, out);
      if (get(&loads[k], "power") && get(&loads[k], "file"))
        error_at(get(&loads[k], "file"), loads[k], lp + ".file", "give `power` or `file`, not both",
                 out);
    }
    const auto& jobs = items(&n, "jobs");
    std::map<std::string, int> job_ids;
    for (std::size_t k = 0; k < jobs.size(); ++k) {
      const std::string jp = p + ".jobs[" + std::to_string(k) + "]";
      unique_id(jobs[k], "id", jp, "job", job_ids, out);
      const auto dur = opt_duration(&jobs[k], "duration");
      const auto rel = opt_duration(&jobs[k], "release").value_or(sim::Time::zero());
      const auto dl = opt_duration(&jobs[k], "deadline");
      if (dur && dl && *dl - rel < *dur)
        error_at(get(&jobs[k], "deadline"), jobs[k], jp + ".deadline",
                 "deadline - release is shorter than the job's duration", out);
    }
  }
}

void extract_microgrid(const TreeNode& root, twin::ScenarioDef& sc) {
  const TreeNode* block = get(&root, "microgrid");
  for (const auto& s : items(block, "sites")) sc.microgrid.sites.push_back(site_def(s));
}

}  // namespace labtwin::adapters::detail
