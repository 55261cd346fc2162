#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <tuple>

#include "labtwin/core/schedule/maintenance.hpp"

namespace labtwin::core {

void MaintenancePlanner::add_plan(PmPlan plan, Instant last_done) {
  if (plan.id.empty()) throw std::invalid_argument("maintenance: plan id is empty");
  if (plans_.count(plan.id) != 0) {
    throw std::invalid_argument("maintenance: duplicate plan '" + plan.id + "'");
  }
  if (plan.trigger == PmTrigger::Calendar && plan.interval.us <= 0) {
    throw std::invalid_argument("maintenance: plan '" + plan.id +
                                "' needs a positive calendar interval");
  }
  if (plan.trigger == PmTrigger::Usage &&
      !(plan.usage_interval > 0.0 && std::isfinite(plan.usage_interval))) {
    throw std::invalid_argument("maintenance: plan '" + plan.id +
                                "' needs a positive, finite usage interval");
  }
  if (plan.lead_time.us < 0 || plan.duration.us < 0 || plan.priority < 0) {
    throw std::invalid_argument("maintenance: plan '" + plan.id +
                                "' has a negative lead time, duration or priority");
  }
  PlanState s;
  s.last_done = last_done;
  s.usage_at_done = usage(plan.asset);
  s.plan = std::move(plan);
  const std::string id = s.plan.id;
  plans_.emplace(id, std::move(s));
}

double MaintenancePlanner::usage(const std::string& asset) const {
  auto it = usage_.find(asset);
  return it == usage_.end() ? 0.0 : it->second.total;
}

void MaintenancePlanner::record_usage(const std::string& asset, double amount, Instant at) {
  if (!(amount >= 0.0) || !std::isfinite(amount)) {
    throw std::invalid_argument("maintenance: usage of asset '" + asset +
                                "' must be finite and >= 0, got " + std::to_string(amount));
  }
  AssetUsage& u = usage_[asset];
  u.total += amount;
  u.last_at = std::max(u.last_at, at);
  for (auto& [id, s] : plans_) {
    if (s.plan.trigger != PmTrigger::Usage || s.plan.asset != asset || s.crossed_at) continue;
    if (u.total - s.usage_at_done >= s.plan.usage_interval) s.crossed_at = at;
  }
}

void MaintenancePlanner::record_done(const std::string& plan_id, Instant at) {
  auto it = plans_.find(plan_id);
  if (it == plans_.end()) throw std::out_of_range("maintenance: unknown plan '" + plan_id + "'");
  PlanState& s = it->second;
  s.last_done = at;
  s.usage_at_done = usage(s.plan.asset);
  s.crossed_at.reset();
  ++s.services;
  s.ticket_open = false;
}

const MaintenancePlanner::PlanState& MaintenancePlanner::state(const std::string& plan_id) const {
  auto it = plans_.find(plan_id);
  if (it == plans_.end()) throw std::out_of_range("maintenance: unknown plan '" + plan_id + "'");
  return it->second;
}

std::optional<PmDue> MaintenancePlanner::due(const std::string& plan_id) const {
  const PlanState& s = state(plan_id);
  if (s.plan.trigger == PmTrigger::Calendar) {
    return PmDue{s.plan.id, s.last_done + s.plan.interval, false};
  }
  if (s.crossed_at) return PmDue{s.plan.id, *s.crossed_at, false};
  // Linear forecast: the average rate of use since the last service continues.
  auto it = usage_.find(s.plan.asset);
  if (it == usage_.end()) return std::nullopt;
  const double used = it->second.total - s.usage_at_done;
  const Span elapsed = it->second.last_at - s.last_done;
  if (used <= 0.0 || elapsed.us <= 0) return std::nullopt;
  const double rate_per_us = used / static_cast<double>(elapsed.us);
  const double remaining_us = (s.plan.usage_interval - used) / rate_per_us;
  return PmDue{s.plan.id, it->second.last_at + Span{static_cast<std::int64_t>(remaining_us)}, true};
}

std::vector<PmDue> MaintenancePlanner::due_before(Instant until) const {
  std::vector<PmDue> out;
  for (const auto& [id, s] : plans_) {
    std::optional<PmDue> d = due(id);
    if (d && d->due <= until) out.push_back(*d);
  }
  std::sort(out.begin(), out.end(), [](const PmDue& a, const PmDue& b) {
    return std::tie(a.due, a.plan) < std::tie(b.due, b.plan);
  });
  return out;
}

std::vector<Ticket> MaintenancePlanner::make_tickets(Instant now) {
  std::vector<PmDue> dues = due_before(Instant{INT64_MAX});
  std::vector<Ticket> out;
  for (const PmDue& d : dues) {
    PlanState& s = plans_.find(d.plan)->second;
    if (s.ticket_open || d.due - s.plan.lead_time > now) continue;
    Ticket t;
    t.id = s.plan.id + "#" + std::to_string(s.services + 1);
    t.kind = TicketKind::PreventiveMaintenance;
    t.priority = s.plan.priority;
    t.created = now;
    t.sla_deadline = d.due;
    t.required_skill = s.plan.skill;
    t.location = s.plan.location;
    t.estimated_duration = s.plan.duration;
    s.ticket_open = true;
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace labtwin::core
