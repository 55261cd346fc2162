#pragma once
/// @file The SDL2 front end: an interactive window over a SimSession, and one-frame screenshots
/// rendered with SDL's software renderer.
#include <string>

#include "labtwin/viz/panels.hpp"
#include "labtwin/viz/sim_session.hpp"
#include "labtwin/viz/snapshot_source.hpp"

namespace labtwin::viz {

/// Window options.
struct AppOptions {
  std::string title = "labtwin";  ///< window title
  int width = 1600;               ///< initial window width, px
  int height = 960;               ///< initial window height, px
  bool save_layout = true;        ///< keep window positions in the user's imgui.ini
  WhatIf* whatif = nullptr;       ///< what-if controller for the What-if tab (null: none)
};

/// Opens a window on the source (a live SimSession or a RecordedSession) and runs until it is
/// closed; throws std::runtime_error naming the SDL call that failed (e.g. no display).
void run_app(SnapshotSource& session, const AppOptions& options);

/// Renders `snap` at `width` x `height` with the SDL software renderer and writes a PNG to
/// `png_path`; returns the UI state of the rendered frame (where the plot and badge were).
/// `initial` seeds the UI state (selection, what-if tab). Throws std::runtime_error naming
/// what failed.
UiState render_screenshot(const Snapshot& snap, const std::string& png_path, int width, int height,
                          const UiState& initial = {});

/// Sets up fonts for a new ImGui context: DejaVu Sans at `size_px` when installed, else the
/// built-in font (scaled).
void load_fonts(float size_px);

}  // namespace labtwin::viz
