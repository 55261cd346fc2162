#include "labtwin/adapters/replay_binding.hpp"

#include <chrono>
#include <cmath>
#include <set>

#include "labtwin/core/inventory/ledger.hpp"
#include "labtwin/sim/simulation.hpp"
#include "thread_cpu.hpp"

namespace labtwin::adapters {
namespace {

enum class Quantity { kTemperature, kOnOff };

struct Replayable {
  const char* signal;
  bool site;  // a site's signal (else a freezer's)
  Quantity quantity;
};
constexpr Replayable kReplayable[] = {
    {"air_temperature", false, Quantity::kTemperature},
    {"payload_temperature", false, Quantity::kTemperature},
    {"compressor", false, Quantity::kOnOff},
    {"ambient_temperature", true, Quantity::kTemperature},
};

const Replayable* replayable(const std::string& signal) {
  for (const auto& r : kReplayable)
    if (signal == r.signal) return &r;
  return nullptr;
}

bool is_freezer(const twin::ScenarioDef& sc, const std::string& id) {
  for (const auto& s : sc.sites)
    for (const auto& f : s.freezers)
      if (f.id == id) return true;
  return false;
}

bool is_site(const twin::ScenarioDef& sc, const std::string& id) {
  for (const auto& s : sc.sites)
    if (s.id == id) return true;
  return false;
}

/// Converts to C / 0-1 in place; false when the unit does not fit the quantity.
bool convert(std::vector<double>& v, const std::string& unit, Quantity q) {
  if (q == Quantity::kOnOff) return unit.empty() || unit == "1" || unit == "bool";
  if (unit.empty() || unit == "C" || unit == "degC" ||
      unit ==
          "\xC2\xB0"
          "C" ||
      unit == "celsius")
    return true;
  if (unit == "K") {
    for (auto& x : v) x -= 273.15;
    return true;
  }
  if (unit == "F" || unit == "degF" ||
      unit ==
          "\xC2\xB0"
          "F") {
    for (auto& x : v) x = (x - 32.0) * 5.0 / 9.0;
    return true;
  }
  return false;
}

twin::ReplayTrack make_track(const TelemetrySeries& s, const std::string& entity,
                             const std::string& signal, std::int64_t start_us) {
  twin::ReplayTrack t;
  t.entity = entity;
  t.signal = signal;
  t.source = s.sensor;
  t.t_s.reserve(s.t_us.size());
  for (auto us : s.t_us) t.t_s.push_back(static_cast<double>(us - start_us) / 1e6);
  t.value = s.value;
  return t;
}

}  // namespace

twin::ReplayInput bind_telemetry(const TelemetrySet& data, const std::string& data_file,
                                 const twin::ScenarioDef& sc, const std::string& scenario_file) {
  twin::ReplayInput in;
  in.gap_mode = sc.telemetry.gap_mode == "hold" ? twin::GapMode::kHold : twin::GapMode::kLinear;
  if (sc.telemetry.max_gap) in.max_gap_s = sc.telemetry.max_gap->seconds();
  const std::int64_t start = sc.clock.start_us.value_or(0);
  std::set<std::string> bound;  // "entity/signal"

  auto bind = [&](const TelemetrySeries& s, const std::string& entity, const std::string& signal,
                  const std::string& field) {
    const Replayable* r = replayable(signal);
    if (r == nullptr)
      throw TelemetryError(
          scenario_file, 0, field,
          "cannot replay signal '" + signal + "' (replayable: " + twin::kReplayableSignals + ")");
    if (r->site ? !is_site(sc, entity) : !is_freezer(sc, entity))
      throw TelemetryError(scenario_file, 0, field,
                           std::string("no ") + (r->site ? "site" : "freezer") + " '" + entity +
                               "' in the scenario");
    if (!bound.insert(entity + "/" + signal).second)
      throw TelemetryError(scenario_file, 0, field,
                           entity + "/" + signal + " is bound to two sensors");
    if (s.t_us.empty()) throw TelemetryError(data_file, 0, s.sensor, "the series has no samples");
    auto track = make_track(s, entity, signal, start);
    if (!convert(track.value, s.unit, r->quantity))
      throw TelemetryError(data_file, 0, s.sensor,
                           "unit mismatch: '" + s.unit + "' cannot drive " + signal + " (needs " +
                               (r->quantity == Quantity::kTemperature ? "C, K or F" : "0/1") + ")");
    in.tracks.push_back(std::move(track));
  };

  if (!sc.telemetry.mapping.empty()) {
    for (std::size_t i = 0; i < sc.telemetry.mapping.size(); ++i) {
      const auto& m = sc.telemetry.mapping[i];
      const std::string field = "telemetry.mapping[" + std::to_string(i) + "]";
      const TelemetrySeries* s = data.find(m.sensor);
      if (s == nullptr)
        throw TelemetryError(data_file, 0, field + ".sensor",
                             "no sensor '" + m.sensor + "' in the file (" +
                                 std::to_string(data.series.size()) + " series)");
      bind(*s, m.target, m.signal, field);
    }
  } else {
    for (const auto& s : data.series) {
      const auto slash = s.sensor.rfind('/');
      if (slash == std::string::npos) continue;
      const std::string entity = s.sensor.substr(0, slash), signal = s.sensor.substr(slash + 1);
      const Replayable* r = replayable(signal);
      if (r == nullptr || (r->site ? !is_site(sc, entity) : !is_freezer(sc, entity))) continue;
      bind(s, entity, signal, "series " + s.sensor);
    }
    if (in.tracks.empty())
      throw TelemetryError(data_file, 0, "telemetry",
                           "nothing to replay: no telemetry.mapping in " + scenario_file +
                               " and no series named <freezer>/<signal> or <site>/<signal> of " +
                               twin::kReplayableSignals);
  }
  return in;
}

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

twin::RunResult run_recorded(const twin::ScenarioDef& sc, const twin::RunOptions& options,
                             const std::filesystem::path& results_h5, const RecordedRunInfo& info,
                             RecordingProfile* profile) {
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = detail::thread_cpu_seconds();
  const auto specs = record_specs(sc.outputs);
  twin::LabModel model(sc, options);
  ResultsWriter writer(results_h5);
  // The event and ledger tables go to the writer batch by batch while the run goes on (the
  // writer thread turns them into HDF5 rows in parallel), not all at the end.
  ResultsSink sink(writer, model.start_us(), [&] {
    writer.stream_events(model.event_log());
    writer.stream_ledger(model.ledger().events());
  });
  Recorder recorder(model.signals(), specs, sink, model.simulation().now());
  if (recorder.needs_observer()) model.simulation().add_observer(&recorder);
  model.run();
  recorder.finish(model.simulation().now());
  model.simulation().remove_observer(&recorder);
  const double run_done = seconds_since(t0);
  auto result = model.result();
  result.variant = info.variant;
  ResultsMeta meta;
  meta.scenario_name = sc.meta.name;
  meta.scenario_path = info.scenario_path;
  meta.scenario_text = info.scenario_text;
  meta.variant = info.variant;
  meta.labtwin_version = info.version;
  meta.seed = result.seed;
  meta.replication = result.replication;
  meta.fingerprint = result.fingerprint;
  meta.start_us = model.start_us();
  meta.horizon_s = result.simulated_seconds;
  writer.write_meta(meta);
  writer.write_kpis(result.kpis);
  writer.write_events(model.event_log());
  writer.write_ledger(model.ledger().events());
  const double tables_done = seconds_since(t0);
  writer.commit();
  result.wall_seconds = seconds_since(t0);
  if (profile != nullptr) {
    profile->run_s = run_done;
    profile->tables_s = tables_done - run_done;
    profile->commit_s = result.wall_seconds - tables_done;
    profile->caller_cpu_s = detail::thread_cpu_seconds() - cpu0;
    profile->writer_cpu_s = writer.writer_cpu_seconds();
    profile->samples = recorder.samples();
    profile->series = recorder.series();
  }
  return result;
}

}  // namespace labtwin::adapters
