// Resource (priority queue, preemption, interrupts, statistics), Container and Store.
#include "labtwin/sim/resource.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "labtwin/sim/container.hpp"
#include "labtwin/sim/store.hpp"

namespace labtwin::sim {
namespace {

// Appends pieces with std::string::append (GCC 12 -O3 warns falsely on "lit" + string).
template <class... P>
std::string cat(const P&... p) {
  std::string s;
  (s.append(p), ...);
  return s;
}

struct Log {
  std::vector<std::string> lines;
  void add(const std::string& who, const char* what, Time t) {
    lines.push_back(cat(who, std::string(" "), std::string(what), std::string(" "),
                        std::to_string(t.ticks / 1'000'000)));
  }
};

Process user(Simulation& sim, Resource& res, Log& log, std::string name, Time arrive, Time hold,
             int prio = 0, bool preempt = false) {
  co_await sim.timeout(arrive);
  try {
    ResourceGrant g = co_await res.request(prio, preempt);
    log.add(name, "got", sim.now());
    co_await sim.timeout(hold);
    log.add(name, "done", sim.now());
  } catch (const Interrupted& e) {
    log.add(name, e.preempted() ? "preempted" : "interrupted", sim.now());
  }
}

TEST(Resource, FifoWithinCapacity) {
  Simulation sim;
  Resource res(sim, 2);
  Log log;
  for (int i = 0; i < 4; ++i)
    sim.spawn(
        user(sim, res, log, cat(std::string("u"), std::to_string(i)), Time::s(i), Time::s(10)));
  sim.run();
  EXPECT_EQ(log.lines,
            (std::vector<std::string>{"u0 got 0", "u1 got 1", "u0 done 10", "u2 got 10",
                                      "u1 done 11", "u3 got 11", "u2 done 20", "u3 done 21"}));
  EXPECT_EQ(res.in_use(), 0);
  // Waits: 0, 0, 8 (u2 arrived 2, got 10), 8 (u3 arrived 3, got 11).
  EXPECT_EQ(res.waiting_time().count(), 4);
  EXPECT_DOUBLE_EQ(res.waiting_time().mean(), 4.0);
  // Busy units: 1 on [0,1), 2 on [1,20), 1 on [20,21) -> area 1 + 38 + 1 = 40 over 21 s, /2.
  EXPECT_NEAR(res.utilisation(), 40.0 / 21.0 / 2.0, 1e-12);
  // Queue: 1 on [2,3), 2 on [3,10), 1 on [10,11) -> area 1 + 14 + 1 = 16 over 21 s.
  EXPECT_NEAR(res.mean_queue_length(), 16.0 / 21.0, 1e-12);
}

TEST(Resource, LowerPriorityValueServedFirst) {
  Simulation sim;
  Resource res(sim, 1);
  Log log;
  sim.spawn(user(sim, res, log, "holder", Time::s(0), Time::s(5)));
  sim.spawn(user(sim, res, log, "low", Time::s(1), Time::s(1), 5));
  sim.spawn(user(sim, res, log, "high", Time::s(2), Time::s(1), 1));
  sim.spawn(user(sim, res, log, "high2", Time::s(3), Time::s(1), 1));
  sim.run();
  EXPECT_EQ(log.lines,
            (std::vector<std::string>{"holder got 0", "holder done 5", "high got 5", "high done 6",
                                      "high2 got 6", "high2 done 7", "low got 7", "low done 8"}));
}

TEST(Resource, PreemptionInterruptsLowestPriorityUser) {
  Simulation sim;
  Resource res(sim, 2);
  Log log;
  sim.spawn(user(sim, res, log, "a", Time::s(0), Time::s(10), 3));
  sim.spawn(user(sim, res, log, "b", Time::s(0), Time::s(10), 7));
  sim.spawn(user(sim, res, log, "vip", Time::s(2), Time::s(1), 0, true));
  sim.spawn(user(sim, res, log, "peer", Time::ms(2500), Time::s(1), 3, true));  // nobody worse
  sim.run();
  EXPECT_EQ(log.lines,
            (std::vector<std::string>{"a got 0", "b got 0", "vip got 2", "b preempted 2",
                                      "vip done 3", "peer got 3", "peer done 4", "a done 10"}));
  EXPECT_EQ(res.preemptions(), 1u);
  EXPECT_EQ(res.in_use(), 0);
}

TEST(Resource, InterruptWhileQueuedWithdrawsRequest) {
  Simulation sim;
  Resource res(sim, 1);
  Log log;
  sim.spawn(user(sim, res, log, "holder", Time::s(0), Time::s(5)));
  ProcessHandle q = sim.spawn(user(sim, res, log, "queued", Time::s(1), Time::s(1)));
  sim.spawn(user(sim, res, log, "next", Time::s(2), Time::s(1)));
  sim.schedule_at(Time::s(3), [&] {
    EXPECT_EQ(res.queue_length(), 2u);
    EXPECT_TRUE(q.interrupt());
    EXPECT_EQ(res.queue_length(), 1u) << "request withdrawn at once";
  });
  sim.run();
  EXPECT_EQ(log.lines, (std::vector<std::string>{"holder got 0", "queued interrupted 3",
                                                 "holder done 5", "next got 5", "next done 6"}));
}

Process grabber(Simulation& sim, Resource& res, int& held_after_release) {
  ResourceGrant g = co_await res.request();
  EXPECT_TRUE(g.held());
  ResourceGrant moved = std::move(g);
  EXPECT_FALSE(g.held());
  EXPECT_TRUE(moved.held());
  co_await sim.timeout(Time::s(1));
  moved.release();
  moved.release();  // idempotent
  held_after_release = res.in_use();
  ResourceGrant again = co_await res.request();
  co_await sim.timeout(Time::s(100));  // cancelled while holding
}

TEST(Resource, GrantIsRaiiAndCancelReleases) {
  Simulation sim;
  Resource res(sim, 1);
  int held_after_release = -1;
  ProcessHandle p = sim.spawn(grabber(sim, res, held_after_release));
  sim.run_until(Time::s(5));
  EXPECT_EQ(held_after_release, 0);
  EXPECT_EQ(res.in_use(), 1);
  EXPECT_TRUE(p.cancel());
  EXPECT_EQ(res.in_use(), 0) << "cancelling the holder releases its grant";
}

TEST(Resource, DestructionOrderIsSafe) {
  int held_after_release = -1;
  // Resource destroyed before the Simulation while a process holds a grant and another waits.
  Simulation sim;
  Log log;
  {
    auto res = std::make_unique<Resource>(sim, 1);
    sim.spawn(grabber(sim, *res, held_after_release));
    sim.spawn(user(sim, *res, log, "w", Time::s(2), Time::s(1)));
    sim.run_until(Time::s(3));
    EXPECT_EQ(res->queue_length(), 1u);
  }
  sim.run_until(Time::s(200));
  EXPECT_TRUE(log.lines.empty());
  EXPECT_THROW(Resource(sim, 0), std::invalid_argument);
}

Process tank_user(Simulation& sim, Container& c, Log& log, std::string name, bool put, double x,
                  Time at) {
  co_await sim.timeout(at);
  if (put) {
    co_await c.put(x);
  } else {
    co_await c.get(x);
  }
  log.add(name, put ? "put" : "got", sim.now());
}

TEST(Container, BlocksUntilPossibleAndServesFifo) {
  Simulation sim;
  Container tank(sim, 100.0, 10.0);
  Log log;
  sim.spawn(tank_user(sim, tank, log, "big", false, 50.0, Time::s(1)));
  sim.spawn(tank_user(sim, tank, log, "small", false, 5.0, Time::s(2)));  // behind big: FIFO
  sim.spawn(tank_user(sim, tank, log, "fill", true, 60.0, Time::s(3)));
  sim.spawn(tank_user(sim, tank, log, "over", true, 90.0, Time::s(4)));  // 15 + 90 > 100
  sim.spawn(tank_user(sim, tank, log, "drain", false, 15.0, Time::s(5)));
  sim.run();
  EXPECT_EQ(log.lines, (std::vector<std::string>{"fill put 3", "big got 3", "small got 3",
                                                 "drain got 5", "over put 5"}));
  EXPECT_DOUBLE_EQ(tank.level(), 90.0);
  EXPECT_THROW(tank.get(0.0), std::invalid_argument);
  EXPECT_THROW(tank.put(101.0), std::invalid_argument);
  EXPECT_THROW(Container(sim, 10.0, 11.0), std::invalid_argument);
  // Level: 10 on [0,3), 15 on [3,5), 90 after 5 -> mean at t=5 = (30 + 30) / 5 = 12.
  EXPECT_NEAR(tank.mean_level(), 12.0, 1e-12);
}

struct Tech {
  int id;
  int skill;
};

Process want(Simulation& sim, Store<Tech>& pool, Log& log, std::string name, int skill, Time at) {
  co_await sim.timeout(at);
  Tech t = skill < 0 ? co_await pool.get()
                     : co_await pool.get([skill](const Tech& x) { return x.skill == skill; });
  log.add(cat(name, std::string("<-"), std::to_string(t.id)), "got", sim.now());
  co_await sim.timeout(Time::s(10));
  co_await pool.put(t);
}

Process give(Simulation& sim, Store<Tech>& pool, Log& log, Tech t, Time at) {
  co_await sim.timeout(at);
  co_await pool.put(t);
  log.add(cat(std::string("put"), std::to_string(t.id)), "done", sim.now());
}

TEST(Store, FilteredGetAndCapacity) {
  Simulation sim;
  Store<Tech> pool(sim, 2);
  Log log;
  sim.spawn(give(sim, pool, log, Tech{1, 1}, Time::s(0)));
  sim.spawn(give(sim, pool, log, Tech{2, 2}, Time::s(0)));
  sim.spawn(give(sim, pool, log, Tech{3, 2}, Time::s(0)));   // full: waits
  sim.spawn(want(sim, pool, log, "needs3", 3, Time::s(1)));  // nobody has skill 3
  sim.spawn(want(sim, pool, log, "needs2", 2, Time::s(2)));  // not blocked by needs3
  sim.spawn(want(sim, pool, log, "any", -1, Time::s(3)));
  sim.run_until(Time::s(4));
  EXPECT_EQ(log.lines, (std::vector<std::string>{"put1 done 0", "put2 done 0", "needs2<-2 got 2",
                                                 "put3 done 2", "any<-1 got 3"}));
  EXPECT_EQ(pool.size(), 1u);
  EXPECT_EQ(pool.items().front().id, 3);
  EXPECT_EQ(pool.waiting_gets(), 1u);
  sim.run_until(Time::s(100));
  EXPECT_EQ(pool.size(), 2u);
  EXPECT_EQ(pool.waiting_gets(), 1u) << "skill 3 never appears";
  EXPECT_THROW(Store<int>(sim, 0), std::invalid_argument);
}

Process fetch(Simulation& sim, Store<int>& s, std::string& out) {
  try {
    const int v = co_await s.get();
    out = cat(std::string("got "), std::to_string(v));
  } catch (const Interrupted&) {
    out = cat(std::string("interrupted at "), std::to_string(sim.now().ticks));
  }
}

TEST(Store, InterruptWithdrawsGetAndLateInterruptIsRefused) {
  Simulation sim;
  Store<int> s(sim, 4);
  std::string a;
  std::string b;
  ProcessHandle pa = sim.spawn(fetch(sim, s, a));
  ProcessHandle pb = sim.spawn(fetch(sim, s, b));
  sim.run_until(Time::s(1));
  EXPECT_TRUE(pa.interrupt());
  sim.run_until(Time::s(2));
  EXPECT_EQ(a, "interrupted at 1000000");
  EXPECT_EQ(s.waiting_gets(), 1u);
  sim.schedule_at(Time::s(3), [&] {
    // Put from a callback: b gets the item at once, so an interrupt now must be refused.
    sim.spawn([](Store<int>& st) -> Process { co_await st.put(7); }(s));
  });
  sim.schedule_at(
      Time::s(3), [&] { EXPECT_FALSE(pb.interrupt()); }, 1);
  sim.run();
  EXPECT_EQ(b, "got 7");
}

}  // namespace
}  // namespace labtwin::sim
