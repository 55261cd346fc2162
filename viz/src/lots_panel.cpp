// Lots inside the selected freezer: what is at risk and how soon (payload warming, expiry).
#include <imgui.h>

#include <string>

#include "labtwin/viz/panels.hpp"
#include "labtwin/viz/plot.hpp"
#include "labtwin/viz/theme.hpp"

namespace labtwin::viz {

void draw_lots_panel(const Snapshot& snap, UiState& ui) {
  const long idx = pick_freezer(snap, ui.selected_freezer);
  if (idx < 0) {
    ImGui::TextDisabled("no freezers in this scenario");
    return;
  }
  const FreezerState& f = snap.freezers[static_cast<std::size_t>(idx)];
  if (!snap.has_ledger) {
    ImGui::TextDisabled("lots are not recorded in a results file (open the scenario to see them)");
    return;
  }
  std::size_t n = 0;
  double units = 0.0;
  for (const auto& l : snap.lots)
    if (l.unit == f.id) ++n, units += l.quantity;
  const WarmingRisk risk = warming_risk(f);
  ImGui::Text("%s: %zu lots, %.0f units", f.id.c_str(), n, units);
  ImGui::SameLine();
  if (f.damaged || risk.seconds_to_damage == 0.0) {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colors::kAlarm),
                       "payload past its damage limit (%.0f C): every lot at risk", f.damage_c);
  } else if (risk.seconds_to_damage > 0.0) {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colors::kAlarmLimit),
                       "payload warming %+.2f K/h: damage limit (%.0f C) in %s at this rate",
                       risk.rate_c_per_h, f.damage_c,
                       format_value(risk.seconds_to_damage, "s").c_str());
  } else {
    ImGui::TextDisabled("payload not warming (%+.2f K/h): no damage expected", risk.rate_c_per_h);
  }
  const ImGuiTableFlags flags =
      ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV;
  if (!ImGui::BeginTable("lots", 5, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("lot", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn("SKU", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn("qty", ImGuiTableColumnFlags_WidthFixed, 50.0f);
  ImGui::TableSetupColumn("QC", ImGuiTableColumnFlags_WidthFixed, 80.0f);
  ImGui::TableSetupColumn("expires", ImGuiTableColumnFlags_WidthFixed, 150.0f);
  ImGui::TableHeadersRow();
  for (const auto& l : snap.lots) {
    if (l.unit != f.id) continue;
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(l.code.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(l.sku.c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%.0f", l.quantity);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(l.released ? "released" : "quarantine");
    ImGui::TableNextColumn();
    if (l.expiry_s < 0.0) {
      ImGui::TextDisabled("-");
    } else {
      const auto us = snap.start_us + static_cast<std::int64_t>(l.expiry_s * 1e6);
      ImGui::TextUnformatted(plot::format_datetime(us, snap.utc_offset_s).c_str());
    }
  }
  ImGui::EndTable();
}

}  // namespace labtwin::viz
