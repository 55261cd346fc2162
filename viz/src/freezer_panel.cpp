// Freezer view: temperature plot with setpoint, alarm and damage lines; compressor, door and
// alarm bands; compressor duty.
#include <imgui.h>

#include <algorithm>
#include <string>
#include <utility>

#include "labtwin/viz/panels.hpp"
#include "labtwin/viz/theme.hpp"
#include "labtwin/viz/time_plot.hpp"

namespace labtwin::viz {
namespace {

const char* status_name(FreezerStatus s) {
  switch (s) {
    case FreezerStatus::kOk:
      return "ok";
    case FreezerStatus::kDoorOpen:
      return "door open";
    case FreezerStatus::kFailed:
      return "compressor failed";
    case FreezerStatus::kAlarm:
      return "ALARM";
    case FreezerStatus::kDamaged:
      return "payload damaged";
  }
  return "?";
}

}  // namespace

void draw_freezer_panel(const Snapshot& snap, UiState& ui) {
  ui.freezer_plot = {};
  const long idx = pick_freezer(snap, ui.selected_freezer);
  if (idx < 0) {
    ImGui::TextDisabled("no freezers in this scenario");
    return;
  }
  const FreezerState& f = snap.freezers[static_cast<std::size_t>(idx)];
  ImGui::SetNextItemWidth(140);
  if (ImGui::BeginCombo("freezer", f.id.c_str())) {
    for (const auto& g : snap.freezers)
      if (ImGui::Selectable(g.id.c_str(), g.id == f.id)) ui.selected_freezer = g.id;
    ImGui::EndCombo();
  }
  const auto status = status_of(f);
  ImGui::SameLine();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(status_color(status)), "%s",
                     status_name(status));
  ImGui::SameLine();
  ImGui::Text("%s / %s   air %.1f C   payload %.1f C   compressor %s   door %s", f.site.c_str(),
              f.room.c_str(), f.air_c, f.payload_c, f.compressor ? "on" : "off",
              f.door ? "open" : "shut");

  const double hi = std::max(snap.now_s, 3600.0);
  const double lo = ui.plot_span_s > 0.0 ? std::max(0.0, hi - ui.plot_span_s) : 0.0;
  const auto& h = f.history;
  ImGui::Text("compressor duty %.0f %%   door openings %zu",
              100.0 * covered_fraction(h.compressor, lo, snap.now_s > lo ? snap.now_s : hi),
              h.door.size());
  // The risk to what is inside: when the payload reaches its damage limit at today's warming
  // (within a day: the thermostat's saw-tooth alone extrapolates to weeks, which is noise).
  if (const WarmingRisk risk = warming_risk(f);
      risk.seconds_to_damage > 0.0 && risk.seconds_to_damage < 86400.0 && !f.damaged) {
    ImGui::SameLine();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colors::kAlarmLimit),
                       "damage limit in %s (%+.1f K/h)",
                       format_value(risk.seconds_to_damage, "s").c_str(), risk.rate_c_per_h);
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(100);
  static constexpr const char* kSpans[] = {"all", "6 h", "24 h"};
  static constexpr double kSpanS[] = {0.0, 21600.0, 86400.0};
  int span_idx = 0;
  for (int i = 0; i < 3; ++i)
    if (ui.plot_span_s == kSpanS[i]) span_idx = i;
  if (ImGui::Combo("window", &span_idx, kSpans, 3)) ui.plot_span_s = kSpanS[span_idx];
  // Legend (the alarm band, red, appears only while an alarm is raised: not listed here so
  // that the alarm colour means a raised alarm wherever it is seen).
  const std::pair<const char*, std::uint32_t> legend[] = {{"air", colors::kAirLine},
                                                          {"payload", colors::kPayloadLine},
                                                          {"compressor on", colors::kCompressor},
                                                          {"door open", colors::kDoor}};
  for (const auto& [name, color] : legend) {
    ImGui::SameLine();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(color), "%s", name);
  }

  // y range: the visible samples and the three limits.
  const auto b =
      static_cast<std::size_t>(std::lower_bound(h.t_s.begin(), h.t_s.end(), lo) - h.t_s.begin());
  double y_lo = 0, y_hi = 1;
  const double limits[] = {f.setpoint_c, f.alarm_high_c, f.damage_c};
  std::span<const double> air(h.air_c);
  std::span<const double> pay(h.payload_c);
  double a_lo, a_hi, p_lo, p_hi;
  plot::value_range(air.subspan(std::min(b, air.size())), limits, 0.05, a_lo, a_hi);
  plot::value_range(pay.subspan(std::min(b, pay.size())), limits, 0.05, p_lo, p_hi);
  y_lo = std::min(a_lo, p_lo);
  y_hi = std::max(a_hi, p_hi);

  TimePlotSpec spec;
  spec.id = "##freezer_plot";
  spec.x_lo = lo;
  spec.x_hi = hi;
  spec.y_lo = y_lo;
  spec.y_hi = y_hi;
  spec.y_unit = "C";
  spec.origin_us = snap.start_us;
  spec.utc_offset_s = snap.utc_offset_s;
  spec.height = std::max(ImGui::GetContentRegionAvail().y - 4.0f, 120.0f);
  TimePlot p(spec);
  p.band(h.compressor, 0, colors::kCompressor);
  p.band(h.door, 1, colors::kDoor);
  p.band(h.alarm, 2, colors::kAlarm);
  p.hline(f.setpoint_c, colors::kSetpoint, "setpoint");
  p.hline(f.alarm_high_c, colors::kAlarmLimit, "alarm limit");
  p.hline(f.damage_c, colors::kDamageLimit, "damage limit");
  p.line(h.t_s, h.payload_c, colors::kPayloadLine, "payload");
  p.line(h.t_s, h.air_c, colors::kAirLine, "air");
  p.vline(snap.now_s, colors::kNow);
  const auto& m = p.mapping();
  ui.freezer_plot = {m.left, m.top, m.right - m.left, m.bottom - m.top};
  p.finish();
}

}  // namespace labtwin::viz
