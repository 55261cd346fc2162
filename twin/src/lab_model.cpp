// [SECTION] The lab twin: freezers (exact thermal twins), technicians (the core's dispatcher),
// sample boxes (the core's stock ledger), incidents and KPIs on the DES kernel.
//
// Index
//   [SECTION] Constants and helpers
//   [SECTION] Entities
//   [SECTION] Construction
//   [SECTION] Freezers: thermal events, alarms, damage
//   [SECTION] Doors, failures, incidents, ambient
//   [SECTION] Technicians: dispatch, travel, work
//   [SECTION] KPIs
//   (shared instruments: lab_instruments.cpp)
#include "labtwin/twin/lab_model.hpp"

#include "lab_model_impl.hpp"

namespace labtwin::twin {
using namespace detail;  // NOLINT(google-build-using-namespace): this file implements them

// [SECTION] Construction -------------------------------------------------------------------

FreezerParams freezer_params_of(const FreezerDef& fd) {
  FreezerParams p;
  p.setpoint_c = fd.setpoint_c;
  p.hysteresis_k = fd.hysteresis_k;
  p.alarm_high_c = fd.alarm_high_c;
  p.damage_limits = {
      {fd.storage_class, inv::storage_limits(storage_class_of(fd.storage_class)).max_safe_c}};
  const auto& m = fd.model;
  if (m.air_heat_capacity_j_per_k) p.air_capacity_j_per_k = *m.air_heat_capacity_j_per_k;
  if (m.payload_heat_capacity_j_per_k)
    p.payload_capacity_j_per_k = *m.payload_heat_capacity_j_per_k;
  if (m.ua_air_payload_w_per_k) p.ua_air_payload_w_per_k = *m.ua_air_payload_w_per_k;
  if (m.ua_walls_w_per_k) p.ua_wall_w_per_k = *m.ua_walls_w_per_k;
  if (m.ua_door_w_per_k) p.ua_door_w_per_k = *m.ua_door_w_per_k;
  if (m.cooling_power_w) p.cooling_power_w = *m.cooling_power_w;
  if (m.electrical_power_w) p.electrical_power_w = *m.electrical_power_w;
  p.validate();
  return p;
}

LabModel::Impl::Impl(const ScenarioDef& s, const RunOptions& o)
    : sc(s),
      seed(o.seed.value_or(s.seed)),
      replication(o.replication),
      end(o.until.value_or(s.clock.horizon)),
      start_us(s.clock.start_us.value_or(0)),  // absent: 1970-01-01T00:00Z (docs)
      clock(sim, start_us),
      graph(s),
      ledger(clock, nullptr),  // the ledger keeps its own event log; no per-event formatting
      dispatcher(clock, log, graph, dispatcher_config(s.policies.dispatch)) {
  if (end <= sim::Time::zero()) throw std::invalid_argument("clock.horizon must be positive");
  for (auto* obs : o.observers) sim.add_observer(obs);
  replay = o.replay;
  if (replay) gap_mode = replay->gap_mode;
  build_sites();
  build_technicians();
  build_supply();  // before the items: their first reviews may order through it
  build_dtn();     // before the items: their first reviews may send requests
  build_items();
  build_instruments();
  build_microgrid();
  schedule_incidents();
  setup_replay();
  build_signals();
  shift_sync();
  // Statistics ignore [0, warmup): the totals at the warm-up are subtracted from the KPIs.
  if (sc.clock.warmup > sim::Time::zero()) {
    if (sc.clock.warmup >= end)
      throw std::invalid_argument("clock.warmup must be shorter than the run (horizon or --until)");
    sim.schedule_at(
        sc.clock.warmup, [this] { warmup_totals = totals(); }, 1000, kWarmup, 0);
  }
}

void LabModel::Impl::build_sites() {
  for (std::size_t si = 0; si < sc.sites.size(); ++si) {
    const auto& site = sc.sites[si];
    auto site_loc =
        ledger.execute(inv::AddLocation{.code = site.id, .kind = inv::LocationKind::Site});
    if (!site_loc.ok()) throw std::invalid_argument("sites[" + site.id + "]: " + site_loc.reason);
    site_locs.push_back(inv::LocId{site_loc.id});
    const auto [weekday, hour] = local_day_hour(start_us, sc.clock.utc_offset_s);
    (void)weekday;
    rp_ambient.push_back(track_for(site.id, "ambient_temperature"));
    site_ambient.push_back(rp_ambient.back() ? replay_ambient_from(*rp_ambient.back(), 0.0)
                                             : ambient_at(site.ambient, hour));
    for (const auto& fd : site.freezers) {
      const std::string where = "sites[" + site.id + "].freezers[" + fd.id + "]";
      if (freezer_index.count(fd.id)) throw std::invalid_argument(where + ": duplicate id");
      const auto cls = storage_class_of(fd.storage_class);
      FreezerParams p;
      try {
        p = freezer_params_of(fd);
      } catch (const std::exception& e) {
        throw std::invalid_argument(where + ".model: " + e.what());
      }
      p.ambient_c = site_ambient[si];
      Freezer fz(fd, p, parse_dist(fd.failure.repair_time, where + ".failure.repair_time"),
                 parse_dist(fd.door.open_duration, where + ".door.open_duration"),
                 stream("freezer/" + fd.id + "/door"), stream("freezer/" + fd.id + "/failure"),
                 stream("freezer/" + fd.id + "/repair"));
      if (fd.failure.time_to_failure)
        fz.ttf = parse_dist(*fd.failure.time_to_failure, where + ".failure.time_to_failure");
      fz.site = si;
      fz.place = graph.room(site.id, fd.room);
      auto unit = ledger.execute(
          inv::AddLocation{.code = fd.id,
                           .kind = inv::LocationKind::StorageUnit,
                           .parent = inv::LocId{site_loc.id},
                           .capacity = static_cast<std::uint32_t>(std::max(0, fd.capacity_boxes)),
                           .storage = cls});
      if (!unit.ok()) throw std::invalid_argument(where + ": " + unit.reason);
      fz.loc = inv::LocId{unit.id};
      // The collection stored in this unit: one SKU, one lot per box.
      auto item = ledger.execute(inv::RegisterItem{.item = {.sku = "samples/" + fd.id,
                                                            .unit = "box",
                                                            .storage = cls,
                                                            .unit_value = fd.sample_value}});
      if (!item.ok()) throw std::invalid_argument(where + ": " + item.reason);
      fz.sku = inv::SkuId{item.id};
      const int boxes = static_cast<int>(std::floor(fd.fill * fd.capacity_boxes + 1e-9));
      for (int b = 0; b < boxes; ++b) {
        auto lot = ledger.execute(inv::Receive{.sku = fz.sku,
                                               .lot_code = fd.id + "/box-" + std::to_string(b + 1),
                                               .quantity = 1.0,
                                               .location = fz.loc});
        if (!lot.ok()) throw std::invalid_argument(where + ": " + lot.reason);
        ledger.execute(inv::ReleaseQc{.lot = inv::LotId{lot.id}});
      }
      freezer_index[fd.id] = freezers.size();
      freezers.push_back(std::move(fz));
    }
  }
  open_fault.assign(freezers.size(), std::nullopt);
  for (std::size_t f = 0; f < freezers.size(); ++f) {
    reschedule(f);
    plan_doors(f);
    schedule_random_failure(f);
  }
  for (std::size_t si = 0; si < sc.sites.size(); ++si) {
    if (rp_ambient[si]) {
      schedule_replay_ambient(si);
      continue;
    }
    // Ambient as hourly steps of the daily cycle (piecewise constant keeps the thermal model
    // exact); the first step is at the next full hour.
    const double first = 3600.0 - std::fmod(static_cast<double>(start_us) / 1e6, 3600.0);
    sim.schedule_at(
        sim::Time::from_seconds(first == 3600.0 ? 0.0 : first), [this, si] { ambient_step(si); }, 0,
        kAmbientStep, static_cast<std::uint32_t>(si));
  }
}

void LabModel::Impl::build_technicians() {
  for (const auto& td : sc.technicians) {
    std::size_t site = 0;
    bool found = false;
    for (std::size_t si = 0; si < sc.sites.size(); ++si)
      if (sc.sites[si].id == td.site) site = si, found = true;
    if (!found)
      throw std::invalid_argument("technicians[" + td.id + "].site: unknown site '" + td.site +
                                  "'");
    core::ShiftCalendar cal(core::Span{sc.clock.utc_offset_s * 1'000'000});
    if (!td.shift.empty()) {
      const ShiftDef* shift = nullptr;
      for (const auto& s : sc.shifts)
        if (s.name == td.shift) shift = &s;
      if (shift == nullptr)
        throw std::invalid_argument("technicians[" + td.id + "].shift: unknown shift '" + td.shift +
                                    "'");
      std::uint8_t days = 0;
      for (int d : shift->days) days = static_cast<std::uint8_t>(days | (1U << d));
      cal.add_weekly(days, shift->start_s / 60, shift->end_s / 60);
    } else if (!td.on_call) {
      cal.add_weekly(core::weekdays::kEveryDay, 0, 0);  // no shift given: always there
    }
    for (int k = 0; k < std::max(1, td.count); ++k) {
      Tech t;
      t.id = td.count > 1 ? td.id + "-" + std::to_string(k + 1) : td.id;
      t.site = site;
      t.calendar = cal;
      core::Technician ct;
      ct.id = t.id;
      ct.skills = {td.skills.begin(), td.skills.end()};
      qc_staffed |= ct.skills.count("qc") > 0;
      ct.shifts = cal;
      ct.location = graph.hub(td.site);
      ct.status = td.on_call ? core::TechnicianStatus::OnCall : core::TechnicianStatus::OffShift;
      ct.on_call = td.on_call;
      ct.callout_delay = core::Span{td.callout_delay.ticks};
      if (tech_index.count(t.id)) throw std::invalid_argument("technicians: duplicate id " + t.id);
      dispatcher.add_technician(std::move(ct));
      tech_index[t.id] = techs.size();
      techs.push_back(std::move(t));
    }
  }
}

void LabModel::Impl::schedule_incidents() {
  for (std::size_t i = 0; i < sc.incidents.size(); ++i) {
    const auto& inc = sc.incidents[i];
    const std::int64_t at = inc.absolute ? inc.at_us - start_us : inc.at_us;
    if (at < 0)
      throw std::invalid_argument("incidents[" + std::to_string(i) +
                                  "].at: before the scenario starts");
    if (!freezer_index.count(inc.target)) {
      bool is_site = false;
      for (const auto& s : sc.sites) is_site |= s.id == inc.target;
      if (!is_site)
        throw std::invalid_argument("incidents[" + std::to_string(i) + "].target: unknown '" +
                                    inc.target + "' (a freezer or site id)");
    }
    sim.schedule_at(
        sim::Time{at}, [this, i] { apply_incident(sc.incidents[i]); }, 0, kIncident,
        static_cast<std::uint32_t>(i));
  }
}

// [SECTION] Freezers: thermal events, alarms, damage -----------------------------------------

void LabModel::Impl::sync(std::size_t f) {
  // Borrow the scratch buffer (no allocation per event; a nested sync would get a fresh one).
  std::vector<FreezerEvent> events;
  events.swap(event_scratch);
  events.clear();
  freezers[f].model.advance_to(now_s(), &events);
  for (const auto& ev : events) handle(f, ev);
  events.swap(event_scratch);
}

void LabModel::Impl::reschedule(std::size_t f) {
  auto& fz = freezers[f];
  sim.cancel(fz.next);
  fz.next = {};
  const double horizon = end.seconds() - now_s() + 1.0;
  if (const auto ev = fz.model.next_event(std::max(horizon, 1.0))) {
    const sim::Time at = std::max(sim.now(), sim::Time::from_seconds(ev->time));
    if (at <= end)
      fz.next = sim.schedule_at(
          at, [this, f] { on_thermal(f); }, 0, kFreezerThermal, static_cast<std::uint32_t>(f));
  }
  if (microgrid) microgrid_freezer_changed(f);
  publish_freezer(f);  // every change of a freezer's inputs or state ends here
}

void LabModel::Impl::on_thermal(std::size_t f) {
  sync(f);
  reschedule(f);
}

void LabModel::Impl::handle(std::size_t f, const FreezerEvent& ev, bool from_replay) {
  auto& fz = freezers[f];
  // A replayed temperature replaces the model's: its crossings come from the recording.
  const bool air_replayed = fz.rp_air != nullptr;
  const bool payload_replayed = fz.rp_payload != nullptr || air_replayed;
  const bool alarm_kind =
      ev.kind == FreezerEventKind::kAlarmHigh || ev.kind == FreezerEventKind::kAlarmClear;
  const bool damage_kind =
      ev.kind == FreezerEventKind::kDamageLimit || ev.kind == FreezerEventKind::kDamageRecovered;
  if (!from_replay && ((alarm_kind && air_replayed) || (damage_kind && payload_replayed))) return;
  switch (ev.kind) {
    case FreezerEventKind::kAlarmHigh:
      // The alarm fires when the air stays above the limit for alarm_delay.
      if (!fz.alarm_raised) {
        sim.cancel(fz.alarm_timer);
        fz.alarm_timer = sim.schedule_in(
            fz.def.alarm_delay, [this, f] { raise_alarm(f); }, 0, kAlarmRaise,
            static_cast<std::uint32_t>(f));
      }
      break;
    case FreezerEventKind::kAlarmClear:
      sim.cancel(fz.alarm_timer);
      if (fz.alarm_raised) {
        fz.alarm_raised = false;
        log.publish({clock.now(), "freezer.alarm_cleared", fz.def.id, ""});
        publish_freezer(f);
      }
      break;
    case FreezerEventKind::kDamageLimit:
      write_off(f);
      break;
    default:
      break;
  }
}

void LabModel::Impl::raise_alarm(std::size_t f) {
  auto& fz = freezers[f];
  fz.alarm_raised = true;
  alarms += 1;
  log.publish({clock.now(), "freezer.alarm", fz.def.id,
               "air " + std::to_string(air_at(f, now_s())) + " C"});
  publish_freezer(f);
  if (auto k = open_fault[f]; k && std::isnan(faults[*k].alarm)) faults[*k].alarm = now_s();
  open_ticket(core::TicketKind::AlarmResponse, f, 0, true, "freezer", kDiagnoseSeconds);
  if (dtn) dtn_alarm(f);
}

void LabModel::Impl::write_off(std::size_t f) {
  auto& fz = freezers[f];
  if (fz.damaged) return;
  fz.damaged = true;
  const auto lots = ledger.state().lots_in(fz.loc);
  double boxes = 0, value = 0;
  for (auto id : lots) {
    const auto& lot = ledger.state().lot(id);
    boxes += lot.on_hand;
    value += lot.on_hand * ledger.state().item(lot.sku).unit_value;
  }
  if (boxes > 0) {
    auto r = ledger.execute(
        inv::WriteOffUnit{.unit = fz.loc, .reason = inv::WriteOffReason::TemperatureExcursion});
    if (!r.ok()) throw std::logic_error("write-off of " + fz.def.id + " rejected: " + r.reason);
  }
  samples_lost += boxes;
  samples_lost_value += value;
  log.publish({clock.now(), "freezer.damage", fz.def.id,
               std::to_string(static_cast<long>(boxes)) + " boxes written off"});
}

void LabModel::Impl::clear_fault_if_healthy(std::size_t f) {
  auto& fz = freezers[f];
  if (fz.fault && fz.powered_and_cooling() && !fz.door_ajar) {
    fz.fault = false;
    open_fault[f].reset();
  }
}

void LabModel::Impl::start_fault(std::size_t f) {
  auto& fz = freezers[f];
  if (fz.fault) return;
  fz.fault = true;
  open_fault[f] = faults.size();
  faults.push_back({.start = now_s()});
}

// [SECTION] Doors, failures, incidents, ambient ----------------------------------------------

void LabModel::Impl::plan_doors(std::size_t f) {
  // Plans one local day of routine openings: Poisson count in the daytime window, uniform
  // times; then re-plans at the next local midnight.
  auto& fz = freezers[f];
  const auto [weekday, hour] = local_day_hour(clock.now().us, sc.clock.utc_offset_s);
  const double day_start = now_s() - hour * 3600.0;
  const double factor = weekday >= 5 ? kWeekendDoorFactor : 1.0;
  const double mean = fz.def.door.openings_per_day * factor;
  if (mean > 0 && !fz.def.backup) {
    const auto n = sim::Poisson{mean}.sample_int(fz.door_rng);
    for (std::int64_t i = 0; i < n; ++i) {
      const double t = day_start + 3600.0 * (kDoorDayStartH + (kDoorDayEndH - kDoorDayStartH) *
                                                                  fz.door_rng.uniform01());
      if (t < now_s() || t > end.seconds()) continue;
      // The duration is drawn when the door opens: the callback stays two words (no allocation).
      sim.schedule_at(
          sim::Time::from_seconds(t),
          [this, f] {
            auto& z = freezers[f];
            open_door_for(f, safe_sample(z.door_duration, z.door_rng));
          },
          0, kDoorOpen, static_cast<std::uint32_t>(f));
    }
  }
  const double next_midnight = day_start + 86400.0;
  if (next_midnight < end.seconds())
    sim.schedule_at(
        sim::Time::from_seconds(next_midnight), [this, f] { plan_doors(f); }, 1, kDoorPlan,
        static_cast<std::uint32_t>(f));
}

void LabModel::Impl::open_door_for(std::size_t f, double seconds) {
  auto& z = freezers[f];
  sync(f);
  ++z.doors_open;
  z.model.set_door(true);
  reschedule(f);
  sim.schedule_in(
      sim::Time::from_seconds(seconds),
      [this, f] {
        auto& y = freezers[f];
        sync(f);
        --y.doors_open;
        y.model.set_door(y.doors_open > 0 || y.door_ajar);
        reschedule(f);
      },
      0, kDoorClose, static_cast<std::uint32_t>(f));
}

void LabModel::Impl::schedule_random_failure(std::size_t f) {
  auto& fz = freezers[f];
  if (!fz.ttf) return;
  const double at = now_s() + safe_sample(*fz.ttf, fz.fail_rng);
  if (at >= end.seconds()) return;
  sim.schedule_at(
      sim::Time::from_seconds(at),
      [this, f] {
        auto& z = freezers[f];
        if (z.model.compressor_failed()) return;
        sync(f);
        z.model.fail_compressor();
        log.publish({clock.now(), "freezer.compressor_failure", z.def.id, "random"});
        start_fault(f);
        reschedule(f);
      },
      0, kRandomFailure, static_cast<std::uint32_t>(f));
}

void LabModel::Impl::apply_incident(const IncidentDef& inc) {
  std::vector<std::size_t> targets;
  if (auto it = freezer_index.find(inc.target); it != freezer_index.end()) {
    targets.push_back(it->second);
  } else {
    for (std::size_t f = 0; f < freezers.size(); ++f)
      if (sc.sites[freezers[f].site].id == inc.target) targets.push_back(f);
  }
  for (auto f : targets) {
    auto& fz = freezers[f];
    sync(f);
    switch (inc.kind) {
      case IncidentKind::compressor_failure:
        fz.model.fail_compressor();
        start_fault(f);
        break;
      case IncidentKind::power_loss:
        fz.model.set_power(false);
        start_fault(f);
        break;
      case IncidentKind::power_restored:
        fz.model.set_power(true);
        clear_fault_if_healthy(f);
        break;
      case IncidentKind::door_ajar:
        fz.door_ajar = true;
        fz.model.set_door(true);
        start_fault(f);
        break;
    }
    log.publish({clock.now(), "incident", fz.def.id,
                 std::string(inc.kind == IncidentKind::compressor_failure ? "compressor_failure"
                             : inc.kind == IncidentKind::power_loss       ? "power_loss"
                             : inc.kind == IncidentKind::door_ajar        ? "door_ajar"
                                                                          : "power_restored")});
    reschedule(f);
    if (inc.duration && inc.kind != IncidentKind::power_restored) {
      const auto kind = inc.kind;
      sim.schedule_in(
          *inc.duration,
          [this, f, kind] {
            auto& z = freezers[f];
            sync(f);
            if (kind == IncidentKind::power_loss) z.model.set_power(true);
            if (kind == IncidentKind::compressor_failure) z.model.repair_compressor();
            if (kind == IncidentKind::door_ajar) {
              z.door_ajar = false;
              z.model.set_door(z.doors_open > 0);
            }
            clear_fault_if_healthy(f);
            reschedule(f);
          },
          0, kSelfRestore, static_cast<std::uint32_t>(f));
    }
  }
}

void LabModel::Impl::ambient_step(std::size_t si) {
  // The value at the middle of the coming hour stands for the whole hour.
  const auto [weekday, hour] =
      local_day_hour(clock.now().us + 1'800'000'000LL, sc.clock.utc_offset_s);
  (void)weekday;
  const double t_amb = ambient_at(sc.sites[si].ambient, hour);
  set_site_ambient(si, t_amb);
  if (sim.now() + sim::Time::h(1) <= end)
    sim.schedule_in(
        sim::Time::h(1), [this, si] { ambient_step(si); }, 0, kAmbientStep,
        static_cast<std::uint32_t>(si));
}

// [SECTION] Technicians: dispatch, travel, work ----------------------------------------------

std::string LabModel::Impl::open_ticket(core::TicketKind kind, std::size_t f, int priority,
                                        bool critical, const std::string& skill, double estimate_s,
                                        std::optional<TicketInfo> extra) {
  std::string id = std::string(core::to_string(kind)) + "-" + std::to_string(++ticket_seq);
  core::Ticket t;
  t.id = id;
  t.kind = kind;
  t.priority = priority;
  t.critical = critical;
  t.created = clock.now();
  t.sla_deadline = clock.now() + core::Span::seconds(kAlarmSlaSeconds);
  t.required_skill = skill;
  t.location = extra ? items[extra->item].place : freezers[f].place;
  t.estimated_duration = core::Span::seconds(estimate_s);
  dispatcher.open_ticket(std::move(t));
  TicketInfo info = extra.value_or(TicketInfo{});
  info.kind = kind;
  info.freezer = f;
  tickets[id] = info;
  if (kind == core::TicketKind::SampleRescue) freezers[f].rescue_open = true;
  if (kind == core::TicketKind::Repair) freezers[f].repair_open = true;
  dispatch();
  return id;
}

void LabModel::Impl::dispatch() {
  const auto d = dispatcher.decide();
  for (const auto& a : d.assignments) {
    if (a.preempted) {
      // The technician drops the routine ticket (it went back to the queue) for this one.
      auto& t = techs[tech_index.at(a.technician)];
      sim.cancel(t.pending);
      t.busy_seconds += now_s() - t.busy_since;
      t.ticket.clear();
      publish_tech(tech_index.at(a.technician));
    }
    begin(a.ticket, a.technician, a.expected_start);
  }
  for (const auto& c : d.callouts) {
    callouts += 1;
    begin(c.ticket, c.technician, c.expected_arrival);
  }
}

void LabModel::Impl::begin(const std::string& ticket, const std::string& tech,
                           core::Instant arrival) {
  const std::size_t ti = tech_index.at(tech);
  auto& t = techs[ti];
  t.ticket = ticket;
  t.busy_since = now_s();
  publish_tech(ti);
  const sim::Time at = std::max(sim.now(), clock.to_sim(arrival));
  t.pending = sim.schedule_at(
      at, [this, ti] { arrive(ti); }, 0, kTechArrive, static_cast<std::uint32_t>(ti));
}

void LabModel::Impl::arrive(std::size_t ti) {
  auto& t = techs[ti];
  auto& info = tickets.at(t.ticket);
  const std::size_t f = info.freezer;
  dispatcher.start_work(t.ticket);
  if (info.kind == core::TicketKind::AlarmResponse && !info.arrived) {
    if (auto k = open_fault[f]; k && std::isnan(faults[*k].response)) faults[*k].response = now_s();
  }
  info.arrived = true;
  switch (info.kind) {
    case core::TicketKind::SampleRescue:
      rescue_next_box(ti);
      return;
    case core::TicketKind::ReceivingQc:
      t.pending = sim.schedule_in(
          sim::Time::from_seconds(kQcSeconds), [this, ti] { finish(ti); }, 0, kWorkDone,
          static_cast<std::uint32_t>(ti));
      return;
    case core::TicketKind::Repair: {
      const double d = safe_sample(freezers[f].repair, freezers[f].repair_rng);
      t.pending = sim.schedule_in(
          sim::Time::from_seconds(d), [this, ti] { finish(ti); }, 0, kWorkDone,
          static_cast<std::uint32_t>(ti));
      return;
    }
    default:
      t.pending = sim.schedule_in(
          sim::Time::from_seconds(kDiagnoseSeconds), [this, ti] { finish(ti); }, 0, kWorkDone,
          static_cast<std::uint32_t>(ti));
  }
}

std::optional<std::size_t> LabModel::Impl::rescue_target(std::size_t f) const {
  // Boxes go only to units reserved for rescue: those listed in policies.rescue.backup_units,
  // else the units flagged `backup` at the same site (regular units hold their own
  // collections). Capacity is the ledger's: lots at or below the unit.
  const auto& src = freezers[f];
  const auto& listed = sc.policies.rescue.backup_units;
  auto has_room = [&](std::size_t g) {
    const auto& z = freezers[g];
    if (g == f || z.fault || z.damaged || z.def.storage_class != src.def.storage_class)
      return false;
    return ledger.state().lots_in(z.loc).size() < static_cast<std::size_t>(z.def.capacity_boxes);
  };
  if (!listed.empty()) {
    for (const auto& id : listed)
      if (auto it = freezer_index.find(id); it != freezer_index.end() && has_room(it->second))
        return it->second;
    return std::nullopt;
  }
  for (std::size_t g = 0; g < freezers.size(); ++g)
    if (freezers[g].site == src.site && freezers[g].def.backup && has_room(g)) return g;
  return std::nullopt;
}

void LabModel::Impl::rescue_next_box(std::size_t ti) {
  auto& t = techs[ti];
  const std::size_t f = tickets.at(t.ticket).freezer;
  auto& fz = freezers[f];
  const auto lots = ledger.state().lots_in(fz.loc);
  const auto target = fz.damaged ? std::nullopt : rescue_target(f);
  if (lots.empty() || !target) {
    if (!lots.empty() && !fz.damaged) {
      stranded += static_cast<double>(lots.size());
      log.publish({clock.now(), "rescue.no_capacity", fz.def.id,
                   std::to_string(lots.size()) + " boxes left at risk"});
    }
    if (auto k = open_fault[f]; k && std::isnan(faults[*k].rescued)) faults[*k].rescued = now_s();
    finish(ti);
    return;
  }
  // Each trip: the door opens while a rack is pulled, then its boxes are carried over and
  // put into the target (up to the target's free capacity).
  open_door_for(f, kTripDoorSeconds);
  t.pending = sim.schedule_in(
      sim::Time::from_seconds(kTripSeconds),
      [this, ti, f, target] {
        auto& z = freezers[f];
        sync(f);  // damage may strike while the rack is being moved
        for (int b = 0; b < kBoxesPerTrip && !z.damaged; ++b) {
          const auto remaining = ledger.state().lots_in(z.loc);
          if (remaining.empty()) break;
          auto r =
              ledger.execute(inv::Transfer{.lot = remaining.front(), .to = freezers[*target].loc});
          if (!r.ok()) break;  // target full: the next trip looks for another unit
          samples_rescued += 1;
        }
        rescue_next_box(ti);
      },
      0, kRescueBox, static_cast<std::uint32_t>(ti));
}

void LabModel::Impl::finish(std::size_t ti) {
  auto& t = techs[ti];
  const std::string ticket = t.ticket;
  const auto info = tickets.at(ticket);
  t.busy_seconds += now_s() - t.busy_since;
  t.ticket.clear();
  t.pending = {};
  publish_tech(ti);
  dispatcher.complete_ticket(ticket);
  // A technician called in stays on site for follow-up work instead of being called again.
  const bool called_in = !t.calendar.on_shift(clock.now()) && dispatcher.technician(t.id).on_call;
  if (called_in) dispatcher.technician_available(t.id);
  if (info.kind == core::TicketKind::ReceivingQc) {
    auto r = info.reject ? ledger.execute(inv::RejectQc{.lot = info.lot})
                         : ledger.execute(inv::ReleaseQc{.lot = info.lot});
    if (!r.ok())
      log.publish({clock.now(), "qc.release_rejected", items[info.item].def.sku, r.reason});
    released(info.item);
  } else {
    finish_freezer_work(info);
  }
  dispatch();
  if (called_in && t.ticket.empty()) dispatcher.technician_unavailable(t.id);  // goes home
}

void LabModel::Impl::finish_freezer_work(const TicketInfo& info) {
  const std::size_t f = info.freezer;
  auto& fz = freezers[f];
  switch (info.kind) {
    case core::TicketKind::AlarmResponse: {
      sync(f);
      if (fz.door_ajar) {  // found the door ajar: shut it
        fz.door_ajar = false;
        fz.model.set_door(fz.doors_open > 0);
      }
      reschedule(f);
      const bool warm = payload_at(f, now_s()) > fz.def.setpoint_c + 2.0 * fz.def.hysteresis_k ||
                        !fz.powered_and_cooling();
      if (fz.model.compressor_failed() && !fz.repair_open)
        open_ticket(core::TicketKind::Repair, f, 1, false, "refrigeration", sim::mean(fz.repair));
      if (warm && sc.policies.rescue.enabled && !fz.rescue_open && !fz.damaged &&
          !ledger.state().lots_in(fz.loc).empty())
        open_ticket(core::TicketKind::SampleRescue, f, 0, true, "freezer", 3600.0);
      if (fz.powered_and_cooling() && !fz.door_ajar) fz.fault = false;
      break;
    }
    case core::TicketKind::Repair:
      sync(f);
      fz.model.repair_compressor();
      fz.repair_open = false;
      if (fz.powered_and_cooling() && !fz.door_ajar) fz.fault = false;
      reschedule(f);
      log.publish({clock.now(), "freezer.repaired", fz.def.id, ""});
      schedule_random_failure(f);
      break;
    case core::TicketKind::SampleRescue:
      fz.rescue_open = false;
      break;
    default:
      break;
  }
  if (!fz.fault) open_fault[f].reset();
}

void LabModel::Impl::shift_sync() {
  dispatcher.sync_shifts();
  dispatch();
  // Next boundary over all technicians' calendars.
  std::optional<core::Instant> next;
  const core::Instant now = clock.now();
  for (const auto& t : techs) {
    if (t.calendar.empty()) continue;
    auto b =
        t.calendar.on_shift(now) ? t.calendar.shift_end(now) : t.calendar.next_shift_start(now);
    if (b && *b > now && (!next || *b < *next)) next = b;
  }
  if (next && clock.to_sim(*next) <= end)
    sim.schedule_at(
        clock.to_sim(*next), [this] { shift_sync(); }, -1, kShiftSync, 0);
}

// [SECTION] KPIs ---------------------------------------------------------------------------

namespace {
double on_shift_seconds(const core::ShiftCalendar& cal, core::Instant from, core::Instant to) {
  if (cal.empty()) return 0.0;
  double total = 0.0;
  core::Instant t = from;
  for (int guard = 0; t < to && guard < 100000; ++guard) {
    if (cal.on_shift(t)) {
      const auto e = std::min(cal.shift_end(t).value_or(to), to);
      total += (e - t).to_seconds();
      t = e;
    } else {
      const auto s = cal.next_shift_start(t);
      if (!s) break;
      t = *s;
    }
  }
  return total;
}

double mean_of(const std::vector<FaultRecord>& v, double FaultRecord::*field, bool from_alarm) {
  double sum = 0;
  int n = 0;
  for (const auto& r : v) {
    const double x = r.*field;
    const double base = from_alarm ? r.alarm : r.start;
    if (std::isnan(x) || std::isnan(base)) continue;
    sum += x - base;
    ++n;
  }
  return n ? sum / n : nan();
}
}  // namespace

LabModel::Impl::Totals LabModel::Impl::totals() const {
  Totals x;
  x.samples_lost = samples_lost;
  x.samples_lost_value = samples_lost_value;
  x.samples_rescued = samples_rescued;
  x.stranded = stranded;
  x.alarms = alarms;
  x.callouts = callouts;
  x.sensor_gaps = sensor_gaps;
  for (std::size_t f = 0; f < freezers.size(); ++f) {
    x.energy += freezer_energy(f);
    x.on_time += freezer_duty(f) * now_s();
  }
  const core::Instant from{start_us}, to = clock.now();
  for (const auto& t : techs) {
    x.busy += t.busy_seconds + (t.ticket.empty() ? 0.0 : now_s() - t.busy_since);
    x.shift += on_shift_seconds(t.calendar, from, to);
  }
  for (const auto& it : items) {
    x.demand += it.demand;
    x.filled += it.filled;
    x.stockout_s +=
        it.stockout_seconds + (it.stockout_since >= 0 ? now_s() - it.stockout_since : 0);
    x.orders += it.orders;
    x.expired_value += it.expired_value;
  }
  return x;
}

RunResult LabModel::Impl::result() const {
  RunResult r;
  r.scenario = sc.meta.name;
  r.seed = seed;
  r.replication = replication;
  r.fingerprint = sim.fingerprint();
  r.events = sim.events_executed();
  r.simulated_seconds = sim.now().seconds();
  // KPIs over [warmup, now]: additive totals minus those at the warm-up.
  const Totals t = totals();
  const Totals w = warmup_totals.value_or(Totals{});
  const double t0 = warmup_totals ? sc.clock.warmup.seconds() : 0.0;
  const double span = std::max(0.0, now_s() - t0);
  Totals d;
  d.samples_lost = t.samples_lost - w.samples_lost;
  d.samples_lost_value = t.samples_lost_value - w.samples_lost_value;
  d.samples_rescued = t.samples_rescued - w.samples_rescued;
  d.stranded = t.stranded - w.stranded;
  d.alarms = t.alarms - w.alarms;
  d.callouts = t.callouts - w.callouts;
  d.sensor_gaps = t.sensor_gaps - w.sensor_gaps;
  d.energy = t.energy - w.energy;
  d.busy = t.busy - w.busy;
  d.shift = t.shift - w.shift;
  d.demand = t.demand - w.demand;
  d.filled = t.filled - w.filled;
  d.stockout_s = t.stockout_s - w.stockout_s;
  d.orders = t.orders - w.orders;
  d.expired_value = t.expired_value - w.expired_value;
  const double nf = static_cast<double>(std::max<std::size_t>(1, freezers.size()));
  double duty = 0;  // summed over units
  if (warmup_totals) {
    duty = span > 0 ? (t.on_time - w.on_time) / span : 0.0;
  } else {
    for (std::size_t f = 0; f < freezers.size(); ++f) duty += freezer_duty(f);
  }
  double peak = -std::numeric_limits<double>::infinity(), backorders = 0;
  for (std::size_t f = 0; f < freezers.size(); ++f) peak = std::max(peak, payload_at(f, now_s()));
  for (const auto& it : items) backorders += it.backorders;
  std::vector<FaultRecord> counted;  // faults that began after the warm-up
  for (const auto& fr : faults)
    if (fr.start >= t0) counted.push_back(fr);
  r.kpis = {
      {"samples_lost", d.samples_lost, "count", "sample boxes written off (temperature excursion)"},
      {"samples_lost_value", d.samples_lost_value, "money", "value of the boxes written off"},
      {"samples_rescued", d.samples_rescued, "count", "boxes moved to backup units in time"},
      {"samples_stranded", d.stranded, "count", "boxes left at risk: no backup capacity"},
      {"alarms", d.alarms, "count", "high-temperature alarms raised"},
      {"time_to_alarm", mean_of(counted, &FaultRecord::alarm, false), "s",
       "fault to alarm (mean over faults)"},
      {"time_to_response", mean_of(counted, &FaultRecord::response, true), "s",
       "alarm to technician at the unit"},
      {"time_to_rescue", mean_of(counted, &FaultRecord::rescued, true), "s",
       "alarm to rescue finished"},
      {"callouts", d.callouts, "count", "on-call technicians called in"},
      {"technician_utilisation", d.shift > 0 ? d.busy / d.shift : nan(), "ratio",
       "busy time / on-shift time"},
      {"energy", d.energy, "J", "freezer electricity"},
      {"mean_duty_cycle", duty / nf, "ratio", "compressor running share, all units"},
      {"warmest_payload_at_end", peak, "C", "warmest payload temperature at the end"},
      {"demand_units", d.demand, "count", "units demanded, all items"},
      {"fill_rate", d.demand > 0 ? d.filled / d.demand : nan(), "ratio",
       "demand served at once from stock"},
      {"stockout_time", d.stockout_s, "s", "item-time with nothing available, summed over items"},
      {"backorders_at_end", backorders, "count", "units owed at the end"},
      {"purchase_orders", d.orders, "count", "purchase orders placed"},
      {"expired_value", d.expired_value, "money", "value of stock written off as expired"},
      {"sensor_gaps", d.sensor_gaps, "count", "replayed sensors silent longer than max_gap"},
  };
  if (instruments) append_instrument_kpis(r.kpis);
  if (supply) append_supply_kpis(r.kpis);
  if (microgrid) append_microgrid_kpis(r.kpis);
  if (dtn) append_dtn_kpis(r.kpis);
  return r;
}

// [SECTION] Read-only views (GUI) ----------------------------------------------------------

std::vector<TechnicianWhere> LabModel::technicians_now() const {
  const Impl& m = *impl_;
  // Graph vertex -> (site, room): rooms in file order, the hub of a site without rooms.
  std::vector<std::pair<std::string, std::string>> where(m.graph.size());
  for (const auto& s : m.sc.sites) {
    for (const auto& r : s.rooms)
      if (auto& w = where[m.graph.room(s.id, r.id)]; w.first.empty()) w = {s.id, r.id};
    if (auto& w = where[m.graph.hub(s.id)]; w.first.empty()) w = {s.id, ""};
  }
  const auto place = [&](core::LocationId id) {
    return id < where.size() ? where[id] : std::pair<std::string, std::string>{};
  };
  std::vector<TechnicianWhere> out;
  out.reserve(m.techs.size());
  const auto& events = m.log.events();
  for (const auto& t : m.techs) {
    const core::Technician& ct = m.dispatcher.technician(t.id);
    TechnicianWhere w;
    w.id = t.id;
    w.status = std::string(core::to_string(ct.status));
    w.ticket = t.ticket;
    const auto here = place(ct.location);
    w.site = here.first;
    w.room = here.second;
    if (ct.status == core::TechnicianStatus::Travelling && !t.ticket.empty()) {
      const auto there = place(m.dispatcher.ticket(t.ticket).location);
      w.to_site = there.first;
      w.to_room = there.second;
      // The arrival is the dispatcher's decision for this ticket (its latest dispatch event).
      const std::string who = "technician=" + t.id + " start_us=";
      for (auto e = events.rbegin(); e != events.rend(); ++e) {
        if (e->entity != t.ticket || e->kind.rfind("dispatch.", 0) != 0) continue;
        const auto at = e->detail.find(who);
        if (at == std::string::npos) continue;
        std::int64_t us = 0;
        for (std::size_t i = at + who.size();
             i < e->detail.size() && e->detail[i] >= '0' && e->detail[i] <= '9'; ++i)
          us = us * 10 + (e->detail[i] - '0');
        w.eta_s = static_cast<double>(us - m.start_us) / 1e6;
        break;
      }
    }
    out.push_back(std::move(w));
  }
  return out;
}

std::vector<MicrogridNow> LabModel::microgrids_now() const {
  std::vector<MicrogridNow> out;
  if (impl_->microgrid) impl_->microgrid_now(out);
  return out;
}

SupplyNow LabModel::supply_now() const {
  SupplyNow out;
  if (impl_->supply) impl_->supply_now(out);
  return out;
}

std::vector<DtnNodeNow> LabModel::dtn_nodes_now() const {
  std::vector<DtnNodeNow> out;
  if (impl_->dtn) impl_->dtn_nodes_now(out);
  return out;
}

}  // namespace labtwin::twin
