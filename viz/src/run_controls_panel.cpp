// Run controls: play/pause, step, speed, jump, scrub, the sim date-time and the alarm badge.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "labtwin/viz/panels.hpp"
#include "labtwin/viz/plot.hpp"
#include "labtwin/viz/theme.hpp"

namespace labtwin::viz {
namespace {

struct SpeedChoice {
  const char* label;
  double factor;
};
constexpr SpeedChoice kSpeeds[] = {{"real time", 1.0}, {"10x", 10.0},     {"60x", 60.0},
                                   {"600x", 600.0},    {"1 h/s", 3600.0}, {"6 h/s", 21600.0},
                                   {"1 d/s", 86400.0}, {"max", 0.0}};

std::string offset_text(std::int64_t s) {
  char buf[48];
  const std::int64_t a = s < 0 ? -s : s;
  std::snprintf(buf, sizeof buf, "%c%02lld:%02lld", s < 0 ? '-' : '+',
                static_cast<long long>(a / 3600), static_cast<long long>(a % 3600 / 60));
  return buf;
}

}  // namespace

void draw_run_controls(const Snapshot& snap, UiState& ui) {
  // The date-time first and large: it must always be visible.
  const auto now_us = snap.start_us + static_cast<std::int64_t>(std::llround(snap.now_s * 1e6));
  const std::string when =
      plot::format_datetime(now_us, snap.utc_offset_s) + " " + offset_text(snap.utc_offset_s);
  ImGui::SetWindowFontScale(1.35f);
  ImGui::TextUnformatted(when.c_str());
  ImGui::SetWindowFontScale(1.0f);
  ImGui::SameLine();
  ImGui::TextDisabled("%s  %s  day %.2f of %.2f", snap.scenario.c_str(),
                      snap.finished ? "finished" : (snap.paused ? "paused" : "running"),
                      snap.live_s / 86400.0, snap.horizon_s / 86400.0);
  if (!snap.source.empty()) {
    ImGui::SameLine();
    ImGui::TextColored({0.55f, 0.75f, 1.0f, 1.0f}, "playback of %s", snap.source.c_str());
  }
  if (snap.now_s < snap.live_s) {
    ImGui::SameLine();
    ImGui::TextColored({1.0f, 0.8f, 0.2f, 1.0f}, "(stored state; live %.2f h ahead)",
                       (snap.live_s - snap.now_s) / 3600.0);
  }

  if (!snap.error.empty()) {
    ImGui::SameLine();
    ImGui::TextColored({1.0f, 0.5f, 0.2f, 1.0f}, "%s", snap.error.c_str());
  }

  // Alarm badge: every raised alarm, in the alarm colour.
  ui.alarm_badge = {};
  int alarms = 0;
  std::string first;
  for (const auto& f : snap.freezers)
    if (f.alarm) {
      if (alarms++ == 0) first = f.id;
    }
  if (alarms > 0) {
    ImGui::SameLine();
    const std::string text =
        " ALARM " + first + (alarms > 1 ? " +" + std::to_string(alarms - 1) : "") + " ";
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
    const ImVec2 q(p.x + ts.x + 8.0f, p.y + ts.y + 6.0f);
    ImGui::GetWindowDrawList()->AddRectFilled(p, q, colors::kAlarm, 3.0f);
    ImGui::GetWindowDrawList()->AddText({p.x + 4.0f, p.y + 3.0f}, rgb(255, 255, 255), text.c_str());
    ImGui::Dummy({q.x - p.x, q.y - p.y});
    ui.alarm_badge = {p.x, p.y, q.x - p.x, q.y - p.y};
  }

  if (ImGui::Button(snap.paused ? "Play (space)" : "Pause (space)"))
    ui.outbox.push_back({snap.paused ? Command::Kind::kPlay : Command::Kind::kPause, 0.0});
  ImGui::SameLine();
  if (ImGui::Button("Step >")) ui.outbox.push_back({Command::Kind::kStep, ui.step_s});
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90);
  static constexpr const char* kStepLabels[] = {"1 min", "10 min", "1 h", "6 h"};
  static constexpr double kStepValues[] = {60, 600, 3600, 21600};
  int step_idx = 1;
  for (int i = 0; i < 4; ++i)
    if (ui.step_s == kStepValues[i]) step_idx = i;
  if (ImGui::Combo("step", &step_idx, kStepLabels, 4)) ui.step_s = kStepValues[step_idx];
  ImGui::SameLine();
  int speed_idx = -1;
  for (int i = 0; i < static_cast<int>(std::size(kSpeeds)); ++i)
    if (snap.speed == kSpeeds[i].factor) speed_idx = i;
  char custom[32];
  std::snprintf(custom, sizeof custom, "%gx", snap.speed);  // e.g. --speed 7200
  const char* speed_label = speed_idx >= 0 ? kSpeeds[speed_idx].label : custom;
  ImGui::SetNextItemWidth(110);
  if (ImGui::BeginCombo("speed", speed_label)) {
    for (int i = 0; i < static_cast<int>(std::size(kSpeeds)); ++i)
      if (ImGui::Selectable(kSpeeds[i].label, i == speed_idx))
        ui.outbox.push_back({Command::Kind::kSetSpeed, kSpeeds[i].factor});
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(210);
  const bool enter = ImGui::InputTextWithHint("##jump", "1h or 2026-03-07T03:30:00+01:00",
                                              &ui.jump_text, ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  if (ImGui::Button("Jump") || enter) {
    const double t = parse_time_arg(ui.jump_text, snap.start_us, ui.jump_error);
    if (t >= 0.0) {
      if (t > snap.live_s) {
        ui.outbox.push_back({Command::Kind::kJumpTo, t});
        ui.follow_now = true;
      } else {
        ui.follow_now = false;  // the past: scrub to the stored state
        ui.view_s = t;
      }
    }
  }
  ImGui::SameLine();
  ImGui::Checkbox("follow now (f)", &ui.follow_now);
  if (!ui.jump_error.empty()) {
    ImGui::SameLine();
    ImGui::TextColored({1, 0.4f, 0.3f, 1}, "%s", ui.jump_error.c_str());
  }

  // Scrubbing over the stored keyframes.
  float view = static_cast<float>(ui.follow_now ? snap.live_s : ui.view_s) / 3600.0f;
  ImGui::SetNextItemWidth(-1);
  const float max_h = std::max(static_cast<float>(snap.live_s / 3600.0), 1e-3f);
  if (ImGui::SliderFloat("##scrub", &view, 0.0f, max_h, "scrub: %.2f h since start")) {
    ui.view_s = static_cast<double>(view) * 3600.0;
    ui.follow_now = ui.view_s >= snap.live_s;
  }
}

}  // namespace labtwin::viz
