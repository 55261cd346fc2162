// The `instruments:` block (docs/instruments.md): schema, cross-reference checks, extraction.
#include <map>
#include <set>
#include <string>
#include <variant>

#include "labtwin/sim/distributions.hpp"
#include "labtwin/sim/units.hpp"
#include "scenario_blocks.hpp"
#include "schema_build.hpp"
#include "tree_access.hpp"

namespace labtwin::adapters::detail {
namespace units = sim::units;
using namespace schema_build;  // NOLINT(google-build-using-namespace): the table DSL

SchemaNode instruments_schema() {
  auto booking = map_of({
      opt("min_slot", positive(K::duration, "0s"), "30min", "shortest bookable slot", "1h"),
      opt("max_slot", positive(K::duration, "0s"), "24h", "longest bookable slot", "48h"),
      opt("granularity", positive(K::duration, "0s"), "15min",
          "slot starts and lengths are multiples of this (local time)", "30min"),
      opt("book_ahead", positive(K::duration, "0s"), "90d",
          "latest start a request may ask for, after the request", "8w"),
      opt("weekly_quota", non_negative(K::duration, "0s"), "0s",
          "booked hours per user (or project) and local week; 0s = no quota", "40h"),
      opt("quota_scope", enum_of({"user", "project"}), "user", "whose hours the quota counts",
          "project"),
      opt("needs_approval", kind(K::boolean), "false",
          "requests wait for approval (the twin's approvers grant it at once)", "true"),
      opt("late_cancel_cutoff", non_negative(K::duration, "0s"), "24h",
          "a cancellation later than start - cutoff is a late cancellation", "48h"),
      opt("check_in_early", non_negative(K::duration, "0s"), "15min",
          "earliest check-in before the slot starts", "30min"),
      opt("no_show_grace", non_negative(K::duration, "0s"), "15min",
          "a booking nobody checked in to is a no-show this long after its start", "30min"),
  });
  auto demand = map_of({
      req("rate", positive(K::rate, "0/d"), "mean booking requests (Poisson) for the whole type",
          "3/d"),
      opt("run_time", kind(K::distribution), "\"exp(1h)\"",
          "run length (rounded up to the granularity, clamped to the slot limits)",
          "\"lognormal_ms(20h, 6h)\""),
      opt("lead_time", kind(K::distribution), "\"const(0s)\"",
          "preferred start after the request (the earliest free slot from then is booked)",
          "\"uniform(1d, 14d)\""),
      opt("instant", kind(K::boolean), "false",
          "Erlang loss mode: a slot starting now on any instrument of the type, else lost", "true"),
      opt("cancel_probability", ranged(K::fraction, 0.0, 1.0, "0..1 (0%..100%)"), "0",
          "fraction of bookings cancelled before their start", "10%"),
      opt("no_show_probability", ranged(K::fraction, 0.0, 1.0, "0..1 (0%..100%)"), "0",
          "fraction of bookings nobody turns up for", "5%"),
      opt("users", ranged(K::integer, 1.0, 100000.0, "1..100000"), "12",
          "users making the requests (round robin)", "40"),
      opt("projects", ranged(K::integer, 1.0, 100000.0, "1..100000"), "4",
          "projects the users book for (round robin)", "10"),
  });
  auto part = map_of({
      req("sku", kind(K::identifier), "the part's SKU (one of `items`)", "SEQ-LASER"),
      opt("probability", ranged(K::fraction, 0.0, 1.0, "0..1 (0%..100%)"), "1",
          "fraction of faults that need the part", "40%"),
      opt("order_lead_time", non_negative(K::duration, "0s"), "72h",
          "emergency order lead time when no part is on hand", "5d"),
  });
  auto failure = map_of({
      opt("time_to_failure", kind(K::distribution), "",
          "up time from a repair to the next breakdown, weibull(k, scale) or exp(mean) (absent: "
          "never fails)",
          "\"weibull(1.5, 2000h)\""),
      opt("repair_time", kind(K::distribution), "\"exp(8h)\"", "hands-on repair time",
          "\"lognormal_ms(12h, 6h)\""),
      opt("spare_part", std::move(part), "", "spare part a fault may need",
          "{sku: SEQ-LASER, probability: 30%}"),
  });
  auto runs = map_of({
      opt("failure_probability", ranged(K::fraction, 0.0, 1.0, "0..1 (0%..100%)"), "0",
          "fraction of completed runs that fail: stock and instrument time used, nothing yielded",
          "2%"),
      opt("slowdown", ranged(K::number, 1.0, 1000.0, "1..1000"), "1",
          "actual run time / nominal run time (slots are booked for the actual time)", "1.25"),
  });
  auto bom = map_of({
      req("sku", kind(K::identifier), "item SKU (one of `items`)", "SEQ-KIT"),
      opt("quantity", positive(K::number, "0"), "1", "units issued at check-in per run", "2"),
  });
  auto window = map_of({
      req("start", kind(K::time_point), "offset from the start (\"+60d\") or a date-time",
          "\"2026-03-09T00:00:00+01:00\""),
      req("duration", positive(K::duration, "0s"), "length of the outage", "2w"),
      opt("notice", non_negative(K::duration, "0s"), "14d",
          "announced this long before its start (bookings in it are bumped then)", "4w"),
      opt("instrument", ranged(K::integer, 0.0, 1000.0, "0..1000"), "0",
          "1-based instrument of the type (0: every instrument)", "1"),
  });
  auto maintenance = map_of({
      opt("trigger", enum_of({"calendar", "usage"}), "calendar",
          "calendar: every `interval`; usage: every `usage` of run time", "usage"),
      opt("interval", positive(K::duration, "0s"), "90d", "calendar: time between services", "26w"),
      opt("usage", positive(K::duration, "0s"), "500h", "usage: run time between services", "300h"),
      opt("duration", positive(K::duration, "0s"), "8h", "length of a service window", "4h"),
      opt("notice", non_negative(K::duration, "0s"), "7d",
          "a service window is placed this long before it is due", "14d"),
  });
  auto type = map_of({
      req("id", kind(K::identifier),
          "instrument type id; the instruments are <id>-1 .. <id>-<count>", "sequencer"),
      opt("site", kind(K::identifier), "", "site id (absent: the first site)", "core"),
      opt("room", kind(K::identifier), "", "room id (one of the site's `rooms`)", "seq-lab"),
      opt("count", ranged(K::integer, 1.0, 1000.0, "1..1000"), "1",
          "number of identical instruments", "2"),
      opt("hours", kind(K::identifier), "",
          "name of a shift in `shifts`: the bookable hours (absent: 24/7)", "weekdays"),
      opt("booking", std::move(booking), "", "booking rules", "{min_slot: 1h, max_slot: 48h}"),
      req("demand", std::move(demand), "booking requests", "{rate: 3/d}"),
      opt("failure", std::move(failure), "", "breakdowns and repairs",
          "{time_to_failure: \"weibull(1.5, 2000h)\"}"),
      opt("runs", std::move(runs), "", "run quality and speed (OEE)",
          "{failure_probability: 2%, slowdown: 1.1}"),
      opt("bom", seq_of(std::move(bom)), "[]",
          "bill of materials: stock each run consumes at check-in", "[{sku: SEQ-KIT}]"),
      opt("service_windows", seq_of(std::move(window)), "[]",
          "planned outages (vendor service), announced ahead", "[{start: \"+60d\", duration: 2w}]"),
      opt("maintenance", std::move(maintenance), "", "preventive maintenance per instrument",
          "{trigger: calendar, interval: 26w}"),
  });
  return map_of({
      opt("technicians", ranged(K::integer, 0.0, 10000.0, "0..10000"), "0",
          "repair technicians of the instruments (0: every repair starts at once)", "1"),
      opt("types", seq_of(std::move(type)), "[]", "instrument types",
          "[{id: sequencer, count: 2, demand: {rate: 3/d}}]"),
  });
}

namespace {

twin::InstrumentTypeDef instrument_type(const TreeNode& n) {
  using Q = units::Quantity;
  twin::InstrumentTypeDef t;
  t.id = text(&n, "id");
  t.site = text(&n, "site");
  t.room = text(&n, "room");
  t.count = integer(&n, "count", t.count);
  t.hours = text(&n, "hours");
  const TreeNode* b = get(&n, "booking");
  twin::BookingRulesDef& r = t.booking;
  r.min_slot = duration(b, "min_slot", r.min_slot);
  r.max_slot = duration(b, "max_slot", r.max_slot);
  r.granularity = duration(b, "granularity", r.granularity);
  r.book_ahead = duration(b, "book_ahead", r.book_ahead);
  r.weekly_quota = duration(b, "weekly_quota", r.weekly_quota);
  r.quota_scope = text(b, "quota_scope", r.quota_scope);
  r.needs_approval = boolean(b, "needs_approval", r.needs_approval);
  r.late_cancel_cutoff = duration(b, "late_cancel_cutoff", r.late_cancel_cutoff);
  r.check_in_early = duration(b, "check_in_early", r.check_in_early);
  r.no_show_grace = duration(b, "no_show_grace", r.no_show_grace);
  const TreeNode* d = get(&n, "demand");
  twin::InstrumentDemandDef& dm = t.demand;
  dm.rate_per_s = q(d, "rate", Q::rate, dm.rate_per_s);
  dm.run_time = text(d, "run_time", dm.run_time);
  dm.lead_time = text(d, "lead_time", dm.lead_time);
  dm.instant = boolean(d, "instant", dm.instant);
  dm.cancel_probability = q(d, "cancel_probability", Q::fraction, dm.cancel_probability);
  dm.no_show_probability = q(d, "no_show_probability", Q::fraction, dm.no_show_probability);
  dm.users = integer(d, "users", dm.users);
  dm.projects = integer(d, "projects", dm.projects);
  const TreeNode* f = get(&n, "failure");
  t.failure.time_to_failure = opt_text(f, "time_to_failure");
  t.failure.repair_time = text(f, "repair_time", t.failure.repair_time);
  if (const TreeNode* p = get(f, "spare_part")) {
    twin::InstrumentSparePartDef sp;
    sp.sku = text(p, "sku");
    sp.probability = q(p, "probability", Q::fraction, sp.probability);
    sp.order_lead_time = duration(p, "order_lead_time", sp.order_lead_time);
    t.failure.spare_part = sp;
  }
  const TreeNode* rn = get(&n, "runs");
  t.runs.failure_probability =
      q(rn, "failure_probability", Q::fraction, t.runs.failure_probability);
  t.runs.slowdown = q(rn, "slowdown", Q::number, t.runs.slowdown);
  for (const auto& l : items(&n, "bom")) {
    t.bom.push_back(twin::BomLineDef{text(&l, "sku"), q(&l, "quantity", Q::number, 1.0)});
  }
  for (const auto& w : items(&n, "service_windows")) {
    twin::ServiceWindowDef sw;
    const std::string at = text(&w, "start");
    if (const auto abs = units::parse_datetime(at); abs.ok()) {
      sw.absolute = true;
      sw.start_us = abs.value;
    } else {
      sw.start_us = units::parse_duration_ticks(at).value;
    }
    sw.duration = duration(&w, "duration", sw.duration);
    sw.notice = duration(&w, "notice", sw.notice);
    sw.instrument = integer(&w, "instrument", sw.instrument);
    t.service_windows.push_back(sw);
  }
  if (const TreeNode* m = get(&n, "maintenance")) {
    twin::InstrumentMaintenanceDef md;
    md.trigger = text(m, "trigger", md.trigger);
    md.interval = duration(m, "interval", md.interval);
    md.usage = duration(m, "usage", md.usage);
    md.duration = duration(m, "duration", md.duration);
    md.notice = duration(m, "notice", md.notice);
    t.maintenance = md;
  }
  return t;
}

/// A failure law the instrument twin supports: weibull(k, scale) or exp(mean).
bool weibull_or_exp(const std::string& text) {
  const auto parsed = sim::parse_distribution(text, [](std::string_view tok) {
    const auto r = units::parse_duration(tok);
    return r.ok() ? std::optional<double>(r.value) : sim::parse_plain_number(tok);
  });
  return parsed && (std::holds_alternative<sim::Weibull>(*parsed.distribution) ||
                    std::holds_alternative<sim::Exponential>(*parsed.distribution));
}

}  // namespace

void check_instruments(const TreeNode& root, const KnownIds& known, std::vector<Diagnostic>& out) {
  const std::set<std::string>& sites_known = known.sites;
  const std::set<std::string>& shifts_known = known.shifts;
  const std::set<std::string>& skus_known = known.skus;
  const TreeNode* block = get(&root, "instruments");
  const auto& types = items(block, "types");
  std::map<std::string, int> type_ids;
  // Rooms per site, for `room` (the first site when `site` is absent).
  const auto& sites = items(&root, "sites");
  for (std::size_t i = 0; i < types.size(); ++i) {
    const TreeNode& t = types[i];
    const std::string tp = "instruments.types[" + std::to_string(i) + "]";
    unique_id(t, "id", tp, "instrument type", type_ids, out);
    unknown_ref(get(&t, "site"), tp + ".site", "site", sites_known, out, "sites");
    const std::string site_id =
        text(&t, "site", sites.empty() ? std::string() : text(&sites.front(), "id"));
    std::set<std::string> rooms_known;
    for (const auto& s : sites) {
      if (text(&s, "id") != site_id) continue;
      for (const auto& r : items(&s, "rooms")) rooms_known.insert(text(&r, "id"));
    }
    unknown_ref(get(&t, "room"), tp + ".room", "room", rooms_known, out,
                "the rooms of site `" + site_id + "`");
    unknown_ref(get(&t, "hours"), tp + ".hours", "shift", shifts_known, out, "shifts");
    const TreeNode* b = get(&t, "booking");
    const auto min_slot = opt_duration(b, "min_slot");
    const auto max_slot = opt_duration(b, "max_slot");
    const sim::Time lo = min_slot.value_or(twin::BookingRulesDef{}.min_slot);
    const sim::Time hi = max_slot.value_or(twin::BookingRulesDef{}.max_slot);
    if (lo > hi) {
      const TreeNode* at = min_slot ? get(b, "min_slot") : get(b, "max_slot");
      out.push_back(Diagnostic{at->location, Severity::error,
                               tp + (min_slot ? ".booking.min_slot" : ".booking.max_slot"),
                               "min_slot (" + text(b, "min_slot", "30min") +
                                   ") must not exceed max_slot (" + text(b, "max_slot", "24h") +
                                   ")"});
    }
    const TreeNode* d = get(&t, "demand");
    const double pc = q(d, "cancel_probability", units::Quantity::fraction, 0.0);
    const double pn = q(d, "no_show_probability", units::Quantity::fraction, 0.0);
    if (pc + pn > 1.0 + 1e-12) {
      out.push_back(Diagnostic{get(d, "no_show_probability")->location, Severity::error,
                               tp + ".demand.no_show_probability",
                               "cancel_probability + no_show_probability must not exceed 1"});
    }
    const TreeNode* f = get(&t, "failure");
    if (const TreeNode* ttf = get(f, "time_to_failure");
        ttf != nullptr && ttf->is_scalar() && !weibull_or_exp(ttf->scalar)) {
      out.push_back(Diagnostic{
          ttf->location, Severity::error, tp + ".failure.time_to_failure",
          "instruments fail by weibull(k, scale) or exp(mean), got \"" + ttf->scalar + "\""});
    }
    unknown_ref(get(get(f, "spare_part"), "sku"), tp + ".failure.spare_part.sku", "SKU", skus_known,
                out, "items");
    const auto& bom = items(&t, "bom");
    for (std::size_t k = 0; k < bom.size(); ++k) {
      unknown_ref(get(&bom[k], "sku"), tp + ".bom[" + std::to_string(k) + "].sku", "SKU",
                  skus_known, out, "items");
    }
    const auto count = opt_int(&t, "count").value_or(1);
    const auto& windows = items(&t, "service_windows");
    for (std::size_t k = 0; k < windows.size(); ++k) {
      const TreeNode* ins = get(&windows[k], "instrument");
      const auto n = opt_int(&windows[k], "instrument");
      if (ins != nullptr && n && *n > count) {
        out.push_back(Diagnostic{ins->location, Severity::error,
                                 tp + ".service_windows[" + std::to_string(k) + "].instrument",
                                 "instrument " + std::to_string(*n) + " does not exist (count " +
                                     std::to_string(count) + ")"});
      }
    }
  }
}

void extract_instruments(const TreeNode& root, twin::ScenarioDef& sc) {
  const TreeNode* instruments = get(&root, "instruments");
  sc.instruments.technicians = integer(instruments, "technicians", sc.instruments.technicians);
  for (const auto& t : items(instruments, "types")) {
    sc.instruments.types.push_back(instrument_type(t));
  }
}

}  // namespace labtwin::adapters::detail
