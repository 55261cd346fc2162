// Shared instruments on the DES kernel: arrivals, booking follow-ups, failures and KPIs.
#include "labtwin/twin/instrument_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <limits>
#include <map>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "labtwin/core/dispatch/dispatcher.hpp"
#include "labtwin/core/inventory/ledger.hpp"
#include "labtwin/sim/random.hpp"
#include "labtwin/sim/statistics.hpp"
#include "labtwin/twin/sim_ports.hpp"

namespace labtwin::twin {

namespace ci = core::instruments;

namespace {

sim::Time hours_to_time(double h) { return sim::Time::from_seconds(h * 3600.0); }

double overlap_hours(core::Instant a, core::Instant b, core::Instant lo, core::Instant hi) {
  const core::Instant s = std::max(a, lo);
  const core::Instant e = std::min(b, hi);
  return e > s ? (e - s).to_hours() : 0.0;
}

// Joins pieces (avoids GCC 12's -Wrestrict false positive on "literal" + std::string).
std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (const std::string_view p : parts) out += p;
  return out;
}

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument(cat({"instrument model: ", what}));
}

// The working-hour stretches of `cal` inside [lo, hi) (all of it when the calendar is empty).
std::vector<std::pair<core::Instant, core::Instant>> scheduled_stretches(
    const core::ShiftCalendar& cal, core::Instant lo, core::Instant hi) {
  std::vector<std::pair<core::Instant, core::Instant>> out;
  if (cal.empty()) {
    if (hi > lo) out.emplace_back(lo, hi);
    return out;
  }
  core::Instant t = lo;
  while (t < hi) {
    core::Instant s = t;
    if (!cal.on_shift(t)) {
      const std::optional<core::Instant> next = cal.next_shift_start(t);
      if (!next || *next >= hi) break;
      s = *next;
    }
    const std::optional<core::Instant> e = cal.shift_end(s);
    if (!e || *e <= s) break;
    out.emplace_back(s, std::min(*e, hi));
    t = *e;
  }
  return out;
}

// "4.5 h" (no trailing zeros).
std::string hours_text(double h) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g h", h);
  return buf;
}

double nan_value() { return std::numeric_limits<double>::quiet_NaN(); }

}  // namespace

double InstrumentModelResult::lost_share() const {
  return requests > 0 ? static_cast<double>(lost) / static_cast<double>(requests) : 0.0;
}

struct InstrumentModel::Impl {
  enum class Fate : std::uint8_t { Run, Cancel, NoShow };

  struct TypeState {
    const InstrumentTypeSpec* spec = nullptr;
    std::vector<ci::InstrumentId> instruments;
    ci::RunTypeId run_type = ci::kNoRunType;
    sim::RandomStream arrivals;
    sim::RandomStream runs;
    sim::RandomStream lead;
    sim::RandomStream fate;
    sim::RandomStream quality;  // does a completed run fail?
    std::uint64_t next_user = 0;
    std::int64_t requests = 0;                // inside the measurement window
    std::int64_t booked = 0;                  // ...
    mutable sim::SampleQuantiles waits = {};  // request to slot start, hours
    std::int64_t completed = 0;               // runs completed inside the window
    std::int64_t failed = 0;                  // ... of which failed
    double nominal_h = 0.0;                   // their nominal run time
    double actual_h = 0.0;                    // their actual run time
  };
  // Forwards the ledger's events to the caller's sink as one event per state change.
  struct Relay final : core::EventSink {
    explicit Relay(Impl* i) : impl(i) {}
    void publish(const core::DomainEvent& e) override { impl->relay(e); }
    Impl* impl;
  };
  struct InstState {
    ci::InstrumentId id{};
    std::size_t type = 0;
    sim::RandomStream failures;
    sim::RandomStream repairs;
    bool down = false;
    core::Instant down_since{};
    double repair_hours = 0.0;  // hands-on time of the current repair
    sim::RandomStream parts;    // does a fault need the spare part?
    std::vector<std::pair<core::Instant, core::Instant>> outages;  // closed outages
  };

  Impl(sim::Simulation& s, InstrumentModelConfig c, core::EventSink* sink,
       core::inventory::Ledger* stock_ledger)
      : sim(s),
        cfg(std::move(c)),
        clock(s, cfg.start_us),
        sink_out(sink),
        relay_sink(this),
        ledger(clock, sink != nullptr ? &relay_sink : nullptr, stock_ledger),
        stock(stock_ledger) {}

  static sim::RandomStream stream(const InstrumentModelConfig& c, const std::string& name) {
    return sim::RandomStream(c.seed, c.replication, name);
  }

  void build() {
    require(cfg.horizon_hours > 0 && std::isfinite(cfg.horizon_hours), "horizon_hours must be > 0");
    require(cfg.warmup_hours >= 0 && cfg.warmup_hours < cfg.horizon_hours,
            "warmup_hours must be in [0, horizon_hours)");
    types.reserve(cfg.types.size());
    for (std::size_t k = 0; k < cfg.types.size(); ++k) {
      const InstrumentTypeSpec& spec = cfg.types[k];
      const std::string& t = spec.type;
      require(!t.empty(), "an instrument type has no name");
      require(spec.count >= 1, cat({"type '", t, "': count must be >= 1"}));
      require(spec.requests_per_hour > 0 && std::isfinite(spec.requests_per_hour),
              cat({"type '", t, "': requests_per_hour must be > 0"}));
      require(spec.cancel_probability >= 0 && spec.no_show_probability >= 0 &&
                  spec.cancel_probability + spec.no_show_probability <= 1,
              cat({"type '", t, "': cancel and no-show probabilities must be >= 0, sum <= 1"}));
      if (!spec.instant) {
        // Run times are rounded up to the granularity and clamped to the slot limits on it.
        const std::int64_t g = spec.rules.granularity.us;
        require(g > 0 && (spec.rules.min_slot.us + g - 1) / g <= spec.rules.max_slot.us / g,
                cat({"type '", t,
                     "': no slot length on the granularity grid lies within "
                     "[min_slot, max_slot]"}));
      }
      require(!spec.spare_part || stock != nullptr,
              cat({"type '", t, "': spare parts need a stock ledger"}));
      require(!spec.spare_part ||
                  (spec.spare_part->probability >= 0 && spec.spare_part->probability <= 1 &&
                   spec.spare_part->order_lead_hours >= 0),
              cat({"type '", t, "': spare part probability in [0, 1], lead time >= 0"}));
      require(spec.users >= 1 && spec.projects >= 1,
              cat({"type '", t, "': users and projects must be >= 1"}));
      require(spec.failure_probability >= 0 && spec.failure_probability <= 1,
              cat({"type '", t, "': failure_probability must be in [0, 1]"}));
      require(spec.slowdown >= 1 && std::isfinite(spec.slowdown),
              cat({"type '", t, "': slowdown must be >= 1"}));
      TypeState ts{&spec,
                   {},
                   ci::kNoRunType,
                   stream(cfg, cat({"instruments/", t, "/arrivals"})),
                   stream(cfg, cat({"instruments/", t, "/runs"})),
                   stream(cfg, cat({"instruments/", t, "/lead"})),
                   stream(cfg, cat({"instruments/", t, "/fate"})),
                   stream(cfg, cat({"instruments/", t, "/quality"}))};
      if (!spec.bom.empty()) {
        const ci::Result r =
            ledger.execute(ci::AddRunType{ci::RunType{cat({t, "-run"}), spec.bom}});
        require(r.ok(), cat({"type '", t, "': ", r.text}));
        ts.run_type = ci::RunTypeId{r.id};
      }
      for (int n = 1; n <= spec.count; ++n) {
        ci::Instrument ins;
        ins.id = cat({t, "-", std::to_string(n)});
        ins.type = t;
        ins.site = spec.site;
        ins.room = spec.room;
        ins.stock_site = spec.stock_site;
        ins.hours = spec.hours;
        ins.rules = spec.rules;
        if (spec.instant) {
          // A slot starts the instant it is requested and lasts exactly the drawn run time.
          ins.rules.granularity = core::Span{1};
          ins.rules.min_slot = core::Span{1};
          ins.rules.max_slot = core::Span::days(1e5);
          ins.rules.weekly_quota = core::Span{};
          ins.rules.needs_approval = false;
        }
        const ci::Result r = ledger.execute(ci::AddInstrument{ins});
        require(r.ok(), cat({"instrument '", ins.id, "': ", r.text}));
        ts.instruments.push_back(ci::InstrumentId{r.id});
        insts.push_back(InstState{ci::InstrumentId{r.id},
                                  k,
                                  stream(cfg, cat({"instruments/", ins.id, "/failures"})),
                                  stream(cfg, cat({"instruments/", ins.id, "/repairs"})),
                                  false,
                                  {},
                                  0.0,
                                  stream(cfg, cat({"instruments/", ins.id, "/parts"})),
                                  {}});
      }
      types.push_back(std::move(ts));
    }
    int max_users = 0;
    int max_projects = 0;
    for (const InstrumentTypeSpec& spec : cfg.types) {
      max_users = std::max(max_users, spec.users);
      max_projects = std::max(max_projects, spec.projects);
    }
    for (int i = 0; i < max_users; ++i) users.push_back(cat({"u", std::to_string(i)}));
    for (int i = 0; i < max_projects; ++i) projects.push_back(cat({"p", std::to_string(i)}));
    warm = clock.to_instant(hours_to_time(cfg.warmup_hours));
    require(cfg.technicians >= 0, "technicians must be >= 0");
    if (cfg.technicians > 0) {
      dispatch = std::make_unique<core::Dispatcher>(clock, null_sink, travel);
      for (int n = 1; n <= cfg.technicians; ++n) {
        core::Technician tech;
        tech.id = cat({"tech-", std::to_string(n)});
        tech.skills = {"repair"};
        tech.status = core::TechnicianStatus::Available;
        dispatch->add_technician(std::move(tech));
      }
      ledger.set_dispatcher(dispatch.get());
    }
  }

  void start() {
    for (std::size_t k = 0; k < types.size(); ++k) schedule_arrival(k);
    for (std::size_t i = 0; i < insts.size(); ++i) schedule_failure(i);
    bool any_pm = false;
    for (std::size_t i = 0; i < insts.size(); ++i) {
      const InstrumentTypeSpec& spec = *types[insts[i].type].spec;
      const int number =
          static_cast<int>(std::find(types[insts[i].type].instruments.begin(),
                                     types[insts[i].type].instruments.end(), insts[i].id) -
                           types[insts[i].type].instruments.begin()) +
          1;
      for (const ServiceWindow& w : spec.service_windows) {
        if (w.instrument != 0 && w.instrument != number) continue;
        const double at_h = std::max(0.0, w.start_hours - w.notice_hours);
        sim.schedule_at(hours_to_time(at_h), [this, i, w] {
          place_window(i, clock.to_instant(hours_to_time(w.start_hours)),
                       core::Span{hours_to_time(w.duration_hours).ticks}, "service");
        });
      }
      if (spec.maintenance) {
        const PmSpec& pm = *spec.maintenance;
        core::PmPlan plan;
        plan.id = pm_plan_id(i);
        plan.asset = ledger.state().instrument(insts[i].id).id;
        plan.trigger = pm.trigger;
        plan.interval = core::Span{hours_to_time(pm.interval_hours).ticks};
        plan.usage_interval = pm.usage_hours;
        plan.lead_time = core::Span{hours_to_time(pm.notice_hours).ticks};
        plan.duration = core::Span{hours_to_time(pm.duration_hours).ticks};
        planner.add_plan(plan, clock.now());
        any_pm = true;
      }
    }
    if (any_pm) sim.schedule_in(sim::Time::h(1), [this] { check_pm(); });
  }

  std::string pm_plan_id(std::size_t i) const {
    return cat({ledger.state().instrument(insts[i].id).id, "/pm"});
  }

  // Places a maintenance window at the first start at or after `start` (and now) on the
  // granularity grid that no checked-in run overlaps; returns its end.
  core::Instant place_window(std::size_t i, core::Instant start, core::Span d,
                             const std::string& note) {
    const ci::InstrumentId id = insts[i].id;
    const core::Span g = ledger.state().instrument(id).rules.granularity;
    core::Instant s = std::max(start, clock.now());
    s = core::Instant{(s.us + g.us - 1) / g.us * g.us};
    for (int attempt = 0; attempt < 1000; ++attempt) {
      const ci::Result r =
          ledger.execute(ci::AddMaintenanceWindow{id, s, s + d, ci::WindowKind::Maintenance, note});
      if (r.ok()) return s + d;
      if (r.reason != ci::Reason::InUse) {
        throw std::logic_error(cat({"instrument model: maintenance window rejected: ", r.text}));
      }
      // A run is on the instrument: start after it.
      core::Instant after = s + g;
      ledger.state().book(id).slots.for_each_overlap(
          s, s + d, [&](const auto& e) { after = std::max(after, e.end); });
      s = core::Instant{(after.us + g.us - 1) / g.us * g.us};
    }
    throw std::logic_error("instrument model: no room for a maintenance window");
  }

  void check_pm() {
    sim.schedule_in(sim::Time::h(1), [this] { check_pm(); });
    for (const core::Ticket& t : planner.make_tickets(clock.now())) {
      // Ticket ids are "<plan>#<n>"; plans are "<instrument id>/pm".
      const std::string plan = t.id.substr(0, t.id.rfind('#'));
      for (std::size_t i = 0; i < insts.size(); ++i) {
        if (pm_plan_id(i) != plan) continue;
        const core::Instant end = place_window(i, t.sla_deadline, t.estimated_duration, plan);
        sim.schedule_at(clock.to_sim(end), [this, plan, end] { planner.record_done(plan, end); });
      }
    }
  }

  void schedule_arrival(std::size_t k) {
    TypeState& ts = types[k];
    const double gap = -std::log(ts.arrivals.uniform01()) / ts.spec->requests_per_hour;
    sim.schedule_in(hours_to_time(gap), [this, k] { arrive(k); });
  }

  void schedule_failure(std::size_t i) {
    const auto& ttf = types[insts[i].type].spec->time_to_failure_hours;
    if (!ttf) return;
    sim.schedule_in(hours_to_time((*ttf)(insts[i].failures)), [this, i] { fail(i); });
  }

  bool counting() const { return clock.now() >= warm; }

  void arrive(std::size_t k) {
    schedule_arrival(k);
    TypeState& ts = types[k];
    const InstrumentTypeSpec& spec = *ts.spec;
    const core::Instant now = clock.now();
    const std::uint64_t u = ts.next_user++;
    const std::string& user = users[u % static_cast<std::uint64_t>(spec.users)];
    const std::string& project = projects[u % static_cast<std::uint64_t>(spec.projects)];
    const double nominal_h = std::max(0.0, sim::sample(spec.run_hours, ts.runs));
    const double run_h = nominal_h * spec.slowdown;  // slots are booked for the actual time
    const bool count = counting();
    if (count) {
      ++requests;
      ++ts.requests;
    }
    if (spec.instant) {
      const core::Span d{std::max<std::int64_t>(1, hours_to_time(run_h).ticks)};
      for (const ci::InstrumentId id : ts.instruments) {
        const ci::Result r =
            ledger.execute(ci::Request{id, user, project, now, now + d, ts.run_type});
        if (!r.ok()) continue;
        note_nominal(ci::BookingId{r.id}, nominal_h);
        if (count) {
          ++booked;
          ++ts.booked;
          waits.add(0.0);
          ts.waits.add(0.0);
        }
        begin_run(ci::BookingId{r.id});
        return;
      }
      if (count) ++lost;
      if (sink_out != nullptr) {
        sink_out->publish({now, "booking.rejected", spec.type,
                           cat({"instant request of ", user, " lost: every ", spec.type,
                                " instrument busy or down"})});
      }
      return;
    }
    // Lead-time booking: the earliest slot at or after the preferred start on any instrument.
    const core::Span g = spec.rules.granularity;
    std::int64_t units =
        static_cast<std::int64_t>(std::ceil(run_h * 3600e6 / static_cast<double>(g.us)));
    core::Span d{std::max<std::int64_t>(units, 1) * g.us};
    d = std::clamp(d, core::Span{(spec.rules.min_slot.us + g.us - 1) / g.us * g.us},
                   core::Span{spec.rules.max_slot.us / g.us * g.us});
    const double lead_h = std::max(0.0, sim::sample(spec.lead_hours, ts.lead));
    const core::Instant preferred = now + core::Span{hours_to_time(lead_h).ticks};
    std::optional<core::Instant> best;
    ci::InstrumentId best_id{};
    for (const ci::InstrumentId id : ts.instruments) {
      const auto slot = ledger.find_slot(id, preferred, d, user, project);
      if (slot && (!best || *slot < *best)) {
        best = slot;
        best_id = id;
      }
    }
    if (!best) {
      if (count) ++rejected;
      if (sink_out != nullptr) {
        sink_out->publish({now, "booking.rejected", spec.type,
                           cat({"request of ", user, " for ", hours_text(d.to_hours()),
                                ": no slot within the book-ahead limit"})});
      }
      return;
    }
    const ci::Result r =
        ledger.execute(ci::Request{best_id, user, project, *best, *best + d, ts.run_type});
    if (!r.ok())
      throw std::logic_error(cat({"instrument model: find_slot disagrees with Request: ", r.text}));
    const ci::BookingId b{r.id};
    note_nominal(b, nominal_h);
    if (spec.rules.needs_approval) ledger.execute(ci::Approve{b});  // approvers say yes at once
    if (count) {
      ++booked;
      ++ts.booked;
      waits.add((*best - now).to_hours());
      ts.waits.add((*best - now).to_hours());
    }
    const double f = ts.fate.uniform01();
    if (f < spec.cancel_probability) {
      const double at_h = ts.fate.uniform(0.0, (*best - now).to_hours());
      sim.schedule_in(hours_to_time(at_h), [this, b] { cancel(b); });
    } else if (f < spec.cancel_probability + spec.no_show_probability) {
      sim.schedule_at(clock.to_sim(*best + spec.rules.no_show_grace), [this, b] { no_show(b); });
    } else {
      sim.schedule_at(clock.to_sim(*best), [this, b] { start_run(b); });
    }
  }

  void begin_run(ci::BookingId b) {
    ledger.execute(ci::CheckIn{b});
    const ci::Booking& bk = ledger.state().booking(b);
    const bool started = bk.status == ci::BookingStatus::CheckedIn;
    if (stock_hook && bk.run_type != ci::kNoRunType &&
        (started || bk.status == ci::BookingStatus::LostStockout)) {
      for (const ci::BomLine& line : ledger.state().run_type(bk.run_type).bom) {
        stock_hook(line.sku, line.quantity, started);
      }
    }
    if (bk.status == ci::BookingStatus::CheckedIn) {
      sim.schedule_at(clock.to_sim(bk.end), [this, b] { end_run(b); });
    }
  }

  // Follow-ups look the booking up again: a bump may have moved it (later) or ended it.
  void start_run(ci::BookingId b) {
    const ci::Booking& bk = ledger.state().booking(b);
    if (bk.status != ci::BookingStatus::Confirmed) return;
    if (bk.start > clock.now()) {
      sim.schedule_at(clock.to_sim(bk.start), [this, b] { start_run(b); });
      return;
    }
    begin_run(b);
  }

  void end_run(ci::BookingId b) {
    const ci::Booking& bk = ledger.state().booking(b);
    if (bk.status != ci::BookingStatus::CheckedIn) return;
    TypeState& ts = types[insts[ci::index(bk.instrument)].type];
    // The quality stream is drawn only when runs can fail, so q = 0 changes nothing.
    const bool failed =
        ts.spec->failure_probability > 0 && ts.quality.uniform01() < ts.spec->failure_probability;
    if (counting()) {
      const double nominal = nominal_of(b);
      ++ts.completed;
      if (failed) ++ts.failed;
      ts.nominal_h += nominal;
      ts.actual_h += nominal * ts.spec->slowdown;
    }
    completing_failed = failed;
    ledger.execute(ci::Complete{b});
    completing_failed = false;
    if (types[insts[ci::index(bk.instrument)].type].spec->maintenance) {
      planner.record_usage(ledger.state().instrument(bk.instrument).id,
                           (bk.end - bk.start).to_hours(), clock.now());
    }
  }

  void cancel(ci::BookingId b) {
    const ci::Booking& bk = ledger.state().booking(b);
    if (bk.status == ci::BookingStatus::Confirmed || bk.status == ci::BookingStatus::Requested) {
      ledger.execute(ci::Cancel{b});
    }
  }

  void no_show(ci::BookingId b) {
    const ci::Booking& bk = ledger.state().booking(b);
    if (bk.status != ci::BookingStatus::Confirmed) return;
    const core::Instant due =
        bk.start + ledger.state().instrument(bk.instrument).rules.no_show_grace;
    if (due > clock.now()) {
      sim.schedule_at(clock.to_sim(due), [this, b] { no_show(b); });
      return;
    }
    ledger.execute(ci::NoShow{b});
  }

  // The nominal run time of a booking (its run before the slowdown).
  void note_nominal(ci::BookingId b, double hours) {
    const std::size_t k = ci::index(b);
    if (nominal_by_booking.size() <= k) nominal_by_booking.resize(k + 1, 0.0);
    nominal_by_booking[k] = hours;
  }
  double nominal_of(ci::BookingId b) const {
    const std::size_t k = ci::index(b);
    return k < nominal_by_booking.size() ? nominal_by_booking[k] : 0.0;
  }

  // The lab's view of the ledger's events: one per booking or instrument state change, named
  // for the lab's event log; set-up events and the outage windows of breakdowns are dropped.
  void relay(const core::DomainEvent& e) {
    const ci::Event& ev = ledger.events().back();  // the event being published
    const char* kind = std::visit(
        [&](const auto& b) -> const char* {
          using T = std::decay_t<decltype(b)>;
          if constexpr (std::is_same_v<T, ci::BookingRequested>) {
            switch (ledger.state().booking(b.booking).status) {
              case ci::BookingStatus::Confirmed:
                return "booking.confirmed";
              case ci::BookingStatus::Waitlisted:
                return "booking.waitlisted";
              default:
                return "booking.requested";
            }
          }
          if constexpr (std::is_same_v<T, ci::BookingApproved>) return "booking.confirmed";
          if constexpr (std::is_same_v<T, ci::BookingRejected>) return "booking.rejected";
          if constexpr (std::is_same_v<T, ci::CheckedIn>) return "booking.checked_in";
          if constexpr (std::is_same_v<T, ci::RunCompleted>) {
            return completing_failed ? "booking.run_failed" : "booking.completed";
          }
          if constexpr (std::is_same_v<T, ci::BookingCancelled>) return "booking.cancelled";
          if constexpr (std::is_same_v<T, ci::NoShowRecorded>) return "booking.no_show";
          if constexpr (std::is_same_v<T, ci::RunLost>) return "booking.lost";
          if constexpr (std::is_same_v<T, ci::BookingBumped>) return "booking.bumped";
          if constexpr (std::is_same_v<T, ci::BookingRebooked>) return "booking.rebooked";
          if constexpr (std::is_same_v<T, ci::WaitlistPromoted>) return "booking.promoted";
          if constexpr (std::is_same_v<T, ci::WaitlistExpired>) return "booking.expired";
          if constexpr (std::is_same_v<T, ci::BreakdownReported>) return "instrument.failed";
          if constexpr (std::is_same_v<T, ci::RepairCompleted>) return "instrument.repaired";
          if constexpr (std::is_same_v<T, ci::WindowAdded>) {
            return b.definition.kind == ci::WindowKind::Outage ? nullptr : "instrument.maintenance";
          }
          return nullptr;  // instrument and run type set-up
        },
        ev.body);
    if (kind == nullptr) return;
    core::DomainEvent d = e;
    d.kind = kind;
    if (completing_failed) d.detail += ", run failed (nothing yielded)";
    sink_out->publish(d);
  }

  void fail(std::size_t i) {
    InstState& s = insts[i];
    const InstrumentTypeSpec& spec = *types[s.type].spec;
    const double repair_h = std::max(1e-6, sim::sample(spec.repair_hours, s.repairs));
    const double expected_h = std::max(1e-6, sim::mean(spec.repair_hours));
    // A fault needing a part that is not on hand waits for it before its repair ticket opens.
    bool wait_for_part = false;
    if (spec.spare_part && s.parts.uniform01() < spec.spare_part->probability &&
        !take_part(*spec.spare_part)) {
      wait_for_part = true;
      if (counting()) ++parts_stockouts;
    }
    if (wait_for_part && dispatch) ledger.set_dispatcher(nullptr);
    const ci::Result r = ledger.execute(ci::ReportBreakdown{
        s.id, core::Span{hours_to_time(expected_h).ticks}, "failure", "repair"});
    if (!r.ok()) throw std::logic_error(cat({"instrument model: breakdown rejected: ", r.text}));
    if (wait_for_part && dispatch) ledger.set_dispatcher(dispatch.get());
    s.down = true;
    s.down_since = clock.now();
    s.repair_hours = repair_h;
    // The ledger's ticket id: "repair:<instrument>#<outage window>".
    const std::string ticket = cat({"repair:", ledger.state().instrument(s.id).id, "#",
                                    std::to_string(ci::index(ledger.state().book(s.id).outage))});
    if (wait_for_part) {
      const SparePartSpec& part = *spec.spare_part;
      sim.schedule_in(hours_to_time(part.order_lead_hours), [this, i, ticket] {
        receive_part(i);
        begin_repair(i, ticket, true);
      });
      return;
    }
    begin_repair(i, ticket, false);
  }

  // The part a fault needs: issued now if on hand (true), else false (nothing issued).
  bool take_part(const SparePartSpec& part, bool report = true) {
    if (stock->available(part.sku) < 1.0) {
      if (report && stock_hook) stock_hook(part.sku, 1.0, false);
      return false;
    }
    core::inventory::Issue issue;
    issue.sku = part.sku;
    issue.quantity = 1.0;
    const core::inventory::Result r = stock->execute(issue);
    if (!r.ok()) throw std::logic_error(cat({"instrument model: part issue failed: ", r.reason}));
    if (counting()) ++parts_used;
    if (report && stock_hook) stock_hook(part.sku, 1.0, true);
    return true;
  }

  // An emergency order of one part arrives: received, released and issued to the repair.
  void receive_part(std::size_t i) {
    const SparePartSpec& part = *types[insts[i].type].spec->spare_part;
    const core::inventory::Result r = stock->execute(core::inventory::Receive{
        part.sku, cat({"EMERGENCY-", std::to_string(++emergency_orders)}), 1.0, part.receive_at});
    if (!r.ok()) throw std::logic_error(cat({"instrument model: part receipt failed: ", r.reason}));
    stock->execute(core::inventory::ReleaseQc{core::inventory::LotId{r.id}});
    take_part(part, false);  // the need was reported when the fault was diagnosed
  }

  // Starts the repair: at once without technicians, else through the dispatcher (the ticket
  // was opened by the ledger, or is opened now when it waited for a part).
  void begin_repair(std::size_t i, const std::string& ticket, bool open_ticket) {
    if (!dispatch) {
      sim.schedule_in(hours_to_time(insts[i].repair_hours), [this, i] { repair(i); });
      return;
    }
    if (open_ticket) {
      core::Ticket t;
      t.id = ticket;
      t.kind = core::TicketKind::Repair;
      t.priority = 1;
      t.created = clock.now();
      t.sla_deadline = clock.now() + core::Span::hours(4);
      t.required_skill = "repair";
      t.estimated_duration = core::Span{hours_to_time(insts[i].repair_hours).ticks};
      dispatch->open_ticket(std::move(t));
    }
    tickets.emplace(ticket, i);
    run_dispatch();
  }

  // Assigns free technicians to open repair tickets; each repair takes its drawn time.
  void run_dispatch() {
    for (const core::Assignment& a : dispatch->decide().assignments) {
      const std::size_t i = tickets.at(a.ticket);
      const std::string ticket = a.ticket;
      sim.schedule_at(clock.to_sim(std::max(a.expected_start, clock.now())), [this, i, ticket] {
        dispatch->start_work(ticket);
        sim.schedule_in(hours_to_time(insts[i].repair_hours), [this, i, ticket] {
          dispatch->complete_ticket(ticket);
          tickets.erase(ticket);
          repair(i);
          run_dispatch();
        });
      });
    }
  }

  void repair(std::size_t i) {
    InstState& s = insts[i];
    ledger.execute(ci::RepairDone{s.id});
    s.outages.emplace_back(s.down_since, clock.now());
    s.down = false;
    schedule_failure(i);
  }

  InstrumentModelResult results() const {
    InstrumentModelResult out;
    const core::Instant now = clock.now();
    const double window = (now - warm).to_hours();
    const ci::BookingLedgerState& st = ledger.state();
    for (const InstState& s : insts) {
      InstrumentKpi k;
      k.id = st.instrument(s.id).id;
      k.type = st.instrument(s.id).type;
      for (const auto& [a, b] : s.outages) {
        k.down_hours += overlap_hours(a, b, warm, now);
        if (a >= warm) ++k.failures;
      }
      if (s.down) {
        k.down_hours += overlap_hours(s.down_since, now, warm, now);
        if (s.down_since >= warm) ++k.failures;
      }
      out.instruments.push_back(std::move(k));
    }
    for (std::uint32_t i = 0; i < st.booking_count(); ++i) {
      const ci::Booking& b = st.booking(ci::BookingId{i});
      double h = 0.0;
      if (b.status == ci::BookingStatus::Completed) h = overlap_hours(b.start, b.end, warm, now);
      if (b.status == ci::BookingStatus::CheckedIn) {
        h = overlap_hours(b.start, std::min(b.end, now), warm, now);
      }
      out.instruments[ci::index(b.instrument)].run_hours += h;
    }
    for (std::uint32_t w = 0; w < st.window_count(); ++w) {
      const ci::Window& win = st.window(ci::WindowId{w});
      if (win.kind == ci::WindowKind::Outage) continue;
      out.instruments[ci::index(win.instrument)].maintenance_hours +=
          overlap_hours(win.start, win.end, warm, now);
    }
    for (InstrumentKpi& k : out.instruments) {
      k.utilisation = window > 0 ? k.run_hours / window : 0.0;
      k.availability = window > 0 ? 1.0 - k.down_hours / window : 1.0;
    }
    for (const ci::Event& e : ledger.events()) {
      if (e.at < warm) continue;
      std::visit(
          [&](const auto& body) {
            using T = std::decay_t<decltype(body)>;
            if constexpr (std::is_same_v<T, ci::BookingBumped>) ++out.bumped;
            if constexpr (std::is_same_v<T, ci::RunCompleted>) ++out.completed;
            if constexpr (std::is_same_v<T, ci::NoShowRecorded>) ++out.no_shows;
            if constexpr (std::is_same_v<T, ci::WindowAdded>) {
              if (body.definition.kind != ci::WindowKind::Outage) ++out.maintenance_windows;
            }
            if constexpr (std::is_same_v<T, ci::BookingCancelled>) {
              ++out.cancelled;
              if (body.late) ++out.late_cancelled;
            }
            if constexpr (std::is_same_v<T, ci::RunLost>) {
              (body.cause == ci::LossCause::Stockout ? out.lost_stockout : out.lost_breakdown)++;
            }
          },
          e.body);
    }
    // OEE: availability over working hours, performance and quality over completed runs.
    std::vector<double> sched_h(types.size(), 0.0), up_h(types.size(), 0.0);
    for (const InstState& s : insts) {
      const auto stretches = scheduled_stretches(st.instrument(s.id).hours, warm, now);
      double sched = 0.0, down = 0.0;
      auto down_in = [&](core::Instant a, core::Instant b) {
        for (const auto& [lo, hi] : stretches) down += overlap_hours(a, b, lo, hi);
      };
      for (const auto& [lo, hi] : stretches) sched += (hi - lo).to_hours();
      for (const auto& [a, b] : s.outages) down_in(a, b);
      if (s.down) down_in(s.down_since, now);
      sched_h[s.type] += sched;
      up_h[s.type] += sched - down;
    }
    double sched_all = 0.0, up_all = 0.0, nominal_all = 0.0, actual_all = 0.0;
    std::int64_t completed_all = 0, failed_all = 0;
    auto ratio = [](double num, double den) { return den > 0 ? num / den : nan_value(); };
    for (std::size_t k = 0; k < types.size(); ++k) {
      const TypeState& ts = types[k];
      sched_all += sched_h[k];
      up_all += up_h[k];
      nominal_all += ts.nominal_h;
      actual_all += ts.actual_h;
      completed_all += ts.completed;
      failed_all += ts.failed;
    }
    out.failed = failed_all;
    out.oee_availability = ratio(up_all, sched_all);
    out.oee_performance = ratio(nominal_all, actual_all);
    out.oee_quality =
        ratio(static_cast<double>(completed_all - failed_all), static_cast<double>(completed_all));
    out.oee = out.oee_availability * out.oee_performance * out.oee_quality;
    out.requests = requests;
    out.booked = booked;
    out.rejected = rejected;
    out.lost = lost;
    out.parts_used = parts_used;
    out.parts_stockouts = parts_stockouts;
    if (waits.count() > 0) {
      out.wait_p50_hours = waits.quantile(0.5);
      out.wait_p95_hours = waits.quantile(0.95);
    }
    for (const TypeState& ts : types) {
      InstrumentTypeKpi k;
      k.type = ts.spec->type;
      k.requests = ts.requests;
      k.booked = ts.booked;
      if (ts.waits.count() > 0) {
        k.wait_p50_hours = ts.waits.quantile(0.5);
        k.wait_p95_hours = ts.waits.quantile(0.95);
      }
      const std::size_t ti = out.types.size();
      k.completed = ts.completed;
      k.failed = ts.failed;
      k.scheduled_hours = sched_h[ti];
      k.up_hours = up_h[ti];
      k.nominal_hours = ts.nominal_h;
      k.actual_hours = ts.actual_h;
      k.availability = ratio(k.up_hours, k.scheduled_hours);
      k.performance = ratio(k.nominal_hours, k.actual_hours);
      k.quality =
          ratio(static_cast<double>(k.completed - k.failed), static_cast<double>(k.completed));
      k.oee = k.availability * k.performance * k.quality;
      out.types.push_back(std::move(k));
    }
    return out;
  }

  sim::Simulation& sim;
  InstrumentModelConfig cfg;
  SimClock clock;
  core::EventSink* sink_out = nullptr;  // the caller's sink (optional)
  Relay relay_sink;                     // the ledger's sink when the caller has one
  ci::BookingLedger ledger;
  std::vector<TypeState> types;
  std::vector<InstState> insts;
  core::MaintenancePlanner planner;
  core::NullEventSink null_sink;
  core::MatrixTravelTimes travel = core::MatrixTravelTimes::line(1, core::Span{});
  std::unique_ptr<core::Dispatcher> dispatch;               // repair technicians, when configured
  std::map<std::string, std::size_t, std::less<>> tickets;  // open repair ticket -> instrument
  core::Instant warm{};
  std::vector<std::string> users;     // "u0", "u1", ... (shared by the types)
  std::vector<std::string> projects;  // "p0", "p1", ...
  std::int64_t requests = 0;
  std::int64_t booked = 0;
  std::int64_t rejected = 0;
  std::int64_t lost = 0;
  std::int64_t parts_used = 0;
  std::int64_t parts_stockouts = 0;
  std::uint64_t emergency_orders = 0;
  bool completing_failed = false;            // the Complete being executed is a failed run
  std::vector<double> nominal_by_booking;    // nominal run hours per booking index
  core::inventory::Ledger* stock = nullptr;  // optional; required by spare parts
  InstrumentModel::StockHook stock_hook;     // optional observer of stock needs
  mutable sim::SampleQuantiles waits;        // quantile() sorts lazily
};

InstrumentModel::InstrumentModel(sim::Simulation& sim, InstrumentModelConfig config,
                                 core::EventSink* sink, core::inventory::Ledger* stock)
    : impl_(std::make_unique<Impl>(sim, std::move(config), sink, stock)) {
  impl_->build();
}

InstrumentModel::~InstrumentModel() = default;

void InstrumentModel::start() { impl_->start(); }

InstrumentModelResult InstrumentModel::results() const { return impl_->results(); }

const core::instruments::BookingLedger& InstrumentModel::ledger() const { return impl_->ledger; }

void InstrumentModel::set_stock_hook(StockHook hook) { impl_->stock_hook = std::move(hook); }

InstrumentModelResult run_instrument_model(const InstrumentModelConfig& config) {
  sim::Simulation sim;
  InstrumentModel model(sim, config);
  model.start();
  sim.run_until(hours_to_time(config.horizon_hours));
  return model.results();
}

}  // namespace labtwin::twin
