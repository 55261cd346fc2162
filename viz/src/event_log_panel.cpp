// Event log: filters by kind and entity; a click on a row scrubs the timeline to its time.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <cmath>
#include <string>

#include "labtwin/viz/panels.hpp"
#include "labtwin/viz/plot.hpp"
#include "labtwin/viz/theme.hpp"

namespace labtwin::viz {

void draw_event_log(const Snapshot& snap, UiState& ui) {
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.45f);
  ImGui::InputTextWithHint("##kind", "kind filter", &ui.kind_filter);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.8f);
  ImGui::InputTextWithHint("##entity", "entity filter", &ui.entity_filter);

  // Refilter only when the events or the filters changed.
  const std::string key = std::to_string(snap.version) + "/" + std::to_string(snap.events.size()) +
                          "/" + std::to_string(snap.events.empty() ? 0.0 : snap.events.back().t_s) +
                          "/" + ui.kind_filter + "\x1f" + ui.entity_filter;
  if (key != ui.event_rows_key) {
    ui.event_rows = filter_events(snap.events, ui.kind_filter, ui.entity_filter);
    ui.event_rows_key = key;
  }
  ImGui::TextDisabled("%zu shown of %zu kept (%llu published)", ui.event_rows.size(),
                      snap.events.size(), static_cast<unsigned long long>(snap.events_total));

  const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg |
                                ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable;
  if (!ImGui::BeginTable("events", 4, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("time", ImGuiTableColumnFlags_WidthFixed, 130.0f);
  ImGui::TableSetupColumn("kind", ImGuiTableColumnFlags_WidthFixed, 170.0f);
  ImGui::TableSetupColumn("entity", ImGuiTableColumnFlags_WidthFixed, 90.0f);
  ImGui::TableSetupColumn("detail", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableHeadersRow();
  // Newest first; only visible rows are formatted.
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(ui.event_rows.size()));
  while (clipper.Step()) {
    for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
      const auto& e =
          snap.events[ui.event_rows[ui.event_rows.size() - 1 - static_cast<std::size_t>(r)]];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      const auto us = snap.start_us + static_cast<std::int64_t>(std::llround(e.t_s * 1e6));
      const std::string when = plot::format_datetime(us, snap.utc_offset_s).substr(5);
      ImGui::PushID(r);
      if (ImGui::Selectable(when.c_str(), false, ImGuiSelectableFlags_SpanAllColumns)) {
        // Jump the timeline to the event (stored state) and show its freezer if it is one.
        ui.follow_now = e.t_s >= snap.live_s;
        ui.view_s = e.t_s;
        for (const auto& f : snap.freezers)
          if (f.id == e.entity) ui.selected_freezer = f.id;
      }
      ImGui::PopID();
      ImGui::TableNextColumn();
      const bool alarm = e.kind == "freezer.alarm";
      if (alarm)
        ImGui::TextColored({1.0f, 0.35f, 0.3f, 1.0f}, "%s", e.kind.c_str());
      else
        ImGui::TextUnformatted(e.kind.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(e.entity.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(e.detail.c_str());
    }
  }
  ImGui::EndTable();
}

}  // namespace labtwin::viz
