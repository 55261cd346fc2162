// OEE of shared instruments (availability x performance x quality, with runs that fail and run
// slower than nominal) and the instruments' events in the lab's event log.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "labtwin/adapters/scenario_loader.hpp"
#include "labtwin/core/instruments/booking_events.hpp"
#include "labtwin/core/schedule/shift_calendar.hpp"
#include "labtwin/sim/statistics.hpp"
#include "labtwin/twin/instrument_model.hpp"
#include "labtwin/twin/lab_model.hpp"

namespace la = labtwin::adapters;
namespace lt = labtwin::twin;
namespace ci = labtwin::core::instruments;
using labtwin::core::Instant;

namespace {

lt::ScenarioDef load(const std::string& text) {
  const auto r = la::load_scenario_string(text, "oee.yaml");
  if (!r.ok()) {
    std::string msg;
    for (const auto& d : r.diagnostics) msg += la::format(d) + "\n";
    throw std::runtime_error(msg);
  }
  return *r.scenario;
}

}  // namespace

TEST(InstrumentsOee, QualityIsOneMinusTheFailureProbability) {
  // Each completed run fails independently with probability q, so the good share of n runs is a
  // binomial proportion with mean 1 - q. Without breakdowns and slowdown, availability and
  // performance are exactly 1 and OEE = quality.
  const lt::ScenarioDef s = load(R"Y(labtwin: 1
clock: {horizon: 600h, warmup: 10h}
sites: [{id: lab}]
instruments:
  types:
    - id: cytometer
      count: 2
      demand: {rate: 1.5/h, run_time: "exp(1h)", instant: true}
      runs: {failure_probability: 12%}
)Y");
  ASSERT_DOUBLE_EQ(s.instruments.types[0].runs.failure_probability, 0.12);
  ASSERT_DOUBLE_EQ(s.instruments.types[0].runs.slowdown, 1.0);
  constexpr double kQ = 0.12;
  labtwin::sim::Tally quality;
  constexpr int kReps = 20;
  for (int rep = 0; rep < kReps; ++rep) {
    lt::RunOptions o;
    o.replication = static_cast<std::uint64_t>(rep);
    const lt::RunResult r = lt::run_scenario(s, o);
    const double completed = r.kpi("runs_completed").value_or(0);
    const double failed = r.kpi("runs_failed").value_or(-1);
    ASSERT_GT(completed, 500);
    ASSERT_GE(failed, 0);
    const double q = (completed - failed) / completed;
    EXPECT_DOUBLE_EQ(r.kpi("oee_cytometer").value_or(-1), q);
    EXPECT_DOUBLE_EQ(r.kpi("instrument_oee").value_or(-1), q);
    EXPECT_DOUBLE_EQ(r.kpi("instrument_availability").value_or(-1), 1.0);
    quality.add(q);
  }
  const double h = quality.ci_halfwidth(0.99);
  std::printf("quality with q = %.2f: theory %.5f, simulated %.5f +- %.5f (99%%, %d reps)\n", kQ,
              1 - kQ, quality.mean(), h, kReps);
  EXPECT_LT(h, 0.02) << "the CI is too wide for the comparison to mean anything";
  EXPECT_LE(std::abs(quality.mean() - (1 - kQ)), h);
}

TEST(InstrumentsOee, OeeIsTheProductOfItsFactorsRecomputedIndependently) {
  // Weekday hours (Mon-Fri 08:00-18:00 UTC), breakdowns, runs 1.25x slower than nominal and 5 %
  // failing. Availability = up share of scheduled (working) hours, recomputed here by scanning
  // the ledger's breakdown and repair events minute by minute against the calendar;
  // performance = nominal / actual = 1 / 1.25; quality = good / completed.
  lt::InstrumentModelConfig cfg;
  cfg.horizon_hours = 24.0 * 7 * 20;  // 20 weeks from Monday 2026-01-05 00:00 UTC
  cfg.seed = 7;
  lt::InstrumentTypeSpec t;
  t.type = "ms";
  t.count = 2;
  t.hours = labtwin::core::ShiftCalendar{};
  t.hours.add_weekly(labtwin::core::weekdays::kMonFri, 8 * 60, 18 * 60);
  t.rules.min_slot = labtwin::core::Span::hours(1);
  t.rules.max_slot = labtwin::core::Span::hours(10);
  t.rules.granularity = labtwin::core::Span::minutes(30);
  t.rules.book_ahead = labtwin::core::Span::days(28);
  t.requests_per_hour = 0.25;
  t.run_hours = labtwin::sim::Exponential(2.0);
  t.lead_hours = labtwin::sim::Uniform(0.0, 48.0);
  t.time_to_failure_hours = labtwin::sim::Weibull(1.5, 300.0);
  t.repair_hours = labtwin::sim::Exponential(20.0);
  t.failure_probability = 0.05;
  t.slowdown = 1.25;
  cfg.types.push_back(t);

  labtwin::sim::Simulation sim;
  lt::InstrumentModel model(sim, cfg);
  model.start();
  sim.run_until(labtwin::sim::Time::from_seconds(cfg.horizon_hours * 3600.0));
  const lt::InstrumentModelResult x = model.results();
  ASSERT_EQ(x.types.size(), 1u);
  const lt::InstrumentTypeKpi& k = x.types[0];

  // Scheduled: 20 weeks x 5 days x 10 h x 2 instruments.
  EXPECT_DOUBLE_EQ(k.scheduled_hours, 20.0 * 5 * 10 * 2);
  // Down time inside working hours, minute by minute (each outage edge is off by < 1 min).
  const Instant t0{cfg.start_us};
  const Instant t_end = t0 + labtwin::core::Span::hours(cfg.horizon_hours);
  std::map<std::uint32_t, Instant> down_since;
  std::vector<std::pair<Instant, Instant>> outages;
  for (const ci::Event& e : model.ledger().events()) {
    if (const auto* b = std::get_if<ci::BreakdownReported>(&e.body)) {
      down_since[ci::index(b->instrument)] = e.at;
    } else if (const auto* r = std::get_if<ci::RepairCompleted>(&e.body)) {
      outages.emplace_back(down_since.at(ci::index(r->instrument)), e.at);
      down_since.erase(ci::index(r->instrument));
    }
  }
  for (const auto& [id, since] : down_since) outages.emplace_back(since, t_end);
  ASSERT_GE(outages.size(), 5u) << "too few breakdowns to test availability";
  double down_min = 0.0;
  for (const auto& [a, b] : outages) {
    for (Instant m = a; m < b; m = m + labtwin::core::Span::minutes(1)) {
      if (t.hours.on_shift(m)) down_min += 1.0;
    }
  }
  const double up = k.scheduled_hours - down_min / 60.0;
  std::printf(
      "ms: %zu outages, scheduled %.1f h, up %.2f h (scan %.2f h), A %.5f P %.5f Q %.5f "
      "OEE %.5f, %lld runs, %lld failed\n",
      outages.size(), k.scheduled_hours, k.up_hours, up, k.availability, k.performance, k.quality,
      k.oee, static_cast<long long>(k.completed), static_cast<long long>(k.failed));
  EXPECT_NEAR(k.up_hours, up, 2.0 * static_cast<double>(outages.size()) / 60.0);
  EXPECT_LT(k.availability, 0.99) << "breakdowns must cost scheduled time";
  EXPECT_DOUBLE_EQ(k.availability, k.up_hours / k.scheduled_hours);
  EXPECT_NEAR(k.performance, 1.0 / 1.25, 1e-12);
  EXPECT_GT(k.failed, 0);
  EXPECT_EQ(k.completed, x.completed);
  EXPECT_EQ(k.failed, x.failed);
  EXPECT_DOUBLE_EQ(k.quality,
                   static_cast<double>(k.completed - k.failed) / static_cast<double>(k.completed));
  EXPECT_DOUBLE_EQ(k.oee, k.availability * k.performance * k.quality);
  // One type: the overall factors are the type's.
  EXPECT_DOUBLE_EQ(x.oee_availability, k.availability);
  EXPECT_DOUBLE_EQ(x.oee_performance, k.performance);
  EXPECT_DOUBLE_EQ(x.oee_quality, k.quality);
  EXPECT_DOUBLE_EQ(x.oee, x.oee_availability * x.oee_performance * x.oee_quality);
}

TEST(InstrumentsOee, BadRunParametersAreRejectedByName) {
  lt::InstrumentModelConfig cfg;
  lt::InstrumentTypeSpec t;
  t.type = "seq";
  t.failure_probability = 1.5;
  cfg.types.push_back(t);
  labtwin::sim::Simulation sim;
  try {
    lt::InstrumentModel m(sim, cfg);
    FAIL() << "failure_probability 1.5 accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'seq': failure_probability"), std::string::npos)
        << e.what();
  }
  cfg.types[0].failure_probability = 0.0;
  cfg.types[0].slowdown = 0.5;
  try {
    lt::InstrumentModel m(sim, cfg);
    FAIL() << "slowdown 0.5 accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'seq': slowdown"), std::string::npos) << e.what();
  }
}

TEST(InstrumentsOee, BookingAndInstrumentEventsReachTheLabsEventLog) {
  // Lead-time bookings on one busy instrument with a short book-ahead limit (rejections),
  // cancellations, breakdowns (failures, repairs, bumps, lost runs) and failing runs.
  const lt::ScenarioDef s = load(R"Y(labtwin: 1
clock: {horizon: 120d}
sites: [{id: lab}]
instruments:
  types:
    - id: sequencer
      booking: {min_slot: 1h, max_slot: 12h, granularity: 1h, book_ahead: 4d}
      demand: {rate: 4/d, run_time: "exp(6h)", lead_time: "uniform(0d, 2d)",
               cancel_probability: 10%, no_show_probability: 5%}
      failure: {time_to_failure: "exp(150h)", repair_time: "exp(12h)"}
      runs: {failure_probability: 10%}
)Y");
  lt::LabModel model(s);
  model.run();
  const lt::RunResult r = model.result();
  const std::vector<labtwin::core::DomainEvent>& log = model.event_log();
  std::map<std::string, int> kinds;
  for (std::size_t i = 0; i < log.size(); ++i) {
    ++kinds[log[i].kind];
    if (i > 0) {
      ASSERT_LE(log[i - 1].at, log[i].at) << "event " << i << " out of time order";
    }
    EXPECT_FALSE(log[i].entity.empty()) << log[i].kind;
  }
  for (const auto& [kind, n] : kinds) std::printf("  %-24s %d\n", kind.c_str(), n);
  // The KPIs count the same things (warm-up 0: every event is inside the window).
  EXPECT_EQ(kinds["booking.completed"] + kinds["booking.run_failed"],
            r.kpi("runs_completed").value_or(-1));
  EXPECT_EQ(kinds["booking.run_failed"], r.kpi("runs_failed").value_or(-1));
  EXPECT_EQ(kinds["booking.rejected"], r.kpi("bookings_rejected").value_or(-1));
  EXPECT_EQ(kinds["booking.bumped"], r.kpi("bookings_bumped").value_or(-1));
  EXPECT_EQ(kinds["booking.lost"],
            r.kpi("runs_lost_breakdown").value_or(-1) + r.kpi("runs_lost_stockout").value_or(-1));
  EXPECT_EQ(kinds["instrument.failed"], r.kpi("instrument_failures").value_or(-1));
  EXPECT_EQ(kinds["booking.confirmed"],
            r.kpi("booking_requests").value_or(-1) - r.kpi("bookings_rejected").value_or(-1));
  for (const char* k :
       {"booking.confirmed", "booking.rejected", "booking.checked_in", "booking.completed",
        "booking.run_failed", "booking.cancelled", "booking.no_show", "booking.bumped",
        "booking.lost", "instrument.failed", "instrument.repaired"}) {
    EXPECT_GT(kinds[k], 0) << k;
  }
  // Set-up and the outage windows of breakdowns are not state changes of interest.
  EXPECT_EQ(kinds.count("booking.instrument_added"), 0u);
  EXPECT_EQ(kinds.count("booking.window_added"), 0u);
  // Per booking, the states follow the lifecycle: confirmed, then checked in, then one end.
  std::map<std::string, std::vector<std::string>> life;
  for (const auto& e : log) {
    if (e.kind.rfind("booking.", 0) == 0 && e.kind != "booking.rejected")
      life[e.entity].push_back(e.kind);
  }
  for (const auto& [booking, seq] : life) {
    ASSERT_FALSE(seq.empty());
    EXPECT_EQ(seq.front(), "booking.confirmed") << booking;
    for (std::size_t i = 1; i < seq.size(); ++i) {
      EXPECT_NE(seq[i], "booking.confirmed") << booking << " confirmed twice";
      if (seq[i] == "booking.completed" || seq[i] == "booking.run_failed") {
        EXPECT_EQ(seq[i - 1], "booking.checked_in") << booking;
        EXPECT_EQ(i + 1, seq.size()) << booking << " changed after completing";
      }
    }
  }
  // A failed run is published with what it cost.
  for (const auto& e : log) {
    if (e.kind == "booking.run_failed") {
      EXPECT_NE(e.detail.find("run failed"), std::string::npos) << e.detail;
      break;
    }
  }
}
