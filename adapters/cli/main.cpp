// labtwin: the command line. Exit codes (docs/cli.md): 0 ok, 1 an expect: assertion failed,
// 2 bad input (scenario, telemetry, flags), 3 internal error.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "commands.hpp"
#include "dtn_command.hpp"
#include "labtwin/adapters/scenario_loader.hpp"
#include "sweep_command.hpp"
#ifdef LABTWIN_HAS_GUI
#include "gui_command.hpp"
#endif

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

  RunFlags replay_flags;
  replay_flags.replay = true;
  auto* replay = app.add_subcommand(
      "replay", "Run a scenario driven by recorded telemetry instead of its physical models");
  add_run_flags(replay, replay_flags);
  replay->add_option("--telemetry", replay_flags.telemetry,
                     "Telemetry file, HDF5 or CSV (default: the scenario's telemetry.file)");
  replay->add_flag("--lenient", replay_flags.lenient,
                   "Skip bad CSV rows (counted) instead of failing");
  replay->footer("Exit codes: 0 ok, 1 an expect: assertion failed, 2 bad input, 3 internal error.");

  auto* telemetry = app.add_subcommand("telemetry", "Telemetry files: import, synthesise");
  telemetry->require_subcommand(1);
  TelemetryImportFlags imp;
  auto* import_cmd = telemetry->add_subcommand(
      "import", "Convert CSV (timestamp,sensor_id,value[,unit]) to the HDF5 series layout");
  import_cmd->add_option("csv", imp.input, "CSV file")->required();
  import_cmd->add_option("--out", imp.output, "HDF5 file to write (atomically)")->required();
  import_cmd->add_flag("--lenient", imp.lenient, "Skip bad rows (counted) instead of failing");
  import_cmd->add_option("--disorder", imp.disorder, "Out-of-order rows: sort or reject")
      ->check(CLI::IsMember({"sort", "reject"}));
  import_cmd->add_flag("--quiet,-q", imp.quiet, "Print nothing but errors");
  TelemetrySynthFlags syn;
  auto* synth_cmd = telemetry->add_subcommand(
      "synth", "Run a scenario and write what its sensors would record (with noise)");
  synth_cmd->add_option("scenario", syn.scenario, "Scenario file (YAML)")->required();
  synth_cmd->add_option("--out", syn.output, "Telemetry file to write: .h5 or .csv")->required();
  synth_cmd->add_option("--every", syn.every, "Temperature sampling period, e.g. 1min");
  synth_cmd->add_option("--noise", syn.noise_k, "Temperature noise, standard deviation in K");
  synth_cmd->add_option("--seed", syn.seed, "Master random seed (replaces the scenario's seed:)");
  synth_cmd->add_option("--until", syn.until, "Simulated duration (replaces clock.horizon)");
  synth_cmd->add_flag("--quiet,-q", syn.quiet, "Print nothing but errors");

  CalibrateFlags cal;
  auto* calibrate = app.add_subcommand(
      "calibrate", "Fit a freezer's thermal parameters to recorded temperatures (least squares)");
  calibrate->add_option("scenario", cal.scenario, "Scenario file (YAML)")->required();
  calibrate->add_option("--telemetry", cal.telemetry,
                        "Telemetry file, HDF5 or CSV (default: the scenario's telemetry.file)");
  calibrate->add_option("--entity", cal.entity, "Freezer id, e.g. F-12")->required();
  calibrate->add_option("--fit", cal.fit,
                        "Parameters to fit (scenario keys; default: both heat capacities, "
                        "ua_air_payload, ua_walls, and ua_door when the door was recorded)");
  calibrate->add_option("--out", cal.output, "Write the YAML snippet here (atomically)");
  calibrate->add_flag("--quiet,-q", cal.quiet, "Print nothing but errors");
  calibrate->footer("Exit codes: 0 fitted, 1 the fit did not converge, 2 bad input.");

  SweepFlags sweep_flags;
  CLI::App* sweep = nullptr;
  add_sweep_command(app, sweep_flags, sweep);
#ifdef LABTWIN_HAS_GUI
  GuiFlags gui_flags;
  CLI::App* gui = add_gui_command(app, gui_flags);
#endif

  DtnRoutesFlags dtn_flags;
  CLI::App* dtn_routes = add_dtn_command(app, dtn_flags);

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
#ifdef LABTWIN_HAS_GUI
    if (*gui) return gui_command(gui_flags);
#endif
    if (*replay) return run_command(replay_flags);
    if (*import_cmd) return telemetry_import_command(imp);
    if (*synth_cmd) return telemetry_synth_command(syn);
    if (*calibrate) return calibrate_command(cal);
    if (*validate) return labtwin::adapters::validate_command(validate_files, std::cout, std::cerr);
    if (*version) {
      std::cout << "labtwin " << LABTWIN_VERSION << "\n";
      return kOk;
    }
    if (*ss_cmd) return policy_ss_command(ss);
    if (*dtn_routes) return dtn_routes_command(dtn_flags, std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "labtwin: internal error: " << e.what() << "\n";
    return kInternalError;
  }
  return kInternalError;
}
