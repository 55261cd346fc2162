#pragma once
/// @file From telemetry to twin inputs: binds recorded series to what they replace, per the
/// scenario's `telemetry:` block, and runs a scenario while recording its signals into a
/// results.h5. See docs/telemetry.md and docs/results-format.md.
#include <filesystem>
#include <string>
#include <vector>

#include "labtwin/adapters/recorder.hpp"
#include "labtwin/adapters/results_h5.hpp"
#include "labtwin/adapters/telemetry.hpp"
#include "labtwin/twin/lab_model.hpp"
#include "labtwin/twin/replay.hpp"

namespace labtwin::adapters {

/// Binds `data` (read from `data_file`) to the inputs of `sc` (from `scenario_file`).
/// With `telemetry.mapping`, each entry binds its sensor; without, every series whose id is
/// `<entity>/<signal>` of a replayable signal is bound (a results.h5 replays as it is).
/// Times become seconds since the scenario start; temperatures in K or F are converted to C.
/// Throws TelemetryError naming the file, the mapping entry and what is wrong (unknown sensor,
/// unit mismatch, unknown target or signal, nothing to replay).
twin::ReplayInput bind_telemetry(const TelemetrySet& data, const std::string& data_file,
                                 const twin::ScenarioDef& sc, const std::string& scenario_file);

/// A sink writing into a ResultsWriter (sim time -> microseconds since the epoch).
class ResultsSink final : public SampleSink {
 public:
  /// `start_us`: the scenario start (sim time zero), microseconds since the epoch.
  ResultsSink(ResultsWriter& writer, std::int64_t start_us) : writer_(writer), start_(start_us) {}
  std::uint32_t add_series(const sim::SignalInfo& info) override {
    return writer_.add_series(info.id(), info.unit, info.description);
  }
  void append(std::uint32_t series, sim::Time t, double value) override {
    writer_.append(series, start_ + t.ticks, value);
  }

 private:
  ResultsWriter& writer_;
  std::int64_t start_;
};

/// What a recorded run writes besides the model's own facts.
struct RecordedRunInfo {
  std::string scenario_path;  ///< the scenario file
  std::string scenario_text;  ///< its full text
  std::string variant;        ///< variant name ("" = base)
  std::string version;        ///< labtwin version
};

/// Runs `sc` to its horizon (or options.until) while recording the signals chosen by
/// `outputs.series` into `results_h5` (atomically, on success only), then writes /meta, /kpi,
/// /events and /ledger. Returns the run's result (wall time included).
twin::RunResult run_recorded(const twin::ScenarioDef& sc, const twin::RunOptions& options,
                             const std::filesystem::path& results_h5, const RecordedRunInfo& info);

}  // namespace labtwin::adapters
