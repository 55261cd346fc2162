// labtwin: the command line. Exit codes (docs/cli.md): 0 ok, 1 an expect: assertion failed,
// 2 bad input (scenario, telemetry, flags), 3 internal error.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "commands.hpp"
#include "sweep_command.hpp"
#include "labtwin/adapters/scenario_loader.hpp"

namespace {

void add_run_flags(CLI::App* cmd, labtwin::cli::RunFlags& f) {
  cmd->add_option("scenario", f.scenario, "Scenario file (YAML)")->required();
  cmd->add_option("--seed", f.seed, "Master random seed (replaces the scenario's seed:)");
  cmd->add_option("--until", f.until,
                  "Simulated duration, e.g. 36h or 7d (replaces clock.horizon)");
  cmd->add_option("--out", f.out_dir, "Directory for summary.json (written atomically)");
  cmd->add_option("--format", f.format, "Output on stdout: table or json")
      ->check(CLI::IsMember({"table", "json"}));
  cmd->add_option("--junit", f.junit, "Write a JUnit XML file with one testcase per expect: entry");
  cmd->add_option("--variant", f.variant, "Run the named variant of the scenario");
  cmd->add_flag("--quiet,-q", f.quiet, "Print nothing but failures and errors");
}

}  // namespace

int main(int argc, char** argv) {
  using namespace labtwin::cli;
  CLI::App app{"labtwin: discrete-event digital twin for laboratory operations"};
  app.require_subcommand(1);
  app.fallthrough(false);

  RunFlags run_flags;
  auto* run = app.add_subcommand("run", "Run a scenario headless: KPI table, expect: checks");
  add_run_flags(run, run_flags);
  run->footer("Exit codes: 0 ok, 1 an expect: assertion failed, 2 bad input, 3 internal error.");

  std::vector<std::string> validate_files;
  auto* validate = app.add_subcommand("validate", "Check scenario files; print every problem");
  validate->add_option("scenarios", validate_files, "Scenario files (YAML)")->required();
  validate->footer("Exit codes: 0 all valid, 2 a problem was found (file:line:column messages).");

  SweepFlags sweep_flags;
  CLI::App* sweep = nullptr;
  add_sweep_command(app, sweep_flags, sweep);

  auto* version = app.add_subcommand("version", "Print the labtwin version");

  PolicySsFlags ss;
  auto* policy = app.add_subcommand("policy", "Inventory policy calculators");
  policy->require_subcommand(1);
  auto* ss_cmd = policy->add_subcommand(
      "ss", "Optimal periodic-review (s,S) for Poisson demand (Zheng & Federgruen 1991)");
  ss_cmd->add_option("--demand", ss.demand, "Demand per period, e.g. poisson:10")->required();
  ss_cmd->add_option("--holding", ss.holding, "Holding cost per unit per period (h)")->required();
  ss_cmd->add_option("--penalty", ss.penalty, "Backorder cost per unit per period (p)")->required();
  ss_cmd->add_option("--order-cost", ss.order_cost, "Fixed cost per order (K)")->required();
  ss_cmd->add_option("--lead-time", ss.lead_time, "Lead time in periods (L)");
  ss_cmd->add_option("--format", ss.format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  ss_cmd->footer("Orders up to S when the inventory position is <= s.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the message and usage
    return kBadInput;
  }

  try {
    if (*run) return run_command(run_flags);
    if (*sweep) return sweep_command(sweep_flags);
    if (*validate) return labtwin::adapters::validate_command(validate_files, std::cout, std::cerr);
    if (*version) {
      std::cout << "labtwin " << LABTWIN_VERSION << "\n";
      return kOk;
    }
    if (*ss_cmd) return policy_ss_command(ss);
  } catch (const std::exception& e) {
    std::cerr << "labtwin: internal error: " << e.what() << "\n";
    return kInternalError;
  }
  return kInternalError;
}
