// Microgrid: per site, the power flows now (sources against uses as two stacked bars), grid
// up or islanded, shed loads, and the state of charge and PV / load over time.
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "labtwin/viz/panels.hpp"
#include "labtwin/viz/theme.hpp"
#include "labtwin/viz/time_plot.hpp"

namespace labtwin::viz {
namespace {

std::string kw(double w) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f kW", w / 1000.0);
  return buf;
}

struct Segment {
  const char* name;
  double w;
  std::uint32_t color;
};

// One stacked bar of power segments, scaled to `full_w`, with its segments named below.
void flow_bar(const char* title, const std::vector<Segment>& segs, double full_w, float width) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 o = ImGui::GetCursorScreenPos();
  constexpr float kTitle = 56.0f, kH = 14.0f;
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  dl->AddText({o.x, o.y}, text, title);
  const float left = o.x + kTitle, right = o.x + std::max(width, kTitle + 40.0f);
  dl->AddRectFilled({left, o.y + 1}, {right, o.y + 1 + kH}, ImGui::GetColorU32(ImGuiCol_FrameBg));
  float x = left;
  std::string legend;
  for (const auto& s : segs) {
    if (s.w <= 0.0) continue;
    const float len = full_w > 0 ? static_cast<float>(s.w / full_w) * (right - left) : 0.0f;
    dl->AddRectFilled({x, o.y + 1}, {std::min(x + len, right), o.y + 1 + kH}, s.color);
    x += len;
  }
  ImGui::Dummy({width, kH + 3});
  bool first = true;
  for (const auto& s : segs) {
    if (s.w <= 0.0) continue;
    if (!first) ImGui::SameLine();
    first = false;
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(s.color), "%s %s", s.name, kw(s.w).c_str());
  }
  if (first) ImGui::TextDisabled("(none)");
}

}  // namespace

long pick_microgrid(const Snapshot& snap, const std::string& selected) {
  for (std::size_t i = 0; i < snap.microgrids.size(); ++i)
    if (snap.microgrids[i].site == selected) return static_cast<long>(i);
  for (std::size_t i = 0; i < snap.microgrids.size(); ++i)
    if (microgrid_status(snap.microgrids[i]) != 0) return static_cast<long>(i);
  return snap.microgrids.empty() ? -1 : 0;
}

void draw_microgrid_panel(const Snapshot& snap, UiState& ui) {
  const long idx = pick_microgrid(snap, ui.selected_microgrid);
  if (idx < 0) {
    ImGui::TextDisabled("no microgrid in this scenario");
    return;
  }
  const MicrogridState& g = snap.microgrids[static_cast<std::size_t>(idx)];
  // Two columns: the state and the flows now on the left, the history plots on the right.
  const ImVec2 avail0 = ImGui::GetContentRegionAvail();
  const float left_w = std::max(avail0.x * 0.36f, 200.0f);
  ImGui::BeginChild("##mg_now", {left_w, avail0.y}, false);
  ImGui::SetNextItemWidth(120);
  if (ImGui::BeginCombo("site##mg", g.site.c_str())) {
    for (const auto& o : snap.microgrids)
      if (ImGui::Selectable(o.site.c_str(), o.site == g.site)) ui.selected_microgrid = o.site;
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  if (g.grid_up)
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colors::kGridPower), "grid up");
  else
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colors::kIslanded), "ISLANDED");
  if (g.capacity_wh > 0)
    ImGui::Text("battery %.0f %% of %s", 100.0 * g.soc,
                format_value(g.capacity_wh * 3600.0, "J").c_str());
  else
    ImGui::TextDisabled("no battery");
  ImGui::Text("generator %s, fuel %.0f L", g.generator_running ? "running" : "off", g.fuel_l);
  // Power now: where it comes from against where it goes (balanced but for battery losses).
  const std::vector<Segment> sources = {{"PV", g.pv_used_w, colors::kPv},
                                        {"grid", g.import_w, colors::kGridPower},
                                        {"battery", g.discharge_w, colors::kBattery},
                                        {"generator", g.generator_w, colors::kGenerator}};
  const std::vector<Segment> uses = {
      {"load", g.served_w, colors::kLoad},
      {"charge", g.charge_w, colors::kBattery},
      {"export", g.export_w, colors::kGridPower},
      {"shed", std::max(0.0, g.demand_w - g.served_w), colors::kAlarm}};
  double in = 0, out = 0;
  for (const auto& s : sources) in += s.w;
  for (const auto& s : uses) out += s.w;
  const float width = std::max(ImGui::GetContentRegionAvail().x, 120.0f);
  flow_bar("supply", sources, std::max(in, out), width);
  flow_bar("use", uses, std::max(in, out), width);
  if (!g.shed.empty()) {
    std::string list;
    for (const auto& s : g.shed) list += (list.empty() ? "" : ", ") + s;
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(colors::kAlarm));
    ImGui::TextWrapped("shed (%zu): %s", g.shed.size(), list.c_str());
    ImGui::PopStyleColor();
  }
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##mg_history", {0, avail0.y}, false);

  // History: SoC (%) and PV / load (kW), with islanded and shedding bands under the SoC.
  const double hi = std::max(snap.now_s, 3600.0);
  static thread_local std::vector<double> soc, pv, demand, served;
  soc.clear();
  pv.clear();
  demand.clear();
  served.clear();
  double p_hi = 1.0;
  for (std::size_t i = 0; i < g.t_s.size(); ++i) {
    soc.push_back(100.0 * g.soc_hist[i]);
    pv.push_back(g.pv_hist[i] / 1000.0);
    demand.push_back(g.demand_hist[i] / 1000.0);
    served.push_back(g.served_hist[i] / 1000.0);
    p_hi = std::max({p_hi, pv.back(), demand.back()});
  }
  const float avail = ImGui::GetContentRegionAvail().y;
  TimePlotSpec spec;
  spec.id = "##mg_soc";
  spec.x_lo = 0.0;
  spec.x_hi = hi;
  spec.y_lo = 0.0;
  spec.y_hi = 100.0;
  spec.y_unit = "%";
  spec.origin_us = snap.start_us;
  spec.utc_offset_s = snap.utc_offset_s;
  spec.height = std::max(avail * 0.5f - 4.0f, 70.0f);
  {
    TimePlot p(spec);
    p.band(g.islanded, 0, colors::kIslanded);
    p.band(g.shedding, 1, colors::kAlarm);
    p.line(g.t_s, soc, colors::kBattery, "SoC");
    p.vline(snap.now_s, colors::kNow);
    const auto& m = p.mapping();
    ui.microgrid_plot = {m.left, m.top, m.right - m.left, m.bottom - m.top};
    p.finish();
  }
  spec.id = "##mg_power";
  spec.y_hi = p_hi * 1.1;
  spec.y_unit = "kW";
  spec.height = std::max(ImGui::GetContentRegionAvail().y - 4.0f, 70.0f);
  TimePlot p(spec);
  p.band(g.islanded, 0, colors::kIslanded);
  p.line(g.t_s, demand, colors::kLoad, "demand", 1.5f);
  p.line(g.t_s, served, colors::kGenerator, "served", 2.0f);
  p.line(g.t_s, pv, colors::kPv, "PV");
  p.vline(snap.now_s, colors::kNow);
  p.finish();
  ImGui::EndChild();
}

}  // namespace labtwin::viz
