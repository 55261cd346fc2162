// Simulation run loop: ordering, run_until/step/stop, errors, observers, pacing, fingerprint.
#include "labtwin/sim/simulation.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "labtwin/sim/distributions.hpp"
#include "labtwin/sim/random.hpp"
#include "labtwin/sim/reference_calendar.hpp"

namespace labtwin::sim {
namespace {

TEST(Simulation, RunsInTimePriorityFifoOrder) {
  Simulation sim;
  std::vector<int> order;
  sim.schedule_at(Time::s(2), [&] { order.push_back(3); });
  sim.schedule_at(
      Time::s(1), [&] { order.push_back(2); }, 5);
  sim.schedule_at(
      Time::s(1), [&] { order.push_back(0); }, -1);
  sim.schedule_at(
      Time::s(1), [&] { order.push_back(1); }, -1);
  EXPECT_EQ(sim.pending(), 4u);
  sim.run();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(sim.now(), Time::s(2));
  EXPECT_EQ(sim.events_executed(), 4u);
  EXPECT_EQ(sim.pending(), 0u);
}

TEST(Simulation, CallbacksScheduleMoreAndCancel) {
  Simulation sim;
  int count = 0;
  EventId doomed = sim.schedule_at(Time::s(10), [&] { count += 100; });
  sim.schedule_in(Time::s(1), [&] {
    ++count;
    EXPECT_TRUE(sim.cancel(doomed));
    sim.schedule_in(Time::s(1), [&] { ++count; });
  });
  sim.run();
  EXPECT_EQ(count, 2);
  EXPECT_EQ(sim.now(), Time::s(2));
  EXPECT_FALSE(sim.cancel(doomed));
}

TEST(Simulation, RunUntilStepAndStop) {
  Simulation sim;
  std::vector<std::int64_t> seen;
  for (int i = 1; i <= 5; ++i)
    sim.schedule_at(Time::s(i), [&] { seen.push_back(sim.now().ticks); });
  sim.run_until(Time::s(3));
  EXPECT_EQ(seen.size(), 3u) << "events at exactly t must run";
  EXPECT_EQ(sim.now(), Time::s(3));
  sim.run_until(Time::ms(3500));
  EXPECT_EQ(sim.now(), Time::ms(3500)) << "clock moves to t even without events";
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_TRUE(sim.step());
  EXPECT_EQ(sim.now(), Time::s(4));
  sim.schedule_in(Time::zero(), [&] { sim.stop(); });
  sim.run();
  EXPECT_EQ(sim.now(), Time::s(4)) << "stop() must return after the current event";
  EXPECT_EQ(sim.pending(), 1u);
  sim.run();
  EXPECT_FALSE(sim.step());
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_THROW(sim.run_until(Time::s(1)), std::invalid_argument);
}

TEST(Simulation, RejectsPastAndNegative) {
  Simulation sim;
  sim.schedule_at(Time::s(5), [] {});
  sim.run();
  try {
    sim.schedule_at(Time::s(4), [] {});
    FAIL() << "expected invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("before now"), std::string::npos) << e.what();
  }
  EXPECT_THROW(sim.schedule_in(Time::s(-1), [] {}), std::invalid_argument);
  EXPECT_THROW(sim.set_realtime_factor(-1.0), std::invalid_argument);
  EXPECT_THROW(sim.add_observer(nullptr), std::invalid_argument);
  EXPECT_THROW(Simulation(std::unique_ptr<Calendar>{}), std::invalid_argument);
}

TEST(Simulation, ExceptionFromCallbackPropagatesAndLeavesKernelUsable) {
  Simulation sim;
  int after = 0;
  sim.schedule_at(Time::s(1), [] { throw std::runtime_error("boom"); });
  sim.schedule_at(Time::s(2), [&] { ++after; });
  EXPECT_THROW(sim.run(), std::runtime_error);
  EXPECT_EQ(sim.now(), Time::s(1));
  sim.run();
  EXPECT_EQ(after, 1);
}

class CountingObserver : public Observer {
 public:
  void on_event(const EventInfo& info) override {
    ++events;
    kinds.push_back(info.kind);
  }
  void on_time_advance(Time from, Time to) override {
    EXPECT_LT(from, to);
    ++advances;
    last_to = to;
  }
  void on_end(Time now) override { end = now; }
  int events = 0;
  int advances = 0;
  Time last_to;
  Time end = Time{-1};
  std::vector<std::uint32_t> kinds;
};

TEST(Simulation, ObserverSeesEveryEventAndAdvance) {
  Simulation sim;
  CountingObserver obs;
  sim.add_observer(&obs);
  sim.schedule_at(
      Time::s(1), [] {}, 0, 7, 1);
  sim.schedule_at(
      Time::s(1), [] {}, 0, 8, 2);
  sim.schedule_at(
      Time::s(3), [] {}, 0, 9, 3);
  sim.run_until(Time::s(4));
  EXPECT_EQ(obs.events, 3);
  EXPECT_EQ(obs.kinds, (std::vector<std::uint32_t>{7, 8, 9}));
  EXPECT_EQ(obs.advances, 3) << "0->1, 1->3, 3->4";
  EXPECT_EQ(obs.last_to, Time::s(4));
  EXPECT_EQ(obs.end, Time::s(4));
  EXPECT_TRUE(sim.remove_observer(&obs));
  EXPECT_FALSE(sim.remove_observer(&obs));
  sim.schedule_in(Time::s(1), [] {});
  sim.run();
  EXPECT_EQ(obs.events, 3);
}

TEST(Simulation, RealtimeFactorPacesWallClock) {
  Simulation sim;
  sim.set_realtime_factor(10.0);  // 10 simulated seconds per wall second
  for (int i = 1; i <= 5; ++i) sim.schedule_at(Time::ms(100 * i), [] {});
  const auto t0 = std::chrono::steady_clock::now();
  sim.run();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // 0.5 s simulated / 10 = 0.05 s wall at least.
  EXPECT_GE(wall, 0.045);
  EXPECT_LT(wall, 2.0);
  EXPECT_EQ(sim.events_executed(), 5u);
}

TEST(Simulation, PauseFlagHoldsTheLoop) {
  Simulation sim;
  sim.schedule_at(Time::s(1), [] {});
  sim.set_paused(true);
  std::thread gui([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    sim.set_paused(false);
  });
  const auto t0 = std::chrono::steady_clock::now();
  sim.run();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  gui.join();
  EXPECT_GE(wall, 0.05);
  EXPECT_EQ(sim.events_executed(), 1u);
}

// A small stochastic model: each event reschedules itself after Exp(mean 1 s) on one of 4
// targets. Returns the fingerprint after 20,000 events.
std::uint64_t run_model(Simulation& sim, std::uint64_t seed, std::int64_t perturb_at = -1) {
  RandomStream rng(seed, 0, "fingerprint-model");
  const Exponential exp1(1.0);
  int n = 0;
  struct Ctx {
    Simulation* sim;
    RandomStream* rng;
    const Exponential* dist;
    int* n;
    std::int64_t perturb_at;
  } ctx{&sim, &rng, &exp1, &n, perturb_at};
  struct Step {
    Ctx* c;
    std::uint32_t target;
    void operator()() const {
      if (++*c->n >= 20000) return;
      Time d = Time::from_seconds((*c->dist)(*c->rng));
      if (*c->n == c->perturb_at) d += Time::us(1);  // one event one microsecond later
      const auto next = static_cast<std::uint32_t>(c->rng->below(4));
      c->sim->schedule_in(d, Step{c, next}, 0, 1, next);
    }
  };
  for (std::uint32_t t = 0; t < 4; ++t) sim.schedule_in(Time::zero(), Step{&ctx, t}, 0, 1, t);
  sim.run();
  return sim.fingerprint();
}

TEST(Simulation, FingerprintIsReproducibleAndSensitive) {
  Simulation a;
  Simulation b;
  Simulation c;
  Simulation d(std::make_unique<ReferenceCalendar>());
  Simulation e;
  const auto fa = run_model(a, 7);
  const auto fb = run_model(b, 7);
  const auto fc = run_model(c, 8);
  const auto fd = run_model(d, 7);
  const auto fe = run_model(e, 7, 10000);
  EXPECT_EQ(fa, fb) << "same seed => same fingerprint";
  EXPECT_EQ(fa, fd) << "reference calendar must execute the identical event sequence";
  EXPECT_NE(fa, fc) << "different seed";
  EXPECT_NE(fa, fe) << "one event shifted by 1 us must change the fingerprint";
  EXPECT_EQ(a.events_executed(), d.events_executed());
  EXPECT_NE(fa, kFingerprintSeed);
}

TEST(Simulation, FingerprintFoldIsTheDocumentedFormula) {
  // h' = mix(mix(h ^ t) ^ (kind << 32 | target)) with the SplitMix64 finaliser.
  Simulation sim;
  sim.schedule_at(
      Time::us(3), [] {}, 0, 2, 5);
  sim.run();
  std::uint64_t h = kFingerprintSeed ^ 3u;
  h = detail::mix64(h);
  h = detail::mix64(h ^ ((std::uint64_t{2} << 32) | 5u));
  EXPECT_EQ(sim.fingerprint(), h);
}

}  // namespace
}  // namespace labtwin::sim
