// The time plot widget on ImDrawList.
#include "labtwin/viz/time_plot.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "labtwin/viz/theme.hpp"

namespace labtwin::viz {
namespace {

constexpr float kLeftMargin = 64.0f;    // y tick labels
constexpr float kBottomMargin = 20.0f;  // x tick labels
constexpr float kBandHeight = 6.0f;

// Reused across frames: decimation output (no allocation per frame once grown).
std::vector<plot::Point>& scratch() {
  static thread_local std::vector<plot::Point> pts;
  return pts;
}
std::vector<ImVec2>& scratch_px() {
  static thread_local std::vector<ImVec2> pts;
  return pts;
}

}  // namespace

TimePlot::TimePlot(const TimePlotSpec& spec) : spec_(spec) {
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = std::max(ImGui::GetContentRegionAvail().x, 120.0f);
  const ImVec2 size(width, std::max(spec.height, 60.0f));
  ImGui::InvisibleButton(spec.id, size);
  hovered_ = ImGui::IsItemHovered();
  clicked_ = ImGui::IsItemClicked();
  map_.x_lo = spec.x_lo;
  map_.x_hi = spec.x_hi > spec.x_lo ? spec.x_hi : spec.x_lo + 1.0;
  map_.y_lo = spec.y_lo;
  map_.y_hi = spec.y_hi > spec.y_lo ? spec.y_hi : spec.y_lo + 1.0;
  map_.left = origin.x + kLeftMargin;
  map_.right = origin.x + size.x - 8.0f;
  map_.top = origin.y + 4.0f;
  map_.bottom = origin.y + size.y - kBottomMargin;

  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 frame = ImGui::GetColorU32(ImGuiCol_FrameBg);
  const ImU32 grid = ImGui::GetColorU32(ImGuiCol_Border);
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  dl->AddRectFilled({map_.left, map_.top}, {map_.right, map_.bottom}, frame);
  // y ticks with units
  const auto yt =
      plot::nice_ticks(map_.y_lo, map_.y_hi, std::max(2, static_cast<int>(size.y / 40)));
  const double ystep = yt.size() > 1 ? yt[1] - yt[0] : 1.0;
  for (double v : yt) {
    const float y = map_.py(v);
    dl->AddLine({map_.left, y}, {map_.right, y}, grid);
    const std::string label = plot::format_value(v, ystep, spec.y_unit);
    const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
    dl->AddText({map_.left - ts.x - 4.0f, y - ts.y * 0.5f}, text, label.c_str());
  }
  // x ticks in local sim date-time; the first label carries the date
  const int max_xt = std::max(2, static_cast<int>((map_.right - map_.left) / 90.0f));
  const auto xt = plot::time_ticks(map_.x_lo, map_.x_hi, max_xt, spec.origin_us, spec.utc_offset_s);
  const double xstep = plot::time_tick_step(map_.x_hi - map_.x_lo, max_xt);
  bool first = true;
  float free_from = -1e9f;  // labels never overlap: skip one that would
  for (double t : xt) {
    const float x = map_.px(t);
    dl->AddLine({x, map_.top}, {x, map_.bottom}, grid);
    const auto us = spec.origin_us + static_cast<std::int64_t>(std::llround(t * 1e6));
    const std::string label = plot::format_time_tick(us, spec.utc_offset_s, xstep, first);
    first = false;
    const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
    const float lx = std::clamp(x - ts.x * 0.5f, map_.left, map_.right - ts.x);
    if (lx < free_from) continue;
    dl->AddText({lx, map_.bottom + 2.0f}, text, label.c_str());
    free_from = lx + ts.x + 6.0f;
  }
  dl->AddRect({map_.left, map_.top}, {map_.right, map_.bottom}, grid);
}

void TimePlot::line(std::span<const double> x, std::span<const double> y, std::uint32_t color,
                    const char* label, float thickness) {
  auto& pts = scratch();
  plot::decimate(x, y, map_.x_lo, map_.x_hi, static_cast<int>(map_.right - map_.left), pts);
  auto& px = scratch_px();
  px.clear();
  for (const auto& p : pts) px.push_back({map_.px(p.x), map_.py(p.y)});
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect({map_.left, map_.top}, {map_.right, map_.bottom}, true);
  if (px.size() >= 2)
    dl->AddPolyline(px.data(), static_cast<int>(px.size()), color, ImDrawFlags_None, thickness);
  dl->PopClipRect();
  series_.push_back({x, y, color, label});
}

void TimePlot::hline(double y, std::uint32_t color, const char* label) {
  if (!(y >= map_.y_lo && y <= map_.y_hi)) return;  // also skips unknown (NaN) limits
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float py = map_.py(y);
  // Dashed, so limits read differently from data lines.
  for (float x = map_.left; x < map_.right; x += 12.0f)
    dl->AddLine({x, py}, {std::min(x + 7.0f, map_.right), py}, color, 1.5f);
  const ImVec2 ts = ImGui::CalcTextSize(label);
  dl->AddText({map_.right - ts.x - 4.0f, py - ts.y - 1.0f}, color, label);
}

void TimePlot::vline(double x, std::uint32_t color) {
  if (x < map_.x_lo || x > map_.x_hi) return;
  const float px = map_.px(x);
  ImGui::GetWindowDrawList()->AddLine({px, map_.top}, {px, map_.bottom}, color, 1.0f);
}

void TimePlot::band(const std::vector<Interval>& intervals, int row, std::uint32_t color) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float y1 = map_.bottom - 1.0f - static_cast<float>(row) * (kBandHeight + 1.0f);
  const float y0 = y1 - kBandHeight;
  // Intervals are in time order: skip those left of the view, stop right of it.
  const auto first = std::lower_bound(intervals.begin(), intervals.end(), map_.x_lo,
                                      [](const Interval& i, double t) { return i.end_s < t; });
  for (auto it = first; it != intervals.end() && it->begin_s <= map_.x_hi; ++it) {
    const float a = std::max(map_.px(it->begin_s), map_.left);
    const float b = std::min(map_.px(it->end_s), map_.right);
    dl->AddRectFilled({a, y0}, {std::max(b, a + 1.0f), y1}, color);
  }
}

double TimePlot::finish() {
  if (!hovered_) return -1.0;
  const ImVec2 m = ImGui::GetIO().MousePos;
  if (m.x < map_.left || m.x > map_.right) return -1.0;
  const double t = map_.x_at(m.x);
  vline(t, ImGui::GetColorU32(ImGuiCol_Text));
  ImGui::BeginTooltip();
  const auto us = spec_.origin_us + static_cast<std::int64_t>(std::llround(t * 1e6));
  ImGui::TextUnformatted(plot::format_datetime(us, spec_.utc_offset_s).c_str());
  for (const auto& s : series_) {
    const long i = plot::nearest_index(s.x, t);
    if (i < 0 || static_cast<std::size_t>(i) >= s.y.size()) continue;
    const auto c = ImGui::ColorConvertU32ToFloat4(s.color);
    ImGui::TextColored(c, "%s: %.2f %s", s.label, s.y[static_cast<std::size_t>(i)], spec_.y_unit);
  }
  ImGui::EndTooltip();
  return t;
}

}  // namespace labtwin::viz
