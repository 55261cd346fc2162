#pragma once
/// @file `labtwin sweep`: variants x replications with confidence intervals (docs/what-if.md).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace labtwin::cli {

/// Flags of `labtwin sweep`.
struct SweepFlags {
  std::string scenario;               ///< scenario file
  std::size_t replications = 10;      ///< --replications N (first batch with --precision)
  int threads = 0;                    ///< -j THREADS (0 = every hardware thread)
  std::vector<std::string> variants;  ///< --variant NAME ... (default: all + sweep points)
  std::optional<std::uint64_t> seed;  ///< --seed
  std::string until;                  ///< --until DURATION
  std::string out_dir;                ///< --out DIR
  std::string format = "table";       ///< --format table|json|csv
  std::vector<std::string> kpis;      ///< --kpi NAME ... (default: all)
  std::string precision;              ///< --precision 2% (relative CI half-width)
  std::size_t max_replications = 0;   ///< --max-replications M (precision cap)
  bool resume = false;                ///< --resume from DIR/sweep.journal
  bool quiet = false;                 ///< --quiet
  std::size_t stop_after = 0;         ///< hidden --stop-after K (tests): stop like Ctrl-C
  std::string welch_kpi;              ///< --welch KPI: warm-up helper
  int windows = 50;                   ///< --windows W for --welch
  int smoothing = 0;                  ///< --smoothing w for --welch (0 = windows / 10)
};

/// Registers `sweep` on `app`; `cmd` receives the subcommand.
void add_sweep_command(CLI::App& app, SweepFlags& flags, CLI::App*& cmd);

/// `labtwin sweep`; returns the exit code (0 ok, 2 bad input, 3 internal, 130 interrupted).
int sweep_command(const SweepFlags& flags);

}  // namespace labtwin::cli
