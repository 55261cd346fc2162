// Recording overhead (issue 6): the demo biobank scenario run for --days simulated days
//   [plain]     twin::run_scenario, no recording (the baseline)
//   [memory]    the same run with the default recording plan (every signal on change) into
//               memory: the cost of the signal path and the recorder itself
//   [results]   adapters::run_recorded: the same plan streamed into results.h5 with /events and
//               /ledger, committed atomically (fsync + rename): what `labtwin run --out` costs
// Each is repeated --reps times, interleaved, and the minimum wall time is kept (the machine is
// shared: the minimum is the least disturbed run). Ratios are against [plain] of the same run;
// the goal is results/plain <= 1.10.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string>

#include "labtwin/adapters/recorder.hpp"
#include "labtwin/adapters/replay_binding.hpp"
#include "labtwin/adapters/scenario_loader.hpp"
#include "labtwin/core/inventory/ledger.hpp"
#include "labtwin/sim/simulation.hpp"
#include "labtwin/twin/lab_model.hpp"

namespace la = labtwin::adapters;
namespace lt = labtwin::twin;

namespace {

double thread_cpu() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  int days = 60, reps = 3;
  std::string only;  // --only=plain|memory|results: one variant (for profilers)
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--days=", 7) == 0) days = std::atoi(argv[i] + 7);
    if (std::strncmp(argv[i], "--reps=", 7) == 0) reps = std::atoi(argv[i] + 7);
    if (std::strncmp(argv[i], "--only=", 7) == 0) only = argv[i] + 7;
  }
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
  const auto dir = std::filesystem::temp_directory_path() / "labtwin_recording_bench";
  std::filesystem::create_directories(dir);

  double plain = 1e30, memory = 1e30, results = 1e30;
  double phase_run = 1e30, phase_tables = 1e30, phase_commit = 1e30;
  double cpu_plain = 1e30, cpu_main = 1e30, cpu_writer = 1e30;
  std::uint64_t samples = 0, events = 0;
  std::uintmax_t bytes = 0;
  for (int r = 0; r < reps; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    if (only.empty() || only == "plain") {
      const double c0 = thread_cpu();
      const auto base = lt::run_scenario(sc, opt);
      plain = std::min(plain, seconds_since(t0));
      cpu_plain = std::min(cpu_plain, thread_cpu() - c0);
      events = base.events;
    }
    t0 = std::chrono::steady_clock::now();
    if (only.empty() || only == "memory") {
      lt::LabModel model(sc, opt);
      la::MemorySink sink;
      la::Recorder rec(model.signals(), la::record_specs(sc.outputs), sink,
                       model.simulation().now());
      if (rec.needs_observer()) model.simulation().add_observer(&rec);
      model.run();
      rec.finish(model.simulation().now());
      model.simulation().remove_observer(&rec);
      samples = rec.samples();
    }
    memory = std::min(memory, seconds_since(t0));

    t0 = std::chrono::steady_clock::now();
    if (only.empty() || only == "results") {
      la::run_recorded(sc, opt, dir / "results.h5", {file, "", "", "bench"});
      results = std::min(results, seconds_since(t0));
      bytes = std::filesystem::file_size(dir / "results.h5");
      // The same, phase by phase: the run with its recording, the tables, the commit.
      t0 = std::chrono::steady_clock::now();
      const double c0 = thread_cpu();
      lt::LabModel model(sc, opt);
      la::ResultsWriter writer(dir / "phases.h5");
      la::ResultsSink sink(writer, model.start_us());
      la::Recorder rec(model.signals(), la::record_specs(sc.outputs), sink,
                       model.simulation().now());
      if (rec.needs_observer()) model.simulation().add_observer(&rec);
      model.run();
      rec.finish(model.simulation().now());
      writer.drain();
      phase_run = std::min(phase_run, seconds_since(t0));
      t0 = std::chrono::steady_clock::now();
      writer.write_kpis(model.result().kpis);
      writer.write_events(model.event_log());
      writer.write_ledger(model.ledger().events());
      phase_tables = std::min(phase_tables, seconds_since(t0));
      t0 = std::chrono::steady_clock::now();
      writer.commit();
      phase_commit = std::min(phase_commit, seconds_since(t0));
      cpu_main = std::min(cpu_main, thread_cpu() - c0);
      cpu_writer = std::min(cpu_writer, writer.writer_cpu_seconds());
    }
  }
  std::filesystem::remove_all(dir);
  std::printf(
      "recording overhead: biobank demo, %d simulated days, %llu events, %llu samples "
      "recorded, results.h5 %.1f MB (min of %d runs)\n",
      days, static_cast<unsigned long long>(events), static_cast<unsigned long long>(samples),
      static_cast<double>(bytes) / 1e6, reps);
  std::printf("  plain run                 %8.3f s   1.00\n", plain);
  std::printf("  recorded to memory        %8.3f s   %.2f x plain\n", memory, memory / plain);
  std::printf("  recorded to results.h5    %8.3f s   %.2f x plain  (goal <= 1.10)\n", results,
              results / plain);
  std::printf(
      "    phases: run + recording + background writes %.3f s, tables %.3f s, commit "
      "(short series, close, fsync, rename) %.3f s\n",
      phase_run, phase_tables, phase_commit);
  std::printf(
      "    CPU: plain run %.3f s; recorded run: main thread %.3f s (%.2f x), writer thread %.3f "
      "s (%.2f x): on two idle cores the wall ratio is about max(main, writer) / plain\n",
      cpu_plain, cpu_main, cpu_main / cpu_plain, cpu_writer, cpu_writer / cpu_plain);
  return 0;
}
