// Location hierarchy, capacity accounting and storage-class compatibility.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "labtwin/core/inventory/ledger.hpp"

namespace labtwin::core::inventory {
namespace {

class LocationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    site = add({.code = "HQ", .kind = LocationKind::Site});
    room = add({.code = "R1", .kind = LocationKind::Room, .parent = site});
    freezer = add({.code = "F-12",
                   .kind = LocationKind::StorageUnit,
                   .parent = room,
                   .capacity = 3,
                   .storage = StorageClass::Minus80C});
    rack = add({.code = "RK", .kind = LocationKind::Rack, .parent = freezer});
    box = add({.code = "BX", .kind = LocationKind::Box, .parent = rack, .capacity = 2});
    pos = add({.code = "BX-A1", .kind = LocationKind::Position, .parent = box, .capacity = 1});
    shelf = add({.code = "SH",
                 .kind = LocationKind::StorageUnit,
                 .parent = room,
                 .storage = StorageClass::Room});
    const Result r = ledger.execute(RegisterItem{{"CELLS", "vial", StorageClass::Minus80C, 200}});
    EXPECT_TRUE(r.ok());
    cells = SkuId{r.id};
  }
  LocId add(AddLocation c) {
    const Result r = ledger.execute(c);
    EXPECT_TRUE(r.ok()) << r.reason;
    return LocId{r.id};
  }
  template <typename C>
  void expect_rejected(const C& c, Error e) {
    const LedgerState before = ledger.snapshot();
    const Result r = ledger.execute(c);
    EXPECT_EQ(r.error, e) << to_string(r.error) << ": " << r.reason;
    EXPECT_FALSE(r.reason.empty());
    EXPECT_TRUE(ledger.state() == before);
  }
  Result receive(const std::string& code, LocId where) {
    return ledger.execute(Receive{cells, code, 1, where, {}});
  }

  ManualClock clock{Instant{0}};
  Ledger ledger{clock};
  LocId site{}, room{}, freezer{}, rack{}, box{}, pos{}, shelf{};
  SkuId cells{};
};

TEST_F(LocationTest, TreeQueries) {
  const LedgerState& s = ledger.state();
  EXPECT_EQ(s.find_location("F-12"), freezer);
  EXPECT_FALSE(s.find_location("nope").has_value());
  const auto kids = s.children(room);
  EXPECT_EQ(std::vector<LocId>(kids.begin(), kids.end()), (std::vector<LocId>{freezer, shelf}));
  EXPECT_EQ(s.path(pos), (std::vector<LocId>{site, room, freezer, rack, box, pos}));
  EXPECT_EQ(s.path_string(pos), "HQ/R1/F-12/RK/BX/BX-A1");
  EXPECT_TRUE(s.is_within(pos, freezer));
  EXPECT_FALSE(s.is_within(shelf, freezer));
  EXPECT_EQ(s.location(pos).site, site);
  EXPECT_EQ(s.location(pos).unit, freezer);
  EXPECT_EQ(s.location(room).unit, kNoLoc);
  EXPECT_EQ(s.location(pos).storage, StorageClass::Minus80C);  // inherited from the unit
  EXPECT_FALSE(s.location(room).storage.has_value());
  EXPECT_EQ(s.free_capacity(freezer), 3u);
  EXPECT_FALSE(s.free_capacity(rack).has_value());  // unlimited
}

TEST_F(LocationTest, AddLocationRejections) {
  expect_rejected(AddLocation{.code = ""}, Error::InvalidArgument);
  expect_rejected(AddLocation{.code = "F-12", .kind = LocationKind::Site}, Error::DuplicateId);
  expect_rejected(AddLocation{.code = "S2", .kind = LocationKind::Site, .parent = site},
                  Error::InvalidHierarchy);
  expect_rejected(AddLocation{.code = "R2", .kind = LocationKind::Room}, Error::InvalidHierarchy);
  expect_rejected(AddLocation{.code = "R2", .kind = LocationKind::Room, .parent = LocId{99}},
                  Error::UnknownLocation);
  expect_rejected(AddLocation{.code = "RK2", .kind = LocationKind::Rack, .parent = box},
                  Error::InvalidHierarchy);
  expect_rejected(AddLocation{.code = "BX2", .kind = LocationKind::Box, .parent = box},
                  Error::InvalidHierarchy);
  expect_rejected(AddLocation{.code = "U2", .kind = LocationKind::StorageUnit, .parent = room},
                  Error::InvalidArgument);  // no storage class
  expect_rejected(
      AddLocation{
          .code = "R3", .kind = LocationKind::Room, .parent = site, .storage = StorageClass::Room},
      Error::InvalidArgument);
  expect_rejected(
      AddLocation{.code = "BX3", .kind = LocationKind::Box, .parent = rack, .capacity = 0},
      Error::InvalidArgument);
  // Levels may be skipped downwards: a box directly on a shelf unit.
  EXPECT_TRUE(
      ledger.execute(AddLocation{.code = "SH-BOX", .kind = LocationKind::Box, .parent = shelf})
          .ok());
}

TEST_F(LocationTest, CapacityCountsLotsAtEveryLevel) {
  ASSERT_TRUE(receive("A", pos).ok());
  EXPECT_EQ(ledger.state().free_capacity(pos), 0u);
  EXPECT_EQ(ledger.state().free_capacity(box), 1u);
  EXPECT_EQ(ledger.state().free_capacity(freezer), 2u);
  expect_rejected(Receive{cells, "B", 1, pos, {}}, Error::OverCapacity);  // position full
  ASSERT_TRUE(receive("B", box).ok());
  expect_rejected(Receive{cells, "C", 1, box, {}}, Error::OverCapacity);  // box full
  ASSERT_TRUE(receive("C", rack).ok());
  expect_rejected(Receive{cells, "D", 1, freezer, {}}, Error::OverCapacity);  // unit full
  EXPECT_EQ(ledger.state().occupied(room), 3u);
  EXPECT_EQ(ledger.state().occupied(site), 3u);
  // A move inside the freezer does not need a new freezer slot.
  const LotId c = *ledger.state().find_lot("C");
  const LotId b = *ledger.state().find_lot("B");
  ASSERT_TRUE(ledger.execute(Transfer{b, rack, std::nullopt}).ok());
  ASSERT_TRUE(ledger.execute(Transfer{c, box, std::nullopt}).ok());
  // Emptying a lot frees its slot.
  ASSERT_TRUE(ledger.execute(ReleaseQc{c}).ok());
  ASSERT_TRUE(ledger.execute(IssueLot{c, 1}).ok());
  EXPECT_EQ(ledger.state().free_capacity(freezer), 1u);
  EXPECT_TRUE(receive("D", freezer).ok());
  EXPECT_TRUE(ledger.check_invariants().empty());
}

TEST_F(LocationTest, LotsInAndValue) {
  ASSERT_TRUE(receive("A", pos).ok());
  ASSERT_TRUE(ledger.execute(Receive{cells, "B", 2.5, rack, {}}).ok());
  const Result r = ledger.execute(RegisterItem{{"TIPS", "box", StorageClass::Room, 8}});
  ASSERT_TRUE(ledger.execute(Receive{SkuId{r.id}, "T", 4, shelf, {}}).ok());
  const LotId a = *ledger.state().find_lot("A");
  const LotId b = *ledger.state().find_lot("B");
  const LotId t = *ledger.state().find_lot("T");
  EXPECT_EQ(ledger.state().lots_in(freezer), (std::vector<LotId>{a, b}));
  EXPECT_EQ(ledger.state().lots_in(box), (std::vector<LotId>{a}));
  EXPECT_EQ(ledger.state().lots_in(room), (std::vector<LotId>{a, b, t}));
  EXPECT_TRUE(ledger.state().lots_in(site).size() == 3);
  // value = sum of on_hand x unit value
  EXPECT_DOUBLE_EQ(ledger.state().value_in(freezer), 1 * 200.0 + 2.5 * 200.0);
  EXPECT_DOUBLE_EQ(ledger.state().value_in(room), 700.0 + 4 * 8.0);
}

TEST(StorageClassTest, CompatibilityFollowsSafeRanges) {
  // A unit may hold an item when the unit's set point is inside the item's safe range.
  EXPECT_TRUE(can_store(StorageClass::Minus80C, StorageClass::Minus80C));
  EXPECT_TRUE(can_store(StorageClass::LN2Vapour, StorageClass::Minus80C));  // colder is safe
  EXPECT_FALSE(can_store(StorageClass::Minus20C, StorageClass::Minus80C));  // -20 > -60
  EXPECT_TRUE(can_store(StorageClass::Minus80C, StorageClass::Minus20C));
  EXPECT_FALSE(can_store(StorageClass::Minus80C, StorageClass::LN2Vapour));  // -80 > -135
  EXPECT_FALSE(can_store(StorageClass::Room, StorageClass::Plus4C));         // 20 > 8
  EXPECT_FALSE(can_store(StorageClass::Minus20C, StorageClass::Plus4C));     // would freeze
  EXPECT_TRUE(can_store(StorageClass::Room, StorageClass::SparePart));
  for (auto c : {StorageClass::Minus80C, StorageClass::Minus20C, StorageClass::Plus4C,
                 StorageClass::Room, StorageClass::LN2Vapour, StorageClass::SparePart}) {
    const StorageLimits l = storage_limits(c);
    EXPECT_LT(l.min_safe_c, l.max_safe_c) << to_string(c);
    EXPECT_TRUE(l.nominal_c >= l.min_safe_c && l.nominal_c <= l.max_safe_c) << to_string(c);
    EXPECT_TRUE(can_store(c, c)) << to_string(c);
  }
  EXPECT_EQ(storage_limits(StorageClass::Minus80C).max_safe_c, -60.0);
  EXPECT_EQ(storage_limits(StorageClass::Plus4C).max_safe_c, 8.0);
}

}  // namespace
}  // namespace labtwin::core::inventory
