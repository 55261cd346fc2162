// Every ledger command: the accepted path and each rejection path. A rejection must leave the
// state, the event log and the published events exactly as they were.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "labtwin/core/inventory/ledger.hpp"

namespace labtwin::core::inventory {
namespace {

class RecordingSink final : public EventSink {
 public:
  void publish(const DomainEvent& e) override { events.push_back(e); }
  std::vector<DomainEvent> events;
};

constexpr Instant kStart{Span::days(100).us};

class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hq = add({.code = "HQ", .kind = LocationKind::Site});
    room = add({.code = "R1", .kind = LocationKind::Room, .parent = hq});
    f80 = add({.code = "F80",
               .kind = LocationKind::StorageUnit,
               .parent = room,
               .storage = StorageClass::Minus80C});
    f80b = add({.code = "F80B",
                .kind = LocationKind::StorageUnit,
                .parent = room,
                .storage = StorageClass::Minus80C});
    rack = add({.code = "RK1", .kind = LocationKind::Rack, .parent = f80});
    box = add({.code = "BX1", .kind = LocationKind::Box, .parent = rack, .capacity = 2});
    fridge = add({.code = "FR4",
                  .kind = LocationKind::StorageUnit,
                  .parent = room,
                  .storage = StorageClass::Plus4C});
    enzyme = item({"ENZ-1", "vial", StorageClass::Minus80C, 50.0});
    buffer = item({"BUF-1", "mL", StorageClass::Plus4C, 0.1});
  }

  LocId add(AddLocation c) {
    const Result r = ledger.execute(c);
    EXPECT_TRUE(r.ok()) << r.reason;
    return LocId{r.id};
  }
  SkuId item(Item i) {
    const Result r = ledger.execute(RegisterItem{i, ""});
    EXPECT_TRUE(r.ok()) << r.reason;
    return SkuId{r.id};
  }
  LotId receive(SkuId sku, const std::string& code, double q, LocId loc,
                std::optional<Instant> expiry = std::nullopt, bool release = true) {
    const Result r = ledger.execute(Receive{sku, code, q, loc, expiry, ""});
    EXPECT_TRUE(r.ok()) << r.reason;
    const LotId lot{r.id};
    if (release) {
      const Result rel = ledger.execute(ReleaseQc{lot, ""});
      EXPECT_TRUE(rel.ok()) << rel.reason;
    }
    return lot;
  }

  // Executes `c`, expects rejection with `e`, and checks that nothing changed.
  template <typename C>
  void expect_rejected(const C& c, Error e) {
    const LedgerState before = ledger.snapshot();
    const std::size_t n_events = ledger.events().size();
    const std::size_t n_published = sink.events.size();
    const Result r = ledger.execute(c);
    EXPECT_EQ(r.error, e) << "got " << to_string(r.error) << ": " << r.reason;
    EXPECT_FALSE(r.reason.empty());
    EXPECT_EQ(r.first_seq, 0u);
    EXPECT_TRUE(ledger.state() == before) << "state changed by a rejected command";
    EXPECT_EQ(ledger.events().size(), n_events);
    EXPECT_EQ(sink.events.size(), n_published);
  }

  void expect_consistent() {
    const auto v = ledger.check_invariants();
    EXPECT_TRUE(v.empty()) << v.front();
  }

  ManualClock clock{kStart};
  RecordingSink sink;
  Ledger ledger{clock, &sink};
  LocId hq{}, room{}, f80{}, f80b{}, rack{}, box{}, fridge{};
  SkuId enzyme{}, buffer{};
};

TEST_F(LedgerTest, RegisterItemAcceptsNewSkuAndRejectsBadOnes) {
  const Result r = ledger.execute(RegisterItem{{"PIP-1", "box", StorageClass::Room, 12.0}, ""});
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(ledger.state().find_sku("PIP-1"), SkuId{r.id});
  EXPECT_EQ(ledger.state().item(SkuId{r.id}).unit_value, 12.0);
  EXPECT_EQ(sink.events.back().kind, "inventory.item_registered");
  EXPECT_EQ(sink.events.back().entity, "PIP-1");
  expect_rejected(RegisterItem{{"", "ea", StorageClass::Room, 1.0}, ""}, Error::InvalidArgument);
  expect_rejected(RegisterItem{{"ENZ-1", "vial", StorageClass::Minus80C, 1.0}, ""},
                  Error::DuplicateId);
  expect_rejected(RegisterItem{{"X", "", StorageClass::Room, 1.0}, ""}, Error::InvalidArgument);
  expect_rejected(RegisterItem{{"X", "ea", StorageClass::Room, -1.0}, ""}, Error::InvalidArgument);
  expect_rejected(RegisterItem{{"X", "ea", StorageClass::Room, std::nan("")}, ""},
                  Error::InvalidArgument);
}

TEST_F(LedgerTest, ReceiveCreatesQuarantinedLotAndPublishes) {
  const Instant exp = kStart + Span::days(30);
  const Result r = ledger.execute(Receive{enzyme, "L1", 10, f80, exp, ""});
  ASSERT_TRUE(r.ok()) << r.reason;
  const Lot& lot = ledger.state().lot(LotId{r.id});
  EXPECT_EQ(lot.code, "L1");
  EXPECT_EQ(lot.qc, QcState::Quarantine);
  EXPECT_EQ(lot.on_hand, 10.0);
  EXPECT_EQ(lot.expiry, exp);
  EXPECT_EQ(ledger.state().on_hand(enzyme), 10.0);
  EXPECT_EQ(ledger.state().available(enzyme, clock.now()), 0.0);  // quarantine
  EXPECT_EQ(ledger.state().book(enzyme).received, 10.0);
  EXPECT_EQ(r.first_seq, r.last_seq);
  const Event& e = ledger.events().back();
  EXPECT_EQ(e.seq, r.first_seq);
  EXPECT_EQ(e.at, kStart);
  ASSERT_TRUE(std::holds_alternative<Received>(e.body));
  EXPECT_EQ(sink.events.back().kind, "inventory.received");
  EXPECT_EQ(sink.events.back().entity, "L1");
  EXPECT_EQ(sink.events.back().at, kStart);
  EXPECT_EQ(sink.events.size(), ledger.events().size());
  expect_consistent();
}

TEST_F(LedgerTest, ReceiveRejections) {
  receive(enzyme, "L1", 1, box);
  receive(enzyme, "L2", 1, box);
  expect_rejected(Receive{SkuId{99}, "N", 1, f80, {}, ""}, Error::UnknownSku);
  expect_rejected(Receive{enzyme, "", 1, f80, {}, ""}, Error::InvalidArgument);
  expect_rejected(Receive{enzyme, "L1", 1, f80, {}, ""}, Error::DuplicateId);
  expect_rejected(Receive{enzyme, "N", -2, f80, {}, ""}, Error::InvalidQuantity);
  expect_rejected(Receive{enzyme, "N", 0, f80, {}, ""}, Error::InvalidQuantity);
  expect_rejected(Receive{enzyme, "N", std::numeric_limits<double>::infinity(), f80, {}, ""},
                  Error::InvalidQuantity);
  expect_rejected(Receive{enzyme, "N", 1, LocId{99}, {}, ""}, Error::UnknownLocation);
  expect_rejected(Receive{enzyme, "N", 1, room, {}, ""}, Error::InvalidHierarchy);
  expect_rejected(Receive{enzyme, "N", 1, fridge, {}, ""}, Error::IncompatibleStorage);
  expect_rejected(Receive{buffer, "N", 1, f80, {}, ""}, Error::IncompatibleStorage);
  expect_rejected(Receive{enzyme, "N", 1, box, {}, ""}, Error::OverCapacity);  // box holds 2
}

TEST_F(LedgerTest, QcReleaseAndItsRejections) {
  const LotId l1 = receive(enzyme, "L1", 5, f80, kStart + Span::days(3), false);
  const Result r = ledger.execute(ReleaseQc{l1, ""});
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(ledger.state().lot(l1).qc, QcState::Released);
  EXPECT_EQ(ledger.available(enzyme), 5.0);
  expect_rejected(ReleaseQc{l1, ""}, Error::InvalidTransition);
  expect_rejected(ReleaseQc{LotId{42}, ""}, Error::UnknownLot);
  const LotId l2 = receive(enzyme, "L2", 5, f80, kStart + Span::days(1), false);
  ASSERT_TRUE(ledger.execute(RejectQc{l2, ""}).ok());
  expect_rejected(ReleaseQc{l2, ""}, Error::LotRejected);
  const LotId l3 = receive(enzyme, "L3", 5, f80, kStart + Span::days(1), false);
  clock.advance(Span::days(1));  // now == expiry: expired
  expect_rejected(ReleaseQc{l3, ""}, Error::LotExpired);
  expect_consistent();
}

TEST_F(LedgerTest, QcRejectWritesOffAndReleasesReservations) {
  const LotId l1 = receive(enzyme, "L1", 8, f80);
  const Result res = ledger.execute(Reserve{enzyme, 3, PickStrategy::Fefo, kNoLoc, ""});
  ASSERT_TRUE(res.ok());
  ASSERT_TRUE(ledger.execute(RejectQc{l1, ""}).ok());
  const Lot& lot = ledger.state().lot(l1);
  EXPECT_EQ(lot.qc, QcState::Rejected);
  EXPECT_EQ(lot.on_hand, 0.0);
  EXPECT_EQ(lot.reserved, 0.0);
  EXPECT_FALSE(ledger.state().reservation(ResId{res.id}).open());
  EXPECT_EQ(ledger.state().book(enzyme).written_off, 8.0);
  ASSERT_TRUE(std::holds_alternative<WrittenOff>(ledger.events().back().body));
  EXPECT_EQ(std::get<WrittenOff>(ledger.events().back().body).reason, WriteOffReason::QcRejected);
  expect_rejected(RejectQc{l1, ""}, Error::InvalidTransition);
  expect_rejected(RejectQc{LotId{77}, ""}, Error::UnknownLot);
  expect_consistent();
}

TEST_F(LedgerTest, ReserveRespectsAvailabilityAndRejects) {
  receive(enzyme, "L1", 4, f80, kStart + Span::days(5));
  receive(enzyme, "Q", 50, f80, {}, false);  // quarantined: not reservable
  const Result r = ledger.execute(Reserve{enzyme, 3, PickStrategy::Fefo, kNoLoc, ""});
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(ledger.state().reserved(enzyme), 3.0);
  EXPECT_EQ(ledger.available(enzyme), 1.0);
  EXPECT_EQ(ledger.state().on_hand(enzyme), 54.0);
  expect_rejected(Reserve{enzyme, 2, PickStrategy::Fefo, kNoLoc, ""}, Error::InsufficientStock);
  expect_rejected(Reserve{SkuId{9}, 1, PickStrategy::Fefo, kNoLoc, ""}, Error::UnknownSku);
  expect_rejected(Reserve{enzyme, -1, PickStrategy::Fefo, kNoLoc, ""}, Error::InvalidQuantity);
  expect_rejected(Reserve{enzyme, 1, PickStrategy::Fefo, room, ""}, Error::InvalidArgument);
  expect_rejected(Reserve{enzyme, 1, PickStrategy::Fefo, LocId{500}, ""}, Error::UnknownLocation);
  clock.advance(Span::days(5));  // L1 expires: its last unit is no longer available
  expect_rejected(Reserve{enzyme, 1, PickStrategy::Fefo, kNoLoc, ""}, Error::InsufficientStock);
  expect_consistent();
}

TEST_F(LedgerTest, ReleaseReservation) {
  receive(enzyme, "L1", 4, f80);
  const Result r = ledger.execute(Reserve{enzyme, 4, PickStrategy::Fefo, kNoLoc, ""});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ledger.available(enzyme), 0.0);
  ASSERT_TRUE(ledger.execute(ReleaseReservation{ResId{r.id}, ""}).ok());
  EXPECT_EQ(ledger.available(enzyme), 4.0);
  EXPECT_EQ(ledger.state().reserved(enzyme), 0.0);
  expect_rejected(ReleaseReservation{ResId{r.id}, ""}, Error::InvalidTransition);
  expect_rejected(ReleaseReservation{ResId{8}, ""}, Error::UnknownReservation);
  expect_consistent();
}

TEST_F(LedgerTest, IssueBySkuAndItsRejections) {
  receive(enzyme, "L1", 4, f80);
  receive(enzyme, "Q", 10, f80, {}, false);
  const Result r = ledger.execute(Issue{enzyme, 3, PickStrategy::Fefo, kNoLoc, ""});
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(ledger.state().on_hand(enzyme), 11.0);
  EXPECT_EQ(ledger.state().book(enzyme).issued, 3.0);
  EXPECT_EQ(sink.events.back().kind, "inventory.issued");
  expect_rejected(Issue{enzyme, 2, PickStrategy::Fefo, kNoLoc, ""}, Error::InsufficientStock);
  expect_rejected(Issue{SkuId{12}, 1, PickStrategy::Fefo, kNoLoc, ""}, Error::UnknownSku);
  expect_rejected(Issue{enzyme, std::nan(""), PickStrategy::Fefo, kNoLoc, ""},
                  Error::InvalidQuantity);
  expect_consistent();
}

TEST_F(LedgerTest, IssueLotRejectsQuarantinedRejectedExpiredAndReserved) {
  const LotId ok = receive(enzyme, "OK", 5, f80, kStart + Span::days(2));
  const LotId q = receive(enzyme, "Q", 5, f80, {}, false);
  const LotId rj = receive(enzyme, "RJ", 5, f80, {}, false);
  ASSERT_TRUE(ledger.execute(RejectQc{rj, ""}).ok());
  ASSERT_TRUE(ledger.execute(IssueLot{ok, 1, ""}).ok());
  EXPECT_EQ(ledger.state().lot(ok).on_hand, 4.0);
  ASSERT_TRUE(ledger.execute(Reserve{enzyme, 3, PickStrategy::Fefo, kNoLoc, ""}).ok());
  expect_rejected(IssueLot{ok, 2, ""}, Error::InsufficientStock);  // only 1 unreserved
  expect_rejected(IssueLot{q, 1, ""}, Error::LotNotReleased);
  expect_rejected(IssueLot{rj, 1, ""}, Error::LotRejected);
  expect_rejected(IssueLot{LotId{99}, 1, ""}, Error::UnknownLot);
  expect_rejected(IssueLot{ok, 0, ""}, Error::InvalidQuantity);
  clock.advance(Span::days(2));
  expect_rejected(IssueLot{ok, 1, ""}, Error::LotExpired);
  expect_consistent();
}

TEST_F(LedgerTest, IssueReservationConsumesItOnce) {
  receive(enzyme, "A", 2, f80, kStart + Span::days(4));
  receive(enzyme, "B", 5, f80b, kStart + Span::days(9));
  const Result r = ledger.execute(Reserve{enzyme, 4, PickStrategy::Fefo, kNoLoc, ""});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(ledger.state().reservation(ResId{r.id}).lines.size(), 2u);
  const Result is = ledger.execute(IssueReservation{ResId{r.id}, ""});
  ASSERT_TRUE(is.ok()) << is.reason;
  EXPECT_EQ(is.last_seq - is.first_seq + 1, 2u);  // one Issued per lot line
  EXPECT_EQ(ledger.state().on_hand(enzyme), 3.0);
  EXPECT_EQ(ledger.state().reserved(enzyme), 0.0);
  EXPECT_EQ(ledger.available(enzyme), 3.0);
  expect_rejected(IssueReservation{ResId{r.id}, ""}, Error::InvalidTransition);
  expect_rejected(IssueReservation{ResId{5}, ""}, Error::UnknownReservation);
  const Result r2 = ledger.execute(Reserve{enzyme, 1, PickStrategy::Fefo, kNoLoc, ""});
  ASSERT_TRUE(r2.ok());
  clock.advance(Span::days(20));  // the reserved lot expired meanwhile
  expect_rejected(IssueReservation{ResId{r2.id}, ""}, Error::LotExpired);
  expect_consistent();
}

TEST_F(LedgerTest, TransferWholeAndSplit) {
  const LotId l = receive(enzyme, "L1", 10, f80, kStart + Span::days(9));
  ASSERT_TRUE(ledger.execute(Reserve{enzyme, 2, PickStrategy::Fefo, kNoLoc, ""}).ok());
  // Partial: splits 5 of the 8 unreserved into a new lot "L1.<n>" in the box.
  const Result s = ledger.execute(Transfer{l, box, 5.0, ""});
  ASSERT_TRUE(s.ok()) << s.reason;
  const LotId part{s.id};
  EXPECT_NE(part, l);
  EXPECT_EQ(ledger.state().lot(part).code, "L1." + std::to_string(index(part)));
  EXPECT_EQ(ledger.state().lot(part).on_hand, 5.0);
  EXPECT_EQ(ledger.state().lot(part).qc, QcState::Released);
  EXPECT_EQ(ledger.state().lot(part).expiry, ledger.state().lot(l).expiry);
  EXPECT_EQ(ledger.state().lot(l).on_hand, 5.0);
  EXPECT_EQ(ledger.state().on_hand(enzyme), 10.0);
  EXPECT_EQ(ledger.state().occupied(box), 1u);
  // Whole: the lot and its reservation move together.
  ASSERT_TRUE(ledger.execute(Transfer{l, f80b, std::nullopt, ""}).ok());
  EXPECT_EQ(ledger.state().lot(l).location, f80b);
  EXPECT_EQ(ledger.state().lot(l).reserved, 2.0);
  EXPECT_EQ(ledger.state().lots_in(f80b), std::vector<LotId>{l});
  EXPECT_EQ(ledger.state().occupied(f80), 1u);  // only the part, in the box below F80
  expect_rejected(Transfer{l, f80b, std::nullopt, ""}, Error::InvalidArgument);  // same place
  expect_rejected(Transfer{l, fridge, std::nullopt, ""}, Error::IncompatibleStorage);
  expect_rejected(Transfer{l, room, std::nullopt, ""}, Error::InvalidHierarchy);
  expect_rejected(Transfer{l, f80, 4.0, ""}, Error::InsufficientStock);  // 3 unreserved
  expect_rejected(Transfer{l, f80, 6.0, ""}, Error::InsufficientStock);  // 5 on hand
  expect_rejected(Transfer{l, f80, -1.0, ""}, Error::InvalidQuantity);
  expect_rejected(Transfer{LotId{50}, f80, std::nullopt, ""}, Error::UnknownLot);
  receive(enzyme, "L2", 1, box);
  expect_rejected(Transfer{l, box, std::nullopt, ""}, Error::OverCapacity);
  ASSERT_TRUE(ledger.execute(IssueLot{part, 5, ""}).ok());
  expect_rejected(Transfer{part, f80b, std::nullopt, ""}, Error::InsufficientStock);  // empty
  expect_consistent();
}

TEST_F(LedgerTest, AdjustUpDownAndRejections) {
  const LotId l = receive(enzyme, "L1", 10, box);
  receive(enzyme, "L2", 1, box);
  ASSERT_TRUE(ledger.execute(Adjust{l, -2, "count", ""}).ok());
  ASSERT_TRUE(ledger.execute(Adjust{l, 0.5, "found", ""}).ok());
  EXPECT_DOUBLE_EQ(ledger.state().lot(l).on_hand, 8.5);
  EXPECT_DOUBLE_EQ(ledger.state().book(enzyme).adjusted, -1.5);
  ASSERT_TRUE(ledger.execute(Reserve{enzyme, 8, PickStrategy::Fifo, kNoLoc, ""}).ok());
  expect_rejected(Adjust{l, -1, "", ""}, Error::InsufficientStock);  // below reserved
  expect_rejected(Adjust{l, -100, "", ""}, Error::InsufficientStock);
  expect_rejected(Adjust{l, 0, "", ""}, Error::InvalidQuantity);
  expect_rejected(Adjust{LotId{9}, 1, "", ""}, Error::UnknownLot);
  const LotId bad = receive(enzyme, "BAD", 1, f80, std::nullopt, false);
  ASSERT_TRUE(ledger.execute(RejectQc{bad, ""}).ok());
  expect_rejected(Adjust{bad, 1, "found", ""}, Error::LotRejected);
  // Restocking an emptied lot needs a free slot again.
  const LotId l2 = *ledger.state().find_lot("L2");
  ASSERT_TRUE(ledger.execute(Adjust{l2, -1, "lost", ""}).ok());
  receive(enzyme, "L3", 1, box);  // takes the freed slot
  expect_rejected(Adjust{l2, 1, "found", ""}, Error::OverCapacity);
  expect_consistent();
}

TEST_F(LedgerTest, WriteOffLotAndItsRejections) {
  const LotId l = receive(enzyme, "L1", 10, f80, kStart + Span::days(1));
  ASSERT_TRUE(ledger.execute(Reserve{enzyme, 4, PickStrategy::Fefo, kNoLoc, ""}).ok());
  expect_rejected(WriteOff{l, WriteOffReason::Damaged, 7.0, ""}, Error::InsufficientStock);
  expect_rejected(WriteOff{l, WriteOffReason::Expired, std::nullopt, ""}, Error::InvalidArgument);
  expect_rejected(WriteOff{l, WriteOffReason::Damaged, -1.0, ""}, Error::InvalidQuantity);
  expect_rejected(WriteOff{LotId{3}, WriteOffReason::Damaged, 1.0, ""}, Error::UnknownLot);
  ASSERT_TRUE(ledger.execute(WriteOff{l, WriteOffReason::Damaged, 6.0, ""}).ok());
  clock.advance(Span::days(1));
  const Result all = ledger.execute(WriteOff{l, WriteOffReason::Expired, std::nullopt, ""});
  ASSERT_TRUE(all.ok()) << all.reason;
  EXPECT_EQ(ledger.state().lot(l).on_hand, 0.0);
  EXPECT_EQ(ledger.state().reserved(enzyme), 0.0);
  EXPECT_EQ(ledger.state().book(enzyme).written_off, 10.0);
  expect_rejected(WriteOff{l, WriteOffReason::Damaged, std::nullopt, ""}, Error::InsufficientStock);
  expect_consistent();
}

TEST_F(LedgerTest, WriteOffUnitClearsEveryLotBelowTheFreezerOnly) {
  const LotId a = receive(enzyme, "A", 3, f80);
  const LotId b = receive(enzyme, "B", 2, box);  // F80 / RK1 / BX1
  const LotId c = receive(enzyme, "C", 7, f80b);
  ASSERT_TRUE(ledger.execute(Reserve{enzyme, 4, PickStrategy::Fifo, kNoLoc, ""}).ok());
  EXPECT_EQ(ledger.state().lots_in(f80), (std::vector<LotId>{a, b}));
  EXPECT_DOUBLE_EQ(ledger.state().value_in(f80), 5 * 50.0);
  const Result r = ledger.execute(WriteOffUnit{f80, WriteOffReason::TemperatureExcursion, ""});
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_TRUE(ledger.state().lots_in(f80).empty());
  EXPECT_EQ(ledger.state().value_in(f80), 0.0);
  EXPECT_EQ(ledger.state().lot(c).on_hand, 7.0);
  EXPECT_EQ(ledger.state().book(enzyme).written_off, 5.0);
  EXPECT_EQ(ledger.state().reserved(enzyme), 0.0);  // reservation lines on A, B released
  EXPECT_EQ(sink.events.back().kind, "inventory.written_off");
  EXPECT_NE(sink.events.back().detail.find("temperature_excursion"), std::string::npos);
  expect_rejected(WriteOffUnit{LocId{77}, WriteOffReason::Damaged, ""}, Error::UnknownLocation);
  // "Expired" sweeps only expired lots.
  receive(enzyme, "OLD", 1, f80, kStart + Span::days(1));
  const LotId fresh = receive(enzyme, "NEW", 1, f80, kStart + Span::days(90));
  clock.advance(Span::days(2));
  ASSERT_TRUE(ledger.execute(WriteOffUnit{room, WriteOffReason::Expired, ""}).ok());
  EXPECT_EQ(ledger.state().lots_in(room), (std::vector<LotId>{c, fresh}));
  expect_consistent();
}

TEST_F(LedgerTest, RepeatedIdempotencyKeyReturnsOriginalOutcomeAndChangesNothing) {
  const Result first = ledger.execute(Receive{enzyme, "L1", 3, f80, {}, "lims-42"});
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first.duplicate);
  const LedgerState before = ledger.snapshot();
  const std::size_t n = ledger.events().size();
  // Same key, even with a different payload: the original outcome, nothing appended.
  const Result again = ledger.execute(Receive{enzyme, "L9", 99, f80, {}, "lims-42"});
  EXPECT_TRUE(again.ok());
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.first_seq, first.first_seq);
  EXPECT_EQ(again.last_seq, first.last_seq);
  EXPECT_EQ(again.id, first.id);
  EXPECT_TRUE(ledger.state() == before);
  EXPECT_EQ(ledger.events().size(), n);
  EXPECT_FALSE(ledger.state().find_lot("L9").has_value());
  // A rejected command does not bind its key: the corrected retry is accepted.
  const Result bad = ledger.execute(Issue{enzyme, 1, PickStrategy::Fefo, kNoLoc, "lims-43"});
  EXPECT_EQ(bad.error, Error::InsufficientStock);  // L1 still in quarantine
  EXPECT_EQ(ledger.state().outcome("lims-43"), nullptr);
  ASSERT_TRUE(ledger.execute(ReleaseQc{LotId{first.id}, ""}).ok());
  const Result retry = ledger.execute(Issue{enzyme, 1, PickStrategy::Fefo, kNoLoc, "lims-43"});
  ASSERT_TRUE(retry.ok());
  EXPECT_FALSE(retry.duplicate);
  // Multi-event commands record their whole span.
  const Result res = ledger.execute(Reserve{enzyme, 2, PickStrategy::Fefo, kNoLoc, "k-res"});
  ASSERT_TRUE(res.ok());
  const Result res2 = ledger.execute(Reserve{enzyme, 2, PickStrategy::Fefo, kNoLoc, "k-res"});
  EXPECT_TRUE(res2.duplicate);
  EXPECT_EQ(res2.id, res.id);
  EXPECT_EQ(ledger.state().reserved(enzyme), 2.0);
  // Keys live in the event log, so a ledger rebuilt from the log still knows them.
  Ledger rebuilt(clock);
  for (const Event& e : ledger.events()) ASSERT_TRUE(rebuilt.replay(e).ok());
  EXPECT_TRUE(rebuilt.state() == ledger.state());
  const Result dup = rebuilt.execute(Receive{enzyme, "L1", 3, f80, {}, "lims-42"});
  EXPECT_TRUE(dup.duplicate);
  EXPECT_EQ(dup.id, first.id);
}

TEST_F(LedgerTest, ReplayRejectsGapsAndKeepsState) {
  Ledger other(clock);
  Event e = ledger.events().front();
  e.seq = 5;
  const Result r = other.replay(e);
  EXPECT_EQ(r.error, Error::InvalidArgument);
  EXPECT_NE(r.reason.find("expected 1"), std::string::npos);
  EXPECT_TRUE(other.events().empty());
  EXPECT_EQ(other.state().last_seq(), 0u);
}

TEST_F(LedgerTest, CommandVariantDispatchesAndSequenceIsGapless) {
  const Command cmds[] = {Receive{enzyme, "V1", 2, f80, {}, ""}, ReleaseQc{LotId{0}, ""},
                          Issue{enzyme, 1, PickStrategy::Fefo, kNoLoc, ""}};
  for (const Command& c : cmds) ASSERT_TRUE(ledger.execute(c).ok());
  EXPECT_EQ(ledger.state().on_hand(enzyme), 1.0);
  for (std::size_t i = 0; i < ledger.events().size(); ++i) {
    EXPECT_EQ(ledger.events()[i].seq, i + 1);
  }
  ASSERT_EQ(sink.events.size(), ledger.events().size());
  for (std::size_t i = 0; i < sink.events.size(); ++i) {
    EXPECT_EQ(sink.events[i].kind, kind_of(ledger.events()[i].body));
  }
}

TEST_F(LedgerTest, LedgerWithoutSinkBehavesTheSame) {
  ManualClock c2{kStart};
  Ledger quiet(c2);
  for (const Event& e : ledger.events()) ASSERT_TRUE(quiet.replay(e).ok());
  ASSERT_TRUE(quiet.execute(Receive{enzyme, "Q1", 2, f80, {}, ""}).ok());
  ASSERT_TRUE(ledger.execute(Receive{enzyme, "Q1", 2, f80, {}, ""}).ok());
  EXPECT_TRUE(quiet.state() == ledger.state());
}

}  // namespace
}  // namespace labtwin::core::inventory
