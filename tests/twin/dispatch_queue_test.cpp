// The core's technician dispatcher driven on the DES kernel (the same ports and calls the lab
// twin uses: SimClock, open_ticket / decide / start_work / complete_ticket) behaves as an M/M/c
// queue when tickets arrive as a Poisson process and work times are exponential.
//
// Checked: mean wait in queue Wq and P(wait > 0) against Erlang C,
//   C(c, a) = [a^c / c! * c/(c-a)] / [sum_{k<c} a^k/k! + a^c/c! * c/(c-a)],  a = lambda/mu,
//   Wq = C / (c mu - lambda),
// with 99% Student-t confidence intervals over independent replications.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "labtwin/core/dispatch/dispatcher.hpp"
#include "labtwin/sim/analytic.hpp"
#include "labtwin/sim/random.hpp"
#include "labtwin/sim/simulation.hpp"
#include "labtwin/sim/statistics.hpp"
#include "labtwin/twin/sim_ports.hpp"

using namespace labtwin;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr int kReplications = 12;
constexpr double kHoursPerReplication = 4'000;
#else
constexpr int kReplications = 20;
constexpr double kHoursPerReplication = 20'000;
#endif
constexpr double kWarmupHours = 200;

struct QueueResult {
  double wq_hours = 0;  // mean wait in queue after warm-up
  double p_wait = 0;    // share of tickets that waited
};

/// One replication: c technicians, Poisson(lambda/h) tickets, Exp(mu/h) work, zero travel.
QueueResult replicate(int c, double lambda, double mu, std::uint64_t rep) {
  sim::Simulation s;
  twin::SimClock clock(s, 0);
  core::NullEventSink sink;
  const auto travel = core::MatrixTravelTimes::line(1, core::Span{0});
  core::Dispatcher d(clock, sink, travel);
  for (int k = 0; k < c; ++k) {
    core::Technician t;
    t.id = "tech-" + std::to_string(k);
    t.status = core::TechnicianStatus::Available;
    d.add_technician(t);
  }
  sim::RandomStream arrivals(42, rep, "arrivals"), work(42, rep, "work");
  const sim::Time warmup = sim::Time::from_seconds(kWarmupHours * 3600);
  sim::Tally waits;
  double waited = 0;
  std::uint64_t next_id = 0;
  std::vector<std::pair<std::string, double>> created;  // ticket id -> created (s), by index

  std::function<void()> decide = [&] {
    for (const auto& a : d.decide().assignments) {
      const auto idx = std::stoul(a.ticket.substr(2));
      const double wait = s.now().seconds() - created[idx].second;
      if (sim::Time::from_seconds(created[idx].second) >= warmup) {
        waits.add(wait / 3600.0);
        waited += wait > 0 ? 1 : 0;
      }
      d.start_work(a.ticket);
      const double dur = -std::log(work.uniform01()) / mu * 3600.0;
      s.schedule_in(sim::Time::from_seconds(dur), [&, id = a.ticket] {
        d.complete_ticket(id);
        decide();
      });
    }
  };
  std::function<void()> arrive = [&] {
    core::Ticket t;
    t.id = "T-" + std::to_string(next_id++);
    t.created = clock.now();
    t.sla_deadline = clock.now();
    created.emplace_back(t.id, s.now().seconds());
    d.open_ticket(t);
    decide();
    s.schedule_in(sim::Time::from_seconds(-std::log(arrivals.uniform01()) / lambda * 3600.0),
                  arrive);
  };
  s.schedule_at(sim::Time::zero(), arrive);
  s.run_until(sim::Time::from_seconds(kHoursPerReplication * 3600));
  return {waits.mean(), waited / static_cast<double>(waits.count())};
}

void check_mmc(int c, double lambda, double mu) {
  sim::Tally wq, pw;
  for (int r = 0; r < kReplications; ++r) {
    const auto q = replicate(c, lambda, mu, static_cast<std::uint64_t>(r));
    wq.add(q.wq_hours);
    pw.add(q.p_wait);
  }
  const double t = sim::student_t_quantile(0.995, kReplications - 1);
  const double hw_wq = t * wq.stddev() / std::sqrt(kReplications);
  const double hw_pw = t * pw.stddev() / std::sqrt(kReplications);
  const double wq_theory = sim::mmc_wq(c, lambda, mu);
  const double pw_theory = sim::erlang_c(c, lambda, mu);
  std::printf(
      "M/M/%d lambda=%g mu=%g: Wq %.4f +- %.4f (Erlang C %.4f), P(wait) %.4f +- %.4f "
      "(Erlang C %.4f)\n",
      c, lambda, mu, wq.mean(), hw_wq, wq_theory, pw.mean(), hw_pw, pw_theory);
  EXPECT_NEAR(wq.mean(), wq_theory, hw_wq);
  EXPECT_NEAR(pw.mean(), pw_theory, hw_pw);
}

}  // namespace

TEST(DispatchQueue, ThreeTechniciansBehaveAsMMc) {
  // c = 3, lambda = 2.4/h, mu = 1/h: P(wait) = 0.6472, Wq = 1.0787 h.
  check_mmc(3, 2.4, 1.0);
}

TEST(DispatchQueue, TextbookOracleFourServers) {
  // textbook-oracles.md: lambda = 2, mu = 2/3, c = 4: P(wait) = 0.509434, Wq = 0.764151.
  check_mmc(4, 2.0, 2.0 / 3.0);
}
