#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

#include "commands.hpp"
#include "labtwin/adapters/atomic_file.hpp"
#include "labtwin/adapters/expectation.hpp"
#include "labtwin/adapters/replay_binding.hpp"
#include "labtwin/adapters/report.hpp"
#include "labtwin/adapters/scenario_loader.hpp"
#include "labtwin/adapters/schema.hpp"
#include "labtwin/sim/units.hpp"
#include "labtwin/twin/lab_model.hpp"

namespace labtwin::cli {
namespace {

/// Checks every `expect:` entry against the run.
std::vector<adapters::AssertionOutcome> check_expectations(const twin::ScenarioDef& sc,
                                                           const twin::RunResult& r,
                                                           const std::string& variant,
                                                           bool replay) {
  std::vector<adapters::AssertionOutcome> out;
  for (const auto& e : sc.expect) {
    // A pinned fingerprint is the base scenario's simulated run: a variant or a replay is
    // meant to run differently.
    if (e.kpi == "fingerprint" && (!variant.empty() || replay)) continue;
    adapters::AssertionOutcome o{e.kpi, e.expression, false, ""};
    const auto parsed = adapters::parse_expectation(e.expression);
    if (!parsed.ok()) {
      o.message = parsed.error;
    } else if (e.kpi == "fingerprint") {
      const auto fp = twin::fingerprint_hex(r.fingerprint);
      o.passed = adapters::check(parsed.value, std::string_view(fp));
      o.message = o.passed ? "got " + fp : adapters::describe(parsed.value, std::string_view(fp));
    } else if (const auto v = r.kpi(e.kpi)) {
      o.passed = adapters::check(parsed.value, *v);
      // "got 1h 16min (4582.09 s)": the value as the table shows it, then in SI if different.
      const auto& k = *std::find_if(r.kpis.begin(), r.kpis.end(),
                                    [&](const twin::Kpi& x) { return x.name == e.kpi; });
      std::string got = adapters::format_kpi_value(k);
      if (k.unit == "s" || k.unit == "J" || k.unit == "ratio") {
        char raw[64];
        std::snprintf(raw, sizeof raw, " (%.6g%s)", *v,
                      k.unit == "ratio" ? "" : (" " + k.unit).c_str());
        got += raw;
      }
      o.message = (o.passed ? "" : "expected " + e.expression + ", ") + "got " + got;
    } else {
      std::vector<std::string> names;
      for (const auto& k : r.kpis) names.push_back(k.name);
      const std::string best = adapters::closest_match(e.kpi, names);
      o.message = "the run has no KPI '" + e.kpi + "'" +
                  (best.empty() ? "" : "; did you mean '" + best + "'?");
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace

int run_command(const RunFlags& f) {
  if (f.format != "table" && f.format != "json") {
    std::cerr << (f.replay ? "labtwin replay" : "labtwin run")
              << ": --format: expected table or json, got \"" << f.format << "\"\n";
    return kBadInput;
  }
  twin::RunOptions options;
  options.seed = f.seed;
  if (!f.until.empty()) {
    const auto t = sim::units::parse_duration_ticks(f.until);
    if (!t.ok() || t.value <= 0) {
      std::cerr << (f.replay ? "labtwin replay" : "labtwin run")
                << ": --until: " << (t.ok() ? "must be a positive duration" : t.error) << "\n";
      return kBadInput;
    }
    options.until = sim::Time{t.value};
  }
  const auto loaded = f.variant.empty() ? adapters::load_scenario(f.scenario)
                                        : adapters::load_variant(f.scenario, f.variant);
  for (const auto& d : loaded.diagnostics) std::cerr << adapters::format(d) << "\n";
  if (!loaded.ok()) return kBadInput;
  const auto& sc = *loaded.scenario;

  const char* cmd = f.replay ? "labtwin replay" : "labtwin run";

  // Replay: recorded telemetry replaces the physical models' signals it is bound to.
  std::optional<twin::ReplayInput> replay;
  if (f.replay) {
    std::string file = f.telemetry;
    if (file.empty() && sc.telemetry.file)
      file = (std::filesystem::path(f.scenario).parent_path() / *sc.telemetry.file).string();
    if (file.empty()) {
      std::cerr << cmd << ": --telemetry: no file given and no telemetry.file in " << f.scenario
                << "\n";
      return kBadInput;
    }
    adapters::TelemetryReadOptions ropt;
    ropt.lenient = f.lenient;
    ropt.disorder =
        sc.telemetry.disorder == "reject" ? adapters::Disorder::reject : adapters::Disorder::sort;
    adapters::TelemetryReadReport report;
    try {
      const auto data = adapters::read_telemetry(file, ropt, &report);
      replay = adapters::bind_telemetry(data, file, sc, f.scenario);
    } catch (const adapters::TelemetryError& e) {
      std::cerr << e.what() << "\n";
      return kBadInput;
    }
    if (report.skipped > 0)
      std::cerr << file << ": warning: " << report.skipped << " bad rows skipped (--lenient)\n";
    options.replay = &*replay;
    if (!f.quiet && f.format == "table") {
      std::set<std::string> entities;
      std::size_t samples = 0;
      for (const auto& t : replay->tracks) entities.insert(t.entity), samples += t.t_s.size();
      std::cout << "replaying " << replay->tracks.size() << " signals of " << entities.size()
                << " entities (" << samples << " samples) from " << file << "\n";
    }
  }

  twin::RunResult result;
  std::filesystem::path out_dir;
  try {
    if (!f.out_dir.empty()) {
      out_dir = f.out_dir;
      std::filesystem::create_directories(out_dir);
    }
  } catch (const std::exception& e) {
    std::cerr << cmd << ": --out " << f.out_dir << ": " << e.what() << "\n";
    return kBadInput;
  }
  try {
    if (!out_dir.empty()) {
      adapters::RecordedRunInfo info;
      info.scenario_path = f.scenario;
      std::ifstream in(f.scenario, std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      info.scenario_text = text.str();
      info.variant = f.variant;
      info.version = LABTWIN_VERSION;
      result = adapters::run_recorded(sc, options, out_dir / "results.h5", info);
    } else {
      result = twin::run_scenario(sc, options);
    }
  } catch (const std::invalid_argument& e) {
    std::cerr << f.scenario << ": error: " << e.what() << "\n";
    return kBadInput;
  } catch (const adapters::TelemetryError& e) {
    std::cerr << cmd << ": --out " << f.out_dir << ": " << e.what() << "\n";
    return kBadInput;
  }
  result.variant = f.variant;
  const auto outcomes = check_expectations(sc, result, f.variant, f.replay);
  const bool all_passed =
      std::all_of(outcomes.begin(), outcomes.end(), [](const auto& o) { return o.passed; });

  const std::string summary = adapters::summary_json(result, outcomes, LABTWIN_VERSION);
  if (!f.quiet) {
    if (f.format == "json") {
      std::cout << summary;
    } else {
      std::cout << adapters::format_kpi_table(result);
      if (!outcomes.empty()) std::cout << adapters::format_assertions(outcomes);
    }
  } else if (!all_passed) {
    for (const auto& o : outcomes)
      if (!o.passed)
        std::cerr << "FAIL " << o.kpi << " " << o.expression << "  (" << o.message << ")\n";
  }
  // Output files: a path that cannot be written is bad input (named by its flag), not a bug.
  try {
    if (!out_dir.empty()) adapters::write_file_atomic(out_dir / "summary.json", summary);
  } catch (const std::exception& e) {
    std::cerr << cmd << ": --out " << f.out_dir << ": " << e.what() << "\n";
    return kBadInput;
  }
  try {
    if (!f.junit.empty()) {
      const std::string suite = sc.meta.name + (f.variant.empty() ? "" : "." + f.variant);
      adapters::write_file_atomic(f.junit,
                                  adapters::junit_xml(suite, outcomes, result.wall_seconds));
    }
  } catch (const std::exception& e) {
    std::cerr << cmd << ": --junit " << f.junit << ": " << e.what() << "\n";
    return kBadInput;
  }
  return all_passed ? kOk : kAssertionFailed;
}

}  // namespace labtwin::cli
