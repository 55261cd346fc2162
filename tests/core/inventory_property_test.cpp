// Property tests: thousands of random commands (valid and invalid) against the ledger.
// After every step the invariants hold, a rejected or duplicate command changed nothing, and
// at random points a snapshot plus the replay of the later events equals the live state.
// Randomness comes from a local splitmix64 (core code itself takes no randomness).
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "labtwin/core/inventory/ledger.hpp"
#include "labtwin_test/splitmix.hpp"

namespace labtwin::core::inventory {
namespace {

using test::SplitMix64;

// Builds "<prefix><n>" (avoids a GCC 12 -Wrestrict false positive on "lit" + std::string).
std::string name(const char* prefix, std::size_t n) {
  std::string s(prefix);
  s += std::to_string(n);
  return s;
}

class CountingSink final : public EventSink {
 public:
  void publish(const DomainEvent&) override { ++count; }
  std::size_t count = 0;
};

struct Snapshot {
  LedgerState state;
  std::size_t events = 0;
};

class Fuzzer {
 public:
  explicit Fuzzer(std::uint64_t seed) : rng_(seed) {}

  void build_world() {
    const LocId s1 = add({.code = "S1", .kind = LocationKind::Site});
    const LocId s2 = add({.code = "S2", .kind = LocationKind::Site});
    const LocId r1 = add({.code = "R1", .kind = LocationKind::Room, .parent = s1});
    const LocId r2 = add({.code = "R2", .kind = LocationKind::Room, .parent = s2});
    const StorageClass classes[] = {StorageClass::Minus80C, StorageClass::Plus4C,
                                    StorageClass::Room};
    int n = 0;
    for (LocId room : {r1, r2}) {
      for (StorageClass c : classes) {
        const LocId u = add({.code = name("U", static_cast<std::size_t>(n++)),
                             .kind = LocationKind::StorageUnit,
                             .parent = room,
                             .capacity = 40,
                             .storage = c});
        const LocId b = add({.code = name("B", static_cast<std::size_t>(n++)),
                             .kind = LocationKind::Box,
                             .parent = u,
                             .capacity = 3});
        add({.code = name("P", static_cast<std::size_t>(n++)),
             .kind = LocationKind::Position,
             .parent = b,
             .capacity = 1});
      }
    }
    for (int i = 0; i < 6; ++i) {
      const Result r = ledger_.execute(
          RegisterItem{{name("SKU", static_cast<std::size_t>(i)), "ea", classes[i % 3], 1.0 + i}});
      ASSERT_TRUE(r.ok()) << r.reason;
    }
  }

  void run(int steps) {
    for (int step = 0; step < steps; ++step) {
      clock_.advance(Span::hours(rng_.below32(4)));
      const LedgerState before = ledger_.snapshot();
      const std::size_t n_before = ledger_.events().size();
      const Command cmd = random_command();
      const Result r = ledger_.execute(cmd);
      if (r.ok() && !r.duplicate) {
        ++accepted_;
        if (r.first_seq != 0) {
          ASSERT_EQ(r.first_seq, n_before + n_setup_ + 1) << "gap in the sequence";
          ASSERT_EQ(r.last_seq, ledger_.events().size() + n_setup_);
        }
      } else {
        if (r.duplicate) {
          ++duplicates_;
        } else {
          ++rejected_;
          ++by_error_[std::string(to_string(r.error))];
          ASSERT_FALSE(r.reason.empty()) << "rejection without a reason at step " << step;
        }
        ASSERT_TRUE(ledger_.state() == before) << "state changed by a rejected/duplicate "
                                               << "command at step " << step << ": " << r.reason;
        ASSERT_EQ(ledger_.events().size(), n_before);
      }
      const auto v = ledger_.check_invariants();
      ASSERT_TRUE(v.empty()) << "step " << step << ": " << v.front();
      if (rng_.chance(1)) snaps_.push_back({ledger_.snapshot(), ledger_.events().size()});
      if (step % 97 == 0) check_pick_matches_available();
    }
    ASSERT_EQ(sink_.count, ledger_.events().size() + n_setup_);
  }

  void check_replays() {
    // Full replay from an empty state.
    ManualClock c{Instant{0}};
    Ledger full(c);
    for (const Event& e : setup_events_) ASSERT_TRUE(full.replay(e).ok());
    for (const Event& e : ledger_.events()) ASSERT_TRUE(full.replay(e).ok());
    EXPECT_TRUE(full.state() == ledger_.state());
    // Snapshot + later events.
    ASSERT_FALSE(snaps_.empty());
    for (const Snapshot& s : snaps_) {
      Ledger resumed(c, nullptr, s.state);
      for (std::size_t i = s.events; i < ledger_.events().size(); ++i) {
        ASSERT_TRUE(resumed.replay(ledger_.events()[i]).ok());
      }
      EXPECT_TRUE(resumed.state() == ledger_.state()) << "snapshot at event " << s.events;
    }
  }

  void mark_setup_done() {
    setup_events_ = ledger_.events();
    n_setup_ = setup_events_.size();
    ledger_ = Ledger(clock_, &sink_, ledger_.snapshot());
  }

  int accepted_ = 0, rejected_ = 0, duplicates_ = 0;
  std::map<std::string, int> by_error_;
  std::vector<Snapshot> snaps_;
  Ledger ledger_{clock_, &sink_};

 private:
  LocId add(AddLocation c) {
    const Result r = ledger_.execute(c);
    EXPECT_TRUE(r.ok()) << r.reason;
    return LocId{r.id};
  }

  void check_pick_matches_available() {
    // The pick planner and the availability query must agree on every SKU.
    for (std::uint32_t s = 0; s < ledger_.state().item_count(); ++s) {
      double planned = 0.0;
      for (const PickLine& l : ledger_.plan_pick(SkuId{s}, 1e12)) planned += l.quantity;
      ASSERT_NEAR(planned, ledger_.available(SkuId{s}), 1e-9);
    }
  }

  double qty() {
    static constexpr double kQ[] = {-1.0, 0.0, 0.25, 1.0, 1.0, 2.0, 2.5, 3.0, 5.0, 10.0};
    return kQ[rng_.below32(10)];
  }
  SkuId sku() { return SkuId{rng_.below32(7)}; }  // 6 items + one unknown
  LotId lot() {
    // Mostly lots that still hold stock, so commands get past the trivial rejections.
    if (rng_.chance(75)) {
      const auto& lots = ledger_.state().book(SkuId{rng_.below32(6)}).lots;
      if (!lots.empty()) return lots[rng_.below32(static_cast<std::uint32_t>(lots.size()))];
    }
    return LotId{rng_.below32(static_cast<std::uint32_t>(ledger_.state().lot_count()) + 2)};
  }
  LotId quarantined_lot() {
    // Mostly a lot waiting for QC, so that stock becomes available at a realistic rate.
    if (rng_.chance(80)) {
      for (LotId l : ledger_.state().book(SkuId{rng_.below32(6)}).lots) {
        if (ledger_.state().lot(l).qc == QcState::Quarantine) return l;
      }
    }
    return lot();
  }
  LocId loc(SkuId for_sku) {
    // Mostly a storage node whose class suits the SKU (units, boxes, positions).
    if (ledger_.state().valid(for_sku) && rng_.chance(75)) {
      const StorageClass want = ledger_.state().item(for_sku).storage;
      std::vector<LocId> ok;
      for (std::uint32_t i = 0; i < ledger_.state().location_count(); ++i) {
        const Location& l = ledger_.state().location(LocId{i});
        if (l.storage && can_store(*l.storage, want)) ok.push_back(LocId{i});
      }
      if (!ok.empty()) return ok[rng_.below32(static_cast<std::uint32_t>(ok.size()))];
    }
    return loc();
  }
  LocId loc() {
    return LocId{rng_.below32(static_cast<std::uint32_t>(ledger_.state().location_count()) + 1)};
  }
  LocId site() {
    const std::uint32_t k = rng_.below32(4);
    return k < 2 ? LocId{k} : (k == 2 ? kNoLoc : LocId{5});
  }
  ResId res() {
    return ResId{rng_.below32(static_cast<std::uint32_t>(ledger_.state().reservation_count()) + 1)};
  }
  PoId po() {
    return PoId{rng_.below32(static_cast<std::uint32_t>(ledger_.state().po_count()) + 1)};
  }
  PickStrategy strategy() { return rng_.chance(50) ? PickStrategy::Fefo : PickStrategy::Fifo; }
  std::optional<Instant> expiry() {
    if (rng_.chance(25)) return std::nullopt;
    return clock_.now() + Span::hours(static_cast<double>(rng_.below32(24 * 40)) - 24.0);
  }
  std::string key() {
    if (rng_.chance(70)) return {};
    if (!keys_.empty() && rng_.chance(30)) return keys_[rng_.below32(keys_.size())];
    keys_.push_back(name("k", static_cast<std::size_t>(keys_.size())));
    return keys_.back();
  }
  std::string code() { return name("L", static_cast<std::size_t>(rng_.below32(4000))); }

  Command random_command() {
    switch (rng_.below32(20)) {
      case 0:
      case 1:
      case 2: {
        const SkuId s = sku();
        return Receive{s, code(), qty(), loc(s), expiry(), key()};
      }
      case 3:
      case 4:
        return ReleaseQc{quarantined_lot(), key()};
      case 5:
        return RejectQc{lot(), key()};
      case 6:
      case 7:
      case 8:
        return Reserve{sku(), rng_.chance(70) ? 1.0 : qty(), strategy(), site(), key()};
      case 9:
        return ReleaseReservation{res(), key()};
      case 10:
        return Issue{sku(), qty(), strategy(), site(), key()};
      case 11:
        return IssueLot{lot(), qty(), key()};
      case 12:
        return IssueReservation{res(), key()};
      case 13: {
        const LotId l = lot();
        const SkuId s = ledger_.state().valid(l) ? ledger_.state().lot(l).sku : SkuId{0};
        return Transfer{l, loc(s), rng_.chance(50) ? std::optional<double>{} : std::optional{qty()},
                        key()};
      }
      case 14:
        return Adjust{lot(), qty() - 2.0, "count", key()};
      case 15:
        return WriteOff{lot(), static_cast<WriteOffReason>(rng_.below32(4)),
                        rng_.chance(50) ? std::optional<double>{} : std::optional{qty()}, key()};
      case 16:
        if (rng_.chance(80)) return IssueLot{lot(), qty(), key()};
        return WriteOffUnit{loc(), static_cast<WriteOffReason>(rng_.below32(4)), key()};
      case 17:
        return RequestPo{sku(), qty(), site(), "S", key()};
      case 18:
        return AdvancePo{po(), static_cast<PoState>(rng_.below32(8)), key()};
      default: {
        const PoId p = po();
        const SkuId s = ledger_.state().valid(p) ? ledger_.state().po(p).sku : SkuId{0};
        return ReceivePo{p, code(), qty(), loc(s), expiry(), key()};
      }
    }
  }

  SplitMix64 rng_;
  ManualClock clock_{Instant{Span::days(1000).us}};
  CountingSink sink_;
  std::vector<Event> setup_events_;
  std::size_t n_setup_ = 0;
  std::vector<std::string> keys_;
};

class InventoryProperty : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(InventoryProperty, RandomCommandsKeepInvariantsAndReplayExactly) {
  Fuzzer f(GetParam());
  ASSERT_NO_FATAL_FAILURE(f.build_world());
  f.mark_setup_done();
  ASSERT_NO_FATAL_FAILURE(f.run(4000));
  ASSERT_NO_FATAL_FAILURE(f.check_replays());
  // The mix must exercise both outcomes substantially, or the test proves little.
  EXPECT_GT(f.accepted_, 800) << "accepted " << f.accepted_;
  EXPECT_GT(f.rejected_, 800) << "rejected " << f.rejected_;
  EXPECT_GT(f.duplicates_, 20) << "duplicates " << f.duplicates_;
  EXPECT_GT(f.ledger_.state().lot_count(), 100u);
  EXPECT_GT(f.ledger_.state().po_count(), 50u);
  // Nearly every rejection path must have been taken (16 error kinds exist besides None).
  EXPECT_GE(f.by_error_.size(), 14u);
  std::printf(
      "seed %llu: %d accepted, %d rejected (%zu kinds), %d duplicates, %zu events, "
      "%zu lots\n",
      static_cast<unsigned long long>(GetParam()), f.accepted_, f.rejected_, f.by_error_.size(),
      f.duplicates_, f.ledger_.events().size(), f.ledger_.state().lot_count());
}

INSTANTIATE_TEST_SUITE_P(Seeds, InventoryProperty, ::testing::Values(1u, 42u, 20261125u));

}  // namespace
}  // namespace labtwin::core::inventory
