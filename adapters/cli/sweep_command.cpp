// `labtwin sweep`: variants x replications in parallel, CIs, paired differences, resume.
#include "sweep_command.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "commands.hpp"
#include "labtwin/adapters/atomic_file.hpp"
#include "labtwin/adapters/scenario_loader.hpp"
#include "labtwin/adapters/schema.hpp"
#include "labtwin/adapters/sweep.hpp"
#include "labtwin/adapters/sweep_h5.hpp"
#include "labtwin/adapters/sweep_journal.hpp"
#include "labtwin/adapters/sweep_mpi.hpp"
#include "labtwin/adapters/sweep_progress.hpp"
#include "labtwin/adapters/sweep_report.hpp"
#include "labtwin/adapters/sweep_welch.hpp"
#include "labtwin/sim/statistics.hpp"
#include "labtwin/sim/units.hpp"

namespace labtwin::cli {
namespace {

/// Raised by SIGINT/SIGTERM: in-flight replications finish, no new one starts.
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void on_stop_signal(int) { g_stop.store(true); }

/// Installs the stop handler for SIGINT and SIGTERM and restores the old ones on scope exit.
class StopSignals {
 public:
  StopSignals() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
  ~StopSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

/// Exit code of a run stopped by Ctrl-C (128 + SIGINT, as shells report it).
constexpr int kInterrupted = 130;

/// "2%" -> 0.02, "0.02" -> 0.02; nullopt when not a positive number below 1.
std::optional<double> parse_precision(const std::string& text) {
  std::string t = text;
  bool percent = false;
  if (!t.empty() && t.back() == '%') {
    percent = true;
    t.pop_back();
  }
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (t.empty() || end != t.c_str() + t.size() || !std::isfinite(v) || v <= 0) return std::nullopt;
  const double rel = percent ? v / 100.0 : v;
  if (rel >= 1.0) return std::nullopt;
  return rel;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Rank 0 (or the only process) reports; other MPI ranks stay silent.
bool g_report_errors = true;

int bad(const std::string& message) {
  if (g_report_errors) std::cerr << "labtwin sweep: " << message << "\n";
  return kBadInput;
}

}  // namespace

void add_sweep_command(CLI::App& app, SweepFlags& f, CLI::App*& cmd) {
  cmd = app.add_subcommand(
      "sweep", "What-if comparison: variants x replications in parallel, 95% CIs, paired diffs");
  cmd->add_option("scenario", f.scenario, "Scenario file (YAML)")->required();
  cmd->add_option("--replications,-n", f.replications,
                  "Replications per variant (the first batch with --precision)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
  cmd->add_option("-j,--threads", f.threads, "Worker threads (default: every hardware thread)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--variant", f.variants,
                  "Only this variant (repeatable; the baseline 'base' is always included)")
      ->allow_extra_args(false);
  cmd->add_option("--seed", f.seed, "Master random seed (replaces the scenario's seed:)");
  cmd->add_option("--until", f.until, "Simulated duration, e.g. 30d (replaces clock.horizon)");
  cmd->add_option("--out", f.out_dir,
                  "Directory for sweep.json, sweep.csv, results.h5 and the resume journal");
  cmd->add_option("--format", f.format, "Output on stdout: table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  cmd->add_option("--kpi", f.kpis, "A KPI to report and to apply --precision to (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--precision", f.precision,
                  "Add replications until every chosen KPI's CI half-width is within this "
                  "fraction of its mean, e.g. 2%");
  cmd->add_option("--max-replications", f.max_replications,
                  "Cap for --precision (default 10 x --replications)");
  cmd->add_flag("--resume", f.resume, "Continue an interrupted sweep from DIR/sweep.journal");
  cmd->add_flag("--quiet,-q", f.quiet, "No progress output");
  cmd->add_option("--stop-after", f.stop_after)->group("");  // tests: behave like Ctrl-C after K
  cmd->add_option("--welch", f.welch_kpi,
                  "Warm-up helper: Welch's moving average of this KPI over the baseline's "
                  "replications, in windows");
  cmd->add_option("--windows", f.windows, "Windows for --welch")->check(CLI::Range(2, 100000));
  cmd->add_option("--smoothing", f.smoothing, "Moving-average half-window w for --welch")
      ->check(CLI::Range(0, 100000));
  cmd->footer(
      "Exit codes: 0 ok, 2 bad input, 3 internal error, 130 interrupted (--resume continues).");
}

int sweep_command(const SweepFlags& f) {
  adapters::MpiSession mpi;  // one rank unless started by mpirun (and built with MPI)
  const bool root = mpi.rank() == 0;
  g_report_errors = root;
  std::ostringstream null_sink;
  std::ostream& err = root ? std::cerr : null_sink;

  // Flags first: every problem is bad input named by its flag.
  if (f.format != "table" && f.format != "json" && f.format != "csv") {
    return bad("--format: expected table, json or csv, got \"" + f.format + "\"");
  }
  double precision = 0.0;
  if (!f.precision.empty()) {
    const auto p = parse_precision(f.precision);
    if (!p)
      return bad("--precision: expected a fraction like 2% or 0.02, got \"" + f.precision + "\"");
    precision = *p;
  }
  if (f.resume && f.out_dir.empty()) return bad("--resume needs --out DIR (where the journal is)");
  if (mpi.size() > 1 && (f.resume || f.stop_after > 0)) {
    return bad("--resume and --stop-after are not supported under mpirun");
  }
  std::optional<sim::Time> until;
  if (!f.until.empty()) {
    const auto t = sim::units::parse_duration_ticks(f.until);
    if (!t.ok() || t.value <= 0) {
      return bad("--until: " + (t.ok() ? std::string("must be a positive duration") : t.error));
    }
    until = sim::Time{t.value};
  }

  const auto loaded = adapters::load_scenario(f.scenario);
  for (const auto& d : loaded.diagnostics) err << adapters::format(d) << "\n";
  if (!loaded.ok() || !loaded.tree) return kBadInput;
  const twin::ScenarioDef& base = *loaded.scenario;
  auto planned = adapters::plan_variants(*loaded.tree, base, f.variants);
  for (const auto& d : planned.diagnostics) err << adapters::format(d) << "\n";
  if (!planned.ok()) return kBadInput;
  const auto& variants = planned.variants;

  std::vector<adapters::KpiColumn> columns;
  try {
    columns = adapters::kpi_columns(base);
  } catch (const std::invalid_argument& e) {
    err << f.scenario << ": error: " << e.what() << "\n";
    return kBadInput;
  }
  std::vector<std::string> names;
  for (const auto& c : columns) names.push_back(c.name);
  std::vector<std::size_t> chosen;
  for (const auto& k : f.kpis) {
    const auto it = std::find(names.begin(), names.end(), k);
    if (it == names.end()) {
      const std::string best = adapters::closest_match(k, names);
      return bad("--kpi: no KPI '" + k + "'" +
                 (best.empty() ? "" : "; did you mean '" + best + "'?"));
    }
    chosen.push_back(static_cast<std::size_t>(it - names.begin()));
  }

  adapters::SweepRunOptions options;
  options.threads = f.threads > 0
                        ? f.threads
                        : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.seed = f.seed;
  options.until = until;
  const std::uint64_t seed = f.seed.value_or(base.seed);
  const sim::Time horizon = until.value_or(base.clock.horizon);

  // Warm-up helper: Welch's method on the baseline.
  if (!f.welch_kpi.empty()) {
    const auto it = std::find(names.begin(), names.end(), f.welch_kpi);
    if (it == names.end()) {
      const std::string best = adapters::closest_match(f.welch_kpi, names);
      return bad("--welch: no KPI '" + f.welch_kpi + "'" +
                 (best.empty() ? "" : "; did you mean '" + best + "'?"));
    }
    const auto k = static_cast<std::size_t>(it - names.begin());
    const auto series = adapters::welch_series(variants.front(), columns[k], k, f.replications,
                                               f.windows, f.smoothing, options);
    if (!root) return kOk;
    if (!f.quiet)
      std::cout << (f.format == "csv" ? adapters::welch_csv(series)
                                      : adapters::welch_table(series));
    if (!f.out_dir.empty()) {
      try {
        std::filesystem::create_directories(f.out_dir);
        adapters::write_file_atomic(std::filesystem::path(f.out_dir) / "welch.csv",
                                    adapters::welch_csv(series));
      } catch (const std::exception& e) {
        return bad("--out " + f.out_dir + ": " + e.what());
      }
    }
    return kOk;
  }

  adapters::SweepResults results = adapters::make_results(variants, columns);
  const std::string scenario_text = read_text(f.scenario);
  std::optional<adapters::SweepJournal> journal;
  std::vector<adapters::JournalRecord> preloaded;
  if (!f.out_dir.empty() && root) {
    const std::filesystem::path dir(f.out_dir);
    const auto hash = adapters::sweep_plan_hash(adapters::to_yaml_text(*loaded.tree), seed,
                                                horizon.ticks, results.variants, columns);
    try {
      std::filesystem::create_directories(dir);
      journal = f.resume ? adapters::SweepJournal::resume(dir / "sweep.journal", hash,
                                                          columns.size(), preloaded)
                         : adapters::SweepJournal::create(dir / "sweep.journal", hash);
    } catch (const std::exception& e) {
      if (f.resume) return bad(e.what());
      return bad("--out " + f.out_dir + ": " + e.what());
    }
  }

  // Progress: replications done (journal included) of those planned; widest CI of the chosen
  // KPIs, tracked online so the bar costs no pass over the results.
  adapters::SweepProgress progress(adapters::SweepProgress::detect(f.quiet || !root), stderr);
  std::vector<sim::Tally> tallies(variants.size() * columns.size());
  auto track = [&](std::size_t v, const adapters::Replication& rep) {
    for (std::size_t k = 0; k < columns.size(); ++k) {
      if (!std::isnan(rep.values[k])) tallies[v * columns.size() + k].add(rep.values[k]);
    }
  };
  auto widest = [&] {
    double w = 0.0;
    bool any = false;
    for (std::size_t v = 0; v < variants.size(); ++v) {
      for (std::size_t k = 0; k < columns.size(); ++k) {
        if (!chosen.empty() && std::find(chosen.begin(), chosen.end(), k) == chosen.end()) continue;
        const sim::Tally& t = tallies[v * columns.size() + k];
        if (t.count() < 2) continue;
        const double hw = t.ci_halfwidth(0.95);
        if (hw == 0.0) continue;
        w = std::max(w, t.mean() != 0.0 ? std::fabs(hw / t.mean())
                                        : std::numeric_limits<double>::infinity());
        any = true;
      }
    }
    return any ? w : std::nan("");
  };
  std::size_t ran_here = 0;
  options.stop = &g_stop;
  options.on_done = [&](std::size_t v, std::size_t r, const adapters::Replication& rep) {
    if (journal) journal->write(v, r, rep);
    track(v, rep);
    ++ran_here;
    if (f.stop_after > 0 && ran_here >= f.stop_after) g_stop.store(true);
    progress.update(results.done_count(), results.replications() * variants.size(), widest);
  };
  // The flush to disk runs outside the results lock: concurrent workers share it.
  if (journal) options.after_done = [&] { journal->sync(); };
  if (mpi.size() > 1) {
    options.owns = [&](std::size_t v, std::size_t r) {
      return (r * variants.size() + v) % static_cast<std::size_t>(mpi.size()) ==
             static_cast<std::size_t>(mpi.rank());
    };
  }

  adapters::SweepPlan plan;
  plan.replications = f.replications;
  plan.precision = precision;
  plan.max_replications = f.max_replications;
  plan.kpis = chosen;
  plan.after_plan = [&](adapters::SweepResults& res) {
    // Replications read back from the journal count as done (and feed the progress CI).
    const std::size_t before = res.done_count();
    adapters::absorb_records(res, preloaded);
    if (res.done_count() != before) {
      for (std::size_t v = 0; v < res.runs.size(); ++v) {
        std::fill(tallies.begin() + static_cast<std::ptrdiff_t>(v * columns.size()),
                  tallies.begin() + static_cast<std::ptrdiff_t>((v + 1) * columns.size()),
                  sim::Tally{});
        for (const auto& rep : res.runs[v]) {
          if (rep.done) track(v, rep);
        }
      }
    }
  };
  if (mpi.size() > 1) plan.after_batch = [&](adapters::SweepResults& res) { mpi.gather(res); };

  adapters::SweepOutcome outcome;
  {
    g_stop.store(false);
    const StopSignals signals;
    try {
      outcome = adapters::run_sweep(variants, results, plan, options);
    } catch (const std::invalid_argument& e) {
      progress.finish();
      err << f.scenario << ": error: " << e.what() << "\n";
      return kBadInput;
    }
  }
  progress.finish();
  if (outcome.stopped) {
    err << "interrupted: " << results.done_count() << " of "
        << results.replications() * variants.size() << " done; --resume to continue\n";
    return kInterrupted;
  }
  if (!root) return kOk;

  const auto summary = adapters::summarize(results, plan.confidence);
  adapters::SweepInfo info;
  info.scenario = base.meta.name;
  info.seed = seed;
  info.horizon_seconds = horizon.seconds();
  info.precision = precision;
  info.precision_met = outcome.precision_met;
  info.cap_hit = outcome.cap_hit;
  info.last_check = outcome.precision;
  const std::string json = adapters::sweep_json(summary, results, chosen, info);
  if (f.format == "json") {
    std::cout << json;
  } else if (f.format == "csv") {
    std::cout << adapters::sweep_csv(summary, chosen);
  } else {
    std::cout << adapters::sweep_table(summary, chosen, info);
  }
  if (outcome.cap_hit) {
    std::cerr << "labtwin sweep: precision " << f.precision << " not reached within "
              << results.replications() << " replications (cap; widest "
              << 100.0 * outcome.precision.widest << "% for " << outcome.precision.widest_kpi
              << " in " << outcome.precision.widest_variant << ")\n";
  }
  if (!f.out_dir.empty()) {
    const std::filesystem::path dir(f.out_dir);
    try {
      adapters::write_file_atomic(dir / "sweep.json", json);
      adapters::write_file_atomic(dir / "sweep.csv", adapters::sweep_csv(summary, chosen));
      adapters::write_sweep_h5(dir / "results.h5", summary, results, scenario_text, seed);
    } catch (const std::exception& e) {
      return bad("--out " + f.out_dir + ": " + e.what());
    }
  }
  return kOk;
}

}  // namespace labtwin::cli
