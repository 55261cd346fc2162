// Technicians: a Gantt row of busy intervals per technician, on the sim date-time axis, and
// where each one is now (site/room, or travelling with the ETA) and what they do.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "labtwin/viz/panels.hpp"
#include "labtwin/viz/plot.hpp"
#include "labtwin/viz/theme.hpp"

namespace labtwin::viz {

void draw_technicians_panel(const Snapshot& snap, UiState& /*ui*/) {
  if (snap.technicians.empty()) {
    ImGui::TextDisabled("no technicians");
    return;
  }
  constexpr float kName = 110.0f;
  constexpr float kRow = 18.0f;
  const double hi = std::max(snap.now_s, 3600.0);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = std::max(ImGui::GetContentRegionAvail().x, kName + 50.0f);
  // Where each one is: a text column right of the Gantt (about 40 % of the width).
  // The column is as wide as its longest line, leaving the Gantt at least 40 % (reused buffer:
  // the lines are built once per frame).
  static thread_local std::vector<std::string> lines;
  lines.clear();
  float longest = 0.0f;
  for (const auto& t : snap.technicians) {
    lines.push_back(technician_line(t, snap.now_s, snap.start_us, snap.utc_offset_s));
    longest = std::max(longest, ImGui::CalcTextSize(lines.back().c_str()).x);
  }
  const float where_w = std::min(longest + 10.0f, (width - kName) * 0.65f);
  plot::Mapping m;
  m.x_lo = 0.0;
  m.x_hi = hi;
  m.left = origin.x + kName;
  m.right = origin.x + width - 6.0f - where_w;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 grid = ImGui::GetColorU32(ImGuiCol_Border);
  const ImU32 bg = ImGui::GetColorU32(ImGuiCol_FrameBg);
  float y = origin.y;
  for (const auto& t : snap.technicians) {
    dl->AddText({origin.x, y + 2.0f}, t.busy ? colors::kBusy : text, t.id.c_str());
    dl->AddRectFilled({m.left, y + 2.0f}, {m.right, y + kRow - 2.0f}, bg);
    for (const auto& i : t.busy_at) {
      const float a = m.px(i.begin_s);
      const float b = std::max(m.px(i.end_s), a + 1.0f);
      dl->AddRectFilled({a, y + 3.0f}, {b, y + kRow - 3.0f}, colors::kBusy);
    }
    const std::string& where = lines[static_cast<std::size_t>(&t - snap.technicians.data())];
    const ImVec2 lo{m.right + 8.0f, y};
    const ImVec2 hi_corner{origin.x + width, y + kRow};
    dl->PushClipRect(lo, hi_corner, true);
    dl->AddText({lo.x, y + 2.0f}, t.status == "travelling" ? colors::kDoor : text, where.c_str());
    dl->PopClipRect();
    y += kRow;
  }
  // Time axis below the rows.
  const int max_t = std::max(2, static_cast<int>((m.right - m.left) / 90.0f));
  const double step = plot::time_tick_step(hi, max_t);
  for (double t : plot::time_ticks(0.0, hi, max_t, snap.start_us, snap.utc_offset_s)) {
    const float x = m.px(t);
    dl->AddLine({x, origin.y}, {x, y}, grid);
    const auto us = snap.start_us + static_cast<std::int64_t>(std::llround(t * 1e6));
    dl->AddText({x - 16.0f, y + 1.0f}, text,
                plot::format_time_tick(us, snap.utc_offset_s, step, false).c_str());
  }
  ImGui::Dummy({width, y - origin.y + ImGui::GetTextLineHeight() + 4.0f});
}

}  // namespace labtwin::viz
