// Purchase orders: the requested -> ... -> received -> QC hold -> released / rejected saga.
#include <gtest/gtest.h>

#include "labtwin/core/inventory/ledger.hpp"

namespace labtwin::core::inventory {
namespace {

class PoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hq = LocId{ledger.execute(AddLocation{.code = "HQ", .kind = LocationKind::Site}).id};
    lab2 = LocId{ledger.execute(AddLocation{.code = "LAB2", .kind = LocationKind::Site}).id};
    const LocId r = LocId{
        ledger.execute(AddLocation{.code = "R", .kind = LocationKind::Room, .parent = hq}).id};
    const LocId r2 = LocId{
        ledger.execute(AddLocation{.code = "R2", .kind = LocationKind::Room, .parent = lab2}).id};
    fz = LocId{ledger
                   .execute(AddLocation{.code = "FZ",
                                        .kind = LocationKind::StorageUnit,
                                        .parent = r,
                                        .capacity = 1,
                                        .storage = StorageClass::Minus20C})
                   .id};
    fz2 = LocId{ledger
                    .execute(AddLocation{.code = "FZ2",
                                         .kind = LocationKind::StorageUnit,
                                         .parent = r2,
                                         .storage = StorageClass::Minus20C})
                    .id};
    sku = SkuId{ledger.execute(RegisterItem{{"PRIMER", "tube", StorageClass::Minus20C, 3}}).id};
  }
  PoId request(double q, LocId site = kNoLoc) {
    const Result r = ledger.execute(RequestPo{sku, q, site, "ACME"});
    EXPECT_TRUE(r.ok()) << r.reason;
    return PoId{r.id};
  }
  void advance(PoId po, PoState to) {
    const Result r = ledger.execute(AdvancePo{po, to});
    ASSERT_TRUE(r.ok()) << r.reason;
    EXPECT_EQ(ledger.state().po(po).state, to);
  }
  PoId shipped(double q, LocId site = kNoLoc) {
    const PoId po = request(q, site);
    advance(po, PoState::Approved);
    advance(po, PoState::Ordered);
    advance(po, PoState::Shipped);
    return po;
  }
  template <typename C>
  void expect_rejected(const C& c, Error e) {
    const LedgerState before = ledger.snapshot();
    const Result r = ledger.execute(c);
    EXPECT_EQ(r.error, e) << to_string(r.error) << ": " << r.reason;
    EXPECT_FALSE(r.reason.empty());
    EXPECT_TRUE(ledger.state() == before);
  }

  ManualClock clock{Instant{0}};
  Ledger ledger{clock};
  LocId hq{}, lab2{}, fz{}, fz2{};
  SkuId sku{};
};

TEST_F(PoTest, ReceiveQcHoldReleaseSaga) {
  const PoId po = shipped(100, hq);
  EXPECT_EQ(ledger.state().on_order(sku), 100.0);
  const Result r = ledger.execute(ReceivePo{po, "LOT-P1", 96, fz, Instant{Span::days(365).us}});
  ASSERT_TRUE(r.ok()) << r.reason;
  const LotId lot{r.id};
  EXPECT_EQ(r.last_seq - r.first_seq, 1u);  // Received + PoAdvanced
  EXPECT_EQ(ledger.state().po(po).state, PoState::QcHold);
  EXPECT_EQ(ledger.state().po(po).lot, lot);
  EXPECT_EQ(ledger.state().lot(lot).qc, QcState::Quarantine);
  EXPECT_EQ(ledger.state().lot(lot).po, po);
  EXPECT_EQ(ledger.state().on_order(sku), 0.0);  // received: no longer on order
  EXPECT_EQ(ledger.state().on_hand(sku), 96.0);
  EXPECT_EQ(ledger.available(sku), 0.0);
  ASSERT_TRUE(ledger.execute(ReleaseQc{lot}).ok());
  EXPECT_EQ(ledger.state().po(po).state, PoState::Released);
  EXPECT_EQ(ledger.available(sku), 96.0);
  EXPECT_TRUE(ledger.check_invariants().empty());
}

TEST_F(PoTest, QcRejectionWritesTheLotOff) {
  const PoId po = shipped(10);
  const Result r = ledger.execute(ReceivePo{po, "BAD", 10, fz, std::nullopt});
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(ledger.execute(RejectQc{LotId{r.id}}).ok());
  EXPECT_EQ(ledger.state().po(po).state, PoState::Rejected);
  EXPECT_EQ(ledger.state().lot(LotId{r.id}).qc, QcState::Rejected);
  EXPECT_EQ(ledger.state().on_hand(sku), 0.0);
  EXPECT_EQ(ledger.state().book(sku).written_off, 10.0);
  EXPECT_EQ(ledger.state().free_capacity(fz), 1u);  // the rejected lot no longer holds a slot
  EXPECT_TRUE(ledger.check_invariants().empty());
}

TEST_F(PoTest, OnOrderSumsOpenOrdersPerSite) {
  const PoId p1 = request(5, hq);
  const PoId p2 = request(7, lab2);
  const PoId p3 = shipped(11);
  const PoId p4 = request(13);
  advance(p4, PoState::Cancelled);
  // Open = requested, approved, ordered or shipped: 5 + 7 + 11 (cancelled p4 excluded).
  EXPECT_EQ(ledger.state().on_order(sku), 23.0);
  EXPECT_EQ(ledger.state().on_order(sku, hq), 5.0);
  EXPECT_EQ(ledger.state().on_order(sku, lab2), 7.0);
  advance(p1, PoState::Approved);
  EXPECT_EQ(ledger.state().on_order(sku), 23.0);
  ASSERT_TRUE(ledger.execute(ReceivePo{p3, "L3", 11, fz, std::nullopt}).ok());
  EXPECT_EQ(ledger.state().on_order(sku), 12.0);
  (void)p2;
}

TEST_F(PoTest, InvalidTransitionsChangeNothing) {
  const PoId po = request(3, hq);
  expect_rejected(AdvancePo{po, PoState::Ordered}, Error::InvalidTransition);  // skips approval
  expect_rejected(AdvancePo{po, PoState::Shipped}, Error::InvalidTransition);
  expect_rejected(ReceivePo{po, "X", 3, fz, std::nullopt}, Error::InvalidTransition);
  expect_rejected(AdvancePo{po, PoState::QcHold}, Error::InvalidArgument);
  expect_rejected(AdvancePo{po, PoState::Released}, Error::InvalidArgument);
  expect_rejected(AdvancePo{PoId{9}, PoState::Approved}, Error::UnknownPo);
  expect_rejected(ReceivePo{PoId{9}, "X", 3, fz, std::nullopt}, Error::UnknownPo);
  advance(po, PoState::Approved);
  expect_rejected(AdvancePo{po, PoState::Approved}, Error::InvalidTransition);  // twice
  advance(po, PoState::Ordered);
  advance(po, PoState::Shipped);
  expect_rejected(AdvancePo{po, PoState::Cancelled}, Error::InvalidTransition);       // shipped
  expect_rejected(ReceivePo{po, "X", 3, fz2, std::nullopt}, Error::InvalidArgument);  // site
  expect_rejected(ReceivePo{po, "X", -3, fz, std::nullopt}, Error::InvalidQuantity);
  expect_rejected(ReceivePo{po, "", 3, fz, std::nullopt}, Error::InvalidArgument);
  ASSERT_TRUE(ledger.execute(Receive{sku, "OTHER", 1, fz, std::nullopt}).ok());
  expect_rejected(ReceivePo{po, "X", 3, fz, std::nullopt}, Error::OverCapacity);  // FZ holds 1
  expect_rejected(ReceivePo{po, "OTHER", 3, fz2, std::nullopt}, Error::DuplicateId);
  const PoId c = request(1);
  advance(c, PoState::Cancelled);
  expect_rejected(AdvancePo{c, PoState::Approved}, Error::InvalidTransition);
  expect_rejected(RequestPo{sku, 0, kNoLoc, ""}, Error::InvalidQuantity);
  expect_rejected(RequestPo{SkuId{4}, 1, kNoLoc, ""}, Error::UnknownSku);
  expect_rejected(RequestPo{sku, 1, fz, ""}, Error::InvalidArgument);  // not a site
}

TEST(PoStateMachine, TransitionTable) {
  // Exactly the documented edges are allowed (8 x 8 table).
  const PoState all[] = {PoState::Requested, PoState::Approved, PoState::Ordered,
                         PoState::Shipped,   PoState::QcHold,   PoState::Released,
                         PoState::Rejected,  PoState::Cancelled};
  int allowed = 0;
  for (PoState from : all) {
    for (PoState to : all) allowed += can_advance(from, to) ? 1 : 0;
  }
  EXPECT_EQ(allowed, 4 + 2 + 3);  // chain steps, QC outcomes, cancellations
  EXPECT_TRUE(can_advance(PoState::Ordered, PoState::Cancelled));
  EXPECT_FALSE(can_advance(PoState::Shipped, PoState::Cancelled));
  EXPECT_FALSE(can_advance(PoState::Released, PoState::Rejected));
}

}  // namespace
}  // namespace labtwin::core::inventory
