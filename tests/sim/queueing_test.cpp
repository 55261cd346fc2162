// End-to-end validation of the kernel (processes + Resource + statistics) against queueing
// theory. Each model runs R independent replications (streams keyed by replication index)
// with warm-up deletion; a 99% Student-t confidence interval is formed from the replication
// means (mean +- t_{0.995, R-1} s / sqrt(R)) and must contain the analytic value. The
// half-width must also be small (< 10% of the value), so a biased kernel cannot pass by
// producing a wide interval.
//
// Theory (Gross & Harris, "Fundamentals of Queueing Theory", 4th ed., ch. 2-3 and 5.1):
//   M/M/1:  Wq = rho / (mu - lambda),  Lq = rho^2 / (1 - rho),  L = rho / (1 - rho).
//   M/M/c:  C = Erlang C (P(wait)),    Wq = C / (c mu - lambda), Lq = lambda Wq.
//   M/D/1:  Pollaczek-Khinchine with zero service variance: Wq = rho D / (2 (1 - rho)).
//   Little: L = lambda W (time-average number in system = arrival rate x mean sojourn).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include "labtwin/sim/analytic.hpp"
#include "labtwin/sim/distributions.hpp"
#include "labtwin/sim/process.hpp"
#include "labtwin/sim/random.hpp"
#include "labtwin/sim/resource.hpp"
#include "labtwin/sim/statistics.hpp"

namespace labtwin::sim {
namespace {

#if defined(__SANITIZE_ADDRESS__)
// Sanitizer builds are several times slower: fewer, shorter replications (1/5 of the work),
// with the same 99% CI logic and the same 10% width requirement.
constexpr int kReplications = 20;
constexpr double kScale = 0.3;
#else
constexpr int kReplications = 30;
constexpr double kScale = 1.0;
#endif
constexpr double kConfidence = 0.99;
constexpr std::uint64_t kSeed = 2026;

/// Per-replication estimates.
struct RepResult {
  double wq;      // mean wait in queue of customers served after warm-up (s)
  double lq;      // time-average queue length after warm-up
  double l;       // time-average number in system after warm-up
  double w;       // mean sojourn of customers leaving after warm-up (s)
  double lambda;  // observed arrival rate after warm-up (1/s)
  double p_wait;  // fraction of customers served after warm-up who had to wait
};

template <class Service>
struct QueueModel {
  QueueModel(int servers, double lambda, Service svc, std::uint64_t rep)
      : server(sim, servers),
        arrivals(kSeed, rep, "queueing/arrivals"),
        services(kSeed, rep, "queueing/services"),
        interarrival(1.0 / lambda),
        service(svc) {}

  Simulation sim;  // declared first: destroyed last, after the Resource
  Resource server;
  RandomStream arrivals;
  RandomStream services;
  Exponential interarrival;
  Service service;
  TimeWeighted in_system;
  Tally sojourn;
  Tally waited;
  std::int64_t n = 0;
  std::int64_t arrived = 0;
  bool warm = false;
};

template <class Service>
Process customer(QueueModel<Service>& m) {
  const Time t0 = m.sim.now();
  m.in_system.update(t0, static_cast<double>(++m.n));
  {
    ResourceGrant g = co_await m.server.request();
    if (m.warm) m.waited.add(m.sim.now() > t0 ? 1.0 : 0.0);
    co_await m.sim.timeout(Time::from_seconds(m.service(m.services)));
  }
  m.in_system.update(m.sim.now(), static_cast<double>(--m.n));
  if (m.warm) m.sojourn.add((m.sim.now() - t0).seconds());
}

template <class Service>
Process source(QueueModel<Service>& m) {
  for (;;) {
    co_await m.sim.timeout(Time::from_seconds(m.interarrival(m.arrivals)));
    if (m.warm) ++m.arrived;
    m.sim.spawn(customer(m));
  }
}

template <class Service>
RepResult replicate(int servers, double lambda, Service svc, std::uint64_t rep, double warmup_s,
                    double horizon_s) {
  QueueModel<Service> m(servers, lambda, svc, rep);
  m.sim.spawn(source(m));
  m.sim.run_until(Time::from_seconds(warmup_s));
  // Warm-up deletion: restart every collector at the end of the transient.
  m.server.reset_statistics();
  m.in_system.reset(m.sim.now());
  m.warm = true;
  m.sim.run_until(Time::from_seconds(horizon_s));
  const double span = horizon_s - warmup_s;
  return RepResult{m.server.waiting_time().mean(),        m.server.mean_queue_length(),
                   m.in_system.mean(m.sim.now()),         m.sojourn.mean(),
                   static_cast<double>(m.arrived) / span, m.waited.mean()};
}

struct Summary {
  Tally wq, lq, l, w, p_wait, little_gap;
};

template <class Service>
Summary run_experiment(int servers, double lambda, Service svc, double warmup_s, double horizon_s) {
  Summary s;
  for (int r = 0; r < kReplications; ++r) {
    const RepResult x =
        replicate(servers, lambda, svc, static_cast<std::uint64_t>(r), warmup_s, horizon_s);
    s.wq.add(x.wq);
    s.lq.add(x.lq);
    s.l.add(x.l);
    s.w.add(x.w);
    s.p_wait.add(x.p_wait);
    s.little_gap.add(x.l - x.lambda * x.w);
  }
  return s;
}

// CI of the replication means must contain `truth` and be tighter than 10% of it.
void expect_ci_contains(const Tally& t, double truth, const std::string& what) {
  ASSERT_EQ(t.count(), kReplications);
  const double hw = t.ci_halfwidth(kConfidence);
  // Cross-check the half-width formula against the Student-t quantile directly.
  const double hw_direct = student_t_quantile(0.5 + kConfidence / 2.0, kReplications - 1) *
                           t.stddev() / std::sqrt(static_cast<double>(kReplications));
  EXPECT_NEAR(hw, hw_direct, 1e-9 * (1.0 + hw));
  EXPECT_LE(std::abs(t.mean() - truth), hw)
      << what << ": simulated " << t.mean() << " +- " << hw << " (99% CI) vs analytic " << truth;
  EXPECT_LT(hw, 0.10 * truth) << what << ": confidence interval too wide to be a test";
  std::printf("  %-22s analytic %8.4f  simulated %8.4f +- %.4f (99%% CI, %d reps)\n", what.c_str(),
              truth, t.mean(), hw, kReplications);
}

TEST(QueueingTheory, AnalyticHelpersMatchWorkedNumbers) {
  EXPECT_NEAR(mm1_wq(0.8, 1.0), 4.0, 1e-9);
  EXPECT_NEAR(mm1_lq(0.8, 1.0), 3.2, 1e-9);
  EXPECT_NEAR(erlang_c(3, 2.4, 1.0), 0.6472, 1e-3);
  EXPECT_NEAR(mmc_wq(3, 2.4, 1.0), 1.0787, 1e-3);
  EXPECT_NEAR(mmc_lq(3, 2.4, 1.0), 2.589, 1e-3);
  EXPECT_NEAR(md1_wq(0.8, 1.0), 2.0, 1e-9);
}

TEST(QueueingTheory, MM1AtRho08) {
  const double lambda = 0.8;
  const double mu = 1.0;
  const Summary s =
      run_experiment(1, lambda, Exponential(1.0 / mu), 5000.0 * kScale, 80000.0 * kScale);
  expect_ci_contains(s.wq, mm1_wq(lambda, mu), "M/M/1 Wq");
  expect_ci_contains(s.lq, mm1_lq(lambda, mu), "M/M/1 Lq");
  expect_ci_contains(s.l, 0.8 / (1.0 - 0.8), "M/M/1 L");
  expect_ci_contains(s.p_wait, 0.8, "M/M/1 P(wait)=rho");
  // Power check: the same interval must exclude the Wq of a server only 5% slower
  // (mu = 0.95 -> Wq = 0.8 / 0.95 / 0.15 = 5.61), so a subtly wrong kernel would be caught.
  EXPECT_GT(std::abs(s.wq.mean() - mm1_wq(lambda, 0.95)), s.wq.ci_halfwidth(kConfidence));
}

TEST(QueueingTheory, MMcErlangC) {
  const int c = 3;
  const double lambda = 2.4;
  const double mu = 1.0;
  const Summary s =
      run_experiment(c, lambda, Exponential(1.0 / mu), 2000.0 * kScale, 30000.0 * kScale);
  expect_ci_contains(s.p_wait, erlang_c(c, lambda, mu), "M/M/3 P(wait)");
  expect_ci_contains(s.wq, mmc_wq(c, lambda, mu), "M/M/3 Wq");
  expect_ci_contains(s.lq, mmc_lq(c, lambda, mu), "M/M/3 Lq");
}

TEST(QueueingTheory, MD1PollaczekKhinchine) {
  const double lambda = 0.8;
  const Summary s =
      run_experiment(1, lambda, Deterministic(1.0), 3000.0 * kScale, 50000.0 * kScale);
  expect_ci_contains(s.wq, md1_wq(lambda, 1.0), "M/D/1 Wq");
}

TEST(QueueingTheory, LittlesLaw) {
  // Per replication, L - lambda_hat W must be zero up to boundary effects: the CI of the gap
  // contains 0 and is small compared with L.
  const Summary s = run_experiment(2, 1.5, Exponential(1.0), 2000.0 * kScale, 30000.0 * kScale);
  const double hw = s.little_gap.ci_halfwidth(kConfidence);
  EXPECT_LE(std::abs(s.little_gap.mean()), hw)
      << "L - lambda W = " << s.little_gap.mean() << " +- " << hw;
  EXPECT_LT(hw, 0.02 * s.l.mean());
  std::printf("  Little: L = %.4f, L - lambda W = %.5f +- %.5f (99%% CI)\n", s.l.mean(),
              s.little_gap.mean(), hw);
}

}  // namespace
}  // namespace labtwin::sim
