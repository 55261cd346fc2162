// [SECTION] Shared instruments: the instrument twin on the lab's kernel, stock ledger and event
// log (docs/instruments.md).
#include "lab_model_impl.hpp"

namespace labtwin::twin {
using namespace detail;  // NOLINT(google-build-using-namespace): this file implements them

namespace {

// A distribution whose durations are given in hours (the instrument twin's unit).
sim::Distribution parse_hours(const std::string& text, const std::string& where) {
  auto parsed = sim::parse_distribution(text, [](std::string_view tok) -> std::optional<double> {
    auto r = sim::units::parse_duration(tok);
    if (r.ok()) return r.value / 3600.0;
    return sim::parse_plain_number(tok);
  });
  if (!parsed) throw std::invalid_argument(where + ": " + parsed.error);
  return *parsed.distribution;
}

double hours_of(sim::Time t) { return t.seconds() / 3600.0; }

core::Span span_of(sim::Time t) { return core::Span{t.ticks}; }

// "short-read-sequencer" -> "short_read_sequencer" (KPI names are snake_case).
std::string snake(const std::string& id) {
  std::string out = id;
  for (char& c : out) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    c = alnum ? c : '_';
  }
  return out;
}

}  // namespace

void LabModel::Impl::build_instruments() {
  const InstrumentsDef& def = sc.instruments;
  if (def.types.empty()) return;
  if (sc.clock.warmup >= end)  // the constructor says so too, but only after building
    throw std::invalid_argument("clock.warmup must be shorter than the run (horizon or --until)");
  for (std::size_t i = 0; i < items.size(); ++i) item_of_sku[inv::index(items[i].sku)] = i;
  auto item_for = [&](const std::string& sku, const std::string& where) -> const StockItem& {
    const auto it = item_index.find(sku);
    if (it == item_index.end())
      throw std::invalid_argument(where + ": unknown SKU '" + sku + "' (not in items)");
    return items[it->second];
  };
  InstrumentModelConfig cfg;
  cfg.horizon_hours = hours_of(end);
  cfg.warmup_hours = hours_of(sc.clock.warmup);
  cfg.seed = seed;
  cfg.replication = replication;
  cfg.start_us = start_us;
  cfg.technicians = def.technicians;
  for (const InstrumentTypeDef& td : def.types) {
    const std::string where = "instruments.types[" + td.id + "]";
    InstrumentTypeSpec spec;
    spec.type = td.id;
    spec.count = td.count;
    spec.room = td.room;
    if (!sc.sites.empty() || !td.site.empty()) {
      const std::string site_id = td.site.empty() ? sc.sites.front().id : td.site;
      bool found = false;
      for (std::size_t si = 0; si < sc.sites.size(); ++si) {
        if (sc.sites[si].id != site_id) continue;
        spec.site = site_id;
        spec.stock_site = site_locs[si];
        found = true;
      }
      if (!found) throw std::invalid_argument(where + ".site: unknown site '" + site_id + "'");
    }
    if (!td.hours.empty()) {
      const ShiftDef* shift = nullptr;
      for (const auto& sh : sc.shifts)
        if (sh.name == td.hours) shift = &sh;
      if (shift == nullptr)
        throw std::invalid_argument(where + ".hours: unknown shift '" + td.hours + "'");
      core::ShiftCalendar cal(core::Span{sc.clock.utc_offset_s * 1'000'000});
      std::uint8_t days = 0;
      for (int d : shift->days) days = static_cast<std::uint8_t>(days | (1U << d));
      cal.add_weekly(days, shift->start_s / 60, shift->end_s / 60);
      spec.hours = cal;
    }
    const BookingRulesDef& b = td.booking;
    spec.rules.min_slot = span_of(b.min_slot);
    spec.rules.max_slot = span_of(b.max_slot);
    spec.rules.granularity = span_of(b.granularity);
    spec.rules.book_ahead = span_of(b.book_ahead);
    spec.rules.weekly_quota = span_of(b.weekly_quota);
    if (b.quota_scope != "user" && b.quota_scope != "project")
      throw std::invalid_argument(where + ".booking.quota_scope: expected user or project, got '" +
                                  b.quota_scope + "'");
    spec.rules.quota_scope = b.quota_scope == "project" ? core::instruments::QuotaScope::Project
                                                        : core::instruments::QuotaScope::User;
    spec.rules.needs_approval = b.needs_approval;
    spec.rules.late_cancel_cutoff = span_of(b.late_cancel_cutoff);
    spec.rules.check_in_early = span_of(b.check_in_early);
    spec.rules.no_show_grace = span_of(b.no_show_grace);
    const InstrumentDemandDef& d = td.demand;
    spec.requests_per_hour = d.rate_per_s * 3600.0;
    spec.run_hours = parse_hours(d.run_time, where + ".demand.run_time");
    spec.lead_hours = parse_hours(d.lead_time, where + ".demand.lead_time");
    spec.instant = d.instant;
    spec.cancel_probability = d.cancel_probability;
    spec.no_show_probability = d.no_show_probability;
    spec.failure_probability = td.runs.failure_probability;
    spec.slowdown = td.runs.slowdown;
    spec.users = d.users;
    spec.projects = d.projects;
    if (td.failure.time_to_failure) {
      const sim::Distribution ttf =
          parse_hours(*td.failure.time_to_failure, where + ".failure.time_to_failure");
      if (const auto* w = std::get_if<sim::Weibull>(&ttf)) {
        spec.time_to_failure_hours = *w;
      } else if (const auto* e = std::get_if<sim::Exponential>(&ttf)) {
        spec.time_to_failure_hours = sim::Weibull(1.0, e->mean());  // exp(m) = Weibull(1, m)
      } else {
        throw std::invalid_argument(where +
                                    ".failure.time_to_failure: expected weibull(k, scale) or "
                                    "exp(mean)");
      }
    }
    spec.repair_hours = parse_hours(td.failure.repair_time, where + ".failure.repair_time");
    if (const auto& part = td.failure.spare_part) {
      const StockItem& it = item_for(part->sku, where + ".failure.spare_part.sku");
      spec.spare_part =
          SparePartSpec{it.sku, it.store, part->probability, hours_of(part->order_lead_time)};
    }
    for (std::size_t k = 0; k < td.bom.size(); ++k) {
      const BomLineDef& line = td.bom[k];
      const StockItem& it = item_for(line.sku, where + ".bom[" + std::to_string(k) + "].sku");
      spec.bom.push_back(core::instruments::BomLine{it.sku, line.quantity});
    }
    for (std::size_t k = 0; k < td.service_windows.size(); ++k) {
      const ServiceWindowDef& w = td.service_windows[k];
      const std::int64_t at = w.absolute ? w.start_us - start_us : w.start_us;
      if (at < 0)
        throw std::invalid_argument(where + ".service_windows[" + std::to_string(k) +
                                    "].start: before the scenario starts");
      spec.service_windows.push_back(ServiceWindow{hours_of(sim::Time{at}), hours_of(w.duration),
                                                   hours_of(w.notice), w.instrument});
    }
    if (const auto& m = td.maintenance) {
      PmSpec pm;
      pm.trigger = m->trigger == "usage" ? core::PmTrigger::Usage : core::PmTrigger::Calendar;
      pm.interval_hours = hours_of(m->interval);
      pm.usage_hours = hours_of(m->usage);
      pm.duration_hours = hours_of(m->duration);
      pm.notice_hours = hours_of(m->notice);
      spec.maintenance = pm;
    }
    cfg.types.push_back(std::move(spec));
  }
  try {
    instruments = std::make_unique<InstrumentModel>(sim, std::move(cfg), &log, &ledger);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("instruments: ") + e.what());
  }
  instruments->set_stock_hook([this](inv::SkuId sku, double quantity, bool issued) {
    on_instrument_stock(sku, quantity, issued);
  });
  instruments->start();
}

void LabModel::Impl::on_instrument_stock(inv::SkuId sku, double quantity, bool issued) {
  const auto found = item_of_sku.find(inv::index(sku));
  if (found == item_of_sku.end()) return;  // not a scenario item
  const std::size_t i = found->second;
  auto& it = items[i];
  // A run's need is item demand: served at once when issued, lost (no backorder) otherwise.
  it.demand += quantity;
  if (issued) {
    it.filled += quantity;
    if (it.pick_freezer) open_door_for(*it.pick_freezer, kPickDoorSeconds);
  }
  update_stockout(i);
  if (it.policy && !it.policy->is_periodic()) review(i);
}

void LabModel::Impl::append_instrument_kpis(std::vector<Kpi>& kpis) const {
  const InstrumentModelResult x = instruments->results();
  double util = 0.0, avail = 0.0;
  std::int64_t failures = 0;
  for (const InstrumentKpi& k : x.instruments) {
    util += k.utilisation;
    avail += k.availability;
    failures += k.failures;
  }
  const double n = static_cast<double>(std::max<std::size_t>(1, x.instruments.size()));
  auto count = [](std::int64_t v) { return static_cast<double>(v); };
  kpis.push_back({"instrument_utilisation", util / n, "ratio",
                  "run time / measured time, mean over instruments"});
  for (const InstrumentTypeDef& td : sc.instruments.types) {
    double sum = 0.0;
    int m = 0;
    for (const InstrumentKpi& k : x.instruments) {
      if (k.type != td.id) continue;
      sum += k.utilisation;
      ++m;
    }
    kpis.push_back({"instrument_utilisation_" + snake(td.id), m > 0 ? sum / m : nan(), "ratio",
                    "run time / measured time, mean over the " + td.id + " instruments"});
  }
  kpis.push_back({"instrument_availability", avail / n, "ratio",
                  "1 - broken-down time / measured time, mean over instruments"});
  const bool waited = x.booked > 0;
  kpis.push_back({"slot_wait_p50", waited ? x.wait_p50_hours * 3600.0 : nan(), "s",
                  "request to slot start, median over booked requests"});
  kpis.push_back({"slot_wait_p95", waited ? x.wait_p95_hours * 3600.0 : nan(), "s",
                  "request to slot start, 95th percentile"});
  for (const InstrumentTypeKpi& t : x.types) {
    const bool any = t.booked > 0;
    kpis.push_back({"slot_wait_p50_" + snake(t.type), any ? t.wait_p50_hours * 3600.0 : nan(), "s",
                    "request to slot start, median, " + t.type});
    kpis.push_back({"slot_wait_p95_" + snake(t.type), any ? t.wait_p95_hours * 3600.0 : nan(), "s",
                    "request to slot start, 95th percentile, " + t.type});
  }
  kpis.push_back({"booking_requests", count(x.requests), "count", "instrument booking requests"});
  kpis.push_back({"bookings_rejected", count(x.rejected), "count",
                  "requests with no slot within the book-ahead limit"});
  kpis.push_back({"bookings_lost", count(x.lost), "count",
                  "instant requests lost: every instrument of the type busy or down"});
  kpis.push_back({"booking_loss_share", x.requests > 0 ? x.lost_share() : nan(), "ratio",
                  "bookings_lost / booking_requests"});
  kpis.push_back({"bookings_bumped", count(x.bumped), "count",
                  "bookings moved by service windows, maintenance or breakdowns"});
  kpis.push_back({"runs_completed", count(x.completed), "count", "instrument runs completed"});
  kpis.push_back({"runs_lost_stockout", count(x.lost_stockout), "count",
                  "runs lost at check-in: a bill-of-materials item was out"});
  kpis.push_back({"runs_lost_breakdown", count(x.lost_breakdown), "count",
                  "runs lost to instrument breakdowns"});
  kpis.push_back({"instrument_failures", count(failures), "count", "instrument breakdowns"});
  kpis.push_back({"parts_stockouts", count(x.parts_stockouts), "count",
                  "repairs that waited for a spare part not on hand"});
  kpis.push_back({"maintenance_windows", count(x.maintenance_windows), "count",
                  "service and preventive-maintenance windows placed"});
  kpis.push_back({"runs_failed", count(x.failed), "count",
                  "completed runs that failed: stock and instrument time used, nothing yielded"});
  kpis.push_back({"instrument_oee", x.oee, "ratio",
                  "OEE: availability x performance x quality, all instruments"});
  for (const InstrumentTypeKpi& t : x.types) {
    kpis.push_back({"oee_" + snake(t.type), t.oee, "ratio",
                    "OEE: availability x performance x quality, " + t.type});
  }
}

// [SECTION] Facade -------------------------------------------------------------------------

LabModel::LabModel(const ScenarioDef& scenario, const RunOptions& options)
    : impl_(std::make_unique<Impl>(scenario, options)) {}
LabModel::~LabModel() = default;

void LabModel::run_until(sim::Time t) {
  const sim::Time to = std::min(t, impl_->end);
  impl_->sim.run_until(to);
  for (std::size_t f = 0; f < impl_->freezers.size(); ++f) impl_->sync(f);
}

sim::Time LabModel::horizon() const { return impl_->end; }
sim::Simulation& LabModel::simulation() { return impl_->sim; }
RunResult LabModel::result() const { return impl_->result(); }
const std::vector<core::DomainEvent>& LabModel::event_log() const { return impl_->log.events(); }
const core::inventory::Ledger& LabModel::ledger() const { return impl_->ledger; }
sim::SignalTable& LabModel::signals() { return impl_->signals; }
std::int64_t LabModel::start_us() const { return impl_->start_us; }
ItemStatus LabModel::item_status(const std::string& sku) const { return impl_->item_status(sku); }

RunResult run_scenario(const ScenarioDef& scenario, const RunOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  LabModel model(scenario, options);
  model.run();
  auto r = model.result();
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace labtwin::twin
