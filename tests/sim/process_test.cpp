// Coroutine processes: timeouts, events, join, interrupt, cancel, any_of/all_of, lifetimes.
#include "labtwin/sim/process.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "labtwin/sim/distributions.hpp"
#include "labtwin/sim/random.hpp"
#include "labtwin/sim/reference_calendar.hpp"
#include "labtwin/sim/resource.hpp"

namespace labtwin::sim {
namespace {

struct Counter {
  int* live;
  explicit Counter(int* l) : live(l) { ++*live; }
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;
  ~Counter() { --*live; }
};

Process ticker(Simulation& sim, std::vector<std::int64_t>& log, int n, Time step) {
  for (int i = 0; i < n; ++i) {
    co_await sim.timeout(step);
    log.push_back(sim.now().ticks);
  }
}

TEST(Process, TimeoutsAdvanceClockAndFrameIsFreed) {
  Simulation sim;
  std::vector<std::int64_t> log;
  ProcessHandle p = sim.spawn(ticker(sim, log, 3, Time::s(2)));
  EXPECT_FALSE(p.done());
  EXPECT_EQ(sim.live_processes(), 1u);
  sim.run();
  EXPECT_EQ(log, (std::vector<std::int64_t>{2'000'000, 4'000'000, 6'000'000}));
  EXPECT_TRUE(p.done());
  EXPECT_EQ(sim.live_processes(), 0u);
  EXPECT_FALSE(p.interrupt()) << "interrupting a finished process is a no-op";
  EXPECT_FALSE(p.cancel());
}

Process tagger(Simulation& sim, std::vector<int>& log, int tag) {
  log.push_back(tag);
  co_await sim.timeout(Time::zero());
  log.push_back(tag + 100);
}

TEST(Process, SpawnOrderIsFifoAtEqualTime) {
  Simulation sim;
  std::vector<int> log;
  for (int i = 0; i < 3; ++i) sim.spawn(tagger(sim, log, i));
  sim.run();
  EXPECT_EQ(log, (std::vector<int>{0, 1, 2, 100, 101, 102}));
}

Process waiter(Event& ev, std::vector<std::int64_t>& got, Simulation& sim) {
  const std::int64_t v = co_await ev;
  got.push_back(v);
  got.push_back(sim.now().ticks);
}

TEST(Process, EventWakesAllWaitersWithValue) {
  Simulation sim;
  Event ev;
  std::vector<std::int64_t> got;
  sim.spawn(waiter(ev, got, sim));
  sim.spawn(waiter(ev, got, sim));
  sim.schedule_at(Time::s(3), [&] { EXPECT_TRUE(ev.trigger(42)); });
  sim.run();
  EXPECT_EQ(got, (std::vector<std::int64_t>{42, 3'000'000, 42, 3'000'000}));
  EXPECT_FALSE(ev.trigger(1)) << "one-shot";
  // Awaiting an already-triggered event returns immediately with the value.
  sim.spawn(waiter(ev, got, sim));
  sim.run();
  EXPECT_EQ(got.back(), 3'000'000);
  EXPECT_EQ(got[got.size() - 2], 42);
}

Process joiner(Simulation& sim, ProcessHandle target, std::int64_t& joined_at) {
  co_await target;
  joined_at = sim.now().ticks;
}

TEST(Process, JoinWaitsForCompletion) {
  Simulation sim;
  std::vector<std::int64_t> log;
  ProcessHandle worker = sim.spawn(ticker(sim, log, 2, Time::s(5)));
  std::int64_t joined_at = -1;
  sim.spawn(joiner(sim, worker, joined_at));
  sim.run();
  EXPECT_EQ(joined_at, 10'000'000);
  std::int64_t late = -1;
  sim.spawn(joiner(sim, worker, late));  // already finished: immediate
  sim.run();
  EXPECT_EQ(late, 10'000'000);
}

Process sleeper(Simulation& sim, Time d, std::string& outcome, int& live) {
  Counter c(&live);
  try {
    co_await sim.timeout(d);
    outcome = "timeout";
  } catch (const Interrupted& e) {
    outcome =
        "interrupted:" + std::to_string(e.cause().code) + "@" + std::to_string(sim.now().ticks);
  }
}

TEST(Process, InterruptWhileWaitingCancelsTheTimeout) {
  Simulation sim;
  std::string outcome;
  int live = 0;
  ProcessHandle p = sim.spawn(sleeper(sim, Time::s(100), outcome, live));
  sim.run_until(Time::s(1));
  EXPECT_EQ(sim.pending(), 1u) << "the 100 s timeout";
  EXPECT_TRUE(p.interrupt(InterruptCause{InterruptKind::kUser, 7}));
  EXPECT_FALSE(p.interrupt()) << "an interrupt is already pending";
  EXPECT_EQ(sim.pending(), 1u) << "timeout cancelled, resume scheduled instead";
  sim.run();
  EXPECT_EQ(outcome, "interrupted:7@1000000");
  EXPECT_EQ(sim.now(), Time::s(1)) << "the cancelled 100 s timeout must not run";
  EXPECT_TRUE(p.done());
  EXPECT_EQ(live, 0);
}

Process self_interrupter(Simulation& sim, ProcessHandle* self, bool& result) {
  co_await sim.timeout(Time::s(1));
  result = self->interrupt();
}

TEST(Process, InterruptOfRunningOrStartingProcessIsRefused) {
  Simulation sim;
  bool result = true;
  ProcessHandle self;
  self = sim.spawn(self_interrupter(sim, &self, result));
  EXPECT_FALSE(self.interrupt()) << "not started yet";
  sim.run();
  EXPECT_FALSE(result) << "a running process cannot interrupt itself";
}

Process uncaught(Simulation& sim, int& live, bool& after) {
  Counter c(&live);
  co_await sim.timeout(Time::s(10));
  after = true;
}

TEST(Process, UncaughtInterruptEndsProcessQuietly) {
  Simulation sim;
  int live = 0;
  bool after = false;
  ProcessHandle p = sim.spawn(uncaught(sim, live, after));
  std::int64_t joined = -1;
  sim.spawn(joiner(sim, p, joined));
  sim.schedule_at(Time::s(2), [&] { EXPECT_TRUE(p.interrupt()); });
  EXPECT_NO_THROW(sim.run());
  EXPECT_FALSE(after);
  EXPECT_TRUE(p.done());
  EXPECT_EQ(live, 0);
  EXPECT_EQ(joined, 2'000'000) << "joiners are woken when a process dies of an interrupt";
}

TEST(Process, CancelInTheMiddleDestroysFrameAndWakesJoiners) {
  Simulation sim;
  int live = 0;
  bool after = false;
  ProcessHandle p = sim.spawn(uncaught(sim, live, after));
  std::int64_t joined = -1;
  sim.spawn(joiner(sim, p, joined));
  sim.run_until(Time::s(3));
  EXPECT_EQ(live, 1);
  EXPECT_TRUE(p.cancel());
  EXPECT_EQ(live, 0) << "locals destroyed at cancel";
  EXPECT_TRUE(p.done());
  EXPECT_FALSE(p.cancel());
  sim.run();
  EXPECT_FALSE(after);
  EXPECT_EQ(joined, 3'000'000);
  EXPECT_EQ(sim.now(), Time::s(3)) << "the cancelled process's timeout was withdrawn";
}

TEST(Process, DestroyingSimulationDestroysPendingFrames) {
  int live = 0;
  bool after = false;
  {
    Simulation sim;
    Event never;
    std::vector<std::int64_t> got;
    for (int i = 0; i < 5; ++i) sim.spawn(uncaught(sim, live, after));
    sim.spawn(waiter(never, got, sim));
    sim.run_until(Time::s(1));
    EXPECT_EQ(live, 5);
  }
  EXPECT_EQ(live, 0);
  EXPECT_FALSE(after);
}

Process failing(Simulation& sim) {
  co_await sim.timeout(Time::s(1));
  throw std::runtime_error("model bug in process");
}

TEST(Process, OtherExceptionsPropagateOutOfRun) {
  Simulation sim;
  ProcessHandle p = sim.spawn(failing(sim));
  try {
    sim.run();
    FAIL() << "expected the process exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "model bug in process");
  }
  EXPECT_TRUE(p.done());
  EXPECT_EQ(sim.live_processes(), 0u);
}

Process race(Simulation& sim, Event& ev, std::size_t& winner, std::int64_t& at) {
  winner = co_await any_of(sim.timeout(Time::s(5)), ev);
  at = sim.now().ticks;
}

TEST(Process, AnyOfSameTimeWinnerFollowsCalendarOrder) {
  // Case 1: the trigger event is scheduled before the process arms its timeout, so at t=5 it
  // has the smaller sequence number and the event (index 1) wins.
  for (int rep = 0; rep < 2; ++rep) {
    Simulation sim;
    Event ev;
    std::size_t winner = 99;
    std::int64_t at = -1;
    sim.schedule_at(Time::s(5), [&] { ev.trigger(); });
    sim.spawn(race(sim, ev, winner, at));
    sim.run();
    EXPECT_EQ(winner, 1u);
    EXPECT_EQ(at, 5'000'000);
    EXPECT_EQ(sim.pending(), 0u);
  }
  // Case 2: the trigger is scheduled after the timeout was armed: the timeout (index 0) wins.
  Simulation sim;
  Event ev;
  std::size_t winner = 99;
  std::int64_t at = -1;
  sim.spawn(race(sim, ev, winner, at));
  sim.schedule_at(Time::s(1), [&] { sim.schedule_at(Time::s(5), [&] { ev.trigger(); }); });
  sim.run();
  EXPECT_EQ(winner, 0u);
  EXPECT_EQ(at, 5'000'000);
}

Process any_early(Simulation& sim, Event& ev, std::size_t& winner) {
  winner = co_await any_of(sim.timeout(Time::s(50)), ev);
}

TEST(Process, AnyOfWithdrawsTheLoser) {
  Simulation sim;
  Event ev;
  std::size_t winner = 99;
  sim.spawn(any_early(sim, ev, winner));
  sim.schedule_at(Time::s(2), [&] { ev.trigger(); });
  sim.run();
  EXPECT_EQ(winner, 1u);
  EXPECT_EQ(sim.now(), Time::s(2)) << "the 50 s timeout must have been cancelled";
}

Process gather(Simulation& sim, Event& ev, ProcessHandle worker, std::int64_t& at) {
  co_await all_of(sim.timeout(Time::s(3)), ev, worker);
  at = sim.now().ticks;
}

TEST(Process, AllOfWaitsForEveryChild) {
  Simulation sim;
  Event ev;
  std::vector<std::int64_t> log;
  ProcessHandle worker = sim.spawn(ticker(sim, log, 1, Time::s(7)));
  std::int64_t at = -1;
  sim.spawn(gather(sim, ev, worker, at));
  sim.schedule_at(Time::s(5), [&] { ev.trigger(); });
  sim.run();
  EXPECT_EQ(at, 7'000'000);
}

Process any_interrupted(Simulation& sim, Event& ev, std::string& outcome) {
  try {
    co_await any_of(sim.timeout(Time::s(50)), ev);
    outcome = "fired";
  } catch (const Interrupted&) {
    outcome = "interrupted";
  }
}

TEST(Process, InterruptDuringAnyOfWithdrawsAllChildren) {
  Simulation sim;
  Event ev;
  std::string outcome;
  ProcessHandle p = sim.spawn(any_interrupted(sim, ev, outcome));
  sim.schedule_at(Time::s(1), [&] { p.interrupt(); });
  sim.run();
  EXPECT_EQ(outcome, "interrupted");
  EXPECT_EQ(sim.now(), Time::s(1));
  EXPECT_TRUE(ev.waiters().empty());
}

struct Shop {
  Shop() : server(sim, 2) {}
  explicit Shop(std::unique_ptr<Calendar> cal) : sim(std::move(cal)), server(sim, 2) {}
  Simulation sim;
  Resource server;
  RandomStream rng{5, 0, "process-crosscheck"};
  Exponential iat{0.6};
  Exponential service{1.0};
  Event closing;
};

Process shop_customer(Shop& s) {
  ResourceGrant g = co_await s.server.request();
  co_await any_of(s.sim.timeout(Time::from_seconds(s.service(s.rng))), s.closing);
}

Process shop_source(Shop& s) {
  for (int i = 0; i < 3000; ++i) {
    co_await s.sim.timeout(Time::from_seconds(s.iat(s.rng)));
    s.sim.spawn(shop_customer(s));
  }
  s.closing.trigger();
}

TEST(Process, SameTraceOnHeapAndReferenceCalendar) {
  // A process/resource/any_of model must execute the identical event sequence on both
  // calendars (fingerprint over every event's time, kind and target).
  Shop a;
  Shop b(std::make_unique<ReferenceCalendar>());
  a.sim.spawn(shop_source(a));
  b.sim.spawn(shop_source(b));
  a.sim.run();
  b.sim.run();
  EXPECT_GT(a.sim.events_executed(), 6000u);
  EXPECT_EQ(a.sim.events_executed(), b.sim.events_executed());
  EXPECT_EQ(a.sim.fingerprint(), b.sim.fingerprint());
  EXPECT_EQ(a.sim.now(), b.sim.now());
  EXPECT_EQ(a.sim.live_processes(), 0u);
  EXPECT_DOUBLE_EQ(a.server.waiting_time().mean(), b.server.waiting_time().mean());
}

TEST(Process, NegativeTimeoutIsRejected) {
  Simulation sim;
  EXPECT_THROW(sim.timeout(Time::s(-1)), std::invalid_argument);
}

}  // namespace
}  // namespace labtwin::sim
