// The panels' pure logic: shortcuts, time arguments, filters, selection, status colours.
#include <algorithm>
#include <cctype>
#include <cmath>

#include "labtwin/sim/units.hpp"
#include "labtwin/viz/panels.hpp"
#include "labtwin/viz/plot.hpp"
#include "labtwin/viz/theme.hpp"

namespace labtwin::viz {
namespace {

bool contains_nocase(std::string_view hay, std::string_view needle) {
  if (needle.empty()) return true;
  const auto it =
      std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
      });
  return it != hay.end();
}

}  // namespace

void apply_shortcuts(const KeyInput& keys, const Snapshot& snap, UiState& ui) {
  if (keys.space) ui.outbox.push_back({Command::Kind::kTogglePause, 0.0});
  if (keys.follow) ui.follow_now = true;
  if (keys.left) {
    // The model never rewinds: going back means scrubbing through keyframes.
    const double from = ui.follow_now ? snap.live_s : ui.view_s;
    ui.follow_now = false;
    ui.view_s = std::max(0.0, from - ui.step_s);
  }
  if (keys.right) {
    if (ui.follow_now) {
      ui.outbox.push_back({Command::Kind::kStep, ui.step_s});
    } else {
      ui.view_s += ui.step_s;
      if (ui.view_s >= snap.live_s) ui.follow_now = true;
    }
  }
}

double parse_time_arg(std::string_view text, std::int64_t start_us, std::string& error) {
  error.clear();
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  if (text.empty()) {
    error = "expected a time like \"1h\" or \"2026-03-07T01:00:00+01:00\", got nothing";
    return -1.0;
  }
  // A date-time has a '-' after its 4-digit year; a duration never does.
  if (text.size() >= 10 && text[4] == '-') {
    const auto r = sim::units::parse_datetime(text);
    if (!r.ok()) {
      error = r.error;
      return -1.0;
    }
    if (r.value < start_us) {
      error = "time " + std::string(text) + " is before the scenario start";
      return -1.0;
    }
    return static_cast<double>(r.value - start_us) / 1e6;
  }
  const auto d = sim::units::parse_duration_ticks(text);
  if (!d.ok()) {
    error = d.error;
    return -1.0;
  }
  if (d.value < 0) {
    error = "time offset " + std::string(text) + " is negative";
    return -1.0;
  }
  return static_cast<double>(d.value) / 1e6;
}

std::vector<std::size_t> filter_events(const std::vector<EventRow>& events, std::string_view kind,
                                       std::string_view entity) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < events.size(); ++i)
    if (contains_nocase(events[i].kind, kind) && contains_nocase(events[i].entity, entity))
      out.push_back(i);
  return out;
}

long pick_freezer(const Snapshot& snap, const std::string& selected) {
  if (snap.freezers.empty()) return -1;
  if (!selected.empty())
    for (std::size_t i = 0; i < snap.freezers.size(); ++i)
      if (snap.freezers[i].id == selected) return static_cast<long>(i);
  long best = 0;
  int best_rank = 0;
  for (std::size_t i = 0; i < snap.freezers.size(); ++i) {
    const auto s = status_of(snap.freezers[i]);
    const int rank = s == FreezerStatus::kDamaged  ? 3
                     : s == FreezerStatus::kAlarm  ? 2
                     : s == FreezerStatus::kFailed ? 1
                                                   : 0;
    if (rank > best_rank) best = static_cast<long>(i), best_rank = rank;
  }
  return best;
}

double covered_fraction(const std::vector<Interval>& intervals, double lo, double hi) {
  if (!(hi > lo)) return 0.0;
  double sum = 0.0;
  for (const auto& i : intervals)
    sum += std::max(0.0, std::min(i.end_s, hi) - std::max(i.begin_s, lo));
  return sum / (hi - lo);
}

WarmingRisk warming_risk(const FreezerState& f, double window_s) {
  WarmingRisk r;
  const auto& t = f.history.t_s;
  const auto& v = f.history.payload_c;
  const std::size_t n = std::min(t.size(), v.size());
  if (n < 2 || !std::isfinite(f.damage_c)) return r;
  // The payload's mean rate over the last `window_s` (from the last sample at or before the
  // window's start, so a sparse recording still gives a rate).
  const double end = t[n - 1];
  std::size_t i = static_cast<std::size_t>(
      std::upper_bound(t.begin(), t.begin() + static_cast<long>(n), end - window_s) - t.begin());
  i = i == 0 ? 0 : i - 1;
  if (i >= n - 1 || !(end > t[i])) return r;
  r.rate_c_per_h = (v[n - 1] - v[i]) / (end - t[i]) * 3600.0;
  if (v[n - 1] >= f.damage_c) {
    r.seconds_to_damage = 0.0;
  } else if (r.rate_c_per_h > 1e-6) {
    r.seconds_to_damage = (f.damage_c - v[n - 1]) / r.rate_c_per_h * 3600.0;
  }
  return r;
}

std::uint32_t status_color(FreezerStatus s) {
  switch (s) {
    case FreezerStatus::kOk:
      return colors::kOk;
    case FreezerStatus::kDoorOpen:
      return colors::kDoor;
    case FreezerStatus::kFailed:
      return colors::kFailed;
    case FreezerStatus::kAlarm:
      return colors::kAlarm;
    case FreezerStatus::kDamaged:
      return colors::kDamaged;
  }
  return colors::kOk;
}

std::string technician_line(const TechnicianState& t, double now_s, std::int64_t start_us,
                            std::int64_t utc_offset_s) {
  const std::string here = t.location.empty() ? std::string("?") : t.location;
  std::string out;
  if (t.status == "travelling") {
    // What matters first (clipped on the right in a narrow panel): where to and when.
    out = "to " + (t.destination.empty() ? std::string("?") : t.destination);
    if (t.eta_s >= 0.0) {
      const auto us = start_us + static_cast<std::int64_t>(std::llround(t.eta_s * 1e6));
      out += ", ETA " + plot::format_time_tick(us, utc_offset_s, 60.0, false);
      if (t.eta_s > now_s) out += " (in " + format_value(t.eta_s - now_s, "s") + ")";
    }
    out += ", from " + here;
  } else {
    std::string st = t.status.empty() ? std::string(t.busy ? "busy" : "idle") : t.status;
    std::replace(st.begin(), st.end(), '_', ' ');  // off_shift -> off shift
    out = here + ", " + st;
  }
  if (!t.ticket.empty()) out += ": " + t.ticket;
  return out;
}

FreezerState freezer_config(const FreezerState& f) {
  FreezerState c;
  c.id = f.id;
  c.site = f.site;
  c.room = f.room;
  c.setpoint_c = f.setpoint_c;
  c.alarm_high_c = f.alarm_high_c;
  c.damage_c = f.damage_c;
  c.backup = f.backup;
  return c;
}

std::uint8_t microgrid_status(const MicrogridState& m) {
  if (!m.shed.empty()) return 2;
  return m.grid_up ? 0 : 1;
}

void add_microgrid(Snapshot& snap, MicrogridState m) {
  const std::uint8_t st = microgrid_status(m);
  const std::string prefix = m.site + "/";
  for (auto& n : snap.map_nodes) {
    const bool part =
        n.kind == "grid" || n.kind == "pv" || n.kind == "battery" || n.kind == "generator";
    if (part && n.id.rfind(prefix, 0) == 0) n.status = st;
  }
  snap.microgrids.push_back(std::move(m));
}

}  // namespace labtwin::viz
