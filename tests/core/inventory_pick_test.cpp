// FEFO and FIFO pick order on hand-built lots.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "labtwin/core/inventory/ledger.hpp"

namespace labtwin::core::inventory {
namespace {

constexpr Instant kT0{Span::days(10).us};
Instant day(double d) { return kT0 + Span::days(d); }

class PickTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hq = loc({.code = "HQ", .kind = LocationKind::Site});
    lab2 = loc({.code = "LAB2", .kind = LocationKind::Site});
    const LocId r1 = loc({.code = "R1", .kind = LocationKind::Room, .parent = hq});
    const LocId r2 = loc({.code = "R2", .kind = LocationKind::Room, .parent = lab2});
    fr = loc({.code = "FR",
              .kind = LocationKind::StorageUnit,
              .parent = r1,
              .storage = StorageClass::Plus4C});
    fr2 = loc({.code = "FR2",
               .kind = LocationKind::StorageUnit,
               .parent = r2,
               .storage = StorageClass::Plus4C});
    sku = SkuId{ledger.execute(RegisterItem{{"AB-1", "vial", StorageClass::Plus4C, 10}}).id};
    // Receipt order: A, B, C, D, E, F, G.
    a = lot("A", 10, fr, day(30));
    b = lot("B", 10, fr, day(10));
    c = lot("C", 10, fr, std::nullopt);
    d = lot("D", 10, fr, day(10));                    // same expiry as B, received later
    e = lot("E", 10, fr, day(1), /*release=*/false);  // quarantined
    f = lot("F", 10, fr, day(1));                     // expires before the picks
    g = lot("G", 10, fr2, day(2));                    // other site, earliest usable expiry
    clock.set(day(1));                                // F is now expired (now >= expiry)
  }
  LocId loc(const AddLocation& cmd) { return LocId{ledger.execute(cmd).id}; }
  LotId lot(const std::string& code, double q, LocId where, std::optional<Instant> exp,
            bool release = true) {
    const Result r = ledger.execute(Receive{sku, code, q, where, exp});
    EXPECT_TRUE(r.ok()) << r.reason;
    if (release) {
      EXPECT_TRUE(ledger.execute(ReleaseQc{LotId{r.id}}).ok());
    }
    return LotId{r.id};
  }
  static std::vector<LotId> lots(const std::vector<PickLine>& plan) {
    std::vector<LotId> v;
    for (const PickLine& l : plan) v.push_back(l.lot);
    return v;
  }

  ManualClock clock{kT0};
  Ledger ledger{clock};
  LocId hq{}, lab2{}, fr{}, fr2{};
  SkuId sku{};
  LotId a{}, b{}, c{}, d{}, e{}, f{}, g{};
};

TEST_F(PickTest, FefoOrdersByExpiryThenReceiptAndSkipsQuarantinedAndExpired) {
  const auto plan = ledger.plan_pick(sku, 35, PickStrategy::Fefo, hq);
  // Usable at HQ: A(30d) B(10d) C(none) D(10d); E quarantined, F expired, G elsewhere.
  EXPECT_EQ(lots(plan), (std::vector<LotId>{b, d, a, c}));
  ASSERT_EQ(plan.size(), 4u);
  EXPECT_EQ(plan[3].quantity, 5.0);
  // All sites: G (2d) comes first.
  EXPECT_EQ(lots(ledger.plan_pick(sku, 50)), (std::vector<LotId>{g, b, d, a, c}));
}

TEST_F(PickTest, FifoOrdersByReceipt) {
  const auto plan = ledger.plan_pick(sku, 45, PickStrategy::Fifo, hq);
  EXPECT_EQ(lots(plan), (std::vector<LotId>{a, b, c, d}));
  EXPECT_EQ(lots(ledger.plan_pick(sku, 50, PickStrategy::Fifo)),
            (std::vector<LotId>{a, b, c, d, g}));
}

TEST_F(PickTest, PartialQuantitiesAndShortfall) {
  std::vector<PickLine> out;
  const double shortfall =
      ledger.state().plan_pick(sku, 25, clock.now(), PickStrategy::Fefo, hq, out);
  EXPECT_EQ(shortfall, 0.0);
  EXPECT_EQ(out, (std::vector<PickLine>{{b, 10}, {d, 10}, {a, 5}}));
  const double short2 =
      ledger.state().plan_pick(sku, 100, clock.now(), PickStrategy::Fefo, hq, out);
  EXPECT_EQ(short2, 60.0);  // 40 available at HQ
  EXPECT_EQ(ledger.available(sku, hq), 40.0);
  EXPECT_EQ(ledger.available(sku), 50.0);
  EXPECT_EQ(ledger.state().on_hand(sku), 70.0);  // includes quarantined E and expired F
  EXPECT_EQ(ledger.state().on_hand(sku, lab2), 10.0);
}

TEST_F(PickTest, PlansRespectReservationsAndIssueFollowsThePlan) {
  ASSERT_TRUE(ledger.execute(Reserve{sku, 4, PickStrategy::Fefo, hq}).ok());  // 4 from B
  EXPECT_EQ(ledger.state().lot(b).reserved, 4.0);
  const auto plan = ledger.plan_pick(sku, 12, PickStrategy::Fefo, hq);
  EXPECT_EQ(plan, (std::vector<PickLine>{{b, 6}, {d, 6}}));
  const std::size_t before = ledger.events().size();
  ASSERT_TRUE(ledger.execute(Issue{sku, 12, PickStrategy::Fefo, hq}).ok());
  ASSERT_EQ(ledger.events().size(), before + 2);
  const auto& i1 = std::get<Issued>(ledger.events()[before].body);
  const auto& i2 = std::get<Issued>(ledger.events()[before + 1].body);
  EXPECT_EQ(PickLine(i1.lot, i1.quantity), plan[0]);
  EXPECT_EQ(PickLine(i2.lot, i2.quantity), plan[1]);
  EXPECT_EQ(ledger.state().lot(b).on_hand, 4.0);  // only the reserved part is left
  EXPECT_TRUE(ledger.check_invariants().empty());
}

TEST_F(PickTest, PerSiteReservedAndAvailable) {
  // Reserve 12 across all sites by FEFO: G (LAB2, 10) first, then 2 from B (HQ).
  const Result r = ledger.execute(Reserve{sku, 12});
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(ledger.state().reservation(ResId{r.id}).lines,
            (std::vector<PickLine>{{g, 10}, {b, 2}}));
  EXPECT_EQ(ledger.state().reserved(sku), 12.0);
  EXPECT_EQ(ledger.state().reserved(sku, lab2), 10.0);
  EXPECT_EQ(ledger.state().reserved(sku, hq), 2.0);
  EXPECT_EQ(ledger.available(sku, lab2), 0.0);
  EXPECT_EQ(ledger.available(sku, hq), 38.0);
  // Site-filtered issue cannot touch the other site's stock.
  EXPECT_EQ(ledger.execute(Issue{sku, 1, PickStrategy::Fefo, lab2}).error,
            Error::InsufficientStock);
}

TEST_F(PickTest, ExpiryQueries) {
  // At day 1: F expired; G expires at day 2, B and D at 10, A at 30 (E: quarantined, day 1
  // -> expired too).
  EXPECT_EQ(ledger.state().expired(clock.now()), (std::vector<LotId>{e, f}));
  EXPECT_EQ(ledger.state().expiring_within(clock.now(), Span::days(9)),
            (std::vector<LotId>{g, b, d}));
  EXPECT_TRUE(ledger.state().expiring_within(clock.now(), Span::hours(1)).empty());
}

}  // namespace
}  // namespace labtwin::core::inventory
