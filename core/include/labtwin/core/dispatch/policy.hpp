#pragma once
/// @file Dispatch policies: which open ticket goes to which available technician now.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "labtwin/core/dispatch/hungarian.hpp"
#include "labtwin/core/dispatch/travel_times.hpp"
#include "labtwin/core/ports.hpp"

namespace labtwin::core {

/// An open ticket as a policy sees it (plain data, skills interned as bits).
struct TicketView {
  std::uint64_t seq = 0;         ///< arrival order, the final tie-breaker
  int priority = 0;              ///< 0 = most urgent
  bool critical = false;         ///< critical flag
  Instant created;               ///< raised at
  Instant deadline;              ///< SLA deadline for the start of work
  std::uint64_t skill_mask = 0;  ///< bits a technician must hold (0 = anyone)
  LocationId location = 0;       ///< where the work is
  Span duration{};               ///< estimated work (must end by the technician's shift end)
};

/// An available technician as a policy sees it.
struct TechView {
  std::uint64_t seq = 0;               ///< registration order, the final tie-breaker
  std::uint64_t skills = 0;            ///< skill bits held
  LocationId location = 0;             ///< where the technician is
  Instant ready_at;                    ///< earliest departure
  Instant idle_since;                  ///< when the technician last became idle
  Instant available_until{INT64_MAX};  ///< work must end by then (shift end); max = no limit
};

/// Objective of a decision: travel time plus weighted lateness, in seconds.
struct CostModel {
  double lateness_weight = 1.0;         ///< weight of one second of lateness at priority 0
  Span defer_horizon = Span::hours(1);  ///< an unserved ticket is assumed to start this late
};

/// One decision problem: the open tickets and the available technicians at `now`.
struct DispatchProblem {
  Instant now;                          ///< decision time
  std::span<const TicketView> tickets;  ///< open tickets
  std::span<const TechView> techs;      ///< available technicians
  const TravelTimes* travel = nullptr;  ///< travel-time model (required)
  CostModel cost;                       ///< objective weights
};

/// One ticket -> technician pairing (indices into the problem's spans).
struct Pairing {
  std::uint32_t ticket = 0;  ///< index into DispatchProblem::tickets
  std::uint32_t tech = 0;    ///< index into DispatchProblem::techs
  Instant start;             ///< expected start of work (departure + travel)
};

/// Value of a decision: more assignments first, then lower cost.
struct DecisionCost {
  std::size_t assigned = 0;  ///< pairs made
  double cost_s = 0.0;       ///< sum of pair costs + deferral costs of unserved tickets
};

/// True when technician skills cover the ticket's requirement.
constexpr bool qualified(const TicketView& t, const TechView& k) {
  return (k.skills & t.skill_mask) == t.skill_mask;
}
/// True when work starting at `start` ends by the technician's `available_until`.
constexpr bool fits_shift(const TicketView& t, const TechView& k, Instant start) {
  if (start > k.available_until) return false;
  // Unsigned difference: exact for any start <= until, no signed overflow at the extremes.
  const auto room =
      static_cast<std::uint64_t>(k.available_until.us) - static_cast<std::uint64_t>(start.us);
  return t.duration.us <= 0 || static_cast<std::uint64_t>(t.duration.us) <= room;
}
/// True when technician `j` may take ticket `i`: qualified, and the work fits in the shift.
bool feasible(const DispatchProblem& p, std::size_t i, std::size_t j);
/// Weight of one second of lateness for `t`: lateness_weight / (1 + priority).
double lateness_weight(const CostModel& cost, const TicketView& t);
/// Cost (s) of serving ticket `i` with technician `j`: travel + weight * max(0, start - deadline).
double pair_cost(const DispatchProblem& p, std::size_t i, std::size_t j);
/// Cost (s) of leaving ticket `i` unserved: weight * max(0, now + defer_horizon - deadline).
double defer_cost(const DispatchProblem& p, std::size_t i);
/// Scores `pairs` under the problem's objective (validates them: throws std::invalid_argument
/// on a duplicate index or an infeasible pair).
DecisionCost evaluate(const DispatchProblem& p, std::span<const Pairing> pairs);

/// The policies on offer.
enum class PolicyKind : std::uint8_t {
  PriorityFifo,      ///< by priority then age; longest-idle qualified technician
  EarliestDeadline,  ///< by SLA deadline; earliest-arriving qualified technician
  NearestQualified,  ///< globally shortest travel first
  OptimalBatch,      ///< Hungarian: max pairs, then min total travel + weighted lateness
};

/// Stable lower-case name, e.g. "optimal_batch".
std::string_view to_string(PolicyKind kind);

/// A dispatch policy. Implementations keep scratch buffers, so reuse one instance.
class DispatchPolicy {
 public:
  virtual ~DispatchPolicy() = default;
  /// Which policy this is.
  virtual PolicyKind kind() const = 0;
  /// Clears `out` and fills it with the pairings to make now (each index at most once, only
  /// feasible pairs).
  virtual void assign(const DispatchProblem& problem, std::vector<Pairing>& out) = 0;
};

/// Creates a policy.
std::unique_ptr<DispatchPolicy> make_policy(PolicyKind kind);

}  // namespace labtwin::core
