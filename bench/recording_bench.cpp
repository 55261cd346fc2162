// Recording overhead (issue 6): the demo biobank scenario run for --days simulated days
//   [plain]     twin::run_scenario, no recording (the baseline)
//   [listen]    the same run with a listener that ignores every emission: the model's own cost
//               of publishing its signals
//   [null]      the default recording plan (every signal on change) into a sink that drops the
//               batches: the recorder itself
//   [memory]    the same plan into memory (MemorySink)
//   [results]   adapters::run_recorded: the same plan streamed into results.h5 with /events and
//               /ledger, committed atomically (fsync + rename): what `labtwin run --out` costs
//   [floor]     a results.h5 of the same series with one sample each and nothing else: HDF5's
//               fixed cost per series (create, last chunk, close), which no run amortizes
// Each is repeated --reps times, interleaved, and the minimum wall time is kept (the machine is
// shared: the minimum is the least disturbed run). Ratios are against [plain] of the same run;
// the goal is results/plain <= 1.10.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "labtwin/adapters/recorder.hpp"
#include "labtwin/adapters/replay_binding.hpp"
#include "labtwin/adapters/results_h5.hpp"
#include "labtwin/adapters/scenario_loader.hpp"
#include "labtwin/sim/simulation.hpp"
#include "labtwin/twin/lab_model.hpp"

namespace la = labtwin::adapters;
namespace lt = labtwin::twin;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Drops every batch (the recorder's own cost).
struct NullSink final : la::SampleSink {
  std::uint32_t n = 0;
  double sum = 0;
  std::uint32_t add_series(const labtwin::sim::SignalInfo&) override { return n++; }
  void append(std::vector<la::SampleRecord>& batch) override {
    for (const auto& x : batch) sum += x.value;
    batch.clear();
  }
};

// Ignores every emission (the model's cost of publishing).
struct Ignore final : labtwin::sim::SignalListener {
  void on_signal(labtwin::sim::SignalId, labtwin::sim::Time, double) override {}
};

}  // namespace

int main(int argc, char** argv) {
  int days = 60, reps = 3;
  std::string only;  // --only=plain|listen|null|memory|results|floor: one variant (profilers)
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--days=", 7) == 0) days = std::atoi(argv[i] + 7);
    if (std::strncmp(argv[i], "--reps=", 7) == 0) reps = std::atoi(argv[i] + 7);
    if (std::strncmp(argv[i], "--only=", 7) == 0) only = argv[i] + 7;
  }
  const auto want = [&](const char* v) { return only.empty() || only == v; };
  const std::string file =
      std::string(LABTWIN_SOURCE_DIR) + "/scenarios/biobank-freezer-failure.yaml";
  const auto loaded = la::load_scenario(file);
  if (!loaded.ok()) {
    std::fprintf(stderr, "cannot load %s\n", file.c_str());
    return 2;
  }
  const auto& sc = *loaded.scenario;
  lt::RunOptions opt;
  opt.until = labtwin::sim::Time::days(days);
  const auto dir = std::filesystem::temp_directory_path() /
                   ("labtwin_recording_bench." + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);

  constexpr double kNone = 1e300;
  double plain = kNone, listen = kNone, null_rec = kNone, memory = kNone, results = kNone,
         floor = kNone;
  la::RecordingProfile best;  // the phases of the fastest results run
  std::uint64_t events = 0, samples = 0;
  std::size_t series = 0;
  std::uintmax_t bytes = 0;
  for (int r = 0; r < reps; ++r) {
    if (want("plain")) {
      const auto t0 = std::chrono::steady_clock::now();
      const auto base = lt::run_scenario(sc, opt);
      plain = std::min(plain, seconds_since(t0));
      events = base.events;
    }
    if (want("listen")) {
      const auto t0 = std::chrono::steady_clock::now();
      Ignore ignore;
      lt::LabModel model(sc, opt);
      model.signals().subscribe(&ignore);
      model.run();
      model.signals().unsubscribe(&ignore);
      listen = std::min(listen, seconds_since(t0));
    }
    if (want("null")) {
      const auto t0 = std::chrono::steady_clock::now();
      NullSink sink;
      lt::LabModel model(sc, opt);
      la::Recorder rec(model.signals(), la::record_specs(sc.outputs), sink,
                       model.simulation().now());
      if (rec.needs_observer()) model.simulation().add_observer(&rec);
      model.run();
      rec.finish(model.simulation().now());
      model.simulation().remove_observer(&rec);
      null_rec = std::min(null_rec, seconds_since(t0));
      samples = rec.samples();
      series = rec.series();
    }
    if (want("memory")) {
      const auto t0 = std::chrono::steady_clock::now();
      la::MemorySink sink;
      lt::LabModel model(sc, opt);
      la::Recorder rec(model.signals(), la::record_specs(sc.outputs), sink,
                       model.simulation().now());
      if (rec.needs_observer()) model.simulation().add_observer(&rec);
      model.run();
      rec.finish(model.simulation().now());
      model.simulation().remove_observer(&rec);
      memory = std::min(memory, seconds_since(t0));
    }
    if (want("results")) {
      la::RecordingProfile p;
      const auto t0 = std::chrono::steady_clock::now();
      la::run_recorded(sc, opt, dir / "results.h5", {file, "", "", "bench"}, &p);
      const double wall = seconds_since(t0);
      if (wall < results) results = wall, best = p;
      bytes = std::filesystem::file_size(dir / "results.h5");
      samples = p.samples;
      series = p.series;
    }
    if (want("floor")) {
      // The same series ids, one sample each: what the series cost whatever the run's length.
      lt::LabModel model(sc, opt);
      std::vector<std::string> ids;
      for (labtwin::sim::SignalId id = 0; id < model.signals().size(); ++id)
        ids.push_back(model.signals().info(id).id());
      const auto t0 = std::chrono::steady_clock::now();
      la::ResultsWriter w(dir / "floor.h5");
      for (std::size_t k = 0; k < ids.size(); ++k)
        w.append(w.add_series(ids[k], "1"), 0, static_cast<double>(k));
      w.commit();
      floor = std::min(floor, seconds_since(t0));
    }
  }
  std::filesystem::remove_all(dir);
  const auto line = [&](const char* what, double t) {
    if (t >= kNone) return;
    if (plain < kNone)
      std::printf("  %-34s %8.3f s   %.2f x plain\n", what, t, t / plain);
    else
      std::printf("  %-34s %8.3f s\n", what, t);
  };
  std::printf(
      "recording overhead: biobank demo, %d simulated days, %llu events, %zu series, %llu "
      "samples (min of %d runs)\n",
      days, static_cast<unsigned long long>(events), series,
      static_cast<unsigned long long>(samples), reps);
  line("plain run", plain);
  line("signals published, ignored", listen);
  line("recorder, batches dropped", null_rec);
  line("recorded to memory", memory);
  line("recorded to results.h5", results);
  if (results < kNone) {
    std::printf("    goal: results.h5 <= 1.10 x plain; file %.1f MB\n",
                static_cast<double>(bytes) / 1e6);
    std::printf(
        "    phases: run with the recording %.3f s, tables %.3f s, commit (last chunks, close, "
        "fsync, rename) %.3f s\n",
        best.run_s, best.tables_s, best.commit_s);
    std::printf("    CPU: caller's thread %.3f s, writer thread %.3f s%s\n", best.caller_cpu_s,
                best.writer_cpu_s, plain < kNone ? "" : "");
    if (plain < kNone)
      std::printf("         = %.2f x and %.2f x the plain run\n", best.caller_cpu_s / plain,
                  best.writer_cpu_s / plain);
  }
  line("floor: the series, 1 sample each", floor);
  return 0;
}
