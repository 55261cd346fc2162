#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <tuple>

#include "labtwin/core/schedule/job_placement.hpp"

namespace labtwin::core {
namespace {

constexpr double kPowerEps = 1e-9;

struct Option {
  Instant start;
  double cost;
};

struct Running {
  Instant start, end;
  double power;
};

bool limited(const PlacementLimits& l) {
  return l.max_concurrent != 0 || std::isfinite(l.power_cap_kw);
}

// Would a job on [s, e) drawing `power` keep every instant within the limits? The load only
// rises at interval starts, so checking s and every running start inside (s, e) suffices.
bool fits(const std::vector<Running>& running, Instant s, Instant e, double power,
          const PlacementLimits& l) {
  if (power > l.power_cap_kw + kPowerEps) return false;
  if (!limited(l)) return true;
  auto ok_at = [&](Instant p) {
    std::size_t count = 1;
    double load = power;
    for (const Running& r : running) {
      if (r.start <= p && p < r.end) {
        ++count;
        load += r.power;
      }
    }
    return (l.max_concurrent == 0 || count <= l.max_concurrent) &&
           load <= l.power_cap_kw + kPowerEps;
  };
  if (!ok_at(s)) return false;
  for (const Running& r : running) {
    if (r.start > s && r.start < e && !ok_at(r.start)) return false;
  }
  return true;
}

void validate(const Forecast& f, const std::vector<EnergyJob>& jobs) {
  if (f.step.us <= 0) throw std::invalid_argument("forecast step must be positive");
  for (double v : f.values) {
    if (!std::isfinite(v)) throw std::invalid_argument("forecast has a non-finite value");
  }
  for (const EnergyJob& j : jobs) {
    if (j.duration.us <= 0) {
      throw std::invalid_argument("job '" + j.id + "' needs a positive duration");
    }
    if (!(j.power_kw >= 0.0) || !std::isfinite(j.power_kw)) {
      throw std::invalid_argument("job '" + j.id + "' needs a finite power >= 0 kW");
    }
    if (j.deadline < j.release) {
      throw std::invalid_argument("job '" + j.id + "' has its deadline before its release");
    }
  }
}

// Candidate starts with their costs, cheapest first (ties: earliest).
std::vector<std::vector<Option>> options_of(const Forecast& f, const std::vector<EnergyJob>& jobs) {
  std::vector<std::vector<Option>> out(jobs.size());
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    for (Instant s : candidate_starts(f, jobs[i])) {
      out[i].push_back(Option{s, jobs[i].power_kw * integrate(f, s, s + jobs[i].duration)});
    }
    std::sort(out[i].begin(), out[i].end(), [](const Option& a, const Option& b) {
      return std::tie(a.cost, a.start) < std::tie(b.cost, b.start);
    });
  }
  return out;
}

Placement empty_placement(std::size_t n) {
  Placement p;
  p.start.assign(n, Instant{});
  p.placed.assign(n, 0);
  return p;
}

struct Search {
  const std::vector<EnergyJob>& jobs;
  const std::vector<std::vector<Option>>& opts;
  const PlacementLimits& limits;
  std::vector<std::size_t> order;
  std::vector<double> rest_min;  // sum of cheapest options from depth d on
  std::vector<Running> running;
  std::vector<Instant> current;
  Placement best;
  double best_cost;
  std::size_t nodes = 0;
  std::size_t budget;
  bool exhausted = false;

  void dfs(std::size_t depth, double cost) {
    if (++nodes > budget) {
      exhausted = true;
      return;
    }
    if (depth == order.size()) {
      if (cost < best_cost) {
        best_cost = cost;
        for (std::size_t d = 0; d < order.size(); ++d) best.start[order[d]] = current[order[d]];
        best.placed.assign(jobs.size(), 1);
        best.cost = cost;
        best.feasible = true;
      }
      return;
    }
    const std::size_t j = order[depth];
    for (const Option& o : opts[j]) {
      // Options are sorted by cost, so once the bound fails it fails for the rest too. The
      // incumbent may have improved in the previous iteration, so re-read it every time.
      if (std::isfinite(best_cost) &&
          cost + o.cost + rest_min[depth + 1] >= best_cost - 1e-12 * std::abs(best_cost)) {
        break;
      }
      const Instant e = o.start + jobs[j].duration;
      if (!fits(running, o.start, e, jobs[j].power_kw, limits)) continue;
      running.push_back(Running{o.start, e, jobs[j].power_kw});
      current[j] = o.start;
      dfs(depth + 1, cost + o.cost);
      running.pop_back();
      if (exhausted) return;
    }
  }
};

}  // namespace

double integrate(const Forecast& f, Instant from, Instant to) {
  if (from < f.start || to > f.end() || to < from) {
    throw std::out_of_range("forecast covers [" + std::to_string(f.start.us) + ", " +
                            std::to_string(f.end().us) + ") us; cannot integrate over [" +
                            std::to_string(from.us) + ", " + std::to_string(to.us) + ")");
  }
  double sum = 0.0;
  std::int64_t k = (from - f.start).us / f.step.us;
  Instant t = from;
  while (t < to) {
    const Instant step_end = f.start + Span{(k + 1) * f.step.us};
    const Instant seg_end = std::min(step_end, to);
    sum += f.values[static_cast<std::size_t>(k)] * (seg_end - t).to_hours();
    t = seg_end;
    ++k;
  }
  return sum;
}

std::vector<Instant> candidate_starts(const Forecast& f, const EnergyJob& job) {
  std::vector<Instant> out;
  if (f.step.us <= 0 || job.duration.us <= 0) return out;
  const Instant latest_end = std::min(job.deadline, f.end());
  const Instant first = std::max(job.release, f.start);
  if (first + job.duration > latest_end) return out;
  out.push_back(first);
  std::int64_t k = (first - f.start).us / f.step.us + 1;
  for (;; ++k) {
    const Instant s = f.start + Span{k * f.step.us};
    if (s + job.duration > latest_end) break;
    out.push_back(s);
  }
  return out;
}

Placement place_greedy(const Forecast& f, const std::vector<EnergyJob>& jobs,
                       const PlacementLimits& limits) {
  validate(f, jobs);
  const auto opts = options_of(f, jobs);
  std::vector<std::size_t> order(jobs.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::tie(jobs[a].deadline, jobs[a].release, a) <
           std::tie(jobs[b].deadline, jobs[b].release, b);
  });
  Placement p = empty_placement(jobs.size());
  std::vector<Running> running;
  std::size_t placed = 0;
  for (std::size_t j : order) {
    for (const Option& o : opts[j]) {  // cheapest first
      const Instant e = o.start + jobs[j].duration;
      if (!fits(running, o.start, e, jobs[j].power_kw, limits)) continue;
      running.push_back(Running{o.start, e, jobs[j].power_kw});
      p.start[j] = o.start;
      p.placed[j] = 1;
      p.cost += o.cost;
      ++placed;
      break;
    }
  }
  p.feasible = placed == jobs.size();
  return p;
}

Placement place_exact(const Forecast& f, const std::vector<EnergyJob>& jobs,
                      const PlacementLimits& limits, std::size_t node_budget) {
  validate(f, jobs);
  const auto opts = options_of(f, jobs);
  Search s{jobs,
           opts,
           limits,
           {},
           {},
           {},
           {},
           empty_placement(jobs.size()),
           std::numeric_limits<double>::infinity(),
           0,
           node_budget,
           false};
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    if (opts[j].empty()) {  // no window at all: infeasible, nothing to search
      s.best.proven_optimal = true;
      return s.best;
    }
  }
  // Seed with greedy; an exact optimum must then beat it strictly to replace it.
  Placement greedy = place_greedy(f, jobs, limits);
  if (greedy.feasible) {
    s.best = greedy;
    s.best_cost = greedy.cost;
  }
  // Most constrained jobs first: fewest candidate starts, then earliest deadline.
  s.order.resize(jobs.size());
  std::iota(s.order.begin(), s.order.end(), std::size_t{0});
  std::sort(s.order.begin(), s.order.end(), [&](std::size_t a, std::size_t b) {
    return std::tuple(opts[a].size(), jobs[a].deadline, a) <
           std::tuple(opts[b].size(), jobs[b].deadline, b);
  });
  s.rest_min.assign(jobs.size() + 1, 0.0);
  for (std::size_t d = jobs.size(); d-- > 0;) {
    s.rest_min[d] = s.rest_min[d + 1] + opts[s.order[d]].front().cost;
  }
  s.current.assign(jobs.size(), Instant{});
  s.dfs(0, 0.0);
  s.best.nodes = s.nodes;
  s.best.proven_optimal = !s.exhausted;
  return s.best;
}

bool placement_valid(const std::vector<EnergyJob>& jobs, const Placement& p,
                     const PlacementLimits& limits) {
  if (p.start.size() != jobs.size() || p.placed.size() != jobs.size()) return false;
  std::vector<Running> running;
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    if (p.placed[j] == 0) continue;
    const Instant s = p.start[j];
    const Instant e = s + jobs[j].duration;
    if (s < jobs[j].release || e > jobs[j].deadline) return false;
    running.push_back(Running{s, e, jobs[j].power_kw});
  }
  // Check the load at every start against all the others.
  for (std::size_t a = 0; a < running.size(); ++a) {
    std::size_t count = 0;
    double load = 0.0;
    for (const Running& r : running) {
      if (r.start <= running[a].start && running[a].start < r.end) {
        ++count;
        load += r.power;
      }
    }
    if (limits.max_concurrent != 0 && count > limits.max_concurrent) return false;
    if (load > limits.power_cap_kw + kPowerEps) return false;
  }
  return true;
}

}  // namespace labtwin::core
