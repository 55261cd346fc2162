// `labtwin gui SCENARIO [--speed X] [--screenshot FILE --at TIME]`.
#ifdef LABTWIN_HAS_GUI
#include "gui_command.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "gui_recording.hpp"
#include "gui_whatif.hpp"
#include "labtwin/adapters/scenario_loader.hpp"
#include "labtwin/viz/app.hpp"
#include "labtwin/viz/plot.hpp"
#include "labtwin/viz/recording.hpp"
#include "labtwin/viz/sim_session.hpp"
#include "labtwin/viz/whatif.hpp"

namespace labtwin::cli {

CLI::App* add_gui_command(CLI::App& app, GuiFlags& f) {
  auto* cmd = app.add_subcommand("gui", "Open the interactive twin on a scenario (Dear ImGui)");
  cmd->add_option("scenario", f.scenario,
                  "Scenario file (YAML), or a finished run's results.h5 to play back")
      ->required();
  cmd->add_option("--variant", f.variant, "Open the named variant of the scenario");
  cmd->add_option("--speed", f.speed,
                  "Simulated seconds per wall second (1 = real time), or max (default 3600)");
  cmd->add_option("--screenshot", f.screenshot,
                  "Run to --at, render one frame (software renderer), write this PNG, exit");
  cmd->add_option("--at", f.at,
                  "Time of the screenshot: offset from the start (\"1h\") or a date-time "
                  "(\"2026-03-07T01:00:00+01:00\")");
  cmd->add_option("--size", f.size, "Screenshot size WxH in pixels (default 1600x960)");
  cmd->add_option("--whatif", f.whatif,
                  "Preset a what-if edit PATH=VALUE (variant path, e.g. policies.dispatch=edf); "
                  "with --screenshot the comparison runs first and the What-if tab is shown")
      ->expected(1);
  cmd->add_option("--replications", f.replications,
                  "Replications per side of a what-if comparison (default 10)");
  cmd->add_option("--tab", f.tab,
                  "Bottom tab to show first: technicians, microgrid or dtn (for screenshots)")
      ->check(CLI::IsMember({"technicians", "microgrid", "dtn"}));
  cmd->footer("Keys: space play/pause, left/right step back (stored state)/forward, f follow now.");
  return cmd;
}

namespace {

// The what-if controller of a scenario with the --whatif presets applied; null (and a message
// in `error`) when a preset is malformed.
std::unique_ptr<viz::WhatIf> make_whatif(const adapters::TreeNode& tree,
                                         const twin::ScenarioDef& sc, const GuiFlags& f,
                                         std::string& error) {
  auto params = whatif_params(tree, sc);
  std::vector<std::pair<std::size_t, std::string>> presets;
  for (const auto& w : f.whatif) {
    const auto eq = w.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == w.size()) {
      error = "--whatif: expected PATH=VALUE, got \"" + w + "\"";
      return nullptr;
    }
    const std::string path = w.substr(0, eq), value = w.substr(eq + 1);
    std::size_t i = 0;
    while (i < params.size() && params[i].path != path) ++i;
    if (i == params.size()) params.push_back({path, "other", path, "", {}});  // any variant path
    presets.emplace_back(i, value);
  }
  const int threads = 1;  // the model's worker and the UI share the machine
  auto w = std::make_unique<viz::WhatIf>(std::move(params), whatif_runner(tree, sc, threads));
  for (const auto& [i, v] : presets) w->values()[i] = v;
  w->replications = f.replications;
  return w;
}

// Runs the preset comparison to the end (screenshots) and prints one line per KPI.
int run_whatif_now(viz::WhatIf& w, std::size_t replications) {
  std::string why;
  if (!w.start(replications, why)) {
    std::cerr << "labtwin gui: --whatif: " << why << "\n";
    return kBadInput;
  }
  w.wait();
  const auto r = w.result();
  if (!r || !r->error.empty()) {
    std::cerr << "labtwin gui: --whatif: " << (r ? r->error : "no result") << "\n";
    return kBadInput;
  }
  for (const auto& k : r->kpis)
    std::printf("whatif %s base %.6g +/- %.3g whatif %.6g +/- %.3g diff %.6g +/- %.3g%s\n",
                k.name.c_str(), k.base_mean, k.base_hw, k.alt_mean, k.alt_hw, k.diff_mean,
                k.diff_hw, k.significant ? " significant" : "");
  return kOk;
}

// Prints where the plot and the badge were drawn (tests and docs read this line).
void print_screenshot_line(const std::string& file, const viz::Snapshot& snap,
                           const viz::UiState& ui) {
  const auto now_us = snap.start_us + static_cast<std::int64_t>(snap.now_s * 1e6);
  std::printf(
      "screenshot %s at %s: freezer_plot %.0f %.0f %.0f %.0f alarm_badge %.0f %.0f %.0f %.0f",
      file.c_str(), viz::plot::format_datetime(now_us, snap.utc_offset_s).c_str(),
      ui.freezer_plot.x, ui.freezer_plot.y, ui.freezer_plot.w, ui.freezer_plot.h, ui.alarm_badge.x,
      ui.alarm_badge.y, ui.alarm_badge.w, ui.alarm_badge.h);
  // What else the frame showed (tests compare live and played-back runs with these).
  if (ui.microgrid_plot.w > 0)
    std::printf(" microgrid_plot %.0f %.0f %.0f %.0f", ui.microgrid_plot.x, ui.microgrid_plot.y,
                ui.microgrid_plot.w, ui.microgrid_plot.h);
  if (ui.dtn_timeline.w > 0)
    std::printf(" dtn_timeline %.0f %.0f %.0f %.0f", ui.dtn_timeline.x, ui.dtn_timeline.y,
                ui.dtn_timeline.w, ui.dtn_timeline.h);
  if (snap.has_ledger) {
    double units = 0;
    for (const auto& l : snap.lots) units += l.quantity;
    std::printf(" lots %zu units %.6g open_orders %zu", snap.lots.size(), units,
                snap.open_orders.size());
  }
  for (const auto& m : snap.microgrids)
    std::printf(" microgrid %s soc %.9f served_w %.3f demand_w %.3f islanded %d shedding %d",
                m.site.c_str(), m.soc, m.served_w, m.demand_w, m.grid_up ? 0 : 1,
                m.shed.empty() ? 0 : 1);
  std::printf("\n");
}

// `labtwin gui results.h5`: plays a finished run back (no model runs).
int gui_recording(const GuiFlags& f, double speed, int width, int height) {
  LoadedRecording loaded;
  try {
    loaded = read_recording(f.scenario);
  } catch (const RecordingError& e) {
    std::cerr << "labtwin gui: " << e.what() << "\n";
    return kBadInput;
  }
  for (const auto& w : loaded.warnings)
    std::cerr << "labtwin gui: " << f.scenario << ": warning: " << w << "\n";
  const auto& rec = *loaded.recording;
  std::unique_ptr<viz::WhatIf> whatif;
  if (loaded.tree && loaded.scenario) {
    std::string error;
    whatif = make_whatif(*loaded.tree, *loaded.scenario, f, error);
    if (!whatif) {
      std::cerr << "labtwin gui: " << error << "\n";
      return kBadInput;
    }
  } else if (!f.whatif.empty()) {
    std::cerr << "labtwin gui: --whatif needs the run's scenario, which does not load\n";
    return kBadInput;
  }
  viz::UiState seed;
  if (!f.screenshot.empty() && whatif && !f.whatif.empty()) {
    if (const int rc = run_whatif_now(*whatif, f.replications); rc != kOk) return rc;
    seed.show_whatif = true;
  }
  seed.whatif = whatif.get();
  seed.show_tab = f.tab;
  if (!f.screenshot.empty()) {
    std::string error;
    const double at_s = viz::parse_time_arg(f.at, rec.run.start_us, error);
    if (at_s < 0.0) {
      std::cerr << "labtwin gui: --at: " << error << "\n";
      return kBadInput;
    }
    if (at_s > rec.run.horizon_s) {
      std::cerr << "labtwin gui: --at: " << f.at << " is after the end of the recorded run ("
                << rec.run.horizon_s / 3600.0 << " h)\n";
      return kBadInput;
    }
    const auto snap = viz::recording_at(rec, at_s);
    try {
      const auto ui = viz::render_screenshot(snap, f.screenshot, width, height, seed);
      print_screenshot_line(f.screenshot, snap, ui);
    } catch (const std::exception& e) {
      std::cerr << "labtwin gui: --screenshot " << f.screenshot << ": " << e.what() << "\n";
      return kBadInput;
    }
    return kOk;
  }
  viz::PlaybackOptions opt;
  opt.speed = speed;
  viz::RecordedSession session(loaded.recording, opt);
  try {
    viz::AppOptions app;
    app.title = "labtwin - " + rec.run.scenario + " (" + rec.run.source + ")";
    app.whatif = whatif.get();
    viz::run_app(session, app);
  } catch (const std::runtime_error& e) {
    std::cerr << "labtwin gui: " << e.what() << " (is there a display? try xvfb-run)\n";
    return kBadInput;
  }
  return kOk;
}

}  // namespace

int gui_command(const GuiFlags& f) {
  double speed = 0.0;
  if (f.speed != "max") {
    try {
      std::size_t used = 0;
      speed = std::stod(f.speed, &used);
      if (used != f.speed.size() || !(speed > 0.0)) throw std::invalid_argument("speed");
    } catch (const std::exception&) {
      std::cerr << "labtwin gui: --speed: expected a positive number or max, got \"" << f.speed
                << "\"\n";
      return kBadInput;
    }
  }
  int width = 0, height = 0;
  if (std::sscanf(f.size.c_str(), "%dx%d", &width, &height) != 2 || width < 200 || height < 200 ||
      width > 8192 || height > 8192) {
    std::cerr << "labtwin gui: --size: expected WxH between 200 and 8192, got \"" << f.size
              << "\"\n";
    return kBadInput;
  }
  if (f.screenshot.empty() != f.at.empty()) {
    std::cerr << "labtwin gui: --screenshot and --at go together\n";
    return kBadInput;
  }
  const std::filesystem::path input(f.scenario);
  const auto ext = input.extension().string();
  if (is_hdf5_file(input) || ext == ".h5" || ext == ".hdf5") {
    if (!f.variant.empty()) {
      std::cerr << "labtwin gui: --variant applies to scenarios; " << f.scenario
                << " is a results file (its variant is the one it ran)\n";
      return kBadInput;
    }
    return gui_recording(f, speed, width, height);
  }
  const auto loaded = f.variant.empty() ? adapters::load_scenario(f.scenario)
                                        : adapters::load_variant(f.scenario, f.variant);
  for (const auto& d : loaded.diagnostics) std::cerr << adapters::format(d) << "\n";
  if (!loaded.ok()) return kBadInput;
  const auto& sc = *loaded.scenario;
  std::unique_ptr<viz::WhatIf> whatif;
  if (loaded.tree) {
    std::string error;
    whatif = make_whatif(*loaded.tree, sc, f, error);
    if (!whatif) {
      std::cerr << "labtwin gui: " << error << "\n";
      return kBadInput;
    }
  }

  viz::SessionOptions opt;
  opt.speed = speed;
  if (f.screenshot.empty()) {
    opt.start_paused = false;
    std::unique_ptr<viz::SimSession> session;
    try {
      session = std::make_unique<viz::SimSession>(sc, opt);
    } catch (const std::invalid_argument& e) {
      std::cerr << "labtwin gui: " << f.scenario << ": " << e.what() << "\n";
      return kBadInput;
    }
    try {
      viz::AppOptions app;
      app.title = "labtwin - " + sc.meta.name;
      app.whatif = whatif.get();
      viz::run_app(*session, app);
    } catch (const std::runtime_error& e) {
      std::cerr << "labtwin gui: " << e.what() << " (is there a display? try xvfb-run)\n";
      return kBadInput;
    }
    return kOk;
  }

  // Screenshot: run to --at as fast as possible, render one frame, write the PNG.
  std::string error;
  const std::int64_t start_us = sc.clock.start_us.value_or(0);
  const double at_s = viz::parse_time_arg(f.at, start_us, error);
  if (at_s < 0.0) {
    std::cerr << "labtwin gui: --at: " << error << "\n";
    return kBadInput;
  }
  if (at_s > sc.clock.horizon.seconds()) {
    std::cerr << "labtwin gui: --at: " << f.at << " is after the scenario's horizon ("
              << sc.clock.horizon.seconds() / 3600.0 << " h)\n";
    return kBadInput;
  }
  opt.speed = 0.0;
  opt.start_paused = true;
  opt.keyframe_every_s = 0.0;  // nothing to scrub in a one-frame run
  std::unique_ptr<viz::SimSession> session;
  try {
    session = std::make_unique<viz::SimSession>(sc, opt);
  } catch (const std::invalid_argument& e) {
    std::cerr << "labtwin gui: " << f.scenario << ": " << e.what() << "\n";
    return kBadInput;
  }
  session->jump_to(at_s);
  if (!session->wait_until(at_s, std::chrono::minutes(10)) ||
      !session->wait_idle(std::chrono::minutes(1))) {
    std::cerr << "labtwin gui: the run did not reach --at " << f.at << " in 10 minutes\n";
    return kInternalError;
  }
  const auto snap = session->snapshot();
  session.reset();  // the worker is done; stop it before rendering
  viz::UiState seed;
  seed.whatif = whatif.get();
  seed.show_tab = f.tab;
  if (whatif && !f.whatif.empty()) {
    if (const int rc = run_whatif_now(*whatif, f.replications); rc != kOk) return rc;
    seed.show_whatif = true;
  }
  try {
    const auto ui = viz::render_screenshot(*snap, f.screenshot, width, height, seed);
    print_screenshot_line(f.screenshot, *snap, ui);
  } catch (const std::exception& e) {
    std::cerr << "labtwin gui: --screenshot " << f.screenshot << ": " << e.what() << "\n";
    return kBadInput;
  }
  return kOk;
}

}  // namespace labtwin::cli
#endif  // LABTWIN_HAS_GUI
