// Playback of a recorded run: snapshots at a cursor, computed from the recorded history.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "labtwin/viz/recording.hpp"

namespace labtwin::viz {
namespace {

// The intervals up to `t`, the one containing t ending there.
std::vector<Interval> clip_to(const std::vector<Interval>& src, double t) {
  std::vector<Interval> out;
  for (const auto& i : src) {
    if (i.begin_s > t) break;
    out.push_back({i.begin_s, std::min(i.end_s, t)});
  }
  return out;
}

// True when some interval holds t (begin <= t < end).
bool inside(const std::vector<Interval>& iv, double t) {
  const auto it = std::upper_bound(iv.begin(), iv.end(), t,
                                   [](double x, const Interval& i) { return x < i.begin_s; });
  return it != iv.begin() && t < std::prev(it)->end_s;
}

// A site microgrid at t from its recorded series; the history on a regular grid up to t (at
// most ~2,000 points, at least a minute apart, like the live session's samples).
MicrogridState microgrid_at(const MicrogridHistory& h, double t, double horizon, bool history) {
  MicrogridState m;
  m.site = h.site;
  m.capacity_wh = h.capacity_wh;
  m.soc = interpolate_at(h.soc.t_s, h.soc.v, t);
  if (std::isnan(m.soc)) m.soc = 0.0;
  m.pv_w = value_at(h.pv, t);
  m.demand_w = value_at(h.demand, t);
  m.served_w = value_at(h.served, t);
  m.import_w = value_at(h.import_w, t);
  m.grid_up = !inside(h.islanded, t);
  m.pv_used_w = std::min(m.pv_w, m.served_w);  // not recorded: an upper bound
  // Which loads were shed is not recorded, only that some were.
  if (inside(h.shedding, t)) m.shed = {"some loads (which: not recorded)"};
  if (!history) return m;
  const double step = std::max(60.0, horizon / 2000.0);
  for (double x = 0.0;; x += step) {
    const double at = std::min(x, t);
    m.t_s.push_back(at);
    const double soc = interpolate_at(h.soc.t_s, h.soc.v, at);
    m.soc_hist.push_back(std::isnan(soc) ? 0.0 : soc);
    m.pv_hist.push_back(value_at(h.pv, at));
    m.demand_hist.push_back(value_at(h.demand, at));
    m.served_hist.push_back(value_at(h.served, at));
    if (at >= t) break;
  }
  m.islanded = clip_to(h.islanded, t);
  m.shedding = clip_to(h.shedding, t);
  return m;
}

}  // namespace

double value_at(const StepSeries& s, double t_s, double before) {
  const auto it = std::upper_bound(s.t_s.begin(), s.t_s.end(), t_s);
  if (it == s.t_s.begin()) return before;
  return s.v[static_cast<std::size_t>(it - s.t_s.begin()) - 1];
}

double interpolate_at(const std::vector<double>& t, const std::vector<double>& v, double at) {
  const std::size_t n = std::min(t.size(), v.size());
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  if (at <= t[0]) return v[0];
  if (at >= t[n - 1]) return v[n - 1];
  const auto i = static_cast<std::size_t>(
      std::upper_bound(t.begin(), t.begin() + static_cast<long>(n), at) - t.begin());
  const double t0 = t[i - 1], t1 = t[i];
  if (!(t1 > t0)) return v[i];
  return v[i - 1] + (v[i] - v[i - 1]) * (at - t0) / (t1 - t0);
}

Snapshot recording_at(const Recording& rec, double t_s, bool with_history, std::size_t event_tail) {
  const Snapshot& run = rec.run;
  const double t = std::clamp(t_s, 0.0, run.horizon_s);
  Snapshot s;
  s.version = 0;
  s.scenario = run.scenario;
  s.start_us = run.start_us;
  s.utc_offset_s = run.utc_offset_s;
  s.now_s = t;
  s.live_s = t;
  s.horizon_s = run.horizon_s;
  s.paused = true;
  s.finished = t >= run.horizon_s;
  s.error = run.error;
  s.source = run.source;
  s.kpis_final = true;
  s.sites = run.sites;
  s.map_nodes = run.map_nodes;
  s.map_edges = run.map_edges;
  s.kpis = run.kpis;
  s.dtn = run.dtn;
  update_dtn(s);  // counts from the final KPIs; contacts open at t on the map
  // Events up to t (the tail), and the freezer facts they carry.
  const auto end = std::upper_bound(run.events.begin(), run.events.end(), t,
                                    [](double x, const EventRow& e) { return x < e.t_s; });
  const auto n_events = static_cast<std::size_t>(end - run.events.begin());
  s.events_total = n_events;
  const std::size_t first = n_events > event_tail ? n_events - event_tail : 0;
  s.events.assign(run.events.begin() + static_cast<long>(first), end);
  s.freezers.reserve(run.freezers.size());
  for (const auto& src : run.freezers) {
    FreezerState f = freezer_config(src);
    const auto& h = src.history;
    f.air_c = interpolate_at(h.t_s, h.air_c, t);
    f.payload_c = interpolate_at(h.t_s, h.payload_c, t);
    f.compressor = inside(h.compressor, t);
    f.door = inside(h.door, t);
    f.alarm = inside(h.alarm, t);
    if (with_history) {
      const auto k =
          static_cast<long>(std::upper_bound(h.t_s.begin(), h.t_s.end(), t) - h.t_s.begin());
      f.history.t_s.assign(h.t_s.begin(), h.t_s.begin() + k);
      f.history.air_c.assign(h.air_c.begin(), h.air_c.begin() + k);
      f.history.payload_c.assign(h.payload_c.begin(), h.payload_c.begin() + k);
      f.history.compressor = clip_to(h.compressor, t);
      f.history.door = clip_to(h.door, t);
      f.history.alarm = clip_to(h.alarm, t);
    }
    s.freezers.push_back(std::move(f));
  }
  // Failure and damage are facts of the event log (as in the live session).
  for (auto e = run.events.begin(); e != end; ++e) {
    if (e->kind.rfind("freezer.", 0) != 0) continue;
    for (auto& f : s.freezers) {
      if (f.id != e->entity) continue;
      if (e->kind == "freezer.compressor_failure") f.failed = true;
      if (e->kind == "freezer.repaired") f.failed = false;
      if (e->kind == "freezer.damage") f.damaged = true;
    }
  }
  for (const auto& src : run.technicians) {
    TechnicianState c;
    c.id = src.id;
    c.site = src.site;
    c.location = src.location;
    c.busy = inside(src.busy_at, t);
    if (with_history) c.busy_at = clip_to(src.busy_at, t);
    s.technicians.push_back(std::move(c));
  }
  for (const auto& h : rec.microgrids) {
    MicrogridState m = microgrid_at(h, t, run.horizon_s, with_history);
    add_microgrid(s, std::move(m));
  }
  if (rec.has_ledger) {
    fold_ledger(rec.ledger, t, run.start_us, s.lots, s.open_orders);
    s.has_ledger = true;
  }
  for (std::size_t i = 0; i < run.items.size(); ++i) {
    ItemLevel l = run.items[i];
    if (i < rec.items.size()) {
      const auto& h = rec.items[i];
      l.on_hand = value_at(h.on_hand, t);
      l.available = value_at(h.available, t);
      l.on_order = value_at(h.on_order, t);
      l.backorders = value_at(h.backorders, t);
    }
    s.items.push_back(std::move(l));
  }
  return s;
}

RecordedSession::RecordedSession(std::shared_ptr<const Recording> rec,
                                 const PlaybackOptions& options)
    : rec_(std::move(rec)), options_(options) {
  if (!rec_) throw std::invalid_argument("recorded session: no recording");
  if (!(options_.speed >= 0.0) || !std::isfinite(options_.speed))
    throw std::invalid_argument("playback speed must be >= 0 (0 = straight to the end)");
  cursor_ = std::clamp(options_.start_s, 0.0, rec_->run.horizon_s);
  paused_ = options_.start_paused;
  speed_ = options_.speed;
  last_wall_ = std::chrono::steady_clock::now();
}

void RecordedSession::advance_locked() const {
  const auto wall = std::chrono::steady_clock::now();
  const double dt = std::min(std::chrono::duration<double>(wall - last_wall_).count(), 0.25);
  last_wall_ = wall;
  const double horizon = rec_->run.horizon_s;
  if (!paused_ && cursor_ < horizon) {
    cursor_ = speed_ > 0.0 ? std::min(horizon, cursor_ + speed_ * dt) : horizon;
    ++version_;
  }
}

void RecordedSession::submit(const Command& c) {
  std::lock_guard lock(mutex_);
  advance_locked();
  const double horizon = rec_->run.horizon_s;
  switch (c.kind) {
    case Command::Kind::kPlay:
      paused_ = false;
      break;
    case Command::Kind::kPause:
      paused_ = true;
      break;
    case Command::Kind::kTogglePause:
      paused_ = !paused_;
      break;
    case Command::Kind::kStep:
      if (c.value > 0.0 && std::isfinite(c.value)) cursor_ = std::min(horizon, cursor_ + c.value);
      break;
    case Command::Kind::kSetSpeed:
      if (c.value >= 0.0 && std::isfinite(c.value)) speed_ = c.value;
      break;
    case Command::Kind::kJumpTo:
      if (std::isfinite(c.value) && c.value > cursor_) cursor_ = std::min(horizon, c.value);
      break;
  }
  ++version_;  // republish even when only the pause state changed
}

std::shared_ptr<const Snapshot> RecordedSession::snapshot() const {
  std::lock_guard lock(mutex_);
  advance_locked();
  if (!latest_ || latest_->version != version_) {
    auto s = std::make_shared<Snapshot>(recording_at(*rec_, cursor_, true, options_.event_tail));
    s->paused = paused_;
    s->speed = speed_;
    s->version = version_;
    latest_ = std::move(s);
  }
  return latest_;
}

std::shared_ptr<const Snapshot> RecordedSession::keyframe_at(double t_s) const {
  std::lock_guard lock(mutex_);
  if (!(t_s >= 0.0)) return nullptr;
  const double t = std::min(t_s, cursor_);
  if (key_ && key_->now_s == t) return key_;
  auto k = std::make_shared<Snapshot>(recording_at(*rec_, t, false, 0));
  k->paused = paused_;
  k->speed = speed_;
  key_ = k;
  return k;
}

double RecordedSession::cursor() const {
  std::lock_guard lock(mutex_);
  return cursor_;
}

}  // namespace labtwin::viz
