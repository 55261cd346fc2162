// [SECTION] Site microgrids coupled to the freezers (docs/twins/microgrid.md): each freezer's
// compressor is a load on its site's microgrid (the load follows the thermostat); when the bus
// cannot carry it the freezer loses power through the same path as a power_loss incident (its
// twin warms, alarms fire, technicians are dispatched, damaged lots are written off) and gets
// it back when supply returns. Deferrable jobs are placed on the carbon or price forecast by the
// core's scheduler.
#include <cmath>
#include <numbers>

#include "lab_model_impl.hpp"
#include "labtwin/core/schedule/job_placement.hpp"
#include "labtwin/twin/microgrid.hpp"
#include "labtwin/twin/microgrid_def.hpp"
#include "labtwin/twin/solar.hpp"

namespace labtwin::twin {
using namespace detail;  // NOLINT(google-build-using-namespace): this file implements them

namespace {
constexpr std::size_t kNone = static_cast<std::size_t>(-1);
constexpr double kWhPerKwh = 1000.0;
}  // namespace

struct LabModel::Impl::MicrogridGlue {
  struct Site {
    std::size_t site = 0;  // index in sc.sites
    const SiteMicrogridDef* def = nullptr;
    Microgrid grid;
    std::vector<std::size_t> load_freezer;  // per load: freezer index or kNone
    sim::EventId next{};
    double next_at = -1.0;  // model time of the scheduled event (-1: none)
    double capacity_wh = 0;
    std::optional<sim::SignalId> sig;  // first of its kSignals signals (build_signals)
    Site(std::size_t s, const SiteMicrogridDef* d, Microgrid g)
        : site(s), def(d), grid(std::move(g)) {}
  };
  struct Job {
    std::size_t site = 0, load = 0;
    double kw = 0, placed_kg = 0, naive_kg = 0, placed_cost = 0, naive_cost = 0;
    bool placed = false;
  };
  std::vector<Site> sites;
  std::vector<std::size_t> freezer_site;  // per freezer: index into sites or kNone
  std::vector<std::size_t> freezer_load;  // per freezer: its load on the site grid
  std::vector<char> cut;                  // per freezer: power cut by the microgrid
  std::vector<Job> jobs;
  std::vector<std::size_t> switched;  // scratch
  std::vector<std::size_t> dirty;     // freezers changed while a site was settling
  bool busy = false;
  double power_cuts = 0;
  std::optional<std::vector<MicrogridTotals>> at_warmup;
  std::optional<double> cuts_at_warmup;
};

void LabModel::Impl::MicrogridGlueDeleter::operator()(MicrogridGlue* p) const { delete p; }

namespace {

// A site microgrid's signals, in registration order (recorded as <site>/microgrid_*).
enum MicrogridSignal : std::uint32_t { kSoc, kPv, kDemand, kServed, kImport, kIslanded, kShedding };
constexpr std::uint32_t kSignals = 7;

// The battery's state of charge at t (the flows hold until the grid's next event; the stored
// energy is carried linearly from the grid's own time, never past that event).
double soc_at(const Microgrid& grid, double capacity_wh, double t) {
  if (capacity_wh <= 0) return 0.0;
  const auto& f = grid.flows();
  const auto& bp = grid.params().battery;
  const double dt = std::max(0.0, std::min(t, grid.next_event()) - grid.time());
  const double rate_w = f.charge * bp.charge_efficiency - f.discharge / bp.discharge_efficiency;
  return std::clamp((grid.stored_wh() + rate_w * dt / 3600.0) / capacity_wh, 0.0, 1.0);
}

// The value of signal k of a site's microgrid now (soc at t).
double microgrid_signal(const Microgrid& grid, double capacity_wh, std::uint32_t k, double t) {
  const auto& f = grid.flows();
  switch (k) {
    case kSoc:
      return soc_at(grid, capacity_wh, t);
    case kPv:
      return f.pv;
    case kDemand:
      return f.demand;
    case kServed:
      return f.served;
    case kImport:
      return f.import;
    case kIslanded:
      return grid.grid_up() ? 0.0 : 1.0;
    default:
      return f.served < f.demand * (1.0 - 1e-9) ? 1.0 : 0.0;
  }
}

// A typical-year hourly series (values[k] = local hour k of the year) in model seconds.
StepSeries typical_year(std::vector<double> values, std::int64_t start_us, std::int64_t offset_s) {
  StepSeries s;
  s.values = std::move(values);
  s.step_s = 3600.0;
  s.start_s = -seconds_into_year(start_us + offset_s * 1'000'000);
  return s;
}

// A daily profile (values[h] = local hour h) in model seconds.
StepSeries daily(std::vector<double> values, std::int64_t start_us, std::int64_t offset_s) {
  StepSeries s;
  s.values = std::move(values);
  s.step_s = 3600.0;
  const double local_s = static_cast<double>(start_us) / 1e6 + static_cast<double>(offset_s);
  s.start_s = -(local_s - std::floor(local_s / 86400.0) * 86400.0);
  return s;
}

}  // namespace

void LabModel::Impl::build_microgrid() {
  if (sc.microgrid.sites.empty()) return;
  microgrid.reset(new MicrogridGlue);
  auto& g = *microgrid;
  g.freezer_site.assign(freezers.size(), kNone);
  g.freezer_load.assign(freezers.size(), kNone);
  g.cut.assign(freezers.size(), 0);
  const double horizon_s = end.seconds();
  const auto off = sc.clock.utc_offset_s;
  for (const SiteMicrogridDef& d : sc.microgrid.sites) {
    const std::string where = "microgrid.sites[" + d.site + "]";
    std::size_t si = kNone;
    for (std::size_t k = 0; k < sc.sites.size(); ++k)
      if (sc.sites[k].id == d.site) si = k;
    if (si == kNone) throw std::invalid_argument(where + ".site: unknown site '" + d.site + "'");
    for (const auto& s : g.sites)
      if (s.site == si) throw std::invalid_argument(where + ": a second microgrid for the site");
    auto guarded = [&](const std::string& field, auto&& fn) {
      try {
        return fn();
      } catch (const std::exception& e) {
        throw std::invalid_argument(where + "." + field + ": " + e.what());
      }
    };
    MicrogridParams p;
    // PV: kWp x derate x irradiance.
    p.pv_kwp = d.pv.kwp;
    p.pv_derate = d.pv.derate;
    const IrradianceDef& ir = d.pv.irradiance;
    if (d.pv.kwp > 0) {
      if (ir.model == "file") {
        if (!ir.file) throw std::invalid_argument(where + ".pv.irradiance.file: missing");
        p.irradiance = typical_year(
            guarded("pv.irradiance.file", [&] { return read_hourly_column(*ir.file, ir.scale); }),
            start_us, off);
      } else if (ir.model == "clear_sky") {
        // Hourly steps from the hour containing the start to past the horizon.
        const std::int64_t h0 =
            start_us - ((start_us % 3'600'000'000LL) + 3'600'000'000LL) % 3'600'000'000LL;
        const auto hours = static_cast<std::size_t>(std::ceil(horizon_s / 3600.0)) + 2;
        auto rng = stream("microgrid/" + d.site + "/clearness");
        p.irradiance.values = guarded("pv.irradiance", [&] {
          return hourly_clear_sky(h0, hours, ir.latitude_deg, ir.longitude_deg,
                                  {ir.clearness, ir.variability, ir.persistence}, &rng);
        });
        p.irradiance.start_s = static_cast<double>(h0 - start_us) / 1e6;
      } else {
        throw std::invalid_argument(where + ".pv.irradiance.model: expected clear_sky or file");
      }
    }
    // Battery (kWh, kW -> Wh, W); power limits default to capacity / 2 h.
    const BatteryDef& b = d.battery;
    p.battery.capacity_wh = b.capacity_kwh * kWhPerKwh;
    p.battery.soc_initial = b.soc_initial;
    p.battery.soc_min = b.soc_min;
    p.battery.soc_max = b.soc_max;
    p.battery.soc_reserve = std::clamp(b.soc_reserve, b.soc_min, b.soc_max);
    p.battery.soc_reconnect = std::clamp(b.soc_reconnect, b.soc_min, b.soc_max);
    p.battery.charge_w = (b.charge_kw > 0 ? b.charge_kw : b.capacity_kwh / 2) * kWhPerKwh;
    p.battery.discharge_w = (b.discharge_kw > 0 ? b.discharge_kw : b.capacity_kwh / 2) * kWhPerKwh;
    p.battery.charge_efficiency = b.charge_efficiency;
    p.battery.discharge_efficiency = b.discharge_efficiency;
    if (d.generator) {
      const GeneratorDef& gd = *d.generator;
      p.generator.rated_w = gd.rated_kw * kWhPerKwh;
      p.generator.start_delay_s = gd.start_delay.seconds();
      p.generator.tank_l = gd.tank_l;
      p.generator.fuel_initial_l = gd.fuel_initial_l;
      p.generator.f0_l_per_kwh = gd.fuel_idle_l_per_kwh;
      p.generator.f1_l_per_kwh = gd.fuel_slope_l_per_kwh;
      p.generator.start_soc = gd.start_soc;
      p.generator.fuel_price_per_l = gd.fuel_price_per_l;
      p.generator.carbon_kg_per_l = gd.carbon_kg_per_l;
    }
    // Grid: scheduled outages, then random ones (time between, duration) over the horizon.
    const GridDef& gr = d.grid;
    for (std::size_t k = 0; k < gr.outages.size(); ++k) {
      const auto& o = gr.outages[k];
      const double at = static_cast<double>(o.absolute ? o.start_us - start_us : o.start_us) / 1e6;
      if (at < 0)
        throw std::invalid_argument(where + ".grid.outages[" + std::to_string(k) +
                                    "].start: before the scenario starts");
      p.outages.emplace_back(at, at + o.duration.seconds());
    }
    if (gr.time_between_outages) {
      const auto between =
          parse_dist(*gr.time_between_outages, where + ".grid.time_between_outages");
      const auto length = parse_dist(gr.outage_duration, where + ".grid.outage_duration");
      auto rng = stream("microgrid/" + d.site + "/outages");
      double t = 0;
      for (int guard = 0; guard < 100000; ++guard) {
        t += safe_sample(between, rng);
        if (t >= horizon_s) break;
        const double len = std::max(1e-3, safe_sample(length, rng));
        p.outages.emplace_back(t, t + len);
        t += len;
      }
    }
    p.export_allowed = gr.export_allowed;
    p.islanded_min_priority = d.shedding.islanded_min_priority;
    {
      std::vector<double> price(24);
      for (int h = 0; h < 24; ++h) {
        const bool peak = gr.peak_start_hour <= gr.peak_end_hour
                              ? (h >= gr.peak_start_hour && h < gr.peak_end_hour)
                              : (h >= gr.peak_start_hour || h < gr.peak_end_hour);
        price[static_cast<std::size_t>(h)] = peak ? gr.peak_price_per_kwh : gr.price_per_kwh;
      }
      p.price = daily(std::move(price), start_us, off);
    }
    p.export_price = StepSeries::flat(gr.export_price_per_kwh);
    if (gr.carbon_file) {
      p.carbon = typical_year(
          guarded("grid.carbon_file", [&] { return read_hourly_column(*gr.carbon_file); }),
          start_us, off);
    } else if (gr.carbon_daily_swing > 0) {
      std::vector<double> c(24);
      for (int h = 0; h < 24; ++h)
        c[static_cast<std::size_t>(h)] =
            gr.carbon_kg_per_kwh *
            (1.0 + gr.carbon_daily_swing *
                       std::cos(2.0 * std::numbers::pi * (h + 0.5 - gr.carbon_peak_hour) / 24.0));
      p.carbon = daily(std::move(c), start_us, off);
    } else {
      p.carbon = StepSeries::flat(gr.carbon_kg_per_kwh);
    }
    const StrategyDef& st = d.strategy;
    auto strategy = guarded("strategy", [&] {
      return make_strategy(st.type, st.peak_limit_kw * kWhPerKwh, st.carbon_low, st.carbon_high);
    });
    MicrogridParams copy = p;  // kept for the job forecast below
    g.sites.emplace_back(si, &d, guarded("battery", [&] {
                           return Microgrid(std::move(p), std::move(strategy), now_s());
                         }));
    auto& site = g.sites.back();
    site.capacity_wh = copy.battery.capacity_wh;
    const std::size_t sidx = g.sites.size() - 1;
    // Base loads.
    for (const BaseLoadDef& ld : d.loads) {
      LoadSpec ls;
      ls.id = ld.id;
      ls.priority = ld.priority;
      ls.critical = ld.priority >= d.shedding.critical_priority;
      if (ld.file) {
        ls.has_profile = true;
        ls.profile = typical_year(
            guarded("loads[" + ld.id + "].file",
                    [&] { return read_hourly_column(*ld.file, ld.scale * kWhPerKwh); }),
            start_us, off);
        ls.rated_w = *std::max_element(ls.profile.values.begin(), ls.profile.values.end());
      } else {
        ls.has_profile = true;
        ls.profile = StepSeries::flat(ld.kw * kWhPerKwh);
        ls.rated_w = ld.kw * kWhPerKwh;
      }
      site.load_freezer.push_back(kNone);
      site.grid.add_load(std::move(ls));
    }
    // Freezers of the site: the compressor's draw while the thermostat calls for cooling.
    for (std::size_t f = 0; f < freezers.size(); ++f) {
      if (freezers[f].site != si) continue;
      const auto& fz = freezers[f];
      LoadSpec ls;
      ls.id = fz.def.id;
      ls.priority = d.shedding.freezer_priority;
      for (const auto& id : d.shedding.critical_freezers)
        if (id == fz.def.id) ls.priority = std::max(ls.priority, d.shedding.critical_priority);
      ls.critical = ls.priority >= d.shedding.critical_priority;
      ls.rated_w = fz.model.params().electrical_power_w;
      g.freezer_site[f] = sidx;
      g.freezer_load[f] = site.grid.add_load(std::move(ls));
      site.load_freezer.push_back(f);
    }
    for (const auto& id : d.shedding.critical_freezers) {
      const auto it = freezer_index.find(id);
      if (it == freezer_index.end() || freezers[it->second].site != si)
        throw std::invalid_argument(where + ".shedding.critical_freezers: '" + id +
                                    "' is not a freezer of site " + d.site);
    }
    // Deferrable jobs: placed on the forecast (carbon or price over the horizon, hourly).
    if (!d.jobs.empty()) {
      const StepSeries& objective = d.job_objective == "price" ? copy.price : copy.carbon;
      core::Forecast fc;
      fc.start = core::Instant{start_us};
      fc.step = core::Span::hours(1);
      const auto hours = static_cast<std::size_t>(std::ceil(horizon_s / 3600.0));
      for (std::size_t h = 0; h < hours; ++h)
        fc.values.push_back(objective.at(static_cast<double>(h) * 3600.0));
      std::vector<core::EnergyJob> ej;
      for (const EnergyJobDef& jd : d.jobs) {
        if (jd.deadline.seconds() - jd.release.seconds() < jd.duration.seconds())
          throw std::invalid_argument(where + ".jobs[" + jd.id +
                                      "]: the window from release to deadline is shorter than "
                                      "the job");
        ej.push_back({jd.id, core::Span{jd.duration.ticks}, jd.kw,
                      core::Instant{start_us + jd.release.ticks},
                      core::Instant{start_us + std::min(jd.deadline, end).ticks}});
      }
      const auto placement =
          ej.size() <= 8 ? core::place_exact(fc, ej) : core::place_greedy(fc, ej);
      for (std::size_t k = 0; k < ej.size(); ++k) {
        MicrogridGlue::Job job;
        job.site = sidx;
        job.kw = d.jobs[k].kw;
        LoadSpec ls;
        ls.id = "job/" + d.jobs[k].id;
        ls.priority = 0;  // deferrable: shed first
        ls.rated_w = job.kw * kWhPerKwh;
        job.load = site.grid.add_load(std::move(ls));
        site.load_freezer.push_back(kNone);
        if (!placement.placed[k]) {
          log.publish({clock.now(), "microgrid.job_unplaced", d.jobs[k].id,
                       "no start within the window and the horizon"});
          g.jobs.push_back(job);
          continue;
        }
        job.placed = true;
        const core::Instant s = placement.start[k];
        const auto naive_end = ej[k].release + ej[k].duration;
        auto integral = [&](const StepSeries& series, core::Instant a, core::Instant z) {
          // Exact integral of a step series (value x hours) over [a, z).
          double t = static_cast<double>(a.us - start_us) / 1e6;
          const double te = static_cast<double>(z.us - start_us) / 1e6;
          double sum = 0;
          while (t < te) {
            const double n = std::min(series.next_change(t), te);
            sum += series.at(t) * (n - t) / 3600.0;
            t = n;
          }
          return sum;
        };
        job.placed_kg = job.kw * integral(copy.carbon, s, s + ej[k].duration);
        job.naive_kg = job.kw * integral(copy.carbon, ej[k].release, naive_end);
        job.placed_cost = job.kw * integral(copy.price, s, s + ej[k].duration);
        job.naive_cost = job.kw * integral(copy.price, ej[k].release, naive_end);
        const std::size_t jid = g.jobs.size();
        g.jobs.push_back(job);
        const sim::Time on = clock.to_sim(s), off_at = clock.to_sim(s + ej[k].duration);
        if (on <= end)
          sim.schedule_at(
              on, [this, jid] { microgrid_job(jid, true); }, 0, kMicrogridJob,
              static_cast<std::uint32_t>(jid));
        if (off_at <= end)
          sim.schedule_at(
              off_at, [this, jid] { microgrid_job(jid, false); }, 0, kMicrogridJob,
              static_cast<std::uint32_t>(jid));
        log.publish({clock.now(), "microgrid.job_placed", d.jobs[k].id,
                     "starts " + std::to_string((s.us - start_us) / 1'000'000) + " s"});
      }
    }
  }
  // Initial demands, then the first events.
  for (std::size_t f = 0; f < freezers.size(); ++f)
    if (g.freezer_site[f] != kNone) g.dirty.push_back(f);
  for (std::size_t s = 0; s < g.sites.size(); ++s) microgrid_settle(s);
  if (sc.clock.warmup > sim::Time::zero() && sc.clock.warmup < end)
    sim.schedule_at(
        sc.clock.warmup,
        [this] {
          auto& m = *microgrid;
          std::vector<MicrogridTotals> snap;
          for (auto& s : m.sites) {
            s.grid.advance_to(now_s());
            snap.push_back(s.grid.totals());
          }
          m.at_warmup = std::move(snap);
          m.cuts_at_warmup = m.power_cuts;
        },
        1000, kMicrogridJob, 0);
}

void LabModel::Impl::microgrid_job(std::size_t j, bool on) {
  auto& g = *microgrid;
  const auto& job = g.jobs[j];
  auto& site = g.sites[job.site];
  site.grid.advance_to(now_s());
  site.grid.set_demand(job.load, on ? job.kw * kWhPerKwh : 0.0);
  microgrid_settle(job.site);
}

void LabModel::Impl::microgrid_freezer_changed(std::size_t f) {
  auto& g = *microgrid;
  const std::size_t s = g.freezer_site[f];
  if (s == kNone) return;
  // Most changes of a freezer (doors, ambient) leave its draw as it was: nothing to do.
  const auto& m = freezers[f].model;
  const double want =
      m.thermostat_demand() && !m.compressor_failed() ? m.params().electrical_power_w : 0.0;
  if (!g.busy && want == g.sites[s].grid.demand(g.freezer_load[f])) return;
  g.dirty.push_back(f);
  if (!g.busy) microgrid_settle(s);
}

void LabModel::Impl::microgrid_settle(std::size_t s) {
  auto& g = *microgrid;
  auto& site = g.sites[s];
  g.busy = true;
  site.grid.advance_to(now_s());
  // Demands and power switches feed each other (a freezer cut off stops its compressor); the
  // shedding rule is monotone within one instant, so this settles in a few rounds.
  for (int round = 0; round < 1000; ++round) {
    for (std::size_t k = 0; k < g.dirty.size(); ++k) {
      const std::size_t f = g.dirty[k];
      const auto& m = freezers[f].model;
      const double want =
          m.thermostat_demand() && !m.compressor_failed() ? m.params().electrical_power_w : 0.0;
      g.sites[g.freezer_site[f]].grid.set_demand(g.freezer_load[f], want);
    }
    g.dirty.clear();
    site.grid.take_switched(g.switched);
    if (g.switched.empty()) break;
    const std::vector<std::size_t> changed = g.switched;
    for (std::size_t load : changed) {
      const std::size_t f = site.load_freezer[load];
      if (f == kNone) continue;
      auto& fz = freezers[f];
      const bool on = site.grid.powered(load);
      sync(f);
      if (!on) {
        fz.model.set_power(false);
        g.cut[f] = 1;
        g.power_cuts += 1;
        start_fault(f);
        log.publish({clock.now(), "microgrid.power_lost", fz.def.id,
                     site.grid.grid_up() ? "" : "islanded: supply short"});
      } else if (g.cut[f]) {
        fz.model.set_power(true);
        g.cut[f] = 0;
        clear_fault_if_healthy(f);
        log.publish({clock.now(), "microgrid.power_restored", fz.def.id, ""});
      }
      reschedule(f);  // comes back here through microgrid_freezer_changed (queued: busy)
    }
    if (round == 999) throw std::logic_error("microgrid: load switching does not settle");
  }
  g.busy = false;
  publish_microgrid(s);
  // Reschedule only when the model's next event moved (most load changes leave it).
  const double t = site.grid.next_event();
  const bool due = std::isfinite(t) && t <= end.seconds();
  if (due && t == site.next_at && site.next_at > now_s()) return;
  sim.cancel(site.next);
  site.next = {};
  site.next_at = -1.0;
  if (due) {
    const sim::Time at = std::max(sim.now(), sim::Time::from_seconds(t));
    site.next_at = t;
    site.next = sim.schedule_at(
        at, [this, s] { microgrid_settle(s); }, 0, kMicrogrid, static_cast<std::uint32_t>(s));
  }
}

void LabModel::Impl::append_microgrid_kpis(std::vector<Kpi>& kpis) const {
  auto& g = *microgrid;
  MicrogridTotals x;
  double capacity = 0, ride = nan(), outages = 0;
  const double t0 = g.at_warmup ? sc.clock.warmup.seconds() : 0.0;
  for (std::size_t s = 0; s < g.sites.size(); ++s) {
    auto& site = g.sites[s];
    site.grid.advance_to(now_s());
    const auto& t = site.grid.totals();
    const MicrogridTotals w = g.at_warmup ? (*g.at_warmup)[s] : MicrogridTotals{};
    x.pv_used += t.pv_used - w.pv_used;
    x.curtailed += t.curtailed - w.curtailed;
    x.import += t.import - w.import;
    x.export_ += t.export_ - w.export_;
    x.generator += t.generator - w.generator;
    x.discharge_bus += t.discharge_bus - w.discharge_bus;
    x.charge_bus += t.charge_bus - w.charge_bus;
    x.withdrawn += t.withdrawn - w.withdrawn;
    x.losses += t.losses - w.losses;
    x.served += t.served - w.served;
    x.unserved += t.unserved - w.unserved;
    x.unserved_critical += t.unserved_critical - w.unserved_critical;
    x.fuel_l += t.fuel_l - w.fuel_l;
    x.cost += t.cost - w.cost;
    x.co2_kg += t.co2_kg - w.co2_kg;
    x.islanded_s += t.islanded_s - w.islanded_s;
    x.peak_import_w = std::max(x.peak_import_w, t.peak_import_w);
    capacity += site.capacity_wh;
    for (const auto& [start, rt] : site.grid.ride_through()) {
      if (start < t0) continue;
      outages += 1;
      ride = std::isnan(ride) ? rt : std::min(ride, rt);
    }
  }
  double placed_kg = 0, naive_kg = 0, placed_cost = 0, naive_cost = 0;
  for (const auto& j : g.jobs) {
    placed_kg += j.placed_kg;
    naive_kg += j.naive_kg;
    placed_cost += j.placed_cost;
    naive_cost += j.naive_cost;
  }
  const double k = 1.0 / kWhPerKwh;
  const double cuts = g.power_cuts - g.cuts_at_warmup.value_or(0.0);
  kpis.push_back({"microgrid_pv_energy", x.pv_used * k, "kWh", "PV energy used (not curtailed)"});
  kpis.push_back({"microgrid_pv_curtailed", x.curtailed * k, "kWh", "PV energy curtailed"});
  kpis.push_back({"microgrid_grid_import", x.import * k, "kWh", "energy imported from the grid"});
  kpis.push_back({"microgrid_grid_export", x.export_ * k, "kWh", "energy exported to the grid"});
  kpis.push_back({"microgrid_generator_energy", x.generator * k, "kWh", "generator output"});
  kpis.push_back({"microgrid_battery_discharge", x.discharge_bus * k, "kWh",
                  "battery energy delivered to the bus"});
  kpis.push_back({"microgrid_battery_charge", x.charge_bus * k, "kWh",
                  "energy drawn by the battery from the bus"});
  kpis.push_back({"microgrid_battery_losses", x.losses * k, "kWh", "battery conversion losses"});
  kpis.push_back({"microgrid_battery_cycles", capacity > 0 ? x.withdrawn / capacity : 0.0, "count",
                  "equivalent full cycles: energy withdrawn / capacity, all sites"});
  kpis.push_back({"microgrid_load_served", x.served * k, "kWh", "energy delivered to loads"});
  kpis.push_back({"microgrid_unserved_energy", x.unserved * k, "kWh",
                  "demand not served (shed or dark bus), all loads"});
  kpis.push_back({"microgrid_unserved_critical", x.unserved_critical * k, "kWh",
                  "demand not served, critical loads"});
  kpis.push_back({"microgrid_outages", outages, "count", "grid outages (all sites)"});
  kpis.push_back({"microgrid_outage_time", x.islanded_s, "s", "time islanded, summed over sites"});
  kpis.push_back({"microgrid_ride_through", ride, "s",
                  "shortest time critical loads stayed powered after an outage began"});
  kpis.push_back(
      {"microgrid_freezer_power_cuts", cuts, "count", "freezers cut off by the microgrid"});
  kpis.push_back({"microgrid_fuel", x.fuel_l, "L", "generator fuel burnt"});
  kpis.push_back({"microgrid_cost", x.cost, "money", "import - export + fuel"});
  kpis.push_back({"microgrid_co2", x.co2_kg, "kg", "kg CO2 of imports and fuel"});
  kpis.push_back({"microgrid_peak_import", x.peak_import_w * k, "kW", "highest import power"});
  if (!g.jobs.empty()) {
    kpis.push_back({"microgrid_jobs_co2", placed_kg, "kg",
                    "grid-intensity kg CO2 of the deferrable jobs as placed"});
    kpis.push_back({"microgrid_jobs_co2_unplaced", naive_kg, "kg",
                    "the same jobs run at their release (the placement's baseline)"});
    kpis.push_back(
        {"microgrid_jobs_cost", placed_cost, "money", "energy price of the jobs as placed"});
    kpis.push_back({"microgrid_jobs_cost_unplaced", naive_cost, "money",
                    "the same jobs run at their release"});
  }
}

void LabModel::Impl::add_microgrid_signals() {
  using sim::SignalShape;
  static constexpr const char* kName[kSignals] = {
      "microgrid_soc",    "microgrid_pv",       "microgrid_demand",  "microgrid_served",
      "microgrid_import", "microgrid_islanded", "microgrid_shedding"};
  static constexpr const char* kUnit[kSignals] = {"1", "W", "W", "W", "W", "1", "1"};
  static constexpr const char* kWhat[kSignals] = {
      "battery state of charge (fraction)",   "PV power available",
      "demand of the site's loads",           "load served",
      "power imported from the grid",         "grid down, site islanded (1)",
      "some load shed for lack of supply (1)"};
  auto& g = *microgrid;
  for (std::size_t i = 0; i < g.sites.size(); ++i) {
    auto& site = g.sites[i];
    const std::string& id = sc.sites[site.site].id;
    for (std::uint32_t k = 0; k < kSignals; ++k) {
      const sim::SignalId sid =
          signals.add({id, kName[k], kUnit[k], kWhat[k],
                       k == kSoc ? SignalShape::kContinuous : SignalShape::kStep},
                      [this, i, k](sim::Time t) {
                        const auto& st = microgrid->sites[i];
                        return microgrid_signal(st.grid, st.capacity_wh, k, t.seconds());
                      });
      if (k == 0) site.sig = sid;
    }
  }
}

void LabModel::Impl::publish_microgrid(std::size_t s) {
  const auto& site = microgrid->sites[s];
  if (!site.sig || !signals.listened()) return;
  const sim::Time t = sim.now();
  for (std::uint32_t k = 0; k < kSignals; ++k)
    signals.emit(*site.sig + k, t, microgrid_signal(site.grid, site.capacity_wh, k, t.seconds()));
}

void LabModel::Impl::microgrid_now(std::vector<MicrogridNow>& out) const {
  // Read-only: the flows hold until the next internal event, so the stored energy is carried
  // linearly from the grid's own time to now (never past that event).
  const auto& g = *microgrid;
  for (const auto& site : g.sites) {
    const Microgrid& grid = site.grid;
    const auto& f = grid.flows();
    MicrogridNow v;
    v.site = sc.sites[site.site].id;
    v.grid_up = grid.grid_up();
    v.generator_running = grid.generator_running();
    v.capacity_wh = site.capacity_wh;
    v.fuel_l = grid.fuel_l();
    v.pv_w = f.pv;
    v.pv_used_w = f.pv_used;
    v.import_w = f.import;
    v.export_w = f.export_;
    v.generator_w = f.generator;
    v.charge_w = f.charge;
    v.discharge_w = f.discharge;
    v.demand_w = f.demand;
    v.served_w = f.served;
    v.soc = soc_at(grid, site.capacity_wh, now_s());
    std::size_t job = 0;
    for (std::size_t l = 0; l < grid.loads(); ++l) {
      const bool base = l < site.def->loads.size();
      const bool is_job = !base && site.load_freezer[l] == kNone;
      if (grid.powered(l)) {
        job += is_job ? 1 : 0;
        continue;
      }
      if (base) {
        v.shed.push_back(site.def->loads[l].id);
      } else if (!is_job) {
        v.shed.push_back(freezers[site.load_freezer[l]].def.id);
      } else {
        v.shed.push_back(job < site.def->jobs.size() ? "job/" + site.def->jobs[job].id : "job");
      }
      job += is_job ? 1 : 0;
    }
    out.push_back(std::move(v));
  }
}

}  // namespace labtwin::twin
