// What-if panel: edit parameters, start a comparison, show base and what-if side by side.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <string>

#include "labtwin/viz/panels.hpp"
#include "labtwin/viz/theme.hpp"
#include "labtwin/viz/whatif.hpp"

namespace labtwin::viz {
namespace {

bool contains_ci(const std::string& hay, const std::string& needle) {
  if (needle.empty()) return true;
  const auto lower = [](unsigned char c) { return static_cast<char>(std::tolower(c)); };
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() && lower(hay[i + k]) == lower(needle[k])) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

// "mean ± half-width" in the KPI's unit ("mean" alone when the half-width is undefined).
std::string with_ci(double mean, double hw, const std::string& unit) {
  std::string s = format_value(mean, unit);
  if (std::isfinite(hw) && std::isfinite(mean)) s += " +/- " + format_value(hw, unit);
  return s;
}

void draw_params(WhatIf& w) {
  ImGui::SetNextItemWidth(200);
  ImGui::InputTextWithHint("##wfilter", "parameter filter", &w.filter);
  ImGui::SameLine();
  const auto ov = w.overrides();
  ImGui::TextDisabled("%zu parameters, %zu changed", w.params().size(), ov.size());
  const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg |
                                ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp;
  const float h = std::max(ImGui::GetContentRegionAvail().y * 0.42f, 90.0f);
  if (!ImGui::BeginTable("whatif_params", 3, flags, {0, h})) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("parameter", ImGuiTableColumnFlags_WidthStretch, 3.0f);
  ImGui::TableSetupColumn("base", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("what-if", ImGuiTableColumnFlags_WidthStretch, 1.4f);
  ImGui::TableHeadersRow();
  auto& values = w.values();
  for (std::size_t i = 0; i < w.params().size(); ++i) {
    const auto& p = w.params()[i];
    // Changed rows always show, so a filter never hides what will be compared.
    const bool changed = values[i] != p.base;
    if (!changed && !contains_ci(p.path, w.filter) && !contains_ci(p.label, w.filter)) continue;
    ImGui::PushID(static_cast<int>(i));
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(p.label.c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", p.path.c_str());
    ImGui::TableNextColumn();
    ImGui::TextDisabled("%s", p.base.c_str());
    ImGui::TableNextColumn();
    ImGui::SetNextItemWidth(-1);
    if (changed)
      ImGui::PushStyleColor(ImGuiCol_FrameBg, ImGui::ColorConvertU32ToFloat4(rgb(120, 90, 20)));
    if (!p.choices.empty()) {
      if (ImGui::BeginCombo("##v", values[i].c_str())) {
        for (const auto& c : p.choices)
          if (ImGui::Selectable(c.c_str(), c == values[i])) values[i] = c;
        ImGui::EndCombo();
      }
    } else {
      ImGui::InputText("##v", &values[i]);
    }
    if (changed) ImGui::PopStyleColor();
    ImGui::PopID();
  }
  ImGui::EndTable();
}

void draw_result(const WhatIfResult& r) {
  if (!r.error.empty()) {
    ImGui::TextColored({1.0f, 0.45f, 0.3f, 1.0f}, "what-if failed: %s", r.error.c_str());
    return;
  }
  std::string what;
  for (const auto& o : r.overrides) what += (what.empty() ? "" : ", ") + o.path + " = " + o.value;
  ImGui::TextWrapped("%s", what.c_str());
  ImGui::TextDisabled(
      "%zu replications per side%s, %.0f %% confidence intervals; difference = "
      "what-if - base, paired (common random numbers)",
      r.replications, r.stopped ? " (cancelled)" : "", 100.0 * r.confidence);
  const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg |
                                ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("whatif_result", 4, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("KPI", ImGuiTableColumnFlags_WidthStretch, 1.3f);
  ImGui::TableSetupColumn("base", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("what-if", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("difference", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableHeadersRow();
  for (const auto& k : r.kpis) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(k.name.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(with_ci(k.base_mean, k.base_hw, k.unit).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(with_ci(k.alt_mean, k.alt_hw, k.unit).c_str());
    ImGui::TableNextColumn();
    const std::string d = with_ci(k.diff_mean, k.diff_hw, k.unit);
    // A difference whose interval excludes zero is a real effect at this confidence.
    if (k.significant)
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colors::kAlarmLimit), "%s", d.c_str());
    else
      ImGui::TextDisabled("%s", d.c_str());
  }
  ImGui::EndTable();
}

}  // namespace

void draw_whatif_panel(WhatIf& w) {
  int reps = static_cast<int>(w.replications);
  ImGui::SetNextItemWidth(110);
  if (ImGui::InputInt("replications per side", &reps, 1, 10))
    w.replications = static_cast<std::size_t>(std::clamp(reps, 2, 1000));
  ImGui::SameLine();
  if (w.running()) {
    if (ImGui::Button("Cancel")) w.cancel();
    ImGui::SameLine();
    const auto [done, total] = w.progress();
    char buf[48];
    std::snprintf(buf, sizeof buf, "%zu / %zu runs", done, total);
    ImGui::ProgressBar(total ? static_cast<float>(done) / static_cast<float>(total) : 0.0f, {-1, 0},
                       buf);
  } else if (ImGui::Button("Compare with base")) {
    w.start(w.replications, w.error);
  }
  if (!w.error.empty() && !w.running()) {
    ImGui::SameLine();
    ImGui::TextColored({1.0f, 0.45f, 0.3f, 1.0f}, "%s", w.error.c_str());
  }
  draw_params(w);
  if (const auto r = w.result()) {
    draw_result(*r);
  } else {
    ImGui::TextDisabled("edit values above, then compare: base and what-if run side by side");
  }
}

}  // namespace labtwin::viz
