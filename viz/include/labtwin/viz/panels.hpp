#pragma once
/// @file The panels: free functions over a Snapshot and the UI's own state. Panels never touch
/// the model; what they want done goes into UiState::outbox as session Commands.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "labtwin/viz/sim_session.hpp"
#include "labtwin/viz/snapshot.hpp"

namespace labtwin::viz {

class WhatIf;

/// A screen rectangle in pixels (for tests and screenshot checks).
struct Rect {
  float x = 0, y = 0, w = 0, h = 0;  ///< top-left corner and size
};

/// State owned by the UI (the caller), not by any widget.
struct UiState {
  bool follow_now = true;        ///< show the latest state (else the keyframe at view_s)
  double view_s = 0.0;           ///< scrub time, s since start (when not following)
  double step_s = 600.0;         ///< arrow-key step, simulated s
  std::string selected_freezer;  ///< freezer shown in the freezer view (empty: automatic)
  std::string kind_filter;       ///< event log: substring of the kind
  std::string entity_filter;     ///< event log: substring of the entity
  std::string inventory_filter;  ///< inventory: substring of SKU or name
  double plot_span_s = 0.0;      ///< freezer plot width, s (0: the whole history)
  bool dark = true;              ///< dark theme
  bool theme_dirty = true;       ///< the theme must be (re)applied
  std::vector<Command> outbox;   ///< commands for the session, drained by the app each frame
  Rect freezer_plot;             ///< where the freezer plot was drawn in the last frame
  Rect alarm_badge;              ///< where the alarm badge was drawn (w = 0: not drawn)
  std::string jump_text;         ///< run controls: the jump-to text field
  std::string jump_error;        ///< run controls: why the last jump text was rejected
  /// Event log cache: filtered rows for (version, size, filters) so a frame does not refilter.
  std::vector<std::size_t> event_rows;
  std::string event_rows_key;      ///< what event_rows were computed for
  WhatIf* whatif = nullptr;        ///< the what-if controller (null: no what-if tab)
  bool map_graph = true;           ///< site map: graph layout (else the sites/rooms grid)
  bool show_whatif = false;        ///< select the what-if tab in the next frame (screenshots)
  std::string selected_microgrid;  ///< microgrid panel: site shown (empty: automatic)
  Rect microgrid_plot;             ///< where the state-of-charge plot was drawn (w = 0: not)
  std::string show_tab;  ///< bottom tile: select "technicians", "microgrid" or "dtn" next frame
  Rect dtn_timeline;     ///< where the DTN contact timeline was drawn (w = 0: not drawn)
  double dtn_span_s = 172800.0;  ///< DTN contact timeline width, s
};

/// Keys relevant to the shortcuts, sampled once per frame.
struct KeyInput {
  bool space = false;   ///< play/pause
  bool left = false;    ///< scrub back by step_s
  bool right = false;   ///< step forward by step_s (or scrub forward)
  bool follow = false;  ///< `f`: follow now
};

/// Applies the keyboard shortcuts to the UI state (commands go to the outbox).
void apply_shortcuts(const KeyInput& keys, const Snapshot& snap, UiState& ui);

/// Parses a jump target: an offset from the start ("1h", "2d6h") or an ISO date-time with zone
/// ("2026-03-07T01:00:00+01:00"); returns s since start, or sets `error` and returns -1.
double parse_time_arg(std::string_view text, std::int64_t start_us, std::string& error);

/// Indices of the events whose kind and entity contain the filters (case-insensitive).
std::vector<std::size_t> filter_events(const std::vector<EventRow>& events, std::string_view kind,
                                       std::string_view entity);

/// The freezer to show: the selection if it exists, else the first alarming, damaged or
/// failed one, else the first; -1 when there are none.
long pick_freezer(const Snapshot& snap, const std::string& selected);

/// Fraction of [lo, hi] covered by the (time-ordered, non-overlapping) intervals.
double covered_fraction(const std::vector<Interval>& intervals, double lo, double hi);

/// How fast a freezer's payload warms and when it reaches its damage limit at that rate.
struct WarmingRisk {
  double rate_c_per_h = 0.0;        ///< mean payload rate over the window, K/h (> 0: warming)
  double seconds_to_damage = -1.0;  ///< s until the damage limit at that rate (0: there; <0: never)
};

/// The payload's warming over the last `window_s` of its history (linear extrapolation to the
/// damage limit).
WarmingRisk warming_risk(const FreezerState& f, double window_s = 3600.0);

/// Indices of the lots expiring by now + `within_s` (expired ones included), soonest first.
std::vector<std::size_t> lots_near_expiry(const Snapshot& snap, double within_s);

/// A value in its KPI unit: durations as h/min/s, ratios as %, J as kWh, counts plain.
std::string format_value(double value, const std::string& unit);

/// The colour of a freezer status.
std::uint32_t status_color(FreezerStatus s);

/// Run controls: play/pause, step, speed, jump, scrub, the sim date-time and the alarm badge.
void draw_run_controls(const Snapshot& snap, UiState& ui);
/// Freezer view: temperatures with setpoint, alarm and damage lines, compressor and door bands.
void draw_freezer_panel(const Snapshot& snap, UiState& ui);
/// Event log with kind/entity filters; a click on a row scrubs to its time.
void draw_event_log(const Snapshot& snap, UiState& ui);
/// KPI dashboard.
void draw_kpi_panel(const Snapshot& snap, UiState& ui);
/// Technicians: Gantt of busy intervals.
void draw_technicians_panel(const Snapshot& snap, UiState& ui);
/// Inventory: levels against s and S, open purchase orders, lots near expiry.
void draw_inventory_panel(const Snapshot& snap, UiState& ui);
/// The lots inside the selected freezer with their risk (warming, expiry).
void draw_lots_panel(const Snapshot& snap, UiState& ui);
/// The microgrid to show: the selected site's, else the first islanded or shedding one, else
/// the first; -1 when there are none.
long pick_microgrid(const Snapshot& snap, const std::string& selected);
/// Microgrid: power flows now, grid state, shed loads, state of charge and PV / load history.
void draw_microgrid_panel(const Snapshot& snap, UiState& ui);
/// The directed node pairs (from, to) with contacts in the plan, ascending: the timeline rows.
std::vector<std::pair<std::uint64_t, std::uint64_t>> contact_rows(const DtnState& dtn);
/// DTN: bundle counts, open and next contacts, the contact timeline and node storage.
void draw_dtn_panel(const Snapshot& snap, UiState& ui);
/// The bottom tab a click on a site-map node of this kind opens: "microgrid" for a
/// microgrid's grid, PV, battery or generator, "dtn" for a DTN node, "" for others.
std::string map_node_tab(const std::string& kind);
/// Site map: sites, rooms and freezers coloured by status; click selects.
void draw_site_map(const Snapshot& snap, UiState& ui);

/// One whole frame (between ImGui::NewFrame and ImGui::Render): theme, shortcuts, and every
/// panel tiled over a `width` x `height` display.
void draw_frame(const Snapshot& snap, UiState& ui, float width, float height);

}  // namespace labtwin::viz
