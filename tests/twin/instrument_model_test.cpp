// InstrumentModel against theory: the instant-booking mode is an Erlang loss system (M/M/c/c)
// whose lost share must match Erlang B; availability under failures must match the alternating
// renewal result; utilisation must match the offered load. Independent replications give the
// 99% confidence intervals.
#include "labtwin/twin/instrument_model.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "labtwin/core/inventory/ledger.hpp"
#include "labtwin/sim/analytic.hpp"
#include "labtwin/sim/statistics.hpp"
#include "labtwin/twin/sim_ports.hpp"

namespace labtwin::twin {
namespace {

// Erlang B from its definition, B(c, a) = (a^c / c!) / sum_{k=0..c} a^k / k!
// (Erlang 1917; e.g. Kleinrock, Queueing Systems I, eq. 3.46), to check the kernel's recursion.
double erlang_b_direct(int c, double a) {
  double term = 1.0;
  double sum = 1.0;
  for (int k = 1; k <= c; ++k) {
    term *= a / k;
    sum += term;
  }
  return term / sum;
}

InstrumentModelConfig loss_system(int c, double lambda, double mean_run_h) {
  InstrumentModelConfig cfg;
  InstrumentTypeSpec t;
  t.type = "cytometer";
  t.count = c;
  t.instant = true;
  t.requests_per_hour = lambda;
  t.run_hours = sim::Exponential(mean_run_h);
  cfg.types.push_back(t);
  cfg.horizon_hours = 3000.0;
  cfg.warmup_hours = 30.0;
  cfg.seed = 20260113;
  return cfg;
}

TEST(InstrumentModel, KernelErlangBMatchesTheDefinition) {
  EXPECT_NEAR(sim::erlang_b(2, 1.5), erlang_b_direct(2, 1.5), 1e-14);
  EXPECT_NEAR(sim::erlang_b(5, 3.0), erlang_b_direct(5, 3.0), 1e-14);
  EXPECT_NEAR(sim::erlang_b(2, 1.5), 0.3103, 5e-5);  // the brief's worked values
  EXPECT_NEAR(sim::erlang_b(5, 3.0), 0.1101, 5e-5);
}

struct LossCase {
  int c;
  double lambda;
  double mean_run_h;
};

class ErlangLoss : public ::testing::TestWithParam<LossCase> {};

TEST_P(ErlangLoss, LostShareMatchesErlangBWithin99PercentCi) {
  const LossCase p = GetParam();
  const double a = p.lambda * p.mean_run_h;  // offered load in erlangs
  const double b = erlang_b_direct(p.c, a);
  sim::Tally share;
  sim::Tally util;  // carried load per server = a (1 - B) / c
  for (std::uint64_t rep = 0; rep < 30; ++rep) {
    InstrumentModelConfig cfg = loss_system(p.c, p.lambda, p.mean_run_h);
    cfg.replication = rep;
    const InstrumentModelResult r = run_instrument_model(cfg);
    ASSERT_GT(r.requests, 1000);
    EXPECT_EQ(r.booked + r.lost, r.requests);
    EXPECT_EQ(r.rejected, 0);
    share.add(r.lost_share());
    double u = 0.0;
    for (const InstrumentKpi& k : r.instruments) u += k.utilisation;
    util.add(u / p.c);
  }
  const double h = share.ci_halfwidth(0.99);
  std::printf("c=%d a=%.3g: Erlang B %.5f, simulated %.5f +- %.5f (99%%, 30 reps), error %.5f\n",
              p.c, a, b, share.mean(), h, share.mean() - b);
  EXPECT_LT(h, 0.01) << "the CI is too wide for the comparison to mean anything";
  EXPECT_LE(std::abs(share.mean() - b), h);
  const double carried = a * (1.0 - b) / p.c;
  std::printf("  utilisation per server: theory %.5f, simulated %.5f +- %.5f\n", carried,
              util.mean(), util.ci_halfwidth(0.99));
  EXPECT_LE(std::abs(util.mean() - carried), util.ci_halfwidth(0.99));
}

INSTANTIATE_TEST_SUITE_P(Pairs, ErlangLoss,
                         ::testing::Values(LossCase{2, 1.5, 1.0}, LossCase{5, 3.0, 1.0},
                                           LossCase{3, 0.5, 4.0}));

TEST(InstrumentModel, AvailabilityMatchesAlternatingRenewalTheory) {
  // Up times Weibull(k = 1.5, scale 200 h), repairs exponential (mean 20 h): the long-run up
  // share is E[U] / (E[U] + E[D]) (alternating renewal process; Ross, Stochastic Processes,
  // 2nd ed., Thm 3.4.4).
  const sim::Weibull ttf(1.5, 200.0);
  const double theory = ttf.mean() / (ttf.mean() + 20.0);
  sim::Tally avail;
  std::int64_t bumped = 0;
  std::int64_t lost_breakdown = 0;
  for (std::uint64_t rep = 0; rep < 20; ++rep) {
    InstrumentModelConfig cfg;
    InstrumentTypeSpec t;
    t.type = "confocal";
    t.requests_per_hour = 0.2;
    t.run_hours = sim::Exponential(2.0);
    t.lead_hours = sim::Exponential(24.0);
    t.time_to_failure_hours = ttf;
    t.repair_hours = sim::Exponential(20.0);
    t.rules.granularity = core::Span::minutes(30);
    t.rules.min_slot = core::Span::minutes(30);
    t.rules.max_slot = core::Span::hours(24);
    cfg.types.push_back(t);
    cfg.horizon_hours = 20000.0;
    cfg.seed = 99;
    cfg.replication = rep;
    const InstrumentModelResult r = run_instrument_model(cfg);
    avail.add(r.instruments.at(0).availability);
    bumped += r.bumped;
    lost_breakdown += r.lost_breakdown;
  }
  const double h = avail.ci_halfwidth(0.99);
  std::printf(
      "availability: theory %.5f, simulated %.5f +- %.5f (99%%, 20 reps); bumped %lld, "
      "runs lost to breakdowns %lld\n",
      theory, avail.mean(), h, static_cast<long long>(bumped),
      static_cast<long long>(lost_breakdown));
  EXPECT_LT(h, 0.02);
  EXPECT_LE(std::abs(avail.mean() - theory), h);
  EXPECT_GT(bumped, 0);
  EXPECT_GT(lost_breakdown, 0);
}

// Machine-repairman model (finite source M/M/1//N; Gross & Harris, Fundamentals of Queueing
// Theory, 4th ed., sec. 2.8): N machines failing at rate l while up, one repairer at rate m.
// p_n is proportional to N! / (N - n)! (l / m)^n; availability = 1 - E[n] / N.
double machine_repairman_availability(int n_machines, double l, double m) {
  std::vector<double> p(static_cast<std::size_t>(n_machines) + 1);
  p[0] = 1.0;
  for (int n = 1; n <= n_machines; ++n) p[n] = p[n - 1] * (n_machines - n + 1) * (l / m);
  double total = 0.0;
  double mean_down = 0.0;
  for (int n = 0; n <= n_machines; ++n) {
    total += p[n];
    mean_down += n * p[n];
  }
  return 1.0 - mean_down / total / n_machines;
}

TEST(InstrumentModel, RepairsWaitingForOneTechnicianMatchTheMachineRepairmanModel) {
  // 3 instruments, exponential up times (Weibull shape 1, mean 100 h), exponential repairs
  // (mean 30 h), one technician dispatched by core's Dispatcher.
  const double theory = machine_repairman_availability(3, 1.0 / 100.0, 1.0 / 30.0);
  const double ample = 100.0 / 130.0;  // one technician per instrument: no waiting
  sim::Tally avail;
  for (std::uint64_t rep = 0; rep < 20; ++rep) {
    InstrumentModelConfig cfg;
    InstrumentTypeSpec t;
    t.type = "ms";
    t.count = 3;
    t.instant = true;
    t.requests_per_hour = 0.1;
    t.run_hours = sim::Exponential(1.0);
    t.time_to_failure_hours = sim::Weibull(1.0, 100.0);
    t.repair_hours = sim::Exponential(30.0);
    cfg.types.push_back(t);
    cfg.technicians = 1;
    cfg.horizon_hours = 80000.0;
    cfg.warmup_hours = 200.0;
    cfg.seed = 5;
    cfg.replication = rep;
    const InstrumentModelResult r = run_instrument_model(cfg);
    double a = 0.0;
    for (const InstrumentKpi& k : r.instruments) a += k.availability;
    avail.add(a / 3.0);
  }
  const double h = avail.ci_halfwidth(0.99);
  std::printf(
      "one technician for 3 instruments: availability theory %.5f, simulated %.5f +- "
      "%.5f (without waiting it would be %.5f)\n",
      theory, avail.mean(), h, ample);
  EXPECT_LT(h, 0.01);
  EXPECT_LE(std::abs(avail.mean() - theory), h);
  EXPECT_GT(ample - theory, 3 * h);  // the wait for the technician is visible
}

TEST(InstrumentModel, LeadTimeBookingCarriesTheOfferedLoad) {
  // Nothing is rejected (book-ahead far beyond the waits), so the run hours per instrument are
  // lambda (1 - p_cancel - p_noshow) E[D] / c, with D the run time rounded up to the
  // granularity g: for exponential runs with mean m, E[D] = g / (1 - exp(-g / m)).
  const double lambda = 0.8;
  const double m = 1.0;
  const double g = 1.0 / 60.0;
  const double expected_d = g / (1.0 - std::exp(-g / m));
  const double theory = lambda * (1.0 - 0.1 - 0.05) * expected_d / 2.0;
  sim::Tally util;
  sim::Tally p50;
  for (std::uint64_t rep = 0; rep < 12; ++rep) {
    InstrumentModelConfig cfg;
    InstrumentTypeSpec t;
    t.type = "sequencer";
    t.count = 2;
    t.requests_per_hour = lambda;
    t.run_hours = sim::Exponential(m);
    t.cancel_probability = 0.1;
    t.no_show_probability = 0.05;
    t.rules.granularity = core::Span::minutes(1);
    t.rules.min_slot = core::Span::minutes(1);
    t.rules.max_slot = core::Span::days(30);
    t.rules.book_ahead = core::Span::days(365);
    cfg.types.push_back(t);
    cfg.horizon_hours = 5000.0;
    cfg.warmup_hours = 50.0;
    cfg.seed = 7;
    cfg.replication = rep;
    const InstrumentModelResult r = run_instrument_model(cfg);
    EXPECT_EQ(r.rejected, 0);
    EXPECT_EQ(r.lost, 0);
    EXPECT_EQ(r.bumped, 0);  // no failures, no windows
    EXPECT_GT(r.cancelled, 0);
    EXPECT_GT(r.no_shows, 0);
    EXPECT_LE(r.wait_p50_hours, r.wait_p95_hours);
    util.add((r.instruments[0].utilisation + r.instruments[1].utilisation) / 2.0);
    p50.add(r.wait_p50_hours);
  }
  std::printf("lead-time utilisation: theory %.5f, simulated %.5f +- %.5f; wait p50 %.3f h\n",
              theory, util.mean(), util.ci_halfwidth(0.99), p50.mean());
  EXPECT_LE(std::abs(util.mean() - theory), util.ci_halfwidth(0.99));
}

TEST(InstrumentModel, SameSeedSameResultsOtherReplicationDiffers) {
  InstrumentModelConfig cfg = loss_system(2, 1.5, 1.0);
  cfg.horizon_hours = 500;
  const InstrumentModelResult a = run_instrument_model(cfg);
  const InstrumentModelResult b = run_instrument_model(cfg);
  EXPECT_EQ(a.requests, b.requests);
  EXPECT_EQ(a.lost, b.lost);
  EXPECT_EQ(a.instruments[0].run_hours, b.instruments[0].run_hours);
  cfg.replication = 1;
  const InstrumentModelResult c = run_instrument_model(cfg);
  EXPECT_NE(a.instruments[0].run_hours, c.instruments[0].run_hours);
}

TEST(InstrumentModel, RunsBeyondTheStockAreLostToStockouts) {
  namespace inv = core::inventory;
  sim::Simulation s;
  InstrumentModelConfig cfg;
  SimClock clock(s, cfg.start_us);
  inv::Ledger stock(clock);
  const inv::LocId site{stock.execute(inv::AddLocation{.code = "HQ"}).id};
  const inv::LocId room{
      stock.execute(inv::AddLocation{.code = "R", .kind = inv::LocationKind::Room, .parent = site})
          .id};
  const inv::LocId fridge{stock
                              .execute(inv::AddLocation{.code = "F",
                                                        .kind = inv::LocationKind::StorageUnit,
                                                        .parent = room,
                                                        .storage = inv::StorageClass::Plus4C})
                              .id};
  const inv::SkuId kit{
      stock.execute(inv::RegisterItem{{"KIT", "ea", inv::StorageClass::Plus4C, 100.0}}).id};
  const inv::LotId lot{stock.execute(inv::Receive{kit, "K1", 10.0, fridge}).id};
  ASSERT_TRUE(stock.execute(inv::ReleaseQc{lot}).ok());
  InstrumentTypeSpec t;
  t.type = "ms";
  t.instant = true;
  t.requests_per_hour = 0.5;
  t.run_hours = sim::Exponential(0.5);
  t.bom = {{kit, 1.0}};
  cfg.types.push_back(t);
  cfg.horizon_hours = 200;
  InstrumentModel model(s, cfg, nullptr, &stock);
  model.start();
  s.run_until(sim::Time::h(200));
  const InstrumentModelResult r = model.results();
  // Exactly the 10 kits were used; every later check-in lost its run and issued nothing.
  // Every booked run either completed, was lost, or is the one still running at the horizon.
  EXPECT_GE(r.booked - r.completed - r.lost_stockout, 0);
  EXPECT_LE(r.booked - r.completed - r.lost_stockout, 1);
  EXPECT_LE(r.completed, 10);
  EXPECT_GT(r.lost_stockout, 30);
  EXPECT_NEAR(stock.state().book(kit).issued, 10.0, 1e-9);
  EXPECT_NEAR(stock.available(kit), 0.0, 1e-9);
}

InstrumentTypeSpec booked_type() {
  InstrumentTypeSpec t;
  t.type = "sequencer";
  t.requests_per_hour = 0.3;
  t.run_hours = sim::Exponential(2.0);
  t.lead_hours = sim::Exponential(48.0);
  t.rules.granularity = core::Span::minutes(30);
  t.rules.min_slot = core::Span::minutes(30);
  t.rules.max_slot = core::Span::hours(48);
  t.rules.book_ahead = core::Span::days(60);
  return t;
}

TEST(InstrumentModel, AnnouncedServiceOutageBumpsWithItsNoticeAndBlocksRuns) {
  // Users book about ten days ahead; a two-week service from day 60 is announced 14 days ahead.
  InstrumentModelConfig cfg;
  InstrumentTypeSpec t = booked_type();
  t.lead_hours = sim::Exponential(240.0);
  t.service_windows.push_back(ServiceWindow{1440.0, 336.0, 336.0, 0});
  cfg.types.push_back(t);
  cfg.horizon_hours = 3000.0;
  sim::Simulation s;
  InstrumentModel model(s, cfg);
  model.start();
  s.run_until(sim::Time::h(3000));
  const InstrumentModelResult r = model.results();
  EXPECT_EQ(r.maintenance_windows, 1);
  EXPECT_DOUBLE_EQ(r.instruments[0].maintenance_hours, 336.0);
  EXPECT_GT(r.bumped, 5);
  const auto& ledger = model.ledger();
  const core::Instant w0 = ledger.state().window(core::instruments::WindowId{0}).start;
  const core::Instant w1 = ledger.state().window(core::instruments::WindowId{0}).end;
  int bumps = 0;
  for (const auto& e : ledger.events()) {
    if (const auto* b = std::get_if<core::instruments::BookingBumped>(&e.body)) {
      // Every bumped booking started inside the window, announced 336 h before it.
      EXPECT_GE(b->notice, core::Span::hours(336));
      ++bumps;
    }
  }
  EXPECT_EQ(bumps, r.bumped);
  std::printf("service outage: %lld bookings bumped with >= 336 h notice\n",
              static_cast<long long>(r.bumped));
  for (std::uint32_t i = 0; i < ledger.state().booking_count(); ++i) {
    const auto& b = ledger.state().booking(core::instruments::BookingId{i});
    if (b.status == core::instruments::BookingStatus::Completed) {
      EXPECT_FALSE(b.start < w1 && w0 < b.end) << "a run inside the service window";
    }
  }
}

TEST(InstrumentModel, CalendarMaintenanceEveryIntervalAfterTheLastService) {
  // Due 500 h after the last service (which ends the window): windows at 500, 1008, 1516, ...
  // 4564 h, i.e. 9 of 8 h before the 5,000 h horizon (the next is due at 5072 h).
  InstrumentModelConfig cfg;
  InstrumentTypeSpec t = booked_type();
  t.maintenance = PmSpec{core::PmTrigger::Calendar, 500.0, 0.0, 8.0, 48.0};
  cfg.types.push_back(t);
  cfg.horizon_hours = 5000.0;
  const InstrumentModelResult r = run_instrument_model(cfg);
  EXPECT_EQ(r.maintenance_windows, 9);
  EXPECT_DOUBLE_EQ(r.instruments[0].maintenance_hours, 72.0);
  EXPECT_GT(r.bumped, 0);
}

TEST(InstrumentModel, UsageMaintenanceFollowsRunHours) {
  // One service per 100 run hours: the number of windows is the run hours / 100, give or take
  // the one in progress (forecast due dates may place a window shortly before the crossing).
  InstrumentModelConfig cfg;
  InstrumentTypeSpec t = booked_type();
  t.maintenance = PmSpec{core::PmTrigger::Usage, 0.0, 100.0, 4.0, 24.0};
  cfg.types.push_back(t);
  cfg.horizon_hours = 8000.0;
  const InstrumentModelResult r = run_instrument_model(cfg);
  const double services = r.instruments[0].run_hours / 100.0;
  std::printf("usage PM: %.1f run hours -> %lld windows\n", r.instruments[0].run_hours,
              static_cast<long long>(r.maintenance_windows));
  EXPECT_GT(services, 10.0);
  EXPECT_LE(std::abs(static_cast<double>(r.maintenance_windows) - services), 1.5);
}

TEST(InstrumentModel, RepairsWaitForSparePartsThatAreNotOnHand) {
  namespace inv = core::inventory;
  sim::Simulation s;
  InstrumentModelConfig cfg;
  SimClock clock(s, cfg.start_us);
  inv::Ledger stock(clock);
  const inv::LocId site{stock.execute(inv::AddLocation{.code = "HQ"}).id};
  const inv::LocId room{
      stock.execute(inv::AddLocation{.code = "R", .kind = inv::LocationKind::Room, .parent = site})
          .id};
  const inv::LocId shelf{stock
                             .execute(inv::AddLocation{.code = "PARTS",
                                                       .kind = inv::LocationKind::StorageUnit,
                                                       .parent = room,
                                                       .storage = inv::StorageClass::SparePart})
                             .id};
  const inv::SkuId laser{
      stock.execute(inv::RegisterItem{{"LASER", "ea", inv::StorageClass::SparePart, 9000.0}}).id};
  const inv::LotId lot{stock.execute(inv::Receive{laser, "L1", 2.0, shelf}).id};
  ASSERT_TRUE(stock.execute(inv::ReleaseQc{lot}).ok());
  InstrumentTypeSpec t;
  t.type = "confocal";
  t.instant = true;
  t.requests_per_hour = 0.1;
  t.run_hours = sim::Exponential(1.0);
  t.time_to_failure_hours = sim::Weibull(1.0, 200.0);
  t.repair_hours = sim::Exponential(10.0);
  t.spare_part = SparePartSpec{laser, shelf, 1.0, 100.0};
  cfg.types.push_back(t);
  cfg.technicians = 1;
  cfg.horizon_hours = 5000.0;
  InstrumentModel model(s, cfg, nullptr, &stock);
  model.start();
  s.run_until(sim::Time::h(5000));
  const InstrumentModelResult r = model.results();
  const InstrumentKpi& k = r.instruments.at(0);
  // Every fault needs the part: the first two come from the shelf, every later one waits for
  // an emergency order (the last may still be on its way at the horizon).
  ASSERT_GT(k.failures, 5);
  EXPECT_EQ(r.parts_stockouts, k.failures - 2);
  EXPECT_GE(r.parts_used, k.failures - 1);
  EXPECT_LE(r.parts_used, k.failures);
  EXPECT_NEAR(stock.state().book(laser).issued, static_cast<double>(r.parts_used), 1e-9);
  // Each wait adds the 100 h lead time to the outage.
  EXPECT_GE(k.down_hours, 100.0 * static_cast<double>(r.parts_stockouts - 1));
  std::printf("spare parts: %lld failures, %lld parts used, %lld stockouts, %.0f h down\n",
              static_cast<long long>(k.failures), static_cast<long long>(r.parts_used),
              static_cast<long long>(r.parts_stockouts), k.down_hours);
}

TEST(InstrumentModel, BadParametersAreNamed) {
  InstrumentModelConfig cfg = loss_system(2, 1.5, 1.0);
  cfg.types[0].count = 0;
  try {
    run_instrument_model(cfg);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("cytometer"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("count"), std::string::npos) << e.what();
  }
  InstrumentModelConfig grid;
  grid.types.push_back(booked_type());
  grid.types[0].rules.granularity = core::Span::minutes(30);
  grid.types[0].rules.min_slot = core::Span::minutes(40);
  grid.types[0].rules.max_slot = core::Span::minutes(50);
  EXPECT_THROW(run_instrument_model(grid), std::invalid_argument);
}

}  // namespace
}  // namespace labtwin::twin
