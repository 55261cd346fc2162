// Shared instruments reached from a scenario file: the loader builds every key of the
// `instruments:` block, bad blocks are reported at file:line:col, the lab model runs them on its
// kernel (Erlang B in instant mode within the 99% CI), and their runs consume the lab's stock.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "labtwin/adapters/scenario_loader.hpp"
#include "labtwin/core/inventory/ledger.hpp"
#include "labtwin/sim/analytic.hpp"
#include "labtwin/sim/statistics.hpp"
#include "labtwin/twin/lab_model.hpp"

namespace la = labtwin::adapters;
namespace lt = labtwin::twin;
using labtwin::sim::Time;

namespace {

std::string formatted(const la::LoadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += la::format(d) + "\n";
  return out;
}

lt::ScenarioDef load(const std::string& text) {
  const auto r = la::load_scenario_string(text, "inst.yaml");
  if (!r.ok()) throw std::runtime_error(formatted(r));
  return *r.scenario;
}

// Every key of the block, none at its default.
constexpr const char* kEveryKey = R"Y(labtwin: 1
clock: {start: "2026-01-05T00:00:00+01:00", horizon: 30d, utc_offset: "+01:00"}
sites:
  - id: lab0
  - id: core
    rooms: [{id: seq-lab}]
shifts:
  weekdays: {days: [mon, tue, wed, thu, fri], start: "08:00", end: "18:00"}
items:
  - {sku: KIT, initial: 5}
  - {sku: LASER, initial: 1}
instruments:
  technicians: 2
  types:
    - id: sequencer
      site: core
      room: seq-lab
      count: 3
      hours: weekdays
      booking:
        min_slot: 2h
        max_slot: 10h
        granularity: 30min
        book_ahead: 8w
        weekly_quota: 20h
        quota_scope: project
        needs_approval: true
        late_cancel_cutoff: 48h
        check_in_early: 30min
        no_show_grace: 20min
      demand:
        rate: 3/d
        run_time: "lognormal_ms(5h, 2h)"
        lead_time: "uniform(1d, 7d)"
        instant: false
        cancel_probability: 10%
        no_show_probability: 0.05
        users: 40
        projects: 9
      failure:
        time_to_failure: "weibull(1.5, 2000h)"
        repair_time: "const(12h)"
        spare_part: {sku: LASER, probability: 30%, order_lead_time: 5d}
      runs: {failure_probability: 2%, slowdown: 1.25}
      bom: [{sku: KIT, quantity: 2}, {sku: LASER}]
      service_windows:
        - {start: "2026-03-09T00:00:00+01:00", duration: 2w, notice: 4w, instrument: 2}
        - {start: "+10d", duration: 8h}
      maintenance: {trigger: usage, interval: 26w, usage: 300h, duration: 4h, notice: 14d}
    - id: confocal
      demand: {rate: 1/h, instant: yes}
)Y";

}  // namespace

TEST(InstrumentsScenario, LoaderBuildsEveryKey) {
  const lt::ScenarioDef s = load(kEveryKey);
  EXPECT_EQ(s.instruments.technicians, 2);
  ASSERT_EQ(s.instruments.types.size(), 2u);
  const lt::InstrumentTypeDef& t = s.instruments.types[0];
  EXPECT_EQ(t.id, "sequencer");
  EXPECT_EQ(t.site, "core");
  EXPECT_EQ(t.room, "seq-lab");
  EXPECT_EQ(t.count, 3);
  EXPECT_EQ(t.hours, "weekdays");
  EXPECT_EQ(t.booking.min_slot, Time::h(2));
  EXPECT_EQ(t.booking.max_slot, Time::h(10));
  EXPECT_EQ(t.booking.granularity, Time::min(30));
  EXPECT_EQ(t.booking.book_ahead, Time::days(56));
  EXPECT_EQ(t.booking.weekly_quota, Time::h(20));
  EXPECT_EQ(t.booking.quota_scope, "project");
  EXPECT_TRUE(t.booking.needs_approval);
  EXPECT_EQ(t.booking.late_cancel_cutoff, Time::h(48));
  EXPECT_EQ(t.booking.check_in_early, Time::min(30));
  EXPECT_EQ(t.booking.no_show_grace, Time::min(20));
  EXPECT_NEAR(t.demand.rate_per_s, 3.0 / 86400.0, 1e-15);  // rates load as 1/s
  EXPECT_EQ(t.demand.run_time, "lognormal_ms(5h, 2h)");
  EXPECT_EQ(t.demand.lead_time, "uniform(1d, 7d)");
  EXPECT_FALSE(t.demand.instant);
  EXPECT_DOUBLE_EQ(t.demand.cancel_probability, 0.10);
  EXPECT_DOUBLE_EQ(t.demand.no_show_probability, 0.05);
  EXPECT_EQ(t.demand.users, 40);
  EXPECT_EQ(t.demand.projects, 9);
  ASSERT_TRUE(t.failure.time_to_failure.has_value());
  EXPECT_EQ(*t.failure.time_to_failure, "weibull(1.5, 2000h)");
  EXPECT_EQ(t.failure.repair_time, "const(12h)");
  EXPECT_DOUBLE_EQ(t.runs.failure_probability, 0.02);
  EXPECT_DOUBLE_EQ(t.runs.slowdown, 1.25);
  ASSERT_TRUE(t.failure.spare_part.has_value());
  EXPECT_EQ(t.failure.spare_part->sku, "LASER");
  EXPECT_DOUBLE_EQ(t.failure.spare_part->probability, 0.30);
  EXPECT_EQ(t.failure.spare_part->order_lead_time, Time::days(5));
  ASSERT_EQ(t.bom.size(), 2u);
  EXPECT_EQ(t.bom[0].sku, "KIT");
  EXPECT_DOUBLE_EQ(t.bom[0].quantity, 2.0);
  EXPECT_DOUBLE_EQ(t.bom[1].quantity, 1.0);  // default
  ASSERT_EQ(t.service_windows.size(), 2u);
  EXPECT_TRUE(t.service_windows[0].absolute);
  // 2026-03-09T00:00+01:00 = 2026-03-08T23:00Z = 1773014400 s (2026-03-09Z) - 3600 s.
  EXPECT_EQ(t.service_windows[0].start_us, (1773014400LL - 3600) * 1'000'000);
  EXPECT_EQ(t.service_windows[0].duration, Time::days(14));
  EXPECT_EQ(t.service_windows[0].notice, Time::days(28));
  EXPECT_EQ(t.service_windows[0].instrument, 2);
  EXPECT_FALSE(t.service_windows[1].absolute);
  EXPECT_EQ(t.service_windows[1].start_us, Time::days(10).ticks);
  EXPECT_EQ(t.service_windows[1].notice, Time::days(14));  // default
  EXPECT_EQ(t.service_windows[1].instrument, 0);           // default: all
  ASSERT_TRUE(t.maintenance.has_value());
  EXPECT_EQ(t.maintenance->trigger, "usage");
  EXPECT_EQ(t.maintenance->interval, Time::days(182));
  EXPECT_EQ(t.maintenance->usage, Time::h(300));
  EXPECT_EQ(t.maintenance->duration, Time::h(4));
  EXPECT_EQ(t.maintenance->notice, Time::days(14));
  // The second type: defaults everywhere but the demand.
  const lt::InstrumentTypeDef& c = s.instruments.types[1];
  const lt::InstrumentTypeDef defaults;
  EXPECT_EQ(c.site, "");
  EXPECT_EQ(c.count, 1);
  EXPECT_TRUE(c.demand.instant);
  EXPECT_NEAR(c.demand.rate_per_s, 1.0 / 3600.0, 1e-15);
  EXPECT_EQ(c.demand.run_time, defaults.demand.run_time);
  EXPECT_EQ(c.booking.min_slot, defaults.booking.min_slot);
  EXPECT_FALSE(c.failure.time_to_failure.has_value());
  EXPECT_FALSE(c.maintenance.has_value());
  EXPECT_TRUE(c.bom.empty());
  // And the lab model builds it (every key reaches the instrument twin without an error).
  lt::LabModel model(s);
  model.run();
  const lt::RunResult r = model.result();
  EXPECT_GT(r.kpi("booking_requests").value_or(0), 0);
}

TEST(InstrumentsScenario, BadBlocksAreReportedAtFileLineColumn) {
  const char* bad = R"Y(labtwin: 1
clock: {horizon: 7d}
sites: [{id: core, rooms: [{id: lab}]}]
items: [{sku: KIT}]
instruments:
  types:
    - id: seq
      site: cor
      room: labb
      hours: day
      count: 2
      booking: {min_slot: 3h, max_slot: 2h}
      demand: {rate: 1/d, cancel_probability: 70%, no_show_probability: 40%}
      failure: {time_to_failure: "lognormal_ms(10h, 2h)", spare_part: {sku: LASER}}
      bom: [{sku: KTI}]
      service_windows: [{start: "+1d", duration: 1d, instrument: 3}]
      maintenance: {triger: usage}
    - id: seq
      demand: {rate: 1/d}
)Y";
  const auto r = la::load_scenario_string(bad, "bad.yaml");
  ASSERT_FALSE(r.ok());
  const std::string text = formatted(r);
  for (const char* expected : {
           "bad.yaml:8:13: error: instruments.types[0].site: unknown site `cor` (not in sites); "
           "did you mean `core`?",
           "bad.yaml:9:13: error: instruments.types[0].room: unknown room `labb` (not in the "
           "rooms of site `cor`)",
           "bad.yaml:10:14: error: instruments.types[0].hours: unknown shift `day` (not in "
           "shifts)",
           "bad.yaml:12:27: error: instruments.types[0].booking.min_slot: min_slot (3h) must not "
           "exceed max_slot (2h)",
           "bad.yaml:13:73: error: instruments.types[0].demand.no_show_probability: "
           "cancel_probability + no_show_probability must not exceed 1",
           "bad.yaml:14:34: error: instruments.types[0].failure.time_to_failure: instruments fail "
           "by weibull(k, scale) or exp(mean), got \"lognormal_ms(10h, 2h)\"",
           "bad.yaml:14:77: error: instruments.types[0].failure.spare_part.sku: unknown SKU "
           "`LASER` (not in items)",
           "bad.yaml:15:19: error: instruments.types[0].bom[0].sku: unknown SKU `KTI` (not in "
           "items); did you mean `KIT`?",
           "bad.yaml:16:66: error: instruments.types[0].service_windows[0].instrument: instrument "
           "3 does not exist (count 2)",
           "bad.yaml:17:21: error: instruments.types[0].maintenance.triger: unknown key `triger`; "
           "did you mean `trigger`?",
           "bad.yaml:18:11: error: instruments.types[1].id: duplicate instrument type id `seq` "
           "(first at line 7)",
       }) {
    EXPECT_NE(text.find(expected), std::string::npos) << "missing: " << expected << "\n" << text;
  }
}

TEST(InstrumentsScenario, InstantModeFromYamlMatchesErlangB) {
  // Instant booking with Poisson requests (lambda = 1.5/h) and exponential runs (mean 1 h) on
  // c = 2 instruments, 24/7, is the Erlang loss system M/M/2/2: the lost share is
  // B(c, a) = (a^c / c!) / sum_{k=0..c} a^k / k! with a = lambda / mu = 1.5 erlangs
  // (Erlang 1917; Kleinrock, Queueing Systems I, eq. 3.46) = 0.31034.
  const lt::ScenarioDef s = load(R"Y(labtwin: 1
clock: {horizon: 3000h, warmup: 30h}
sites: [{id: lab}]
instruments:
  types:
    - id: cytometer
      count: 2
      demand: {rate: 1.5/h, run_time: "exp(1h)", instant: true}
)Y");
  const double b = labtwin::sim::erlang_b(2, 1.5);
  labtwin::sim::Tally share;
  labtwin::sim::Tally util;
  constexpr int kReps = 30;
  for (int rep = 0; rep < kReps; ++rep) {
    lt::RunOptions o;
    o.replication = static_cast<std::uint64_t>(rep);
    const lt::RunResult r = lt::run_scenario(s, o);
    const double requests = r.kpi("booking_requests").value_or(0);
    const double lost = r.kpi("bookings_lost").value_or(-1);
    ASSERT_GT(requests, 4000);
    EXPECT_DOUBLE_EQ(r.kpi("booking_loss_share").value_or(-1), lost / requests);
    EXPECT_EQ(r.kpi("bookings_rejected").value_or(-1), 0);
    share.add(lost / requests);
    util.add(r.kpi("instrument_utilisation_cytometer").value_or(-1));
  }
  const double h = share.ci_halfwidth(0.99);
  std::printf("from YAML, c=2 a=1.5: Erlang B %.5f, simulated %.5f +- %.5f (99%%, %d reps)\n", b,
              share.mean(), h, kReps);
  EXPECT_NEAR(b, 0.31034, 5e-5);
  EXPECT_LT(h, 0.01) << "the CI is too wide for the comparison to mean anything";
  EXPECT_LE(std::abs(share.mean() - b), h);
  // Carried load per instrument: a (1 - B) / c.
  const double carried = 1.5 * (1.0 - b) / 2.0;
  std::printf("  utilisation per instrument: theory %.5f, simulated %.5f +- %.5f\n", carried,
              util.mean(), util.ci_halfwidth(0.99));
  EXPECT_LE(std::abs(util.mean() - carried), util.ci_halfwidth(0.99));
}

TEST(InstrumentsScenario, RunsConsumeTheLabsStockAndStockoutsLoseRuns) {
  // 7 kits, 2 per run, never reordered: the first 3 runs take 6 kits, then every run is lost
  // to the stockout (1 kit left < 2). Each run's need is item demand: served (filled) or not.
  const std::string base = R"Y(labtwin: 1
clock: {horizon: 20d}
sites: [{id: lab}]
items:
  - {sku: KIT, initial: 7%s}
instruments:
  types:
    - id: sequencer
      booking: {min_slot: 1h, max_slot: 8h, granularity: 1h}
      demand: {rate: 1/d, run_time: "const(3h)", lead_time: "const(1d)"}
      bom: [{sku: KIT, quantity: 2}]
)Y";
  auto with = [&](const std::string& policy) {
    std::string text = base;
    text.replace(text.find("%s"), 2, policy);
    return load(text);
  };
  lt::LabModel model(with(""));
  model.run();
  const lt::RunResult r = model.result();
  const double lost = r.kpi("runs_lost_stockout").value_or(-1);
  const double completed = r.kpi("runs_completed").value_or(-1);
  std::printf("no reorder: %g runs completed, %g lost to the stockout, demand %g, fill %.4f\n",
              completed, lost, r.kpi("demand_units").value_or(-1), r.kpi("fill_rate").value_or(-1));
  EXPECT_EQ(completed, 3);
  // One type: its wait quantiles are the overall ones; requests wait at least their 1 d lead.
  EXPECT_EQ(r.kpi("slot_wait_p50_sequencer"), r.kpi("slot_wait_p50"));
  EXPECT_EQ(r.kpi("slot_wait_p95_sequencer"), r.kpi("slot_wait_p95"));
  EXPECT_GE(r.kpi("slot_wait_p50").value_or(0), 86400.0);
  EXPECT_GT(lost, 5);
  // Demand = 2 kits for each run that started or was lost to the stockout (nothing else uses
  // kits; no failures, cancellations or no-shows here).
  EXPECT_DOUBLE_EQ(r.kpi("demand_units").value_or(-1), 2.0 * (completed + lost));
  EXPECT_DOUBLE_EQ(r.kpi("fill_rate").value_or(-1), 6.0 / (2.0 * (completed + lost)));
  const lt::ItemStatus kit = model.item_status("KIT");
  EXPECT_DOUBLE_EQ(kit.demand, 2.0 * (completed + lost));
  EXPECT_DOUBLE_EQ(kit.filled, 6.0);
  EXPECT_DOUBLE_EQ(kit.on_hand, 1.0);     // the ledger issued exactly 3 x 2
  EXPECT_DOUBLE_EQ(kit.backorders, 0.0);  // a lost run is not owed

  // With an (s,S) policy the runs' consumption alone triggers the orders (no other demand).
  lt::LabModel reordered(with(R"P(, lead_time: "const(1d)", policy: {type: sS, s: 2, S: 8})P"));
  reordered.run();
  const lt::RunResult q = reordered.result();
  std::printf("(s,S) = (2, 8): %g runs completed, %g lost, %g purchase orders\n",
              q.kpi("runs_completed").value_or(-1), q.kpi("runs_lost_stockout").value_or(-1),
              q.kpi("purchase_orders").value_or(-1));
  EXPECT_GT(q.kpi("purchase_orders").value_or(0), 3);
  EXPECT_GT(q.kpi("runs_completed").value_or(0), completed + 5);
  EXPECT_LT(q.kpi("runs_lost_stockout").value_or(1e9), lost);
}

TEST(InstrumentsScenario, ScenariosWithoutInstrumentsKeepTheirKpis) {
  const lt::ScenarioDef s = load("labtwin: 1\nclock: {horizon: 2d}\nsites: [{id: lab}]\n");
  const lt::RunResult r = lt::run_scenario(s);
  EXPECT_EQ(r.kpis.size(), 20u);
  EXPECT_EQ(r.kpis.back().name, "sensor_gaps");
  EXPECT_FALSE(r.kpi("booking_requests").has_value());
}

TEST(InstrumentsScenario, ShippedScenarioAndItsVariantLoad) {
  const std::string file =
      std::string(LABTWIN_SOURCE_DIR) + "/scenarios/core-facility-instruments.yaml";
  const auto base = la::load_scenario(file);
  ASSERT_TRUE(base.ok()) << formatted(base);
  ASSERT_EQ(base.scenario->instruments.types.size(), 3u);
  EXPECT_EQ(base.scenario->instruments.types[0].count, 1);
  const auto second = la::load_variant(file, "second-sequencer");
  ASSERT_TRUE(second.ok()) << formatted(second);
  EXPECT_EQ(second.scenario->instruments.types[0].id, "short-read-sequencer");
  EXPECT_EQ(second.scenario->instruments.types[0].count, 2);
  // The KPIs come after the lab's, in a stable order.
  const lt::RunResult r = lt::run_scenario(*second.scenario);
  ASSERT_GT(r.kpis.size(), 20u);
  EXPECT_EQ(r.kpis[19].name, "sensor_gaps");
  EXPECT_EQ(r.kpis[20].name, "instrument_utilisation");
  EXPECT_EQ(r.kpis[21].name, "instrument_utilisation_short_read_sequencer");
  EXPECT_TRUE(r.kpi("slot_wait_p95_short_read_sequencer").has_value());
  EXPECT_TRUE(r.kpi("parts_stockouts").has_value());
}
