// Bundles on the kernel: exact latencies on hand-built plans, priority, volume, storage,
// expiry, custody retransmission, loss statistics against theory, conservation.
#include "labtwin/twin/dtn/dtn_model.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <stdexcept>

#include "labtwin/sim/random.hpp"
#include "labtwin/sim/simulation.hpp"

namespace {

using labtwin::sim::RandomStream;
using labtwin::sim::Simulation;
using labtwin::sim::Time;
using namespace labtwin::twin::dtn;

Contact C(std::uint64_t id, NodeId from, NodeId to, double start, double end, double owlt,
          double rate) {
  Contact c;
  c.id = id;
  c.from = from;
  c.to = to;
  c.start = start;
  c.end = end;
  c.owlt = owlt;
  c.rate = rate;
  return c;
}

ContactPlan plan_of(std::vector<Contact> cs) {
  ContactPlan p;
  p.contacts = std::move(cs);
  p.finalize();
  return p;
}

BundleSpec B(NodeId from, NodeId to, std::uint64_t size, double lifetime_s = 1e6,
             bool custody = false, BundlePriority prio = BundlePriority::kNormal) {
  BundleSpec b;
  b.source = from;
  b.destination = to;
  b.size = size;
  b.lifetime = Time::from_seconds(lifetime_s);
  b.custody = custody;
  b.priority = prio;
  return b;
}

RandomStream rng(const char* name) { return RandomStream(1, 0, name); }

TEST(DtnModel, SingleHopLatencyIsWaitPlusTransmissionPlusOwlt) {
  // 500 B at t=0 on 1->2 during [10,100) at 1000 B/s, owlt 2: leaves at 10, done at 10.5,
  // arrives at 12.5.
  Simulation sim;
  DtnModel m(sim, plan_of({C(0, 1, 2, 10, 100, 2, 1000)}), {}, rng("a"));
  const auto id = m.send(B(1, 2, 500));
  sim.run();
  EXPECT_EQ(m.bundle(id).state, BundleState::kDelivered);
  EXPECT_EQ(m.bundle(id).finished, Time::from_seconds(12.5));
  const auto s = m.stats();
  ASSERT_EQ(s.latency_s.size(), 1u);
  EXPECT_DOUBLE_EQ(s.latency_s[0], 12.5);
  EXPECT_DOUBLE_EQ(s.delivery_ratio(), 1.0);
  // Occupancy at node 1: 500 B from 0 to 10.5 over a 12.5 s run -> mean 500 * 10.5 / 12.5.
  ASSERT_EQ(s.occupancy.size(), 2u);
  EXPECT_EQ(s.occupancy[0].peak, 500u);
  EXPECT_EQ(s.occupancy[0].now, 0u);
  EXPECT_NEAR(s.occupancy[0].mean, 500.0 * 10.5 / 12.5, 1e-9);
}

TEST(DtnModel, PriorityThenFifoOnAContact) {
  // Three 1000-B bundles at 1000 B/s: 1 s each from t=10, owlt 2. The expedited one, sent
  // last, leaves first.
  Simulation sim;
  DtnModel m(sim, plan_of({C(0, 1, 2, 10, 100, 2, 1000)}), {}, rng("b"));
  const auto a = m.send(B(1, 2, 1000));
  const auto b = m.send(B(1, 2, 1000, 1e6, false, BundlePriority::kBulk));
  const auto c = m.send(B(1, 2, 1000, 1e6, false, BundlePriority::kExpedited));
  sim.run();
  EXPECT_EQ(m.bundle(c).finished, Time::s(13));
  EXPECT_EQ(m.bundle(a).finished, Time::s(14));
  EXPECT_EQ(m.bundle(b).finished, Time::s(15));
}

TEST(DtnModel, ContactVolumeIsConsumedAndTheRestExpires) {
  // [10,12) at 1000 B/s holds 2000 B: two 1000-B bundles go, the third finds no route, waits
  // in limbo and expires at its lifetime (50 s).
  Simulation sim;
  DtnModel m(sim, plan_of({C(0, 1, 2, 10, 12, 1, 1000)}), {}, rng("c"));
  for (int i = 0; i < 3; ++i) m.send(B(1, 2, 1000, 50));
  sim.run_until(Time::s(30));
  auto s = m.stats();
  EXPECT_EQ(s.delivered, 2u);
  EXPECT_EQ(s.queued, 1u);
  EXPECT_EQ(s.occupancy[0].queued, 1u);  // the third waits at node 1 ...
  EXPECT_EQ(s.occupancy[0].now, 1000u);  // ... with its 1000 B
  EXPECT_EQ(s.occupancy[1].queued, 0u);  // delivered bundles are not stored
  EXPECT_DOUBLE_EQ(m.graph().residual(0), 0);
  sim.run();
  s = m.stats();
  EXPECT_EQ(s.expired, 1u);
  EXPECT_EQ(m.bundle(2).finished, Time::s(50));
  EXPECT_EQ(s.occupancy[0].now, 0u);
  EXPECT_EQ(s.occupancy[0].queued, 0u);
}

TEST(DtnModel, BundlesWaitForALaterContactAcrossTwoHops) {
  // 1->2 [0,10) owlt 1; 2->3 [100,200) owlt 3; 100 B at 100 B/s: 0+1+1 = 2 at node 2, waits,
  // leaves at 100, done 101, arrives 104.
  Simulation sim;
  DtnModel m(sim, plan_of({C(0, 1, 2, 0, 10, 1, 100), C(1, 2, 3, 100, 200, 3, 100)}), {}, rng("d"));
  const auto id = m.send(B(1, 3, 100));
  sim.run_until(Time::s(50));
  EXPECT_EQ(m.bundle(id).state, BundleState::kQueued);
  EXPECT_EQ(m.bundle(id).node, 2u);
  EXPECT_EQ(m.stats().occupancy[1].now, 100u);
  sim.run();
  EXPECT_EQ(m.bundle(id).finished, Time::s(104));
  EXPECT_EQ(m.bundle(id).hops, 2u);
}

TEST(DtnModel, StorageLimitsDropWithoutCustody) {
  // Node 2 holds 1500 B; it keeps the first 1000-B bundle until its 2->3 contact at 100, so
  // the second is refused there. The source holds 2500 B: a third bundle is refused at once.
  Simulation sim;
  DtnConfig cfg;
  cfg.storage = {{2, 1500}, {1, 2500}};
  DtnModel m(sim, plan_of({C(0, 1, 2, 0, 50, 1, 1000), C(1, 2, 3, 100, 200, 1, 1000)}), cfg,
             rng("e"));
  const auto a = m.send(B(1, 3, 1000));
  const auto b = m.send(B(1, 3, 1000));
  const auto c = m.send(B(1, 3, 1000));
  EXPECT_EQ(m.bundle(c).state, BundleState::kDropped);
  EXPECT_EQ(m.bundle(c).drop, DropReason::kStorageFull);
  sim.run();
  EXPECT_EQ(m.bundle(a).state, BundleState::kDelivered);
  EXPECT_EQ(m.bundle(b).state, BundleState::kDropped);
  const auto s = m.stats();
  EXPECT_EQ(s.dropped_storage, 2u);
  EXPECT_EQ(s.occupancy[1].peak, 1000u);
  EXPECT_EQ(s.occupancy[0].peak, 2000u);
}

TEST(DtnModel, CustodyRetransmitsAfterALostTransfer) {
  // Contact 0 (1->2 [0,2), owlt 1) loses everything; contact 1 (1->2 [100,200)) loses nothing.
  // 100 B at 1000 B/s: sent at 0, done 0.1, lost. Timer: 0.1 + 2*1 + 5 = 7.1 (contact 0 is
  // over), rerouted onto contact 1: leaves 100, done 100.1, arrives 101.1.
  for (bool custody : {true, false}) {
    Simulation sim;
    DtnConfig cfg;
    cfg.contact_loss = {{0, 1.0}};
    cfg.custody_timeout = Time::s(5);
    DtnModel m(sim, plan_of({C(0, 1, 2, 0, 2, 1, 1000), C(1, 1, 2, 100, 200, 1, 1000)}), cfg,
               rng("f"));
    int retx_events = 0;
    m.set_observer(
        [&](const Bundle&, BundleEvent e) { retx_events += e == BundleEvent::kRetransmitted; });
    const auto id = m.send(B(1, 2, 100, 1e6, custody));
    sim.run_until(Time::s(5));
    EXPECT_EQ(m.bundle(id).state, custody ? BundleState::kQueued : BundleState::kDropped);
    EXPECT_EQ(m.stats().occupancy[0].now, custody ? 100u : 0u);  // the custodian's copy
    sim.run();
    const auto s = m.stats();
    EXPECT_EQ(s.losses, 1u);
    if (custody) {
      EXPECT_EQ(m.bundle(id).state, BundleState::kDelivered);
      EXPECT_EQ(m.bundle(id).finished, Time::from_seconds(101.1));
      EXPECT_EQ(s.custody_retransmissions, 1u);
      EXPECT_EQ(retx_events, 1);
      EXPECT_EQ(s.transmissions, 2u);
    } else {
      EXPECT_EQ(m.bundle(id).drop, DropReason::kLost);
      EXPECT_EQ(s.custody_retransmissions, 0u);
    }
    // Custody copies are released one owlt after delivery: nothing stays stored.
    EXPECT_EQ(s.occupancy[0].now, 0u);
  }
}

TEST(DtnModel, CustodyHoldsTheCopyUntilTheSignalReturns) {
  // 2 hops with custody: node 1 keeps its copy until node 2's signal returns at
  // arrival (0.1 + 4) + owlt 4 = 8.1; node 2 forwards at 10.
  Simulation sim;
  DtnModel m(sim, plan_of({C(0, 1, 2, 0, 5, 4, 1000), C(1, 2, 3, 10, 20, 1, 1000)}), {}, rng("g"));
  m.send(B(1, 3, 100, 1e6, true));
  sim.run_until(Time::s(8));
  EXPECT_EQ(m.stats().occupancy[0].now, 100u);
  EXPECT_EQ(m.stats().occupancy[1].now, 100u);
  sim.run_until(Time::from_seconds(8.2));
  EXPECT_EQ(m.stats().occupancy[0].now, 0u);
  sim.run();
  EXPECT_EQ(m.stats().delivered, 1u);
}

TEST(DtnModel, ExpiryWhileWaitingAndWhileInFlight) {
  // Waiting: the contact starts at 100, the lifetime is 30 s -> expired at 30.
  // In flight: owlt 10, lifetime 5 -> leaves at 0, arrives at 10.1 expired.
  Simulation sim;
  DtnModel m(sim, plan_of({C(0, 1, 2, 100, 200, 1, 1000), C(1, 3, 4, 0, 50, 10, 1000)}), {},
             rng("h"));
  const auto w = m.send(B(1, 2, 100, 30));
  const auto f = m.send(B(3, 4, 100, 5));
  sim.run();
  EXPECT_EQ(m.bundle(w).state, BundleState::kExpired);
  EXPECT_EQ(m.bundle(w).finished, Time::s(30));
  EXPECT_EQ(m.bundle(f).state, BundleState::kExpired);
  EXPECT_EQ(m.bundle(f).finished, Time::from_seconds(10.1));
  EXPECT_EQ(m.stats().expired, 2u);
  EXPECT_DOUBLE_EQ(m.graph().residual(1), 100 * 1000.0);  // the waiting booking was returned
}

// Loss p per transmission, N bundles. Without custody: delivered ~ Binomial(N, (1-p)^h) over
// h hops. With custody: every bundle is delivered and retransmissions per bundle are
// Geometric failures with mean p / (1 - p) and variance p / (1 - p)^2.
TEST(DtnModel, LossStatisticsMatchTheory) {
  const double p = 0.3;
  const int n = 2000;
  for (bool custody : {false, true}) {
    Simulation sim;
    DtnConfig cfg;
    cfg.default_loss = p;
    cfg.custody_timeout = Time::s(1);
    DtnModel m(sim, plan_of({C(0, 1, 2, 0, 1e7, 0.5, 1e6), C(1, 2, 3, 0, 1e7, 0.5, 1e6)}), cfg,
               RandomStream(7, 0, custody ? "loss-custody" : "loss-plain"));
    for (int i = 0; i < n; ++i) m.send(B(1, 3, 1000, 1e6, custody));
    sim.run();
    const auto s = m.stats();
    if (!custody) {
      const double q = (1 - p) * (1 - p);  // two hops
      const double sd = std::sqrt(q * (1 - q) / n);
      EXPECT_NEAR(s.delivery_ratio(), q, 4 * sd);
      EXPECT_EQ(s.dropped, static_cast<std::uint64_t>(n) - s.delivered);
    } else {
      EXPECT_EQ(s.delivered, static_cast<std::uint64_t>(n));
      // Two hops, each Geometric: mean 2 p/(1-p) retransmissions per bundle.
      const double mean = 2 * p / (1 - p), var = 2 * p / ((1 - p) * (1 - p));
      EXPECT_NEAR(static_cast<double>(s.custody_retransmissions) / n, mean, 4 * std::sqrt(var / n));
      EXPECT_EQ(s.transmissions, 2u * n + s.custody_retransmissions);
    }
  }
}

struct RandomRun {
  DtnStats final_stats;
  std::uint64_t seen_queued = 0, seen_transit = 0;
};

RandomRun random_run(bool check_each_step) {
  RandomStream r(3, 0, "dtn-conservation");
  std::vector<Contact> cs;
  for (int i = 0; i < 120; ++i) {
    const NodeId a = 1 + r.below(6);
    NodeId b = 1 + r.below(5);
    if (b >= a) ++b;
    const double s = static_cast<double>(r.below(3000));
    cs.push_back(C(static_cast<std::uint64_t>(i), a, b, s,
                   s + 20 + static_cast<double>(r.below(200)), static_cast<double>(r.below(5)),
                   200 + static_cast<double>(r.below(2000))));
  }
  Simulation sim;
  DtnConfig cfg;
  cfg.default_loss = 0.1;
  cfg.default_storage = 20000;
  cfg.custody_timeout = Time::s(30);
  DtnModel m(sim, plan_of(cs), cfg, RandomStream(3, 0, "dtn-conservation-loss"));
  for (int i = 0; i < 400; ++i) {
    const NodeId a = 1 + r.below(6);
    NodeId b = 1 + r.below(5);
    if (b >= a) ++b;
    const double at = static_cast<double>(r.below(3000));
    const auto spec = B(a, b, 100 + r.below(3000), 200 + static_cast<double>(r.below(2000)),
                        r.below(2) == 1, static_cast<BundlePriority>(r.below(3)));
    sim.schedule_at(Time::from_seconds(at), [&m, spec] { m.send(spec); });
  }
  RandomRun out;
  for (int step = 1; step <= 40 && check_each_step; ++step) {
    sim.run_until(Time::s(100 * step));
    const auto s = m.stats();  // throws on a conservation violation
    EXPECT_EQ(s.delivered + s.expired + s.dropped + s.queued + s.in_transit, s.created);
    out.seen_queued += s.queued;
    out.seen_transit += s.in_transit;
  }
  sim.run();
  out.final_stats = m.stats();
  return out;
}

TEST(DtnModel, ConservationHoldsThroughoutARandomRun) {
  const RandomRun run = random_run(true);
  const auto& s = run.final_stats;
  EXPECT_EQ(s.created, 400u);
  EXPECT_EQ(s.queued + s.in_transit, 0u);  // everything ends delivered, expired or dropped
  EXPECT_GT(s.delivered, 0u);
  EXPECT_GT(s.expired, 0u);
  EXPECT_GT(s.losses, 0u);
  EXPECT_GT(s.custody_retransmissions, 0u);
  EXPECT_GT(run.seen_queued, 0u);
  EXPECT_GT(run.seen_transit, 0u);
  for (const auto& o : s.occupancy) {
    EXPECT_LE(o.peak, 20000u);
    EXPECT_EQ(o.now, 0u);
  }
  // Same seeds, same run (stepping with run_until or not changes nothing).
  const auto again = random_run(false).final_stats;
  EXPECT_EQ(again.delivered, s.delivered);
  EXPECT_EQ(again.expired, s.expired);
  EXPECT_EQ(again.losses, s.losses);
  EXPECT_EQ(again.latency_s, s.latency_s);
}

TEST(DtnModel, BadInputsAreNamed) {
  Simulation sim;
  DtnModel m(sim, plan_of({C(0, 1, 2, 0, 10, 1, 1000)}), {}, rng("i"));
  try {
    m.send(B(1, 9, 100));
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "dtn: bundle destination 9 is not in the contact plan");
  }
  EXPECT_THROW(m.send(B(1, 2, 0)), std::invalid_argument);
  DtnConfig cfg;
  cfg.storage = {{7, 10}};
  EXPECT_THROW(DtnModel(sim, plan_of({C(0, 1, 2, 0, 10, 1, 1000)}), cfg, rng("j")),
               std::invalid_argument);
}

}  // namespace
