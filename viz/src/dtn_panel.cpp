// DTN: bundle counts, the contacts open now and the next ones, a contact timeline (one row per
// direction, bars over time around now) and each node's bundle storage.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "labtwin/viz/panels.hpp"
#include "labtwin/viz/plot.hpp"
#include "labtwin/viz/theme.hpp"

namespace labtwin::viz {
namespace {

std::string count(double v) { return v < 0 ? std::string("?") : std::to_string(std::llround(v)); }

std::string bytes(double b) {
  char buf[32];
  if (b < 0) return "?";
  if (b >= 1e6)
    std::snprintf(buf, sizeof buf, "%.2f MB", b / 1e6);
  else if (b >= 1e3)
    std::snprintf(buf, sizeof buf, "%.1f kB", b / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.0f B", b);
  return buf;
}

std::string clock_at(const Snapshot& snap, double t_s) {
  const auto us = snap.start_us + static_cast<std::int64_t>(std::llround(t_s * 1e6));
  return plot::format_time_tick(us, snap.utc_offset_s, 60.0, true);
}

}  // namespace

std::vector<std::pair<std::uint64_t, std::uint64_t>> contact_rows(const DtnState& dtn) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> rows;
  if (!dtn.contacts) return rows;
  for (const auto& c : *dtn.contacts)
    if (std::find(rows.begin(), rows.end(), std::make_pair(c.from, c.to)) == rows.end())
      rows.emplace_back(c.from, c.to);
  std::sort(rows.begin(), rows.end());
  return rows;
}

void draw_dtn_panel(const Snapshot& snap, UiState& ui) {
  ui.dtn_timeline = {};
  const DtnState& d = snap.dtn;
  if (!d.enabled) {
    ImGui::TextDisabled("no DTN links in this scenario");
    return;
  }
  ImGui::Text("HQ %s   bundles sent %s, delivered %s, expired %s, dropped %s, pending %s%s",
              d.hq.c_str(), count(d.bundles).c_str(), count(d.delivered).c_str(),
              count(d.expired).c_str(), count(d.dropped).c_str(), count(d.pending).c_str(),
              snap.kpis_final ? " (run end)" : "");
  const auto open = open_contacts(d, snap.now_s);
  const auto next = next_contacts(d, snap.now_s, 3);
  std::string line;
  for (std::size_t i : open) {
    const auto& c = (*d.contacts)[i];
    char buf[96];
    std::snprintf(buf, sizeof buf, "%s%llu->%llu until %s", line.empty() ? "" : ", ",
                  static_cast<unsigned long long>(c.from), static_cast<unsigned long long>(c.to),
                  clock_at(snap, c.end_s).c_str());
    line += buf;
  }
  if (open.empty())
    ImGui::TextDisabled("no contact open now");
  else
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colors::kContactOpen), "open: %s",
                       line.c_str());
  line.clear();
  for (std::size_t i : next) {
    const auto& c = (*d.contacts)[i];
    char buf[120];
    std::snprintf(buf, sizeof buf, "%s%llu->%llu %s (in %s)", line.empty() ? "" : ", ",
                  static_cast<unsigned long long>(c.from), static_cast<unsigned long long>(c.to),
                  clock_at(snap, c.start_s).c_str(),
                  format_value(c.start_s - snap.now_s, "s").c_str());
    line += buf;
  }
  ImGui::Text("next: %s", line.empty() ? "none in the plan" : line.c_str());

  // The timeline: a quarter of the window before now, the rest ahead.
  ImGui::SetNextItemWidth(90);
  static constexpr const char* kSpans[] = {"24 h", "48 h", "7 d"};
  static constexpr double kSpanS[] = {86400.0, 172800.0, 604800.0};
  int span_idx = 1;
  for (int i = 0; i < 3; ++i)
    if (ui.dtn_span_s == kSpanS[i]) span_idx = i;
  if (ImGui::Combo("window##dtn", &span_idx, kSpans, 3)) ui.dtn_span_s = kSpanS[span_idx];
  const double span = kSpanS[span_idx];
  const auto rows = contact_rows(d);
  constexpr float kName = 70.0f, kRow = 16.0f;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = std::max(ImGui::GetContentRegionAvail().x, kName + 60.0f);
  plot::Mapping m;
  m.x_lo = snap.now_s - span * 0.25;
  m.x_hi = m.x_lo + span;
  m.left = origin.x + kName;
  m.right = origin.x + width - 6.0f;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 grid = ImGui::GetColorU32(ImGuiCol_Border);
  const ImU32 bg = ImGui::GetColorU32(ImGuiCol_FrameBg);
  const float rows_h = kRow * static_cast<float>(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r)
    dl->AddRectFilled({m.left, origin.y + kRow * static_cast<float>(r) + 2.0f},
                      {m.right, origin.y + kRow * static_cast<float>(r + 1) - 2.0f}, bg);
  // "Now" behind the bars, so an open contact shows in its own colour.
  const float xn = m.px(snap.now_s);
  dl->AddLine({xn, origin.y}, {xn, origin.y + rows_h}, colors::kNow, 1.0f);
  float y = origin.y;
  for (const auto& [from, to] : rows) {
    char name[48];
    std::snprintf(name, sizeof name, "%llu -> %llu", static_cast<unsigned long long>(from),
                  static_cast<unsigned long long>(to));
    dl->AddText({origin.x, y + 1.0f}, text, name);
    for (const auto& c : *d.contacts) {
      if (c.from != from || c.to != to || c.end_s < m.x_lo || c.start_s > m.x_hi) continue;
      const bool is_open = c.start_s <= snap.now_s && snap.now_s < c.end_s;
      // At least 3 px (an open one 5 px, centred on now) so short passes stay visible.
      float a = std::max(m.px(c.start_s), m.left);
      float b = std::min(std::max(m.px(c.end_s), a + 3.0f), m.right);
      if (is_open && b - a < 5.0f) a = xn - 2.5f, b = xn + 2.5f;
      dl->AddRectFilled({a, y + 3.0f}, {b, y + kRow - 3.0f},
                        is_open ? colors::kContactOpen : colors::kContact);
    }
    y += kRow;
  }
  const int max_t = std::max(2, static_cast<int>((m.right - m.left) / 90.0f));
  const double step = plot::time_tick_step(span, max_t);
  for (double t : plot::time_ticks(m.x_lo, m.x_hi, max_t, snap.start_us, snap.utc_offset_s)) {
    const float x = m.px(t);
    dl->AddLine({x, origin.y}, {x, y}, grid);
    const auto us = snap.start_us + static_cast<std::int64_t>(std::llround(t * 1e6));
    dl->AddText(
        {x - 16.0f, y + 1.0f}, text,
        plot::format_time_tick(us, snap.utc_offset_s, step, step < 86400.0 && span > 86400.0)
            .c_str());
  }
  ui.dtn_timeline = {m.left, origin.y, m.right - m.left, y - origin.y};
  ImGui::Dummy({width, y - origin.y + ImGui::GetTextLineHeight() + 4.0f});

  // Storage of each node against its limit: now (filled; the time-mean instead when "now" is
  // unknown, as in a played-back file), the time-mean (white tick) and the peak (amber tick).
  for (const auto& n : d.nodes) {
    const ImVec2 o = ImGui::GetCursorScreenPos();
    char name[64];
    std::snprintf(name, sizeof name, "ipn:%llu %s", static_cast<unsigned long long>(n.node),
                  n.site.empty() ? "relay" : n.site.c_str());
    dl->AddText({o.x, o.y}, text, name);
    const float left = o.x + 110.0f, right = o.x + std::min(width * 0.5f, 360.0f);
    dl->AddRectFilled({left, o.y + 2}, {right, o.y + kRow - 2}, bg);
    if (n.storage_limit > 0 && n.storage_mean >= 0) {
      const auto frac = [&](double b) {
        return left +
               static_cast<float>(std::clamp(b / n.storage_limit, 0.0, 1.0)) * (right - left);
      };
      const double fill = n.stored_now >= 0 ? n.stored_now : n.storage_mean;
      dl->AddRectFilled({left, o.y + 3}, {std::max(frac(fill), left + 1), o.y + kRow - 3},
                        colors::kContact);
      if (n.stored_now >= 0) {
        const float xm = frac(n.storage_mean);
        dl->AddLine({xm, o.y + 1}, {xm, o.y + kRow - 1}, text, 1.0f);
      }
      const float xp = frac(n.storage_peak);
      dl->AddLine({xp, o.y + 1}, {xp, o.y + kRow - 1}, colors::kIslanded, 2.0f);
    }
    std::string info;
    if (n.queued_now >= 0) {
      char now[64];
      std::snprintf(now, sizeof now, "now %.0f (", n.queued_now);
      info = now + bytes(n.stored_now) + "), ";
    }
    info += "mean " + bytes(n.storage_mean) + ", peak " + bytes(n.storage_peak) + " / " +
            bytes(n.storage_limit);
    dl->AddText({right + 8, o.y}, text, info.c_str());
    ImGui::Dummy({width, kRow});
  }
}

}  // namespace labtwin::viz
