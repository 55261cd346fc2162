#pragma once
/// @file `labtwin gui`: the Dear ImGui front end on a scenario (built with LABTWIN_BUILD_GUI).
#include <cstddef>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace labtwin::cli {

/// `labtwin gui` inputs.
struct GuiFlags {
  std::string scenario;             ///< scenario file
  std::string variant;              ///< --variant NAME
  std::string speed = "3600";       ///< --speed: simulated s per wall s, or "max"
  std::string screenshot;           ///< --screenshot FILE.png (then exit)
  std::string at;                   ///< --at TIME: offset ("1h") or date-time, for --screenshot
  std::string size = "1600x960";    ///< --size WxH of the screenshot
  std::vector<std::string> whatif;  ///< --whatif PATH=VALUE: preset what-if edits
  std::size_t replications = 10;    ///< --replications per side of a what-if comparison
  std::string tab;                  ///< --tab technicians|microgrid|dtn: bottom tab to show
};

/// Registers the `gui` subcommand on `app`; returns it.
CLI::App* add_gui_command(CLI::App& app, GuiFlags& flags);

/// Runs `labtwin gui`.
int gui_command(const GuiFlags& flags);

}  // namespace labtwin::cli
