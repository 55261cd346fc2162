// Every booking-ledger command: the accepted path, each rejection reason (a rejection leaves the
// state, the log and the published events exactly as they were), the state machine, the
// waitlist, bumps with their re-offers and notice, breakdowns, and bills of materials.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "labtwin/core/dispatch/dispatcher.hpp"
#include "labtwin/core/instruments/booking_ledger.hpp"
#include "labtwin/core/inventory/ledger.hpp"
#include "labtwin/core/schedule/shift_calendar.hpp"

namespace labtwin::core::instruments {
namespace {

class RecordingSink final : public EventSink {
 public:
  void publish(const DomainEvent& e) override { events.push_back(e); }
  std::vector<DomainEvent> events;
};

// Monday 2026-01-05 00:00 UTC (site offset 0).
const Instant kMonday = local_to_utc(CivilDate{2026, 1, 5}, 0, Span{});

Instant at(int day, double hour) { return kMonday + Span::days(day) + Span::hours(hour); }

class BookingLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock.set(at(0, 7));
    Instrument seq;
    seq.id = "SEQ-1";
    seq.type = "sequencer";
    seq.site = "HQ";
    seq.room = "R2";
    seq.capabilities = {"paired-end"};
    seq.hours.add_weekly(weekdays::kMonFri, 8 * 60, 18 * 60);
    seq.rules.min_slot = Span::hours(1);
    seq.rules.max_slot = Span::hours(8);
    seq.rules.granularity = Span::minutes(30);
    seq.rules.book_ahead = Span::days(28);
    seq.rules.late_cancel_cutoff = Span::hours(24);
    const Result r = ledger.execute(AddInstrument{seq, ""});
    EXPECT_TRUE(r.ok()) << r.text;
    ins = InstrumentId{r.id};
  }

  BookingId book(Instant s, Instant e, const std::string& user = "ana", bool waitlist = false,
                 RunTypeId rt = kNoRunType) {
    const Result r = ledger.execute(Request{ins, user, "P1", s, e, rt, waitlist, ""});
    EXPECT_TRUE(r.ok()) << r.text;
    return BookingId{r.id};
  }
  const Booking& b(BookingId id) const { return ledger.state().booking(id); }
  void ok(const Result& r) const { EXPECT_TRUE(r.ok()) << to_string(r.reason) << ": " << r.text; }

  template <typename C>
  void expect_rejected(const C& c, Reason reason) {
    const BookingLedgerState before = ledger.snapshot();
    const std::size_t n_events = ledger.events().size();
    const std::size_t n_published = sink.events.size();
    const Result r = ledger.execute(c);
    EXPECT_EQ(r.reason, reason) << "got " << to_string(r.reason) << ": " << r.text;
    EXPECT_FALSE(r.text.empty());
    EXPECT_EQ(r.first_seq, 0U);
    EXPECT_TRUE(ledger.state() == before) << "state changed by a rejected command";
    EXPECT_EQ(ledger.events().size(), n_events);
    EXPECT_EQ(sink.events.size(), n_published);
  }

  ManualClock clock;
  RecordingSink sink;
  BookingLedger ledger{clock, &sink};
  InstrumentId ins{};
};

TEST_F(BookingLedgerTest, RequestConfirmsAndRejectsEachRuleWithItsReason) {
  const BookingId a = book(at(0, 9), at(0, 11));
  EXPECT_EQ(b(a).status, BookingStatus::Confirmed);
  EXPECT_EQ(sink.events.back().kind, "booking.requested");
  EXPECT_EQ(sink.events.back().entity, "booking #0");
  auto req = [&](Instant s, Instant e) { return Request{ins, "bo", "P2", s, e, kNoRunType}; };
  expect_rejected(req(at(0, 10), at(0, 12)), Reason::Overlap);
  expect_rejected(req(at(0, 17), at(0, 19)), Reason::OutsideHours);
  expect_rejected(req(at(5, 9), at(5, 11)), Reason::OutsideHours);  // Saturday
  expect_rejected(req(at(0, 12), at(0, 12.5)), Reason::TooShort);
  expect_rejected(req(at(1, 8), at(1, 17)), Reason::TooLong);
  expect_rejected(req(at(0, 12.25), at(0, 14.25)), Reason::Granularity);
  expect_rejected(req(at(0, 12), at(0, 13.25)), Reason::Granularity);
  expect_rejected(req(at(0, 6), at(0, 8)), Reason::InPast);
  expect_rejected(req(at(29, 9), at(29, 11)), Reason::TooFarAhead);
  expect_rejected(req(at(0, 12), at(0, 12)), Reason::InvalidArgument);
  expect_rejected(Request{InstrumentId{7}, "bo", "P2", at(0, 12), at(0, 13)},
                  Reason::UnknownInstrument);
  expect_rejected(Request{ins, "", "P2", at(0, 12), at(0, 13)}, Reason::InvalidArgument);
  expect_rejected(Request{ins, "bo", "P2", at(0, 12), at(0, 13), RunTypeId{3}},
                  Reason::UnknownRunType);
  // Touching slots are fine (half-open intervals).
  const BookingId c = book(at(0, 11), at(0, 13), "bo");
  EXPECT_EQ(b(c).status, BookingStatus::Confirmed);
  EXPECT_TRUE(ledger.check_invariants().empty());
}

TEST_F(BookingLedgerTest, IdempotencyKeyReplaysTheOriginalOutcome) {
  const Result first =
      ledger.execute(Request{ins, "ana", "P1", at(0, 9), at(0, 10), kNoRunType, false, "req-1"});
  ok(first);
  const std::size_t n = ledger.events().size();
  // Same key, different content: the original outcome, nothing new.
  const Result again =
      ledger.execute(Request{ins, "ana", "P1", at(0, 12), at(0, 13), kNoRunType, false, "req-1"});
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(again.first_seq, first.first_seq);
  EXPECT_EQ(ledger.events().size(), n);
  // A rejected command does not bind its key: it may be corrected and retried.
  expect_rejected(Request{ins, "ana", "P1", at(0, 9), at(0, 10), kNoRunType, false, "req-2"},
                  Reason::Overlap);
  ok(ledger.execute(Request{ins, "ana", "P1", at(0, 10), at(0, 11), kNoRunType, false, "req-2"}));
}

TEST_F(BookingLedgerTest, LifeCycleCheckInCompleteUsageAndEarlyCompletion) {
  const BookingId a = book(at(0, 9), at(0, 12));
  expect_rejected(Complete{a}, Reason::InvalidTransition);
  clock.set(at(0, 8.5));
  expect_rejected(CheckIn{a}, Reason::TooEarly);  // opens 15 min before
  clock.set(at(0, 8.75));
  ok(ledger.execute(CheckIn{a}));
  EXPECT_EQ(b(a).status, BookingStatus::CheckedIn);
  expect_rejected(Cancel{a}, Reason::InvalidTransition);
  expect_rejected(CheckIn{a}, Reason::InvalidTransition);
  clock.set(at(0, 11));  // one hour early: the rest of the slot is freed
  ok(ledger.execute(Complete{a}));
  EXPECT_EQ(b(a).status, BookingStatus::Completed);
  EXPECT_EQ(b(a).end, at(0, 11));
  EXPECT_EQ(ledger.state().book(ins).usage, Span::hours(2));
  EXPECT_FALSE(ledger.state().book(ins).slots.overlaps(at(0, 11), at(0, 12)));
  ok(ledger.execute(Request{ins, "bo", "P2", at(0, 11), at(0, 12)}));
  EXPECT_TRUE(ledger.check_invariants().empty());
}

TEST_F(BookingLedgerTest, CancelLateCancelAndNoShow) {
  const BookingId early = book(at(2, 9), at(2, 10));
  const BookingId late = book(at(0, 15), at(0, 16));
  const BookingId absent = book(at(0, 9), at(0, 10));
  ok(ledger.execute(Cancel{early}));  // 50 h ahead, cut-off 24 h
  EXPECT_EQ(b(early).status, BookingStatus::Cancelled);
  ok(ledger.execute(Cancel{late}));  // 8 h ahead
  EXPECT_EQ(b(late).status, BookingStatus::LateCancelled);
  clock.set(at(0, 9.1));
  expect_rejected(NoShow{absent}, Reason::TooEarly);  // grace 15 min
  clock.set(at(0, 9.25));
  ok(ledger.execute(NoShow{absent}));
  EXPECT_EQ(b(absent).status, BookingStatus::NoShow);
  expect_rejected(Cancel{absent}, Reason::InvalidTransition);
  expect_rejected(NoShow{BookingId{99}}, Reason::UnknownBooking);
  EXPECT_TRUE(ledger.state().book(ins).slots.empty());
}

TEST_F(BookingLedgerTest, ApprovalHoldsTheSlotUntilApprovedOrRejected) {
  Instrument ms;
  ms.id = "MS-1";
  ms.type = "mass_spec";
  ms.rules.needs_approval = true;
  ms.rules.granularity = Span::hours(1);
  ms.rules.min_slot = Span::hours(1);
  const InstrumentId m{ledger.execute(AddInstrument{ms}).id};
  const Result r1 = ledger.execute(Request{m, "ana", "P1", at(0, 20), at(0, 22)});  // 24/7
  ok(r1);
  EXPECT_EQ(b(BookingId{r1.id}).status, BookingStatus::Requested);
  expect_rejected(Request{m, "bo", "P1", at(0, 21), at(0, 23)}, Reason::Overlap);
  const Result w = ledger.execute(Request{m, "bo", "P1", at(0, 21), at(0, 23), kNoRunType, true});
  ok(w);
  EXPECT_EQ(b(BookingId{w.id}).status, BookingStatus::Waitlisted);
  expect_rejected(CheckIn{BookingId{r1.id}}, Reason::InvalidTransition);
  ok(ledger.execute(Reject{BookingId{r1.id}, "not trained"}));
  EXPECT_EQ(b(BookingId{r1.id}).status, BookingStatus::Rejected);
  // The freed slot went to the waitlisted request, which now needs approval itself.
  EXPECT_EQ(b(BookingId{w.id}).status, BookingStatus::Requested);
  ok(ledger.execute(Approve{BookingId{w.id}}));
  EXPECT_EQ(b(BookingId{w.id}).status, BookingStatus::Confirmed);
  expect_rejected(Approve{BookingId{w.id}}, Reason::InvalidTransition);
  expect_rejected(AddInstrument{ms}, Reason::DuplicateId);
}

TEST_F(BookingLedgerTest, WaitlistOffersAFreedSlotToTheFirstRequestThatFits) {
  const BookingId a = book(at(0, 9), at(0, 13));
  const BookingId w1 = book(at(0, 10), at(0, 15), "w1", true);  // overlaps a
  EXPECT_EQ(b(w1).status, BookingStatus::Waitlisted);
  const BookingId blocker = book(at(0, 14), at(0, 16), "c");
  const BookingId w2 = book(at(0, 9), at(0, 11), "w2", true);
  const BookingId w3 = book(at(0, 11), at(0, 13), "w3", true);
  ok(ledger.execute(Cancel{a}));
  // w1 (10-15) still overlaps the blocker, so the slot goes to w2 and w3, in request order.
  EXPECT_EQ(b(w1).status, BookingStatus::Waitlisted);
  EXPECT_EQ(b(w2).status, BookingStatus::Confirmed);
  EXPECT_EQ(b(w3).status, BookingStatus::Confirmed);
  EXPECT_EQ(b(blocker).status, BookingStatus::Confirmed);
  ASSERT_EQ(ledger.state().book(ins).waitlist.size(), 1U);
  // Its start passes while waiting: at the next offer it expires.
  clock.set(at(0, 10.5));
  ok(ledger.execute(Cancel{blocker}));
  EXPECT_EQ(b(w1).status, BookingStatus::Expired);
  EXPECT_TRUE(ledger.state().book(ins).waitlist.empty());
  EXPECT_TRUE(ledger.check_invariants().empty());
}

TEST_F(BookingLedgerTest, MaintenanceWindowBumpsAndReOffersTheNextFreeSlot) {
  const BookingId a = book(at(1, 9), at(1, 11), "ana");  // Tue 9-11
  const BookingId c = book(at(1, 12), at(1, 15), "bo");  // Tue 12-15
  const BookingId d = book(at(1, 16), at(1, 17), "cy");  // Tue 16-17 (outside the window)
  const BookingId e = book(at(2, 8), at(2, 10), "dee");  // Wed 8-10
  const Result w = ledger.execute(
      AddMaintenanceWindow{ins, at(1, 8), at(1, 16), WindowKind::Maintenance, "PM-SEQ-90d"});
  ok(w);
  // Policy: same duration, earliest start at or after the window end, within hours, free.
  // a (2 h) fits 16:00? No, d holds 16-17, and 17-19 crosses 18:00 -> Wed 10:00 (after e).
  EXPECT_EQ(b(a).start, at(2, 10));
  EXPECT_EQ(b(a).end, at(2, 12));
  EXPECT_EQ(b(a).status, BookingStatus::Confirmed);
  EXPECT_EQ(b(a).bumps, 1U);
  EXPECT_EQ(b(a).original_start, at(1, 9));
  // c (3 h) comes next: Wed 12-15.
  EXPECT_EQ(b(c).start, at(2, 12));
  EXPECT_EQ(b(d).start, at(1, 16));
  EXPECT_EQ(b(d).bumps, 0U);
  EXPECT_EQ(b(e).start, at(2, 8));
  // The notice (original start - bump time) is in the event.
  bool found = false;
  for (const Event& ev : ledger.events()) {
    if (const auto* bump = std::get_if<BookingBumped>(&ev.body); bump && bump->booking == a) {
      EXPECT_EQ(bump->notice, Span::hours(26));  // Mon 07:00 -> Tue 09:00
      EXPECT_EQ(bump->window, WindowId{w.id});
      found = true;
    }
  }
  EXPECT_TRUE(found);
  expect_rejected(Request{ins, "x", "P", at(1, 9), at(1, 10)}, Reason::InMaintenance);
  expect_rejected(AddMaintenanceWindow{ins, at(0, 6), at(0, 8), WindowKind::Calibration, "cal"},
                  Reason::InPast);
  EXPECT_TRUE(ledger.check_invariants().empty());
}

TEST_F(BookingLedgerTest, BumpWithoutAFreeSlotWithinTheBookAheadLimitEndsBumped) {
  const BookingId a = book(at(1, 9), at(1, 11));
  // A window up to the book-ahead limit leaves nowhere to go.
  ok(ledger.execute(AddMaintenanceWindow{ins, at(1, 8), at(40, 0), WindowKind::Maintenance}));
  EXPECT_EQ(b(a).status, BookingStatus::Bumped);
  EXPECT_TRUE(ledger.state().book(ins).slots.empty());
}

TEST_F(BookingLedgerTest, WindowOverARunningBookingIsRejectedAsInUse) {
  const BookingId a = book(at(0, 9), at(0, 12));
  clock.set(at(0, 9));
  ok(ledger.execute(CheckIn{a}));
  expect_rejected(AddMaintenanceWindow{ins, at(0, 10), at(0, 11), WindowKind::Calibration},
                  Reason::InUse);
}

TEST_F(BookingLedgerTest, BreakdownLosesTheRunBumpsTheOutageAndOpensARepairTicket) {
  MatrixTravelTimes travel = MatrixTravelTimes::line(1, Span::minutes(1));
  NullEventSink null;
  Dispatcher dispatch(clock, null, travel);
  ledger.set_dispatcher(&dispatch);
  const BookingId running = book(at(0, 9), at(0, 12));
  const BookingId later = book(at(0, 13), at(0, 14), "bo");
  const BookingId after = book(at(0, 17), at(0, 18), "cy");
  clock.set(at(0, 9));
  ok(ledger.execute(CheckIn{running}));
  clock.set(at(0, 10));
  ok(ledger.execute(ReportBreakdown{ins, Span::hours(5), "laser fault", "optics"}));
  EXPECT_TRUE(ledger.state().book(ins).down());
  EXPECT_EQ(b(running).status, BookingStatus::LostBreakdown);
  // later (13-14) is in the outage [10, 15): re-offered at 15:00; after is untouched.
  EXPECT_EQ(b(later).start, at(0, 15));
  EXPECT_EQ(b(later).bumps, 1U);
  EXPECT_EQ(b(after).start, at(0, 17));
  EXPECT_EQ(dispatch.ticket("repair:SEQ-1#0").required_skill, "optics");
  EXPECT_EQ(dispatch.ticket("repair:SEQ-1#0").kind, TicketKind::Repair);
  expect_rejected(ReportBreakdown{ins, Span::hours(1), "again"}, Reason::InvalidTransition);
  expect_rejected(Request{ins, "x", "P", at(0, 11), at(0, 12)}, Reason::InstrumentDown);
  const BookingId wait = book(at(0, 11), at(0, 12), "x", true);  // waits for the repair
  EXPECT_EQ(b(wait).status, BookingStatus::Waitlisted);
  // Early repair frees the rest of the outage; the waitlisted request gets its slot.
  ledger.set_dispatcher(nullptr);
  clock.set(at(0, 10.5));
  ok(ledger.execute(RepairDone{ins}));
  EXPECT_FALSE(ledger.state().book(ins).down());
  EXPECT_EQ(b(wait).status, BookingStatus::Confirmed);
  expect_rejected(RepairDone{ins}, Reason::InvalidTransition);
  EXPECT_TRUE(ledger.check_invariants().empty());
}

TEST_F(BookingLedgerTest, CheckInWhileDownLosesTheRun) {
  const BookingId a = book(at(0, 9), at(0, 10));
  clock.set(at(0, 8.9));
  ok(ledger.execute(ReportBreakdown{ins, Span::minutes(30), "pump"}));  // outage to 09:24
  EXPECT_EQ(b(a).start, at(0, 9.5));                                    // bumped to 09:30
  clock.set(at(0, 9.5));  // repair overran: still down at the new start
  ok(ledger.execute(CheckIn{a}));
  EXPECT_EQ(b(a).status, BookingStatus::LostBreakdown);
}

TEST_F(BookingLedgerTest, WeeklyQuotaPerUser) {
  Instrument conf;
  conf.id = "CONF-1";
  conf.rules.granularity = Span::hours(1);
  conf.rules.min_slot = Span::hours(1);
  conf.rules.max_slot = Span::hours(10);
  conf.rules.weekly_quota = Span::hours(6);
  const InstrumentId c{ledger.execute(AddInstrument{conf}).id};
  ok(ledger.execute(Request{c, "ana", "P1", at(0, 8), at(0, 12)}));
  ok(ledger.execute(Request{c, "ana", "P1", at(3, 8), at(3, 10)}));  // 6 h: at the quota
  expect_rejected(Request{c, "ana", "P1", at(4, 8), at(4, 9)}, Reason::OverQuota);
  ok(ledger.execute(Request{c, "bo", "P1", at(4, 8), at(4, 9)}));   // another user
  ok(ledger.execute(Request{c, "ana", "P1", at(7, 8), at(7, 9)}));  // next week (Monday)
  // find_slot skips to the next week when this one is used up.
  EXPECT_EQ(ledger.find_slot(c, at(0, 20), Span::hours(2), "ana", "P1"), at(7, 0));
  EXPECT_TRUE(ledger.check_invariants().empty());
}

TEST_F(BookingLedgerTest, CheckInIssuesTheBillOfMaterialsOrLosesTheRunIssuingNothing) {
  using namespace inventory;
  NullEventSink null;
  Ledger stock(clock, &null);
  const LocId site{stock.execute(AddLocation{.code = "HQ"}).id};
  const LocId room{
      stock.execute(AddLocation{.code = "R", .kind = LocationKind::Room, .parent = site}).id};
  const LocId fr{stock
                     .execute(AddLocation{.code = "F",
                                          .kind = LocationKind::StorageUnit,
                                          .parent = room,
                                          .storage = StorageClass::Plus4C})
                     .id};
  const SkuId flow{stock.execute(RegisterItem{{"FLOWCELL", "ea", StorageClass::Plus4C, 900}}).id};
  const SkuId kit{stock.execute(RegisterItem{{"KIT", "ea", StorageClass::Plus4C, 300}}).id};
  const LotId l1{stock.execute(Receive{flow, "FC-1", 1.0, fr}).id};
  const LotId l2{stock.execute(Receive{kit, "K-1", 3.0, fr}).id};
  ok(ledger.execute(AddRunType{RunType{"s4", {{flow, 1.0}, {kit, 1.0}, {kit, 1.0}}}}));
  stock.execute(ReleaseQc{l1});
  stock.execute(ReleaseQc{l2});
  ledger.set_stock(&stock);
  const RunTypeId s4{0};
  const BookingId a = book(at(0, 9), at(0, 11), "ana", false, s4);
  const BookingId c = book(at(0, 12), at(0, 14), "bo", false, s4);
  clock.set(at(0, 9));
  ok(ledger.execute(CheckIn{a}));
  EXPECT_EQ(b(a).status, BookingStatus::CheckedIn);
  EXPECT_DOUBLE_EQ(stock.available(flow), 0.0);
  EXPECT_DOUBLE_EQ(stock.available(kit), 1.0);
  clock.set(at(0, 12));
  const std::size_t stock_events = stock.events().size();
  ok(ledger.execute(CheckIn{c}));  // no flow cell left
  EXPECT_EQ(b(c).status, BookingStatus::LostStockout);
  EXPECT_EQ(stock.events().size(), stock_events) << "a lost run issued stock";
  EXPECT_DOUBLE_EQ(stock.available(kit), 1.0);
  const auto* lost = std::get_if<RunLost>(&ledger.events().back().body);
  ASSERT_NE(lost, nullptr);
  EXPECT_EQ(lost->cause, LossCause::Stockout);
  EXPECT_NE(lost->detail.find("FLOWCELL"), std::string::npos) << lost->detail;
  expect_rejected(AddRunType{RunType{"bad", {{flow, -1.0}}}}, Reason::InvalidArgument);
}

TEST_F(BookingLedgerTest, ReplayOfTheLogReproducesTheState) {
  book(at(0, 9), at(0, 11));
  const BookingId c = book(at(1, 9), at(1, 11), "bo");
  book(at(1, 10), at(1, 12), "cy", true);
  ok(ledger.execute(AddMaintenanceWindow{ins, at(0, 10), at(0, 12), WindowKind::Calibration}));
  ok(ledger.execute(Cancel{c}));
  ManualClock other;
  BookingLedger copy(other);
  for (const Event& e : ledger.events()) ok(copy.replay(e));
  EXPECT_TRUE(copy.state() == ledger.state());
  Event bad = ledger.events().front();
  EXPECT_EQ(copy.replay(bad).reason, Reason::InvalidArgument);
}

}  // namespace
}  // namespace labtwin::core::instruments
