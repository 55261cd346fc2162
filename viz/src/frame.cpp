// One frame: theme, keyboard shortcuts and the tiled panels.
#include <imgui.h>

#include "labtwin/viz/panels.hpp"
#include "labtwin/viz/theme.hpp"
#include "labtwin/viz/whatif.hpp"

namespace labtwin::viz {
namespace {

// Places a window on its tile the first time (the user may move it; imgui.ini keeps that).
bool begin_tile(const char* name, float x, float y, float w, float h) {
  ImGui::SetNextWindowPos({x, y}, ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize({w, h}, ImGuiCond_FirstUseEver);
  return ImGui::Begin(name, nullptr, ImGuiWindowFlags_NoCollapse);
}

}  // namespace

void draw_frame(const Snapshot& snap, UiState& ui, float width, float height) {
  ui.freezer_plot = {};  // set again only if the freezer plot is drawn (its tab may be hidden)
  ui.microgrid_plot = {};
  ui.dtn_timeline = {};
  if (ui.theme_dirty) {
    apply_theme(ui.dark, 1.0f);
    ui.theme_dirty = false;
  }
  const ImGuiIO& io = ImGui::GetIO();
  if (!io.WantTextInput) {
    KeyInput keys;
    keys.space = ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false);
    keys.left = ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow), true);
    keys.right = ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow), true);
    for (int i = 0; i < io.InputQueueCharacters.Size; ++i)
      if (io.InputQueueCharacters[i] == 'f' || io.InputQueueCharacters[i] == 'F')
        keys.follow = true;
    apply_shortcuts(keys, snap, ui);
  }

  const float top_h = 108.0f;
  const float body = height - top_h;
  const float left_w = width * 0.24f;
  const float right_w = width * 0.28f;
  const float mid_w = width - left_w - right_w;
  if (begin_tile("Run", 0, 0, width, top_h)) {
    draw_run_controls(snap, ui);
    ImGui::SameLine();
    if (ImGui::SmallButton(ui.dark ? "light theme" : "dark theme")) {
      ui.dark = !ui.dark;
      ui.theme_dirty = true;
    }
  }
  ImGui::End();
  if (begin_tile("Site map", 0, top_h, left_w, body * 0.55f)) draw_site_map(snap, ui);
  ImGui::End();
  if (begin_tile("KPIs", 0, top_h + body * 0.55f, left_w, body * 0.45f)) draw_kpi_panel(snap, ui);
  ImGui::End();
  if (begin_tile("Freezer", left_w, top_h, mid_w, body * 0.62f)) {
    if (ui.whatif == nullptr) {
      draw_freezer_panel(snap, ui);
    } else if (ImGui::BeginTabBar("centre")) {
      if (ImGui::BeginTabItem("Freezer")) {
        draw_freezer_panel(snap, ui);
        ImGui::EndTabItem();
      }
      if (ImGui::BeginTabItem("Lots")) {
        draw_lots_panel(snap, ui);
        ImGui::EndTabItem();
      }
      const ImGuiTabItemFlags sel = ui.show_whatif ? ImGuiTabItemFlags_SetSelected : 0;
      ui.show_whatif = false;
      if (ImGui::BeginTabItem("What-if", nullptr, sel)) {
        draw_whatif_panel(*ui.whatif);
        ImGui::EndTabItem();
      }
      ImGui::EndTabBar();
    }
  }
  ImGui::End();
  // The bottom-centre tile: technicians, plus microgrid and DTN tabs when those twins exist.
  if (begin_tile("Technicians", left_w, top_h + body * 0.62f, mid_w, body * 0.38f)) {
    if (snap.microgrids.empty() && !snap.dtn.enabled) {
      draw_technicians_panel(snap, ui);
    } else if (ImGui::BeginTabBar("bottom")) {
      const auto sel = [&](const char* name) {
        return ui.show_tab == name ? ImGuiTabItemFlags_SetSelected : 0;
      };
      if (ImGui::BeginTabItem("Technicians", nullptr, sel("technicians"))) {
        draw_technicians_panel(snap, ui);
        ImGui::EndTabItem();
      }
      if (!snap.microgrids.empty() && ImGui::BeginTabItem("Microgrid", nullptr, sel("microgrid"))) {
        draw_microgrid_panel(snap, ui);
        ImGui::EndTabItem();
      }
      if (snap.dtn.enabled && ImGui::BeginTabItem("DTN", nullptr, sel("dtn"))) {
        draw_dtn_panel(snap, ui);
        ImGui::EndTabItem();
      }
      ImGui::EndTabBar();
    }
    ui.show_tab.clear();
  }
  ImGui::End();
  if (begin_tile("Event log", left_w + mid_w, top_h, right_w, body * 0.6f))
    draw_event_log(snap, ui);
  ImGui::End();
  if (begin_tile("Inventory", left_w + mid_w, top_h + body * 0.6f, right_w, body * 0.4f))
    draw_inventory_panel(snap, ui);
  ImGui::End();
}

}  // namespace labtwin::viz
