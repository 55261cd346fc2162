// Dispatch policies on hand-built cases, and optimal batch vs the greedy policies.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <tuple>
#include <vector>

#include "labtwin/core/dispatch/policy.hpp"
#include "labtwin/core/dispatch/travel_times.hpp"
#include "labtwin_test/splitmix.hpp"

namespace labtwin::core {
namespace {

using test::SplitMix64;

constexpr Instant kNow{1'000'000'000'000};

TicketView ticket(std::uint64_t seq, int priority, LocationId loc,
                  Span deadline_in = Span::hours(4), std::uint64_t skill = 0, Span age = {}) {
  TicketView t;
  t.seq = seq;
  t.priority = priority;
  t.created = kNow - age;
  t.deadline = kNow + deadline_in;
  t.skill_mask = skill;
  t.location = loc;
  return t;
}

TechView tech(std::uint64_t seq, LocationId loc, std::uint64_t skills = ~0ULL, Span idle = {}) {
  return TechView{seq, skills, loc, kNow, kNow - idle};
}

// Runs a policy and returns (ticket, tech) pairs sorted by ticket.
std::vector<std::pair<std::uint32_t, std::uint32_t>> run(PolicyKind kind,
                                                         const DispatchProblem& p) {
  auto policy = make_policy(kind);
  EXPECT_EQ(policy->kind(), kind);
  std::vector<Pairing> out;
  policy->assign(p, out);
  (void)evaluate(p, out);  // throws on an invalid pairing
  std::vector<std::pair<std::uint32_t, std::uint32_t>> r;
  for (const Pairing& x : out) {
    r.emplace_back(x.ticket, x.tech);
    // Expected start is departure plus travel.
    EXPECT_EQ(x.start, p.techs[x.tech].ready_at + p.travel->between(p.techs[x.tech].location,
                                                                    p.tickets[x.ticket].location));
  }
  std::sort(r.begin(), r.end());
  return r;
}

using Pairs = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

TEST(DispatchPolicy, PriorityFifoServesMostUrgentThenOldestWithLongestIdleTech) {
  const auto travel = MatrixTravelTimes::line(10, Span::minutes(1));
  // t0: priority 2 (oldest), t1: priority 0, t2: priority 1, t3: priority 1 but older than t2.
  const std::vector<TicketView> tickets = {
      ticket(0, 2, 1, Span::hours(4), 0, Span::hours(3)),
      ticket(1, 0, 9, Span::hours(4), 0, Span::minutes(1)),
      ticket(2, 1, 2, Span::hours(4), 0, Span::minutes(5)),
      ticket(3, 1, 3, Span::hours(4), 0, Span::minutes(30)),
  };
  // k1 has been idle longest, then k0; k2 idle only a minute.
  const std::vector<TechView> techs = {tech(0, 0, ~0ULL, Span::hours(1)),
                                       tech(1, 5, ~0ULL, Span::hours(2)),
                                       tech(2, 9, ~0ULL, Span::minutes(1))};
  const DispatchProblem p{kNow, tickets, techs, &travel, {}};
  // Order t1 (p0), t3 (p1, older), t2 (p1); techs by idle time k1, k0, k2.
  EXPECT_EQ(run(PolicyKind::PriorityFifo, p), (Pairs{{1, 1}, {2, 2}, {3, 0}}));
}

TEST(DispatchPolicy, CriticalGoesFirstAndSkillsAreRespected) {
  const auto travel = MatrixTravelTimes::line(4, Span::minutes(1));
  constexpr std::uint64_t kLn2 = 1;   // cryogenics
  constexpr std::uint64_t kElec = 2;  // electrical
  std::vector<TicketView> tickets = {ticket(0, 0, 1, Span::hours(1), kElec),
                                     ticket(1, 3, 2, Span::hours(1), kLn2)};
  tickets[1].critical = true;
  const std::vector<TechView> techs = {tech(0, 0, kLn2 | kElec), tech(1, 3, kElec)};
  const DispatchProblem p{kNow, tickets, techs, &travel, {}};
  // The critical ticket needs kLn2, which only k0 holds; the electrical one goes to k1.
  for (PolicyKind k : {PolicyKind::PriorityFifo, PolicyKind::EarliestDeadline,
                       PolicyKind::NearestQualified, PolicyKind::OptimalBatch}) {
    EXPECT_EQ(run(k, p), (Pairs{{0, 1}, {1, 0}})) << to_string(k);
  }
  // Without a kLn2 technician the critical ticket stays unassigned under every policy.
  const std::vector<TechView> elec_only = {tech(0, 0, kElec), tech(1, 3, kElec)};
  const DispatchProblem q{kNow, tickets, elec_only, &travel, {}};
  for (PolicyKind k : {PolicyKind::PriorityFifo, PolicyKind::EarliestDeadline,
                       PolicyKind::NearestQualified, PolicyKind::OptimalBatch}) {
    const Pairs r = run(k, q);
    ASSERT_EQ(r.size(), 1U) << to_string(k);
    EXPECT_EQ(r[0].first, 0U) << to_string(k);
  }
}

TEST(DispatchPolicy, EarliestDeadlineBeatsPriorityOrder) {
  const auto travel = MatrixTravelTimes::line(6, Span::minutes(2));
  // One technician; t0 has the better priority but t1 is due sooner.
  const std::vector<TicketView> tickets = {ticket(0, 0, 1, Span::hours(3)),
                                           ticket(1, 4, 2, Span::minutes(20))};
  const std::vector<TechView> techs = {tech(0, 5)};
  const DispatchProblem p{kNow, tickets, techs, &travel, {}};
  EXPECT_EQ(run(PolicyKind::EarliestDeadline, p), (Pairs{{1, 0}}));
  EXPECT_EQ(run(PolicyKind::PriorityFifo, p), (Pairs{{0, 0}}));
  // With two technicians EDF gives the urgent ticket the earliest-arriving one: k1 at 2.
  const std::vector<TechView> two = {tech(0, 5), tech(1, 2)};
  const DispatchProblem q{kNow, tickets, two, &travel, {}};
  EXPECT_EQ(run(PolicyKind::EarliestDeadline, q), (Pairs{{0, 0}, {1, 1}}));
}

TEST(DispatchPolicy, NearestQualifiedPairsByShortestTravel) {
  const auto travel = MatrixTravelTimes::line(10, Span::minutes(1));
  // Techs at 0 and 9; tickets at 8 (priority 0) and 1 (priority 1).
  const std::vector<TicketView> tickets = {ticket(0, 0, 8), ticket(1, 1, 1)};
  const std::vector<TechView> techs = {tech(0, 0, ~0ULL, Span::hours(2)), tech(1, 9)};
  const DispatchProblem p{kNow, tickets, techs, &travel, {}};
  EXPECT_EQ(run(PolicyKind::NearestQualified, p), (Pairs{{0, 1}, {1, 0}}));
  // Priority-FIFO sends the longest-idle technician (at 0) to the priority-0 ticket at 8.
  EXPECT_EQ(run(PolicyKind::PriorityFifo, p), (Pairs{{0, 0}, {1, 1}}));
  const DecisionCost nearest = evaluate(p, std::vector<Pairing>{{0, 1, {}}, {1, 0, {}}});
  EXPECT_DOUBLE_EQ(nearest.cost_s, 2 * 60.0);  // 1 + 1 minute of travel, nobody late
}

TEST(DispatchPolicy, OptimalBatchFixesGreedyNearestMistake) {
  const auto travel = MatrixTravelTimes::line(6, Span::minutes(1));
  // Techs A at 2, B at 5; tickets X at 3, Y at 0. Greedy nearest takes A-X (1) then B-Y (5)
  // = 6 min; the optimum is A-Y (2) + B-X (2) = 4 min.
  const std::vector<TicketView> tickets = {ticket(0, 1, 3), ticket(1, 1, 0)};
  const std::vector<TechView> techs = {tech(0, 2), tech(1, 5)};
  const DispatchProblem p{kNow, tickets, techs, &travel, {}};
  EXPECT_EQ(run(PolicyKind::NearestQualified, p), (Pairs{{0, 0}, {1, 1}}));
  EXPECT_EQ(run(PolicyKind::OptimalBatch, p), (Pairs{{0, 1}, {1, 0}}));
  auto policy = make_policy(PolicyKind::OptimalBatch);
  std::vector<Pairing> out;
  policy->assign(p, out);
  EXPECT_DOUBLE_EQ(evaluate(p, out).cost_s, 4 * 60.0);
}

TEST(DispatchPolicy, OptimalBatchWeighsLatenessByPriority) {
  const auto travel = MatrixTravelTimes::line(11, Span::minutes(1));
  // One tech at 0; t0 at 10 (priority 0) is due in 5 min, t1 at 1 (priority 3) due in 5 min.
  // Serving t0: travel 600 s, late 300 s x w=1 -> 900; t1 deferred 1 h: late 3300 s x 1/4 =
  // 825; total 1725. Serving t1: 60 + t0 deferred 3300 s x 1 = 3360. Optimum serves t0.
  const std::vector<TicketView> tickets = {ticket(0, 0, 10, Span::minutes(5)),
                                           ticket(1, 3, 1, Span::minutes(5))};
  const std::vector<TechView> techs = {tech(0, 0)};
  const DispatchProblem p{kNow, tickets, techs, &travel, {}};
  EXPECT_DOUBLE_EQ(evaluate(p, std::vector<Pairing>{{0, 0, {}}}).cost_s, 1725.0);
  EXPECT_DOUBLE_EQ(evaluate(p, std::vector<Pairing>{{1, 0, {}}}).cost_s, 3360.0);
  EXPECT_EQ(run(PolicyKind::OptimalBatch, p), (Pairs{{0, 0}}));
  EXPECT_EQ(run(PolicyKind::NearestQualified, p), (Pairs{{1, 0}}));
}

TEST(DispatchPolicy, NoPolicyAssignsWorkPastTheShiftEnd) {
  const auto travel = MatrixTravelTimes::line(10, Span::minutes(1));
  // Ticket at 1 needs 30 min; "near" (at 1, idle longest) leaves in 20 min; "far" at 9 stays.
  TicketView t = ticket(0, 0, 1);
  t.duration = Span::minutes(30);
  const std::vector<TicketView> tickets = {t};
  TechView near = tech(0, 1, ~0ULL, Span::hours(3));
  near.available_until = kNow + Span::minutes(20);
  const std::vector<TechView> techs = {near, tech(1, 9)};
  const DispatchProblem p{kNow, tickets, techs, &travel, {}};
  for (PolicyKind k : {PolicyKind::PriorityFifo, PolicyKind::EarliestDeadline,
                       PolicyKind::NearestQualified, PolicyKind::OptimalBatch}) {
    EXPECT_EQ(run(k, p), (Pairs{{0, 1}})) << to_string(k);
  }
  EXPECT_FALSE(feasible(p, 0, 0));
  EXPECT_THROW(evaluate(p, std::vector<Pairing>{{0, 0, {}}}), std::invalid_argument);
  // Exactly fitting (start + 30 min == shift end) is allowed.
  std::vector<TechView> exact = techs;
  exact[0].available_until = kNow + Span::minutes(30);
  const DispatchProblem q{kNow, tickets, exact, &travel, {}};
  EXPECT_TRUE(feasible(q, 0, 0));
  EXPECT_EQ(run(PolicyKind::NearestQualified, q), (Pairs{{0, 0}}));
}

TEST(DispatchPolicy, EvaluateRejectsInvalidPairings) {
  const auto travel = MatrixTravelTimes::line(3, Span::minutes(1));
  const std::vector<TicketView> tickets = {ticket(0, 0, 1, Span::hours(1), 4), ticket(1, 0, 2)};
  const std::vector<TechView> techs = {tech(0, 0, 1), tech(1, 0, 4)};
  const DispatchProblem p{kNow, tickets, techs, &travel, {}};
  EXPECT_THROW(evaluate(p, std::vector<Pairing>{{0, 0, {}}}), std::invalid_argument);
  EXPECT_THROW(evaluate(p, std::vector<Pairing>{{0, 1, {}}, {0, 0, {}}}), std::invalid_argument);
  EXPECT_THROW(evaluate(p, std::vector<Pairing>{{5, 0, {}}}), std::invalid_argument);
  const DispatchProblem none{kNow, tickets, techs, nullptr, {}};
  std::vector<Pairing> out;
  EXPECT_THROW(make_policy(PolicyKind::OptimalBatch)->assign(none, out), std::invalid_argument);
}

struct Instance {
  MatrixTravelTimes travel;
  std::vector<TicketView> tickets;
  std::vector<TechView> techs;
};

Instance random_instance(SplitMix64& rng, std::size_t max_tickets, std::size_t max_techs) {
  const std::size_t locs = 2 + rng.below(12);
  std::vector<Span> m(locs * locs);
  // Random points on a grid with Manhattan distances (a metric, like shortest paths).
  std::vector<std::int64_t> x(locs), y(locs);
  for (std::size_t i = 0; i < locs; ++i) {
    x[i] = static_cast<std::int64_t>(rng.below(20));
    y[i] = static_cast<std::int64_t>(rng.below(20));
  }
  for (std::size_t a = 0; a < locs; ++a) {
    for (std::size_t b = 0; b < locs; ++b) {
      m[a * locs + b] =
          Span::minutes(static_cast<double>(std::abs(x[a] - x[b]) + std::abs(y[a] - y[b])));
    }
  }
  Instance in{MatrixTravelTimes(locs, std::move(m)), {}, {}};
  const std::size_t nt = 1 + rng.below(max_tickets);
  const std::size_t nk = 1 + rng.below(max_techs);
  for (std::size_t i = 0; i < nt; ++i) {
    TicketView t =
        ticket(i, static_cast<int>(rng.below(4)), static_cast<LocationId>(rng.below(locs)),
               Span::minutes(static_cast<double>(rng.below(90))),
               rng.below(3) == 0 ? (1ULL << rng.below(3)) : 0,
               Span::minutes(static_cast<double>(rng.below(120))));
    t.critical = rng.below(8) == 0;
    t.duration = Span::minutes(static_cast<double>(5 * (1 + rng.below(12))));
    in.tickets.push_back(t);
  }
  for (std::size_t j = 0; j < nk; ++j) {
    TechView k = tech(j, static_cast<LocationId>(rng.below(locs)), rng.below(8),
                      Span::minutes(static_cast<double>(rng.below(60))));
    // A third of the technicians are near the end of their shift.
    if (rng.below(3) == 0)
      k.available_until = kNow + Span::minutes(static_cast<double>(rng.below(90)));
    in.techs.push_back(k);
  }
  return in;
}

// Lexicographic: more pairs is better, then lower cost.
bool not_worse(const DecisionCost& a, const DecisionCost& b) {
  if (a.assigned != b.assigned) return a.assigned > b.assigned;
  return a.cost_s <= b.cost_s + 1e-9 * std::max(1.0, std::abs(b.cost_s));
}

TEST(DispatchPolicy, OptimalBatchNeverWorseThanGreedyOnRandomInstances) {
  SplitMix64 rng{42};
  auto optimal = make_policy(PolicyKind::OptimalBatch);
  int strictly_better = 0;
  constexpr int kInstances = 500;
  for (int n = 0; n < kInstances; ++n) {
    const Instance in = random_instance(rng, 25, 12);
    const DispatchProblem p{kNow, in.tickets, in.techs, &in.travel, {}};
    std::vector<Pairing> out;
    optimal->assign(p, out);
    const DecisionCost best = evaluate(p, out);
    for (PolicyKind k :
         {PolicyKind::PriorityFifo, PolicyKind::EarliestDeadline, PolicyKind::NearestQualified}) {
      std::vector<Pairing> g;
      make_policy(k)->assign(p, g);
      const DecisionCost greedy = evaluate(p, g);
      EXPECT_TRUE(not_worse(best, greedy))
          << "instance " << n << " " << to_string(k) << ": optimal " << best.assigned << "/"
          << best.cost_s << " vs greedy " << greedy.assigned << "/" << greedy.cost_s;
      if (!not_worse(greedy, best)) ++strictly_better;
    }
  }
  // The comparison must have teeth: greedy loses on a good share of instances.
  EXPECT_GT(strictly_better, kInstances / 10);
  std::printf("optimal batch strictly better than a greedy policy in %d of %d comparisons\n",
              strictly_better, 3 * kInstances);
}

// Reference for nearest-qualified: sort every feasible pair by (critical first, travel,
// urgency, technician) and take pairs greedily.
std::vector<std::pair<std::uint32_t, std::uint32_t>> nearest_reference(const DispatchProblem& p) {
  struct Row {
    bool routine;
    std::int64_t travel;
    TicketView t;
    std::uint32_t i, j;
  };
  std::vector<Row> rows;
  for (std::uint32_t i = 0; i < p.tickets.size(); ++i) {
    for (std::uint32_t j = 0; j < p.techs.size(); ++j) {
      if (!feasible(p, i, j)) continue;
      rows.push_back(Row{!p.tickets[i].critical,
                         p.travel->between(p.techs[j].location, p.tickets[i].location).us,
                         p.tickets[i], i, j});
    }
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tuple(a.routine, a.travel, a.t.priority, a.t.created, a.t.seq, a.j) <
           std::tuple(b.routine, b.travel, b.t.priority, b.t.created, b.t.seq, b.j);
  });
  std::vector<char> ti(p.tickets.size(), 0), kj(p.techs.size(), 0);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> out;
  for (const Row& r : rows) {
    if (ti[r.i] != 0 || kj[r.j] != 0) continue;
    ti[r.i] = kj[r.j] = 1;
    out.emplace_back(r.i, r.j);
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(DispatchPolicy, NearestQualifiedEqualsSortAllPairsReference) {
  SplitMix64 rng{11};
  for (int n = 0; n < 300; ++n) {
    const Instance in = random_instance(rng, 40, 15);
    const DispatchProblem p{kNow, in.tickets, in.techs, &in.travel, {}};
    EXPECT_EQ(run(PolicyKind::NearestQualified, p), nearest_reference(p)) << "instance " << n;
  }
}

// Exhaustive search over all partial matchings: max pairs, then min cost.
void brute(const DispatchProblem& p, std::size_t i, std::vector<char>& used,
           std::vector<Pairing>& cur, DecisionCost& best) {
  if (i == p.tickets.size()) {
    const DecisionCost c = evaluate(p, cur);
    if (c.assigned > best.assigned || (c.assigned == best.assigned && c.cost_s < best.cost_s)) {
      best = c;
    }
    return;
  }
  brute(p, i + 1, used, cur, best);  // ticket i left unserved
  for (std::size_t j = 0; j < p.techs.size(); ++j) {
    if (used[j] != 0 || !feasible(p, i, j)) continue;
    used[j] = 1;
    cur.push_back(Pairing{static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j), {}});
    brute(p, i + 1, used, cur, best);
    cur.pop_back();
    used[j] = 0;
  }
}

TEST(DispatchPolicy, OptimalBatchMatchesExhaustiveSearchOnSmallInstances) {
  SplitMix64 rng{7};
  auto optimal = make_policy(PolicyKind::OptimalBatch);
  for (int n = 0; n < 300; ++n) {
    const Instance in = random_instance(rng, 6, 5);
    const DispatchProblem p{kNow, in.tickets, in.techs, &in.travel, {}};
    std::vector<Pairing> out;
    optimal->assign(p, out);
    const DecisionCost got = evaluate(p, out);
    DecisionCost want{0, std::numeric_limits<double>::infinity()};
    std::vector<char> used(p.techs.size(), 0);
    std::vector<Pairing> cur;
    brute(p, 0, used, cur, want);
    EXPECT_EQ(got.assigned, want.assigned) << "instance " << n;
    EXPECT_NEAR(got.cost_s, want.cost_s, 1e-6) << "instance " << n;
  }
}

}  // namespace
}  // namespace labtwin::core
