// KPI dashboard: every KPI of the run so far, formatted in its unit.
#include <imgui.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "labtwin/viz/panels.hpp"

namespace labtwin::viz {
namespace {}  // namespace

std::string format_value(double value, const std::string& unit) {
  const struct {
    double value;
    const std::string& unit;
  } k{value, unit};
  char buf[64];
  if (!std::isfinite(k.value)) return "-";  // e.g. no fault yet: no time to alarm
  if (k.unit == "s") {
    const double s = std::abs(k.value);
    const char* sign = k.value < 0 ? "-" : "";  // differences of durations may be negative
    if (s >= 3600.0)
      std::snprintf(buf, sizeof buf, "%s%.0f h %02.0f min", sign, std::floor(s / 3600.0),
                    std::floor(std::fmod(s, 3600.0) / 60.0));
    else if (s >= 60.0)
      std::snprintf(buf, sizeof buf, "%s%.1f min", sign, s / 60.0);
    else
      std::snprintf(buf, sizeof buf, "%s%.1f s", sign, s);
  } else if (k.unit == "ratio") {
    std::snprintf(buf, sizeof buf, "%.1f %%", 100.0 * k.value);
  } else if (k.unit == "J") {
    std::snprintf(buf, sizeof buf, "%.2f kWh", k.value / 3.6e6);
  } else if (k.unit == "count" || k.unit == "1") {
    std::snprintf(buf, sizeof buf, "%.6g", k.value);
  } else {
    std::snprintf(buf, sizeof buf, "%.6g %s", k.value, k.unit.c_str());
  }
  return buf;
}

namespace {

std::string format_kpi(const KpiRow& k) { return format_value(k.value, k.unit); }

}  // namespace

void draw_kpi_panel(const Snapshot& snap, UiState& /*ui*/) {
  // A results file stores the KPIs of the whole run only: say so rather than imply "as of now".
  if (snap.kpis_final) ImGui::TextDisabled("final values of the recorded run");
  const ImGuiTableFlags flags =
      ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV;
  if (!ImGui::BeginTable("kpis", 2, flags)) return;
  ImGui::TableSetupColumn("KPI", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthFixed, 110.0f);
  for (const auto& k : snap.kpis) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(k.name.c_str());
    if (ImGui::IsItemHovered() && !k.description.empty())
      ImGui::SetTooltip("%s", k.description.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(format_kpi(k).c_str());
  }
  ImGui::EndTable();
}

}  // namespace labtwin::viz
