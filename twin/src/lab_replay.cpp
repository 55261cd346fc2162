// [SECTION] The lab twin's signals (what a recorder or a GUI can watch) and telemetry replay
// (recorded signals that replace the physical models'). See docs/telemetry.md.
#include <algorithm>

#include "lab_model_impl.hpp"

namespace labtwin::twin {
using namespace detail;  // NOLINT(google-build-using-namespace): this file implements them

// [SECTION] Replay tracks --------------------------------------------------------------------

std::size_t ReplayTrack::segment(double t) const {
  const auto it = std::upper_bound(t_s.begin(), t_s.end(), t);
  return it == t_s.begin() ? 0 : static_cast<std::size_t>(it - t_s.begin()) - 1;
}

double ReplayTrack::at(double t, GapMode mode) const {
  if (t <= t_s.front()) return value.front();
  if (t >= t_s.back()) return value.back();
  const std::size_t i = segment(t);
  if (mode == GapMode::kHold || t_s[i + 1] == t_s[i]) return value[i];
  const double w = (t - t_s[i]) / (t_s[i + 1] - t_s[i]);
  return value[i] + w * (value[i + 1] - value[i]);
}

namespace {

constexpr const char* kFreezerSignals[] = {"air_temperature", "payload_temperature", "compressor"};
constexpr double kDerivedStepSeconds = 60.0;  // resolution of a payload derived from air

// Payload temperature driven by a recorded air temperature through the payload node alone:
// C_p dTp/dt = UA_ap (Ta - Tp). With Ta linear over a step (slope b), u = Tp - Ta obeys
// u' = -u/tau - b, so u(dt) = -b tau + (u0 + b tau) exp(-dt/tau): exact per step.
ReplayTrack derive_payload(const ReplayTrack& air, GapMode mode, const FreezerParams& p,
                           double payload0, double end_s) {
  ReplayTrack out;
  out.entity = air.entity;
  out.signal = "payload_temperature";
  out.source = "derived from " + air.source;
  const double tau = p.payload_capacity_j_per_k / p.ua_air_payload_w_per_k;
  std::vector<double> knots{0.0};
  for (double t : air.t_s)
    if (t > 0.0 && t < end_s) knots.push_back(t);
  knots.push_back(end_s);
  double tp = payload0;
  out.t_s.push_back(0.0);
  out.value.push_back(tp);
  for (std::size_t k = 0; k + 1 < knots.size(); ++k) {
    const double t0 = knots[k], t1 = knots[k + 1];
    const int steps = std::max(1, static_cast<int>(std::ceil((t1 - t0) / kDerivedStepSeconds)));
    const double h = (t1 - t0) / steps;
    for (int j = 0; j < steps; ++j) {
      const double a = t0 + j * h, b_t = a + h;
      const double ta0 = air.at(a, mode), ta1 = air.at(b_t, mode);
      const double slope = mode == GapMode::kHold ? 0.0 : (ta1 - ta0) / h;
      const double u0 = tp - ta0;
      const double u1 = -slope * tau + (u0 + slope * tau) * std::exp(-h / tau);
      tp = (mode == GapMode::kHold ? ta0 : ta1) + u1;
      out.t_s.push_back(b_t);
      out.value.push_back(tp);
    }
  }
  return out;
}

}  // namespace

const ReplayTrack* LabModel::Impl::track_for(const std::string& entity, const char* signal) const {
  if (replay == nullptr) return nullptr;
  for (const auto& t : replay->tracks)
    if (t.entity == entity && t.signal == signal) return &t;
  return nullptr;
}

double LabModel::Impl::replay_ambient_from(const ReplayTrack& track, double t) const {
  // The room is a step input of the thermal model (keeps it exact): over each recorded
  // interval it takes the interval's mean under the gap mode.
  const std::size_t i = track.segment(t);
  if (t < track.t_s.front() || i + 1 >= track.t_s.size()) return track.at(t, GapMode::kHold);
  return gap_mode == GapMode::kHold ? track.value[i] : 0.5 * (track.value[i] + track.value[i + 1]);
}

void LabModel::Impl::schedule_replay_ambient(std::size_t si) {
  const ReplayTrack& track = *rp_ambient[si];
  for (std::size_t i = 0; i < track.t_s.size(); ++i) {
    const double t = track.t_s[i];
    if (t <= 0.0) continue;
    if (t > end.seconds()) break;
    if (i > 0 && t == track.t_s[i - 1]) continue;
    sim.schedule_at(
        sim::Time::from_seconds(t),
        [this, si] { set_site_ambient(si, replay_ambient_from(*rp_ambient[si], now_s())); }, 0,
        kReplayAmbient, static_cast<std::uint32_t>(si));
  }
}

void LabModel::Impl::set_site_ambient(std::size_t si, double t_amb) {
  site_ambient[si] = t_amb;
  for (std::size_t f = 0; f < freezers.size(); ++f) {
    if (freezers[f].site != si) continue;
    sync(f);
    freezers[f].model.set_ambient(t_amb);
    reschedule(f);
  }
  if (signals.listened()) signals.emit(site_sig[si], sim.now(), t_amb);
}

void LabModel::Impl::setup_replay() {
  if (replay == nullptr) return;
  for (const auto& tr : replay->tracks) {
    const std::string where = "telemetry: " + tr.source + " -> " + tr.entity + "/" + tr.signal;
    if (tr.t_s.empty() || tr.t_s.size() != tr.value.size())
      throw std::invalid_argument(where + ": no samples");
    for (std::size_t i = 0; i < tr.t_s.size(); ++i) {
      if (!std::isfinite(tr.t_s[i]) || !std::isfinite(tr.value[i]))
        throw std::invalid_argument(where + ": sample " + std::to_string(i) + " is not finite");
      if (i > 0 && tr.t_s[i] < tr.t_s[i - 1])
        throw std::invalid_argument(where + ": times go backwards at sample " + std::to_string(i));
    }
    if (tr.signal == "ambient_temperature") {
      bool site = false;
      for (const auto& s : sc.sites) site |= s.id == tr.entity;
      if (!site) throw std::invalid_argument(where + ": no site '" + tr.entity + "'");
      continue;
    }
    auto it = freezer_index.find(tr.entity);
    if (it == freezer_index.end())
      throw std::invalid_argument(where + ": no freezer or site '" + tr.entity + "'");
    if (std::find_if(std::begin(kFreezerSignals), std::end(kFreezerSignals),
                     [&](const char* n) { return tr.signal == n; }) == std::end(kFreezerSignals))
      throw std::invalid_argument(where + ": cannot replay '" + tr.signal +
                                  "' (replayable: " + kReplayableSignals + ")");
    auto& fz = freezers[it->second];
    (tr.signal == "air_temperature"       ? fz.rp_air
     : tr.signal == "payload_temperature" ? fz.rp_payload
                                          : fz.rp_comp) = &tr;
  }
  for (std::size_t f = 0; f < freezers.size(); ++f) {
    auto& fz = freezers[f];
    if (fz.rp_air) schedule_track_crossings(f, *fz.rp_air, fz.def.alarm_high_c, true);
    if (!fz.model.params().damage_limits.empty()) {
      const double limit = fz.model.params().damage_limits.front().payload_limit_c;
      if (fz.rp_payload) {
        schedule_track_crossings(f, *fz.rp_payload, limit, false);
      } else if (fz.rp_air) {
        fz.derived_payload = derive_payload(*fz.rp_air, gap_mode, fz.model.params(),
                                            fz.model.payload_c(), end.seconds());
        schedule_track_crossings(f, fz.derived_payload, limit, false);
      }
    }
  }
  for (const auto& tr : replay->tracks) schedule_gaps(tr);
}

void LabModel::Impl::schedule_track_crossings(std::size_t f, const ReplayTrack& track, double level,
                                              bool alarm) {
  // Threshold crossings of the track read by the gap mode; those at or before the start only
  // set the initial state, which becomes an event at time zero when above the level.
  const GapMode mode = &track == &freezers[f].derived_payload ? GapMode::kLinear : gap_mode;
  const auto rising = alarm ? FreezerEventKind::kAlarmHigh : FreezerEventKind::kDamageLimit;
  const auto falling = alarm ? FreezerEventKind::kAlarmClear : FreezerEventKind::kDamageRecovered;
  auto schedule = [&](double t, FreezerEventKind kind) {
    const std::uint32_t code =
        static_cast<std::uint32_t>(f) << 3 | static_cast<std::uint32_t>(kind);
    const int index = alarm ? -1 : 0;
    sim.schedule_at(
        sim::Time::from_seconds(t),
        [this, code, index] {
          const std::size_t g = code >> 3;
          sync(g);
          handle(g, FreezerEvent{now_s(), static_cast<FreezerEventKind>(code & 7U), index}, true);
          reschedule(g);
        },
        0, kReplayCrossing, static_cast<std::uint32_t>(f));
  };
  bool above = track.value.front() > level;
  bool started = false;
  const double end_s = end.seconds();
  for (std::size_t i = 0; i + 1 < track.t_s.size(); ++i) {
    const double ta = track.t_s[i], tb = track.t_s[i + 1];
    const double a = track.value[i], b = track.value[i + 1];
    double t = 0;
    bool cross = false;
    if (!above && b > level) {
      t = mode == GapMode::kHold || tb == ta ? tb : ta + (level - a) / (b - a) * (tb - ta);
      cross = true;
    } else if (above && b <= level) {
      t = mode == GapMode::kHold || tb == ta ? tb : ta + (a - level) / (a - b) * (tb - ta);
      cross = true;
    }
    if (!cross) continue;
    if (t > 0.0 && !started) {
      started = true;
      if (above) schedule(0.0, rising);  // the state at the start
    }
    above = !above;
    if (t > end_s) break;
    if (t > 0.0) schedule(t, above ? rising : falling);
  }
  if (!started && above) schedule(0.0, rising);
}

void LabModel::Impl::schedule_gaps(const ReplayTrack& track) {
  if (!replay->max_gap_s) return;
  const double max_gap = *replay->max_gap_s, end_s = end.seconds();
  auto gap = [&](double from, double to) {
    const double fail_at = std::max(0.0, from + max_gap);
    if (fail_at > end_s || to <= 0.0) return;
    const std::string who = track.entity + "/" + track.signal;
    const std::string detail = track.source + ": no data for more than " +
                               std::to_string(static_cast<long long>(max_gap)) + " s";
    sim.schedule_at(
        sim::Time::from_seconds(fail_at),
        [this, who, detail] {
          sensor_gaps += 1;
          log.publish({clock.now(), "telemetry.gap", who, detail});
        },
        0, kSensorGap, 0);
    if (to <= end_s)
      sim.schedule_at(
          sim::Time::from_seconds(to),
          [this, who] {
            log.publish({clock.now(), "telemetry.restored", who, ""});
          },
          0, kSensorGap, 1);
  };
  if (track.t_s.front() > max_gap) gap(0.0, track.t_s.front());
  for (std::size_t i = 0; i + 1 < track.t_s.size(); ++i)
    if (track.t_s[i + 1] - track.t_s[i] > max_gap) gap(track.t_s[i], track.t_s[i + 1]);
  if (end_s - track.t_s.back() > max_gap) gap(track.t_s.back(), end_s + 1.0);
}

// [SECTION] Replay-aware readings ------------------------------------------------------------

double LabModel::Impl::air_at(std::size_t f, double t) const {
  const auto& fz = freezers[f];
  return fz.rp_air ? fz.rp_air->at(t, gap_mode) : fz.model.predict(FreezerModel::kAir, t);
}

double LabModel::Impl::payload_at(std::size_t f, double t) const {
  const auto& fz = freezers[f];
  if (fz.rp_payload) return fz.rp_payload->at(t, gap_mode);
  if (fz.rp_air) return fz.derived_payload.at(t, GapMode::kLinear);
  return fz.model.predict(FreezerModel::kPayload, t);
}

bool LabModel::Impl::compressor_on(std::size_t f) const {
  const auto& fz = freezers[f];
  return fz.rp_comp ? fz.rp_comp->at(now_s(), GapMode::kHold) > 0.5 : fz.model.compressor_on();
}

namespace {
// Seconds the 0/1 step track was on over [0, t].
double on_seconds(const ReplayTrack& track, double t) {
  double total = 0.0;
  for (std::size_t i = 0; i < track.t_s.size(); ++i) {
    const double a = std::max(0.0, track.t_s[i]);
    const double b = std::min(t, i + 1 < track.t_s.size() ? track.t_s[i + 1] : t);
    if (b > a && track.value[i] > 0.5) total += b - a;
  }
  if (track.t_s.front() > 0.0 && track.value.front() > 0.5)
    total += std::min(t, track.t_s.front());  // before the first sample: its value
  return total;
}
}  // namespace

double LabModel::Impl::freezer_energy(std::size_t f) const {
  const auto& fz = freezers[f];
  if (!fz.rp_comp) return fz.model.energy_j();
  return fz.model.params().electrical_power_w * on_seconds(*fz.rp_comp, now_s());
}

double LabModel::Impl::freezer_duty(std::size_t f) const {
  const auto& fz = freezers[f];
  if (!fz.rp_comp) return fz.model.duty_cycle();
  return now_s() > 0 ? on_seconds(*fz.rp_comp, now_s()) / now_s() : 0.0;
}

// [SECTION] Signals --------------------------------------------------------------------------

void LabModel::Impl::build_signals() {
  using sim::SignalShape;
  auto secs = [](sim::Time t) { return t.seconds(); };
  for (std::size_t f = 0; f < freezers.size(); ++f) {
    const std::string& id = freezers[f].def.id;
    freezers[f].sig = signals.add(
        {id, "air_temperature", "C", "cabinet air temperature", SignalShape::kContinuous},
        [this, f, secs](sim::Time t) { return air_at(f, secs(t)); });
    signals.add(
        {id, "payload_temperature", "C", "stored samples' temperature", SignalShape::kContinuous},
        [this, f, secs](sim::Time t) { return payload_at(f, secs(t)); });
    signals.add({id, "compressor", "1", "compressor running (1) or not (0)", SignalShape::kStep},
                [this, f](sim::Time) { return compressor_on(f) ? 1.0 : 0.0; });
    signals.add({id, "door", "1", "door open (1) or shut (0)", SignalShape::kStep},
                [this, f](sim::Time) { return freezers[f].model.door_open() ? 1.0 : 0.0; });
    signals.add({id, "alarm", "1", "high-temperature alarm raised (1)", SignalShape::kStep},
                [this, f](sim::Time) { return freezers[f].alarm_raised ? 1.0 : 0.0; });
  }
  for (std::size_t si = 0; si < sc.sites.size(); ++si)
    site_sig.push_back(signals.add(
        {sc.sites[si].id, "ambient_temperature", "C", "room temperature", SignalShape::kStep},
        [this, si](sim::Time) { return site_ambient[si]; }));
  for (std::size_t t = 0; t < techs.size(); ++t)
    techs[t].sig = signals.add(
        {techs[t].id, "busy", "1", "working on a ticket (1) or free (0)", SignalShape::kStep},
        [this, t](sim::Time) { return techs[t].ticket.empty() ? 0.0 : 1.0; });
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& it = items[i];
    const std::string& unit = it.def.unit;
    items[i].sig = signals.add(
        {it.def.sku, "on_hand", unit, "units at the site, any QC state", SignalShape::kStep},
        [this, i](sim::Time) { return status_of(i).on_hand; });
    signals.add({it.def.sku, "available", unit, "released, unexpired, unreserved units",
                 SignalShape::kStep},
                [this, i](sim::Time) { return status_of(i).available; });
    signals.add({it.def.sku, "on_order", unit, "units on open purchase orders", SignalShape::kStep},
                [this, i](sim::Time) { return status_of(i).on_order; });
    signals.add({it.def.sku, "backorders", unit, "units owed to customers", SignalShape::kStep},
                [this, i](sim::Time) { return items[i].backorders; });
  }
  if (microgrid) add_microgrid_signals();
}

void LabModel::Impl::publish_freezer(std::size_t f) {
  if (!signals.listened()) return;
  auto& fz = freezers[f];
  const sim::Time t = sim.now();
  const double ts = t.seconds();
  // Temperatures at every call (each marks a change of their dynamics); the switches only
  // when they changed.
  signals.emit(fz.sig + 0, t, air_at(f, ts));
  signals.emit(fz.sig + 1, t, payload_at(f, ts));
  const bool bits[3] = {compressor_on(f), fz.model.door_open(), fz.alarm_raised};
  const auto state = static_cast<std::uint8_t>(bits[0] | bits[1] << 1 | bits[2] << 2);
  if (state == fz.emitted) return;
  for (std::uint32_t k = 0; k < 3; ++k)
    if (fz.emitted == 0xFF || ((state ^ fz.emitted) >> k & 1U))
      signals.emit(fz.sig + 2 + k, t, bits[k] ? 1.0 : 0.0);
  fz.emitted = state;
}

void LabModel::Impl::publish_item(std::size_t i) {
  if (!signals.listened()) return;
  const auto& it = items[i];
  const auto s = status_of(i);
  const sim::Time t = sim.now();
  signals.emit(it.sig + 0, t, s.on_hand);
  signals.emit(it.sig + 1, t, s.available);
  signals.emit(it.sig + 2, t, s.on_order);
  signals.emit(it.sig + 3, t, s.backorders);
}

void LabModel::Impl::publish_tech(std::size_t t) {
  if (!signals.listened()) return;
  signals.emit(techs[t].sig, sim.now(), techs[t].ticket.empty() ? 0.0 : 1.0);
}

}  // namespace labtwin::twin
