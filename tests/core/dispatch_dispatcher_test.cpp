// Dispatcher: life cycle, events, preemption, callouts, shifts and bad input.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "labtwin/core/dispatch/dispatcher.hpp"

namespace labtwin::core {
namespace {

class RecordingSink final : public EventSink {
 public:
  void publish(const DomainEvent& e) override { events.push_back(e); }
  std::vector<std::string> kinds_for(const std::string& entity) const {
    std::vector<std::string> k;
    for (const auto& e : events) {
      if (e.entity == entity) k.push_back(e.kind);
    }
    return k;
  }
  std::vector<DomainEvent> events;
};

// 2026-11-23 is a Monday; 10:00 UTC.
const Instant kMonday10 = local_to_utc(CivilDate{2026, 11, 23}, 10 * 60, Span{});

Ticket make_ticket(const std::string& id, int priority, LocationId loc,
                   const std::string& skill = "", bool critical = false) {
  Ticket t;
  t.id = id;
  t.kind = critical ? TicketKind::AlarmResponse : TicketKind::Restock;
  t.priority = priority;
  t.critical = critical;
  t.created = kMonday10;
  t.sla_deadline = kMonday10 + Span::hours(1);
  t.required_skill = skill;
  t.location = loc;
  t.estimated_duration = Span::minutes(30);
  return t;
}

Technician make_tech(const std::string& id, LocationId loc, std::set<std::string> skills,
                     TechnicianStatus status = TechnicianStatus::Available) {
  Technician k;
  k.id = id;
  k.location = loc;
  k.skills = std::move(skills);
  k.status = status;
  return k;
}

struct DispatcherTest : ::testing::Test {
  ManualClock clock{kMonday10};
  RecordingSink sink;
  MatrixTravelTimes travel = MatrixTravelTimes::line(10, Span::minutes(2));
};

TEST_F(DispatcherTest, LifeCycleWithEvents) {
  Dispatcher d(clock, sink, travel);
  d.add_technician(make_tech("ana", 0, {"cryo"}));
  d.open_ticket(make_ticket("T1", 1, 3, "cryo"));
  EXPECT_EQ(d.open_count(), 1U);
  const Decision dec = d.decide();
  ASSERT_EQ(dec.assignments.size(), 1U);
  EXPECT_EQ(dec.assignments[0].ticket, "T1");
  EXPECT_EQ(dec.assignments[0].technician, "ana");
  EXPECT_EQ(dec.assignments[0].travel, Span::minutes(6));  // 3 hops x 2 min
  EXPECT_EQ(dec.assignments[0].expected_start, kMonday10 + Span::minutes(6));
  EXPECT_TRUE(dec.callouts.empty());
  EXPECT_EQ(d.ticket("T1").status, TicketStatus::Assigned);
  EXPECT_EQ(d.technician("ana").status, TechnicianStatus::Travelling);
  EXPECT_EQ(d.assignee("T1"), "ana");
  EXPECT_EQ(d.open_count(), 0U);
  // A second decision with nothing open does nothing.
  EXPECT_TRUE(d.decide().assignments.empty());

  clock.advance(Span::minutes(6));
  d.start_work("T1");
  EXPECT_EQ(d.technician("ana").status, TechnicianStatus::Working);
  EXPECT_EQ(d.technician("ana").location, 3U);
  clock.advance(Span::minutes(30));
  d.complete_ticket("T1");
  EXPECT_EQ(d.ticket("T1").status, TicketStatus::Done);
  EXPECT_EQ(d.technician("ana").status, TechnicianStatus::Available);
  EXPECT_FALSE(d.assignee("T1").has_value());
  EXPECT_EQ(sink.kinds_for("T1"),
            (std::vector<std::string>{"dispatch.opened", "dispatch.assigned", "dispatch.started",
                                      "dispatch.completed"}));
  EXPECT_EQ(sink.events.back().at, kMonday10 + Span::minutes(36));
}

TEST_F(DispatcherTest, NoAssignmentWithoutQualifiedTechnician) {
  Dispatcher d(clock, sink, travel);
  d.add_technician(make_tech("bo", 0, {"electrical"}));
  d.open_ticket(make_ticket("T1", 2, 1, "cryo"));
  const Decision dec = d.decide();
  EXPECT_TRUE(dec.assignments.empty());
  EXPECT_TRUE(dec.callouts.empty());  // priority 2 > callout_max_priority 0: waits
  EXPECT_EQ(d.ticket("T1").status, TicketStatus::Open);
}

TEST_F(DispatcherTest, CriticalPreemptsRoutineWorkWhichKeepsItsCreatedTime) {
  Dispatcher d(clock, sink, travel);
  d.add_technician(make_tech("ana", 2, {"cryo"}));
  Ticket routine = make_ticket("R1", 3, 4, "cryo");
  routine.created = kMonday10 - Span::hours(2);
  d.open_ticket(routine);
  ASSERT_EQ(d.decide().assignments.size(), 1U);
  clock.advance(Span::minutes(4));
  d.start_work("R1");

  clock.advance(Span::minutes(10));
  d.open_ticket(make_ticket("C1", 0, 7, "cryo", /*critical=*/true));
  const Decision dec = d.decide();
  ASSERT_EQ(dec.assignments.size(), 1U);
  const Assignment& a = dec.assignments[0];
  EXPECT_EQ(a.ticket, "C1");
  EXPECT_EQ(a.technician, "ana");
  EXPECT_EQ(a.preempted, "R1");
  EXPECT_EQ(a.travel, Span::minutes(6));  // from R1's location 4 to 7
  EXPECT_EQ(d.ticket("R1").status, TicketStatus::Open);
  EXPECT_EQ(d.ticket("R1").created, kMonday10 - Span::hours(2));
  EXPECT_FALSE(d.assignee("R1").has_value());
  EXPECT_EQ(sink.kinds_for("R1").back(), "dispatch.preempted");

  // A critical ticket is never preempted by another critical one.
  d.open_ticket(make_ticket("C2", 0, 1, "cryo", true));
  const Decision none = d.decide();
  EXPECT_TRUE(none.assignments.empty());
  EXPECT_EQ(d.assignee("C1"), "ana");

  // After C1 and C2 are done, the routine ticket is served again.
  d.start_work("C1");
  d.complete_ticket("C1");
  ASSERT_EQ(d.decide().assignments.size(), 1U);
  EXPECT_EQ(d.assignee("C2"), "ana");  // critical first
  d.complete_ticket("C2");
  const Decision again = d.decide();
  ASSERT_EQ(again.assignments.size(), 1U);
  EXPECT_EQ(again.assignments[0].ticket, "R1");
}

TEST_F(DispatcherTest, PreemptionCanBeDisabled) {
  DispatcherConfig cfg;
  cfg.allow_preemption = false;
  Dispatcher d(clock, sink, travel, cfg);
  d.add_technician(make_tech("ana", 2, {"cryo"}));
  d.open_ticket(make_ticket("R1", 3, 4, "cryo"));
  d.decide();
  d.open_ticket(make_ticket("C1", 0, 7, "cryo", true));
  const Decision dec = d.decide();
  EXPECT_TRUE(dec.assignments.empty());
  EXPECT_EQ(d.assignee("R1"), "ana");
}

TEST_F(DispatcherTest, CalloutWhenNobodyQualifiedIsOnShift) {
  Dispatcher d(clock, sink, travel);
  d.add_technician(make_tech("day", 0, {"electrical"}));  // on shift, wrong skill
  Technician far = make_tech("far", 9, {"cryo"}, TechnicianStatus::OffShift);
  far.on_call = true;
  far.callout_delay = Span::minutes(10);  // 10 + 8 x 2 = 26 min
  Technician near = make_tech("near", 1, {"cryo"}, TechnicianStatus::OffShift);
  near.on_call = true;
  near.callout_delay = Span::minutes(20);  // 20 + 0 x 2 = 20 min
  Technician off = make_tech("off", 1, {"cryo"}, TechnicianStatus::OffShift);  // not on call
  d.add_technician(far);
  d.add_technician(near);
  d.add_technician(off);
  EXPECT_EQ(d.technician("near").status, TechnicianStatus::OnCall);
  EXPECT_EQ(d.technician("off").status, TechnicianStatus::OffShift);

  d.open_ticket(make_ticket("A1", 0, 1, "cryo", true));
  d.open_ticket(make_ticket("A2", 3, 1, "cryo"));  // routine: no callout for it
  const Decision dec = d.decide();
  EXPECT_TRUE(dec.assignments.empty());
  ASSERT_EQ(dec.callouts.size(), 1U);
  EXPECT_EQ(dec.callouts[0].ticket, "A1");
  EXPECT_EQ(dec.callouts[0].technician, "near");
  EXPECT_EQ(dec.callouts[0].expected_arrival, kMonday10 + Span::minutes(20));
  EXPECT_EQ(d.ticket("A1").status, TicketStatus::Assigned);
  EXPECT_EQ(d.technician("near").status, TechnicianStatus::Travelling);
  EXPECT_EQ(sink.kinds_for("A1").back(), "dispatch.callout");

  // A called-out technician does not count as "on shift": a second alarm calls out "far".
  d.open_ticket(make_ticket("A3", 0, 5, "cryo", true));
  const Decision second = d.decide();
  ASSERT_EQ(second.callouts.size(), 1U);
  EXPECT_EQ(second.callouts[0].technician, "far");
  EXPECT_EQ(second.callouts[0].expected_arrival, kMonday10 + Span::minutes(10 + 8));

  // After the job the called-out technician goes back on call, not on shift.
  d.start_work("A1");
  d.complete_ticket("A1");
  EXPECT_EQ(d.technician("near").status, TechnicianStatus::OnCall);
  EXPECT_EQ(d.ticket("A2").status, TicketStatus::Open);
}

TEST_F(DispatcherTest, NoCalloutWhileAQualifiedTechnicianIsOnShift) {
  Dispatcher d(clock, sink, travel);
  d.add_technician(make_tech("busy", 0, {"cryo"}));
  Technician oc = make_tech("oncall", 0, {"cryo"}, TechnicianStatus::OffShift);
  oc.on_call = true;
  d.add_technician(oc);
  Ticket routine = make_ticket("R1", 3, 0, "cryo");
  routine.critical = false;
  d.open_ticket(routine);
  d.decide();
  d.start_work("R1");
  // Priority 0 but not critical: no preemption; busy is on shift, so no callout either.
  d.open_ticket(make_ticket("P0", 0, 0, "cryo"));
  const Decision dec = d.decide();
  EXPECT_TRUE(dec.assignments.empty());
  EXPECT_TRUE(dec.callouts.empty());
  // When the on-shift technician leaves, the work in hand is requeued and callouts start.
  d.technician_unavailable("busy");
  EXPECT_EQ(d.ticket("R1").status, TicketStatus::Open);
  EXPECT_EQ(d.technician("busy").status, TechnicianStatus::OffShift);
  const Decision later = d.decide();
  ASSERT_EQ(later.callouts.size(), 1U);
  EXPECT_EQ(later.callouts[0].ticket, "P0");
}

TEST_F(DispatcherTest, CancelFreesTechnician) {
  Dispatcher d(clock, sink, travel);
  d.add_technician(make_tech("ana", 0, {}));
  d.open_ticket(make_ticket("T1", 1, 2));
  d.open_ticket(make_ticket("T2", 1, 3));
  d.decide();
  EXPECT_EQ(d.assignee("T1"), "ana");
  d.cancel_ticket("T2");  // open -> cancelled
  EXPECT_EQ(d.open_count(), 0U);
  d.cancel_ticket("T1");  // assigned -> cancelled
  EXPECT_EQ(d.technician("ana").status, TechnicianStatus::Available);
  EXPECT_EQ(d.ticket("T1").status, TicketStatus::Cancelled);
  EXPECT_THROW(d.cancel_ticket("T1"), std::logic_error);
}

TEST_F(DispatcherTest, ShiftCalendarsDriveAvailability) {
  Dispatcher d(clock, sink, travel);
  Technician k = make_tech("day", 0, {}, TechnicianStatus::OffShift);
  k.shifts.add_weekly(weekdays::kMonFri, "08:00", "16:00");
  d.add_technician(k);
  d.sync_shifts();  // Monday 10:00 UTC: on shift
  EXPECT_EQ(d.technician("day").status, TechnicianStatus::Available);
  clock.set(kMonday10 + Span::hours(7));  // 17:00
  d.sync_shifts();
  EXPECT_EQ(d.technician("day").status, TechnicianStatus::OffShift);
  d.open_ticket(make_ticket("T1", 1, 2));
  EXPECT_TRUE(d.decide().assignments.empty());
  clock.set(kMonday10 + Span::hours(22));  // Tuesday 08:00
  d.sync_shifts();
  EXPECT_EQ(d.decide().assignments.size(), 1U);
}

TEST_F(DispatcherTest, WorkMustFitInTheCurrentShift) {
  for (bool respect : {true, false}) {
    DispatcherConfig cfg;
    cfg.respect_shift_end = respect;
    Dispatcher d(clock, sink, travel, cfg);
    // Monday 10:00 UTC: "leaving" works 06:00-10:20, so 20 minutes remain.
    Technician leaving = make_tech("leaving", 1, {}, TechnicianStatus::OffShift);
    leaving.shifts.add_weekly(weekdays::kMonFri, "06:00", "10:20");
    d.add_technician(leaving);
    d.sync_shifts();
    ASSERT_EQ(d.technician("leaving").status, TechnicianStatus::Available);
    d.open_ticket(make_ticket("long", 1, 1));  // 30 min of work on the spot
    const Decision dec = d.decide();
    EXPECT_EQ(dec.assignments.size(), respect ? 0U : 1U);
    if (respect) {
      Ticket quick = make_ticket("quick", 1, 2);  // 2 min away + 15 min of work: fits
      quick.estimated_duration = Span::minutes(15);
      d.open_ticket(quick);
      const Decision q = d.decide();
      ASSERT_EQ(q.assignments.size(), 1U);
      EXPECT_EQ(q.assignments[0].ticket, "quick");
    }
  }
}

TEST_F(DispatcherTest, EveryPolicyWorksThroughTheDispatcher) {
  for (PolicyKind kind : {PolicyKind::PriorityFifo, PolicyKind::EarliestDeadline,
                          PolicyKind::NearestQualified, PolicyKind::OptimalBatch}) {
    DispatcherConfig cfg;
    cfg.policy = kind;
    Dispatcher d(clock, sink, travel, cfg);
    d.add_technician(make_tech("a", 0, {"x"}));
    d.add_technician(make_tech("b", 9, {"x", "y"}));
    d.open_ticket(make_ticket("T1", 1, 8, "y"));
    d.open_ticket(make_ticket("T2", 1, 1, "x"));
    d.open_ticket(make_ticket("T3", 2, 5, "z"));  // nobody has z
    const Decision dec = d.decide();
    ASSERT_EQ(dec.assignments.size(), 2U) << to_string(kind);
    EXPECT_EQ(d.assignee("T1"), "b") << to_string(kind);
    EXPECT_EQ(d.assignee("T2"), "a") << to_string(kind);
    EXPECT_EQ(d.ticket("T3").status, TicketStatus::Open);
  }
}

TEST_F(DispatcherTest, BadInputIsRejectedWithTheCulpritNamed) {
  Dispatcher d(clock, sink, travel);
  d.add_technician(make_tech("ana", 0, {}));
  EXPECT_THROW(d.add_technician(make_tech("ana", 0, {})), std::invalid_argument);
  EXPECT_THROW(d.add_technician(make_tech("", 0, {})), std::invalid_argument);
  EXPECT_THROW(d.add_technician(make_tech("bad", 99, {})), std::out_of_range);
  EXPECT_THROW(d.open_ticket(make_ticket("T", -1, 0)), std::invalid_argument);
  EXPECT_THROW(d.open_ticket(make_ticket("T", 0, 42)), std::out_of_range);
  d.open_ticket(make_ticket("T", 0, 0));
  EXPECT_THROW(d.open_ticket(make_ticket("T", 0, 0)), std::invalid_argument);
  EXPECT_THROW(d.start_work("T"), std::logic_error);       // still open
  EXPECT_THROW(d.complete_ticket("T"), std::logic_error);  // still open
  try {
    d.start_work("nope");
    FAIL() << "expected an exception";
  } catch (const std::out_of_range& e) {
    EXPECT_NE(std::string(e.what()).find("'nope'"), std::string::npos);
  }
  d.decide();
  EXPECT_THROW(d.technician_available("ana"), std::logic_error);  // busy
  EXPECT_THROW(d.technician_unavailable("ghost"), std::out_of_range);
}

}  // namespace
}  // namespace labtwin::core
