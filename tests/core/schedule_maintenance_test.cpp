// Preventive maintenance: calendar- and usage-based due dates and PM tickets.
#include <gtest/gtest.h>

#include <stdexcept>

#include "labtwin/core/schedule/maintenance.hpp"

namespace labtwin::core {
namespace {

constexpr Instant kT0{1'780'000'000'000'000};

PmPlan calendar_plan() {
  PmPlan p;
  p.id = "freezer-7/filter";
  p.asset = "freezer-7";
  p.trigger = PmTrigger::Calendar;
  p.interval = Span::days(90);
  p.lead_time = Span::days(7);
  p.skill = "refrigeration";
  p.location = 4;
  p.duration = Span::hours(1);
  p.priority = 3;
  return p;
}

PmPlan usage_plan() {
  PmPlan p;
  p.id = "autoclave-1/seals";
  p.asset = "autoclave-1";
  p.trigger = PmTrigger::Usage;
  p.usage_interval = 500.0;  // cycles
  p.lead_time = Span::days(2);
  return p;
}

TEST(Maintenance, CalendarPlanRaisesOneTicketPerServiceWithinLeadTime) {
  MaintenancePlanner pm;
  pm.add_plan(calendar_plan(), kT0);
  const Instant due = kT0 + Span::days(90);
  ASSERT_TRUE(pm.due("freezer-7/filter").has_value());
  EXPECT_EQ(pm.due("freezer-7/filter")->due, due);
  EXPECT_FALSE(pm.due("freezer-7/filter")->forecast);
  EXPECT_TRUE(pm.make_tickets(due - Span::days(8)).empty());  // outside the lead time
  const auto tickets = pm.make_tickets(due - Span::days(7));
  ASSERT_EQ(tickets.size(), 1U);
  const Ticket& t = tickets[0];
  EXPECT_EQ(t.id, "freezer-7/filter#1");
  EXPECT_EQ(t.kind, TicketKind::PreventiveMaintenance);
  EXPECT_EQ(t.sla_deadline, due);
  EXPECT_EQ(t.created, due - Span::days(7));
  EXPECT_EQ(t.required_skill, "refrigeration");
  EXPECT_EQ(t.location, 4U);
  EXPECT_EQ(t.estimated_duration, Span::hours(1));
  EXPECT_EQ(t.priority, 3);
  EXPECT_TRUE(pm.make_tickets(due).empty());  // one open ticket per service
  // Serviced two days late: the next interval counts from the service.
  pm.record_done("freezer-7/filter", due + Span::days(2));
  EXPECT_EQ(pm.due("freezer-7/filter")->due, due + Span::days(92));
  const auto next = pm.make_tickets(due + Span::days(92));
  ASSERT_EQ(next.size(), 1U);
  EXPECT_EQ(next[0].id, "freezer-7/filter#2");
}

TEST(Maintenance, UsagePlanForecastsLinearlyThenFiresOnCrossing) {
  MaintenancePlanner pm;
  pm.record_usage("autoclave-1", 1000.0, kT0 - Span::days(30));  // history before the plan
  pm.add_plan(usage_plan(), kT0);
  EXPECT_FALSE(pm.due("autoclave-1/seals").has_value());  // no use since service: no rate
  // 20 cycles/day for 10 days = 200 cycles; 300 left at 20/day -> 15 days after the reading.
  for (int d = 1; d <= 10; ++d) pm.record_usage("autoclave-1", 20.0, kT0 + Span::days(d));
  EXPECT_DOUBLE_EQ(pm.usage("autoclave-1"), 1200.0);
  auto due = pm.due("autoclave-1/seals");
  ASSERT_TRUE(due.has_value());
  EXPECT_TRUE(due->forecast);
  EXPECT_EQ(due->due, kT0 + Span::days(25));
  EXPECT_TRUE(pm.make_tickets(kT0 + Span::days(10)).empty());  // due in 15 d, lead 2 d
  // Heavy use: crossing 500 cycles at day 12 makes it due then, not forecast.
  pm.record_usage("autoclave-1", 320.0, kT0 + Span::days(12));
  due = pm.due("autoclave-1/seals");
  ASSERT_TRUE(due.has_value());
  EXPECT_FALSE(due->forecast);
  EXPECT_EQ(due->due, kT0 + Span::days(12));
  const auto tickets = pm.make_tickets(kT0 + Span::days(12));
  ASSERT_EQ(tickets.size(), 1U);
  EXPECT_EQ(tickets[0].sla_deadline, kT0 + Span::days(12));
  pm.record_done("autoclave-1/seals", kT0 + Span::days(13));
  EXPECT_FALSE(pm.due("autoclave-1/seals").has_value());  // counter restarted
}

TEST(Maintenance, DueBeforeIsSortedAndFiltered) {
  MaintenancePlanner pm;
  PmPlan a = calendar_plan();
  a.id = "b-late";
  a.interval = Span::days(30);
  PmPlan b = calendar_plan();
  b.id = "a-early";
  b.interval = Span::days(10);
  PmPlan c = calendar_plan();
  c.id = "c-far";
  c.interval = Span::days(365);
  pm.add_plan(a, kT0);
  pm.add_plan(b, kT0);
  pm.add_plan(c, kT0);
  const auto due = pm.due_before(kT0 + Span::days(60));
  ASSERT_EQ(due.size(), 2U);
  EXPECT_EQ(due[0].plan, "a-early");
  EXPECT_EQ(due[1].plan, "b-late");
}

TEST(Maintenance, RejectsBadInput) {
  MaintenancePlanner pm;
  PmPlan p = calendar_plan();
  p.interval = Span{};
  EXPECT_THROW(pm.add_plan(p, kT0), std::invalid_argument);
  PmPlan u = usage_plan();
  u.usage_interval = 0.0;
  EXPECT_THROW(pm.add_plan(u, kT0), std::invalid_argument);
  PmPlan e = calendar_plan();
  e.id = "";
  EXPECT_THROW(pm.add_plan(e, kT0), std::invalid_argument);
  pm.add_plan(calendar_plan(), kT0);
  EXPECT_THROW(pm.add_plan(calendar_plan(), kT0), std::invalid_argument);
  EXPECT_THROW(pm.record_usage("x", -1.0, kT0), std::invalid_argument);
  EXPECT_THROW(pm.record_done("nope", kT0), std::out_of_range);
  EXPECT_THROW((void)pm.due("nope"), std::out_of_range);
}

}  // namespace
}  // namespace labtwin::core
