// `labtwin telemetry import | synth`, `labtwin calibrate`: telemetry in and out of the twin.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "labtwin/adapters/atomic_file.hpp"
#include "labtwin/adapters/recorder.hpp"
#include "labtwin/adapters/scenario_loader.hpp"
#include "labtwin/adapters/telemetry.hpp"
#include "labtwin/sim/distributions.hpp"
#include "labtwin/sim/random.hpp"
#include "labtwin/sim/simulation.hpp"
#include "labtwin/sim/units.hpp"
#include "labtwin/twin/calibration.hpp"
#include "labtwin/twin/lab_model.hpp"

namespace labtwin::cli {
namespace {

std::optional<sim::Time> parse_positive_duration(const std::string& text, const char* what,
                                                 const char* cmd) {
  const auto t = sim::units::parse_duration_ticks(text);
  if (!t.ok() || t.value <= 0) {
    std::cerr << "labtwin " << cmd << ": " << what << ": "
              << (t.ok() ? "must be a positive duration" : t.error) << "\n";
    return std::nullopt;
  }
  return sim::Time{t.value};
}

/// ISO-8601 UTC with microseconds, e.g. 2026-03-14T03:12:00.250000Z.
std::string iso_utc(std::int64_t us) {
  using namespace std::chrono;
  const std::int64_t s = us >= 0 ? us / 1'000'000 : -((-us + 999'999) / 1'000'000);
  const std::int64_t frac = us - s * 1'000'000;
  const std::int64_t day = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
  const std::int64_t sod = s - day * 86400;
  const year_month_day ymd{sys_days{days{day}}};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<long long>(sod / 3600),
                static_cast<long long>(sod / 60 % 60), static_cast<long long>(sod % 60),
                static_cast<long long>(frac));
  return buf;
}

std::string format_csv(const adapters::TelemetrySet& set) {
  // Merged by time so the file reads like a monitoring system's export.
  struct Row {
    std::int64_t t;
    std::size_t s, i;
  };
  std::vector<Row> rows;
  for (std::size_t s = 0; s < set.series.size(); ++s)
    for (std::size_t i = 0; i < set.series[s].t_us.size(); ++i)
      rows.push_back({set.series[s].t_us[i], s, i});
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.t < b.t; });
  std::string out = "timestamp,sensor_id,value,unit\n";
  char buf[128];
  for (const auto& r : rows) {
    const auto& s = set.series[r.s];
    out += iso_utc(r.t);
    std::snprintf(buf, sizeof buf, ",%s,%.17g,%s\n", s.sensor.c_str(), s.value[r.i],
                  s.unit.c_str());
    out += buf;
  }
  return out;
}

}  // namespace

int telemetry_import_command(const TelemetryImportFlags& f) {
  adapters::TelemetryReadOptions opt;
  opt.lenient = f.lenient;
  opt.disorder = f.disorder == "reject" ? adapters::Disorder::reject : adapters::Disorder::sort;
  adapters::TelemetryReadReport report;
  adapters::TelemetrySet set;
  try {
    set = adapters::read_telemetry_csv(f.input, opt, &report);
  } catch (const adapters::TelemetryError& e) {
    std::cerr << e.what() << "\n";
    return kBadInput;
  }
  try {
    adapters::write_telemetry_h5(f.output, set);
  } catch (const std::exception& e) {
    std::cerr << "labtwin telemetry import: --out " << f.output << ": " << e.what() << "\n";
    return kBadInput;
  }
  if (!f.quiet) {
    std::cout << f.input << ": " << report.rows << " rows, " << set.series.size() << " sensors, "
              << set.samples() << " samples";
    if (report.reordered) std::cout << ", " << report.reordered << " out of order (sorted)";
    if (report.skipped) std::cout << ", " << report.skipped << " bad rows skipped (--lenient)";
    std::cout << " -> " << f.output << "\n";
    for (const auto& m : report.skipped_messages) std::cout << "  skipped: " << m << "\n";
  }
  return kOk;
}

int telemetry_synth_command(const TelemetrySynthFlags& f) {
  const auto loaded = adapters::load_scenario(f.scenario);
  for (const auto& d : loaded.diagnostics) std::cerr << adapters::format(d) << "\n";
  if (!loaded.ok()) return kBadInput;
  const auto& sc = *loaded.scenario;
  const auto every = parse_positive_duration(f.every, "--every", "telemetry synth");
  if (!every) return kBadInput;
  if (!(f.noise_k >= 0.0) || !std::isfinite(f.noise_k)) {
    std::cerr << "labtwin telemetry synth: --noise: must be a finite temperature >= 0 K\n";
    return kBadInput;
  }
  twin::RunOptions options;
  options.seed = f.seed;
  if (!f.until.empty()) {
    const auto t = parse_positive_duration(f.until, "--until", "telemetry synth");
    if (!t) return kBadInput;
    options.until = *t;
  }
  adapters::MemorySink sink;
  adapters::TelemetrySet set;
  std::uint64_t seed = 0;
  try {
    twin::LabModel model(sc, options);
    // What a monitoring system sees: sampled temperatures, switching states.
    const std::vector<adapters::RecordSpec> specs = {
        {"*", "air_temperature", adapters::SamplePolicy::kEvery, *every},
        {"*", "payload_temperature", adapters::SamplePolicy::kEvery, *every},
        {"*", "ambient_temperature", adapters::SamplePolicy::kEvery, *every},
        {"*", "compressor", adapters::SamplePolicy::kOnChange, {}},
        {"*", "door", adapters::SamplePolicy::kOnChange, {}},
    };
    adapters::Recorder rec(model.signals(), specs, sink, model.simulation().now());
    model.simulation().add_observer(&rec);
    model.run();
    rec.finish(model.simulation().now());
    model.simulation().remove_observer(&rec);
    seed = model.result().seed;
    const std::int64_t start = model.start_us();
    sim::RandomStream rng(seed, 0, "telemetry/noise");
    const sim::Normal noise(0.0, f.noise_k > 0 ? f.noise_k : 1.0);
    for (const auto& s : sink.series()) {
      adapters::TelemetrySeries ts;
      ts.sensor = s.info.id();
      ts.unit = s.info.unit;
      const bool temperature = s.info.unit == "C";
      for (std::size_t i = 0; i < s.t.size(); ++i) {
        ts.t_us.push_back(start + s.t[i].ticks);
        ts.value.push_back(s.value[i] + (temperature && f.noise_k > 0 ? noise(rng) : 0.0));
      }
      set.series.push_back(std::move(ts));
    }
    std::sort(set.series.begin(), set.series.end(),
              [](const auto& a, const auto& b) { return a.sensor < b.sensor; });
  } catch (const std::invalid_argument& e) {
    std::cerr << f.scenario << ": error: " << e.what() << "\n";
    return kBadInput;
  }
  try {
    const std::string out = f.output;
    if (out.size() > 4 && out.substr(out.size() - 4) == ".csv")
      adapters::write_file_atomic(out, format_csv(set));
    else
      adapters::write_telemetry_h5(out, set);
  } catch (const std::exception& e) {
    std::cerr << "labtwin telemetry synth: --out " << f.output << ": " << e.what() << "\n";
    return kBadInput;
  }
  if (!f.quiet)
    std::cout << f.output << ": " << set.series.size() << " series, " << set.samples()
              << " samples (seed " << seed << ", noise " << f.noise_k << " K)\n";
  return kOk;
}

}  // namespace labtwin::cli

namespace labtwin::cli {
namespace {

/// The series of `entity`/`signal`: through telemetry.mapping, else named "<entity>/<signal>".
const adapters::TelemetrySeries* find_series(const adapters::TelemetrySet& set,
                                             const twin::ScenarioDef& sc, const std::string& entity,
                                             const std::string& signal) {
  for (const auto& m : sc.telemetry.mapping)
    if (m.target == entity && m.signal == signal) return set.find(m.sensor);
  return set.find(entity + "/" + signal);
}

twin::StepSeries steps_of(const adapters::TelemetrySeries& s, std::int64_t t0) {
  twin::StepSeries out;
  for (std::size_t i = 0; i < s.t_us.size(); ++i)
    out.emplace_back(static_cast<double>(s.t_us[i] - t0) / 1e6, s.value[i]);
  return out;
}

double to_celsius(double v, const std::string& unit) {
  if (unit == "K") return v - 273.15;
  if (unit == "F" || unit == "degF") return (v - 32.0) * 5.0 / 9.0;
  return v;
}

const char* unit_of(twin::FreezerParam p) {
  switch (p) {
    case twin::FreezerParam::air_capacity:
    case twin::FreezerParam::payload_capacity:
      return "J/K";
    case twin::FreezerParam::cooling_power:
      return "W";
    default:
      return "W/K";
  }
}

}  // namespace

int calibrate_command(const CalibrateFlags& f) {
  const auto loaded = adapters::load_scenario(f.scenario);
  for (const auto& d : loaded.diagnostics) std::cerr << adapters::format(d) << "\n";
  if (!loaded.ok()) return kBadInput;
  const auto& sc = *loaded.scenario;
  const twin::FreezerDef* fd = nullptr;
  const twin::SiteDef* site = nullptr;
  for (const auto& s : sc.sites)
    for (const auto& z : s.freezers)
      if (z.id == f.entity) fd = &z, site = &s;
  if (fd == nullptr) {
    std::cerr << "labtwin calibrate: --entity: no freezer '" << f.entity << "' in " << f.scenario
              << "\n";
    return kBadInput;
  }
  const std::string file =
      f.telemetry.empty() && sc.telemetry.file
          ? (std::filesystem::path(f.scenario).parent_path() / *sc.telemetry.file).string()
          : f.telemetry;
  if (file.empty()) {
    std::cerr << "labtwin calibrate: --telemetry: no file given and no telemetry.file in "
              << f.scenario << "\n";
    return kBadInput;
  }
  adapters::TelemetrySet set;
  try {
    set = adapters::read_telemetry(file);
  } catch (const adapters::TelemetryError& e) {
    std::cerr << e.what() << "\n";
    return kBadInput;
  }
  const auto* air = find_series(set, sc, fd->id, "air_temperature");
  const auto* comp = find_series(set, sc, fd->id, "compressor");
  for (auto [s, name] : {std::pair{air, "air_temperature"}, std::pair{comp, "compressor"}})
    if (s == nullptr || s->t_us.empty()) {
      std::cerr << file << ": error: " << fd->id << "/" << name
                << ": calibration needs this signal (a sensor mapped in telemetry.mapping, or a "
                   "series named "
                << fd->id << "/" << name << ")\n";
      return kBadInput;
    }
  const std::int64_t t0 = air->t_us.front();
  twin::CalibrationTrace trace;
  for (std::size_t i = 0; i < air->t_us.size(); ++i) {
    const double t = static_cast<double>(air->t_us[i] - t0) / 1e6;
    if (!trace.t_s.empty() && t <= trace.t_s.back()) continue;  // one sample per instant
    trace.t_s.push_back(t);
    trace.air_c.push_back(to_celsius(air->value[i], air->unit));
  }
  if (const auto* pay = find_series(set, sc, fd->id, "payload_temperature");
      pay != nullptr && pay->t_us.size() == air->t_us.size() && pay->t_us == air->t_us) {
    for (std::size_t i = 0; i < pay->t_us.size(); ++i)
      if (i == 0 || pay->t_us[i] != pay->t_us[i - 1])
        trace.payload_c.push_back(to_celsius(pay->value[i], pay->unit));
  }
  trace.compressor = steps_of(*comp, t0);
  if (!trace.compressor.empty() && trace.compressor.front().first > 0.0)
    trace.compressor.front().first = 0.0;  // the first state holds from the start
  if (const auto* door = find_series(set, sc, fd->id, "door")) trace.door = steps_of(*door, t0);
  std::string ambient_note;
  if (const auto* amb = find_series(set, sc, site->id, "ambient_temperature")) {
    trace.ambient_c = steps_of(*amb, t0);
    for (auto& [t, v] : trace.ambient_c) v = to_celsius(v, amb->unit);
    if (trace.ambient_c.front().first > 0.0) trace.ambient_c.front().first = 0.0;
  } else {
    trace.ambient_c = {{0.0, site->ambient.mean_c}};
    ambient_note = "# room temperature not recorded: held at the site's mean " +
                   std::to_string(site->ambient.mean_c) + " C\n";
  }
  twin::CalibrationOptions opt;
  opt.initial = twin::freezer_params_of(*fd);
  opt.fit = twin::default_fit(trace);
  if (!f.fit.empty()) {
    opt.fit.clear();
    for (const auto& name : f.fit) {
      bool found = false;
      for (auto p : {twin::FreezerParam::air_capacity, twin::FreezerParam::payload_capacity,
                     twin::FreezerParam::ua_air_payload, twin::FreezerParam::ua_wall,
                     twin::FreezerParam::ua_door, twin::FreezerParam::cooling_power})
        if (twin::scenario_key(p) == name) opt.fit.push_back(p), found = true;
      if (!found) {
        std::cerr << "labtwin calibrate: --fit: unknown parameter '" << name
                  << "' (air_heat_capacity, payload_heat_capacity, ua_air_payload, ua_walls, "
                     "ua_door, cooling_power)\n";
        return kBadInput;
      }
    }
  }
  twin::CalibrationResult r;
  try {
    r = twin::calibrate_freezer(trace, opt);
  } catch (const std::invalid_argument& e) {
    std::cerr << file << ": error: " << fd->id << ": " << e.what() << "\n";
    return kBadInput;
  }
  std::ostringstream y;
  char line[256];
  std::snprintf(line, sizeof line,
                "# labtwin calibrate: %s from %s: %zu samples, RMS residual %.3g K (before: "
                "%.3g K), %d iterations, %s\n",
                fd->id.c_str(), file.c_str(), trace.t_s.size(), r.rms_k, r.initial_rms_k,
                r.iterations, r.converged ? "converged" : "NOT converged");
  y << line << "# " << r.message << "\n" << ambient_note;
  y << "# paste under the freezer's entry (sites[].freezers[id: " << fd->id << "]):\n";
  y << "model:\n";
  for (const auto& p : r.fitted) {
    std::snprintf(line, sizeof line, "  %s: \"%.6g%s\"  # +- %.2g%% (1 sigma)\n",
                  std::string(twin::scenario_key(p.param)).c_str(), p.value, unit_of(p.param),
                  std::isfinite(p.std_error) ? 100.0 * p.std_error / p.value : INFINITY);
    y << line;
  }
  try {
    if (!f.output.empty())
      adapters::write_file_atomic(f.output, y.str());
    else
      std::cout << y.str();
  } catch (const std::exception& e) {
    std::cerr << "labtwin calibrate: --out " << f.output << ": " << e.what() << "\n";
    return kBadInput;
  }
  if (!f.output.empty() && !f.quiet) std::cout << y.str();
  return r.converged ? kOk : kAssertionFailed;
}

}  // namespace labtwin::cli
