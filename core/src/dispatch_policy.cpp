#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>
#include <tuple>

#include "labtwin/core/dispatch/hungarian.hpp"
#include "labtwin/core/dispatch/policy.hpp"

namespace labtwin::core {
namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

const TravelTimes& travel_of(const DispatchProblem& p) {
  if (p.travel == nullptr) throw std::invalid_argument("dispatch problem has no travel-time model");
  return *p.travel;
}

// Urgency order shared by the greedy policies: critical first, then priority, then age.
bool more_urgent(const TicketView& a, const TicketView& b) {
  return std::tuple(!a.critical, a.priority, a.created, a.seq) <
         std::tuple(!b.critical, b.priority, b.created, b.seq);
}

void check_sizes(const DispatchProblem& p) {
  if (p.tickets.size() > UINT32_MAX || p.techs.size() > UINT32_MAX) {
    throw std::invalid_argument("dispatch problem too large for 32-bit indices");
  }
}

// Greedy skeleton: visit tickets in `order`, give each the best unused qualified technician
// under `better(candidate_arrival, j, best_arrival, best_j)`.
template <class Better>
void greedy_by_ticket(const DispatchProblem& p, const std::vector<std::uint32_t>& order,
                      std::vector<char>& used, std::vector<Pairing>& out, Better better) {
  const TravelTimes& travel = travel_of(p);
  used.assign(p.techs.size(), 0);
  std::size_t free_left = p.techs.size();
  for (std::uint32_t i : order) {
    if (free_left == 0) break;
    const TicketView& t = p.tickets[i];
    std::size_t best = kNone;
    Instant best_start;
    for (std::size_t j = 0; j < p.techs.size(); ++j) {
      if (used[j] != 0 || !qualified(t, p.techs[j])) continue;
      const Instant start = p.techs[j].ready_at + travel.between(p.techs[j].location, t.location);
      if (!fits_shift(t, p.techs[j], start)) continue;
      if (best == kNone || better(start, j, best_start, best)) {
        best = j;
        best_start = start;
      }
    }
    if (best == kNone) continue;
    used[best] = 1;
    --free_left;
    out.push_back(Pairing{i, static_cast<std::uint32_t>(best), best_start});
  }
}

class PriorityFifoPolicy final : public DispatchPolicy {
 public:
  PolicyKind kind() const override { return PolicyKind::PriorityFifo; }
  void assign(const DispatchProblem& p, std::vector<Pairing>& out) override {
    check_sizes(p);
    out.clear();
    order_.resize(p.tickets.size());
    for (std::uint32_t i = 0; i < order_.size(); ++i) order_[i] = i;
    std::sort(order_.begin(), order_.end(), [&](std::uint32_t a, std::uint32_t b) {
      return more_urgent(p.tickets[a], p.tickets[b]);
    });
    // Longest-idle qualified technician first (spreads work fairly).
    greedy_by_ticket(p, order_, used_, out, [&](Instant, std::size_t j, Instant, std::size_t b) {
      return std::tuple(p.techs[j].idle_since, p.techs[j].seq) <
             std::tuple(p.techs[b].idle_since, p.techs[b].seq);
    });
  }

 private:
  std::vector<std::uint32_t> order_;
  std::vector<char> used_;
};

class EarliestDeadlinePolicy final : public DispatchPolicy {
 public:
  PolicyKind kind() const override { return PolicyKind::EarliestDeadline; }
  void assign(const DispatchProblem& p, std::vector<Pairing>& out) override {
    check_sizes(p);
    out.clear();
    order_.resize(p.tickets.size());
    for (std::uint32_t i = 0; i < order_.size(); ++i) order_[i] = i;
    std::sort(order_.begin(), order_.end(), [&](std::uint32_t a, std::uint32_t b) {
      const TicketView& x = p.tickets[a];
      const TicketView& y = p.tickets[b];
      return std::tuple(x.deadline, !x.critical, x.priority, x.created, x.seq) <
             std::tuple(y.deadline, !y.critical, y.priority, y.created, y.seq);
    });
    // Earliest-arriving qualified technician, so the deadline is met if anyone can meet it.
    greedy_by_ticket(p, order_, used_, out,
                     [&](Instant s, std::size_t j, Instant bs, std::size_t b) {
                       return std::tuple(s, p.techs[j].seq) < std::tuple(bs, p.techs[b].seq);
                     });
  }

 private:
  std::vector<std::uint32_t> order_;
  std::vector<char> used_;
};

class NearestQualifiedPolicy final : public DispatchPolicy {
 public:
  PolicyKind kind() const override { return PolicyKind::NearestQualified; }
  void assign(const DispatchProblem& p, std::vector<Pairing>& out) override {
    check_sizes(p);
    out.clear();
    const TravelTimes& travel = travel_of(p);
    // Rank tickets by urgency once, so ties in travel go to the more urgent ticket.
    order_.resize(p.tickets.size());
    for (std::uint32_t i = 0; i < order_.size(); ++i) order_[i] = i;
    std::sort(order_.begin(), order_.end(), [&](std::uint32_t a, std::uint32_t b) {
      return more_urgent(p.tickets[a], p.tickets[b]);
    });
    rank_.resize(p.tickets.size());
    for (std::uint32_t r = 0; r < order_.size(); ++r) rank_[order_[r]] = r;
    // Travel of every feasible pair, computed once (-1 = infeasible).
    const std::size_t n = p.tickets.size();
    const std::size_t m = p.techs.size();
    travel_us_.resize(m * n);
    for (std::size_t j = 0; j < m; ++j) {
      for (std::size_t i = 0; i < n; ++i) {
        const TicketView& t = p.tickets[i];
        const TechView& k = p.techs[j];
        std::int64_t v = -1;
        if (qualified(t, k)) {
          const Span tr = travel.between(k.location, t.location);
          if (fits_shift(t, k, k.ready_at + tr)) v = tr.us;
        }
        travel_us_[j * n + i] = v;
      }
    }
    ticket_used_.assign(n, 0);
    // Lazy global greedy: each technician's heap entry is its best pair among the tickets
    // unused when it was computed. Taking tickets only makes a technician's true best worse,
    // so a popped entry whose ticket is still free is the global minimum of
    // (routine, travel, urgency rank, technician) over all free pairs; a stale one is
    // recomputed and pushed back. Same result as sorting all pairs, without the big sort.
    heap_.clear();
    for (std::uint32_t j = 0; j < m; ++j) push_best(p, j);
    std::size_t left = std::min(n, m);
    while (left > 0 && !heap_.empty()) {
      std::pop_heap(heap_.begin(), heap_.end(), std::greater<>{});
      const Cand c = heap_.back();
      heap_.pop_back();
      const std::uint32_t i = order_[c.rank];
      if (ticket_used_[i] != 0) {
        push_best(p, c.tech);
        continue;
      }
      ticket_used_[i] = 1;
      --left;
      out.push_back(Pairing{i, c.tech, p.techs[c.tech].ready_at + Span{c.travel_us}});
    }
  }

 private:
  struct Cand {
    bool routine;
    std::int64_t travel_us;
    std::uint32_t rank;
    std::uint32_t tech;
    bool operator>(const Cand& o) const {
      return std::tuple(routine, travel_us, rank, tech) >
             std::tuple(o.routine, o.travel_us, o.rank, o.tech);
    }
  };
  // Pushes technician j's best pair among free tickets, if any.
  void push_best(const DispatchProblem& p, std::uint32_t j) {
    const std::size_t n = p.tickets.size();
    const std::int64_t* row = travel_us_.data() + static_cast<std::size_t>(j) * n;
    bool found = false;
    Cand best{};
    for (std::uint32_t i = 0; i < n; ++i) {
      if (row[i] < 0 || ticket_used_[i] != 0) continue;
      const Cand c{!p.tickets[i].critical, row[i], rank_[i], j};
      if (!found || best > c) {
        best = c;
        found = true;
      }
    }
    if (!found) return;
    heap_.push_back(best);
    std::push_heap(heap_.begin(), heap_.end(), std::greater<>{});
  }

  std::vector<std::uint32_t> order_, rank_;
  std::vector<std::int64_t> travel_us_;
  std::vector<Cand> heap_;
  std::vector<char> ticket_used_;
};

class OptimalBatchPolicy final : public DispatchPolicy {
 public:
  PolicyKind kind() const override { return PolicyKind::OptimalBatch; }
  void assign(const DispatchProblem& p, std::vector<Pairing>& out) override {
    check_sizes(p);
    out.clear();
    const TravelTimes& travel = travel_of(p);
    // Tickets nobody available can do cannot change the optimum: drop them up front.
    cols_.clear();
    for (std::uint32_t i = 0; i < p.tickets.size(); ++i) {
      for (const TechView& k : p.techs) {
        if (qualified(p.tickets[i], k)) {
          cols_.push_back(i);
          break;
        }
      }
    }
    const std::size_t m = p.techs.size();
    const std::size_t n = cols_.size();
    if (m == 0 || n == 0) return;
    // Rows = technicians, columns = tickets; cost = pair cost minus the ticket's deferral
    // cost, so the total equals the decision objective minus a constant.
    cost_.resize(m * n);
    start_.resize(m * n);
    ok_.resize(m * n);
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (std::size_t c = 0; c < n; ++c) {
      const TicketView& t = p.tickets[cols_[c]];
      const double w = lateness_weight(p.cost, t);
      const double defer = defer_cost(p, cols_[c]);
      for (std::size_t j = 0; j < m; ++j) {
        const TechView& k = p.techs[j];
        ok_[j * n + c] = 0;
        cost_[j * n + c] = 0.0;
        if (!qualified(t, k)) continue;
        const Span tr = travel.between(k.location, t.location);
        const Instant start = k.ready_at + tr;
        if (!fits_shift(t, k, start)) continue;
        ok_[j * n + c] = 1;
        const double late = start > t.deadline ? (start - t.deadline).to_seconds() : 0.0;
        const double v = tr.to_seconds() + w * late - defer;
        cost_[j * n + c] = v;
        start_[j * n + c] = start;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
    // A forbidden pair costs more than any difference one extra real pair can make, so the
    // optimum first maximises the number of feasible pairs, then minimises their cost.
    if (!(lo <= hi)) return;  // no feasible pair at all
    const double k = static_cast<double>(std::min(m, n));
    const double big = k * (hi - lo) + std::abs(hi) + std::abs(lo) + 1.0;
    for (std::size_t x = 0; x < cost_.size(); ++x) {
      if (ok_[x] == 0) cost_[x] = big;
    }
    solve_assignment(cost_, m, n, row_to_col_, ws_);
    for (std::size_t j = 0; j < m; ++j) {
      const long c = row_to_col_[j];
      if (c < 0) continue;
      const auto cu = static_cast<std::size_t>(c);
      if (ok_[j * n + cu] == 0) continue;
      out.push_back(Pairing{cols_[cu], static_cast<std::uint32_t>(j), start_[j * n + cu]});
    }
    std::sort(out.begin(), out.end(),
              [](const Pairing& a, const Pairing& b) { return a.ticket < b.ticket; });
  }

 private:
  std::vector<std::uint32_t> cols_;
  std::vector<double> cost_;
  std::vector<Instant> start_;
  std::vector<char> ok_;
  std::vector<long> row_to_col_;
  AssignmentWorkspace ws_;
};

}  // namespace

bool feasible(const DispatchProblem& p, std::size_t i, std::size_t j) {
  const TicketView& t = p.tickets[i];
  const TechView& k = p.techs[j];
  if (!qualified(t, k)) return false;
  return fits_shift(t, k, k.ready_at + travel_of(p).between(k.location, t.location));
}

double lateness_weight(const CostModel& cost, const TicketView& t) {
  return cost.lateness_weight / (1.0 + static_cast<double>(t.priority));
}

double pair_cost(const DispatchProblem& p, std::size_t i, std::size_t j) {
  const TicketView& t = p.tickets[i];
  const TechView& k = p.techs[j];
  const Span tr = travel_of(p).between(k.location, t.location);
  const Instant start = k.ready_at + tr;
  const double late = start > t.deadline ? (start - t.deadline).to_seconds() : 0.0;
  return tr.to_seconds() + lateness_weight(p.cost, t) * late;
}

double defer_cost(const DispatchProblem& p, std::size_t i) {
  const TicketView& t = p.tickets[i];
  const Instant start = p.now + p.cost.defer_horizon;
  const double late = start > t.deadline ? (start - t.deadline).to_seconds() : 0.0;
  return lateness_weight(p.cost, t) * late;
}

DecisionCost evaluate(const DispatchProblem& p, std::span<const Pairing> pairs) {
  std::vector<char> ticket_used(p.tickets.size(), 0);
  std::vector<char> tech_used(p.techs.size(), 0);
  DecisionCost d;
  for (const Pairing& x : pairs) {
    if (x.ticket >= p.tickets.size() || x.tech >= p.techs.size()) {
      throw std::invalid_argument("pairing (" + std::to_string(x.ticket) + ", " +
                                  std::to_string(x.tech) + ") is out of range");
    }
    if (ticket_used[x.ticket] != 0 || tech_used[x.tech] != 0) {
      throw std::invalid_argument("pairing (" + std::to_string(x.ticket) + ", " +
                                  std::to_string(x.tech) + ") reuses a ticket or technician");
    }
    if (!feasible(p, x.ticket, x.tech)) {
      throw std::invalid_argument("pairing (" + std::to_string(x.ticket) + ", " +
                                  std::to_string(x.tech) +
                                  ") is infeasible (skills, or work past the shift end)");
    }
    ticket_used[x.ticket] = 1;
    tech_used[x.tech] = 1;
    ++d.assigned;
    d.cost_s += pair_cost(p, x.ticket, x.tech);
  }
  for (std::size_t i = 0; i < p.tickets.size(); ++i) {
    if (ticket_used[i] == 0) d.cost_s += defer_cost(p, i);
  }
  return d;
}

std::unique_ptr<DispatchPolicy> make_policy(PolicyKind kind) {
  switch (kind) {
    case PolicyKind::PriorityFifo:
      return std::make_unique<PriorityFifoPolicy>();
    case PolicyKind::EarliestDeadline:
      return std::make_unique<EarliestDeadlinePolicy>();
    case PolicyKind::NearestQualified:
      return std::make_unique<NearestQualifiedPolicy>();
    case PolicyKind::OptimalBatch:
      return std::make_unique<OptimalBatchPolicy>();
  }
  throw std::invalid_argument("unknown dispatch policy " + std::to_string(static_cast<int>(kind)));
}

}  // namespace labtwin::core
