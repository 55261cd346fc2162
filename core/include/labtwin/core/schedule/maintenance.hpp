#pragma once
/// @file Preventive maintenance plans: calendar-based and usage-based, producing PM tickets.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "labtwin/core/dispatch/ticket.hpp"
#include "labtwin/core/ports.hpp"

namespace labtwin::core {

/// What makes a PM plan come due.
enum class PmTrigger : std::uint8_t {
  Calendar,  ///< every `interval` of elapsed time
  Usage,     ///< every `usage_interval` units of use (run hours, cycles)
};

/// One preventive-maintenance plan for one asset.
struct PmPlan {
  std::string id;                           ///< unique plan id (used in ticket ids)
  std::string asset;                        ///< asset the plan maintains (usage is per asset)
  PmTrigger trigger = PmTrigger::Calendar;  ///< calendar or usage
  Span interval = Span::days(90);           ///< Calendar: time between services
  double usage_interval = 0.0;              ///< Usage: units of use between services
  Span lead_time = Span::days(7);           ///< raise the ticket this long before the due date
  std::string skill;                        ///< skill the ticket requires
  LocationId location = 0;                  ///< where the asset is
  Span duration = Span::hours(2);           ///< estimated work
  int priority = 3;                         ///< ticket priority
};

/// When a plan is due.
struct PmDue {
  std::string plan;  ///< plan id
  Instant due;       ///< due date (forecast for usage plans)
  bool forecast;     ///< true when extrapolated from the usage rate
};

/// Tracks PM plans, asset usage and services done; raises one ticket per due service.
class MaintenancePlanner {
 public:
  /// Adds a plan last serviced at `last_done` (usage counter taken as the asset's current one).
  /// Throws std::invalid_argument on a duplicate id or a non-positive interval.
  void add_plan(PmPlan plan, Instant last_done);
  /// Adds `amount` (>= 0) units of use to `asset` at time `at`.
  void record_usage(const std::string& asset, double amount, Instant at);
  /// Records the plan's service done at `at`: resets its interval and closes its ticket.
  void record_done(const std::string& plan_id, Instant at);

  /// Due date of a plan: last_done + interval (calendar), or, for usage plans, the time the
  /// threshold was crossed, else a linear forecast from the usage rate since the last service
  /// (nullopt when no use has been recorded since).
  std::optional<PmDue> due(const std::string& plan_id) const;
  /// All plans with a due date at or before `until`, sorted by due date then plan id.
  std::vector<PmDue> due_before(Instant until) const;
  /// Tickets (kind PreventiveMaintenance, SLA deadline = due date) for plans whose due date is
  /// within their lead time of `now` and that have no open ticket yet; ids are
  /// "<plan>#<service number>".
  std::vector<Ticket> make_tickets(Instant now);

  /// Cumulative usage recorded for an asset.
  double usage(const std::string& asset) const;

 private:
  struct PlanState {
    PmPlan plan;
    Instant last_done;
    double usage_at_done = 0.0;
    std::optional<Instant> crossed_at;  // when usage crossed the threshold
    std::uint32_t services = 0;
    bool ticket_open = false;
  };
  struct AssetUsage {
    double total = 0.0;
    Instant last_at;
  };
  const PlanState& state(const std::string& plan_id) const;

  std::map<std::string, PlanState, std::less<>> plans_;
  std::map<std::string, AssetUsage, std::less<>> usage_;
};

}  // namespace labtwin::core
