#pragma once
/// @file From telemetry to twin inputs: binds recorded series to what they replace, per the
/// scenario's `telemetry:` block, and runs a scenario while recording its signals into a
/// results.h5. See docs/telemetry.md and docs/results-format.md.
#include <filesystem>
#include <functional>
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
  /// `on_batch`, when set, runs after each batch is handed over (run_recorded streams the
  /// event and ledger tables from there, so the writer writes them while the run goes on).
  ResultsSink(ResultsWriter& writer, std::int64_t start_us, std::function<void()> on_batch = {})
      : writer_(writer), start_(start_us), on_batch_(std::move(on_batch)) {}
  std::uint32_t add_series(const sim::SignalInfo& info) override {
    return writer_.add_series(info.id(), info.unit, info.description);
  }
  void append(std::vector<SampleRecord>& batch) override {
    writer_.append_block(batch, start_);
    if (on_batch_) on_batch_();
  }

 private:
  ResultsWriter& writer_;
  std::int64_t start_;
  std::function<void()> on_batch_;
};

/// What a recorded run writes besides the model's own facts.
struct RecordedRunInfo {
  std::string scenario_path;  ///< the scenario file
  std::string scenario_text;  ///< its full text
  std::string variant;        ///< variant name ("" = base)
  std::string version;        ///< labtwin version
};

/// Where the time of a recorded run went (benches).
struct RecordingProfile {
  double run_s = 0;         ///< wall: model build and run, with the recording (from the start)
  double tables_s = 0;      ///< wall: handing over /meta, /kpi and the rest of /events, /ledger
  double commit_s = 0;      ///< wall: the commit (last chunks, close, fsync, rename)
  double caller_cpu_s = 0;  ///< CPU of the calling thread, all phases
  double writer_cpu_s = 0;  ///< CPU of the writer thread
  std::uint64_t samples = 0;
  std::size_t series = 0;
};

/// Runs `sc` to its horizon (or options.until) while recording the signals chosen by
/// `outputs.series` into `results_h5` (atomically, on success only); /events and /ledger are
/// streamed while the run goes on; then writes /meta and /kpi and commits. Returns the run's
/// result (wall time included); `profile`, when given, gets the phases.
twin::RunResult run_recorded(const twin::ScenarioDef& sc, const twin::RunOptions& options,
                             const std::filesystem::path& results_h5, const RecordedRunInfo& info,
                             RecordingProfile* profile = nullptr);

}  // namespace labtwin::adapters
