// Property tests: thousands of random booking commands (valid and invalid) against the ledger.
// After every command the invariants hold (checked by the state itself and, independently, by a
// brute-force scan here), a rejected or duplicate command changed nothing, and a snapshot plus
// the replay of the later events equals the live state. Randomness: the shared test splitmix64.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "labtwin/core/instruments/booking_ledger.hpp"
#include "labtwin/core/inventory/ledger.hpp"
#include "labtwin/core/schedule/shift_calendar.hpp"
#include "labtwin_test/splitmix.hpp"

namespace labtwin::core::instruments {
namespace {

using test::SplitMix64;

const Instant kT0 = local_to_utc(CivilDate{2026, 3, 2}, 0, Span{});  // a Monday

struct Stats {
  int accepted = 0;
  int rejected = 0;
  int duplicates = 0;
  int bumped = 0;
  int completed = 0;
  int promoted = 0;
  int lost_stockout = 0;
  int lost_breakdown = 0;
  int over_quota = 0;
  int reasons[32] = {};
};

class Fuzzer {
 public:
  explicit Fuzzer(std::uint64_t seed) : rng_(seed) {}

  void build() {
    using namespace inventory;
    const LocId site{stock_.execute(AddLocation{.code = "HQ"}).id};
    const LocId room{
        stock_.execute(AddLocation{.code = "R", .kind = LocationKind::Room, .parent = site}).id};
    fridge_ = LocId{stock_
                        .execute(AddLocation{.code = "F",
                                             .kind = LocationKind::StorageUnit,
                                             .parent = room,
                                             .storage = StorageClass::Plus4C})
                        .id};
    sku_ = SkuId{stock_.execute(RegisterItem{{"KIT", "ea", StorageClass::Plus4C, 1.0}}).id};
    restock(2.0);

    Instrument a;  // office hours, quota per user, approval
    a.id = "SEQ-1";
    a.hours.add_weekly(weekdays::kMonFri, 8 * 60, 18 * 60);
    a.rules.granularity = Span::minutes(30);
    a.rules.min_slot = Span::hours(1);
    a.rules.max_slot = Span::hours(6);
    a.rules.book_ahead = Span::days(14);
    a.rules.weekly_quota = Span::hours(6);
    a.rules.needs_approval = true;
    Instrument b;  // 24/7, per-project quota
    b.id = "MS-1";
    b.rules.granularity = Span::hours(1);
    b.rules.min_slot = Span::hours(1);
    b.rules.max_slot = Span::hours(12);
    b.rules.book_ahead = Span::days(10);
    b.rules.weekly_quota = Span::hours(20);
    b.rules.quota_scope = QuotaScope::Project;
    Instrument c;  // two shifts with a night shift, no quota
    c.id = "CONF-1";
    c.hours.add_weekly(weekdays::kEveryDay, 6 * 60, 14 * 60);
    c.hours.add_weekly(weekdays::kMonFri, 22 * 60, 4 * 60);
    c.rules.granularity = Span::minutes(15);
    c.rules.min_slot = Span::minutes(30);
    c.rules.max_slot = Span::hours(4);
    for (const Instrument& i : {a, b, c}) ASSERT_TRUE(ledger_.execute(AddInstrument{i}).ok());
    ASSERT_TRUE(ledger_.execute(AddRunType{RunType{"run", {{sku_, 1.0}}}}).ok());
    ledger_.set_stock(&stock_);
  }

  void restock(double q) {
    const std::string code = "LOT" + std::to_string(lots_++);
    const auto lot =
        inventory::LotId{stock_.execute(inventory::Receive{sku_, code, q, fridge_}).id};
    stock_.execute(inventory::ReleaseQc{lot});
  }

  Command random_command() {
    const std::uint64_t k = rng_.below(100);
    const auto ins = InstrumentId{rng_.chance(5) ? 3U : rng_.below32(3)};  // 3 = unknown
    const auto bk = BookingId{rng_.below32(
        static_cast<std::uint32_t>(ledger_.state().booking_count() + 2))};  // sometimes unknown
    if (k < 45) {
      // Starts on a 15-minute grid (sometimes off it), up to 16 days ahead (sometimes past).
      // Mostly plausible: whole hours in the next 12 hours (so slots collide and quotas
      // fill up); else anywhere on the 15-minute grid up to 16 days ahead or slightly past.
      const bool plausible = rng_.chance(70);
      const std::int64_t q = plausible ? 4 * static_cast<std::int64_t>(rng_.below(12))
                                       : static_cast<std::int64_t>(rng_.below(16 * 96)) - 4;
      const std::int64_t grid = plausible ? Span::hours(1).us : Span::minutes(15).us;
      Instant s = clock_.now() + Span::minutes(15.0 * static_cast<double>(q));
      s = Instant{s.us - s.us % grid};
      if (rng_.chance(5)) s = s + Span::minutes(7);
      const Span d = rng_.chance(70)
                         ? Span::hours(static_cast<double>(1 + rng_.below(4)))
                         : Span::minutes(15.0 * static_cast<double>(1 + rng_.below(40)));
      Request r{ins, "u" + std::to_string(rng_.below(4)), "p" + std::to_string(rng_.below(3)), s,
                s + d};
      r.waitlist = rng_.chance(50);
      if (rng_.chance(40)) r.run_type = RunTypeId{0};
      return r;
    }
    if (k < 52) return Approve{pick(bk, BookingStatus::Requested, Span{})};
    if (k < 55) return Reject{pick(bk, BookingStatus::Waitlisted, Span{}), "no"};
    if (k < 65) return CheckIn{pick(bk, BookingStatus::Confirmed, Span::minutes(-10))};
    if (k < 73) return Complete{pick(bk, BookingStatus::CheckedIn, Span::minutes(45))};
    if (k < 80) return Cancel{pick(bk, BookingStatus::Confirmed, Span::days(-3))};
    if (k < 85) return NoShow{pick(bk, BookingStatus::Confirmed, Span::minutes(20))};
    if (k < 90) {
      const Instant s = clock_.now() + Span::hours(static_cast<double>(rng_.below(24 * 10)));
      return AddMaintenanceWindow{
          ins, s, s + Span::hours(static_cast<double>(1 + rng_.below(30))),
          rng_.chance(50) ? WindowKind::Maintenance : WindowKind::Calibration};
    }
    if (k < 94) {
      return ReportBreakdown{ins, Span::hours(static_cast<double>(1 + rng_.below(48))), "fault"};
    }
    return RepairDone{ins};
  }

  // Most of the time, a booking in `status` (the first after a random one), moving the clock
  // forward to its start + `offset` when that is ahead (by at most two days); else `fallback`.
  BookingId pick(BookingId fallback, BookingStatus status, Span offset) {
    const BookingLedgerState& s = ledger_.state();
    const auto n = static_cast<std::uint32_t>(s.booking_count());
    if (n == 0 || rng_.chance(25)) return fallback;
    const std::uint32_t from = rng_.below32(n);
    for (std::uint32_t i = 0; i < n; ++i) {
      const Booking& b = s.booking(BookingId{(from + i) % n});
      if (b.status != status) continue;
      const Instant t = b.start + offset;
      if (t > clock_.now() && t - clock_.now() < Span::days(2)) clock_.set(t);
      return b.id;
    }
    return fallback;
  }

  // Brute-force checks independent of the state's own check_invariants.
  void brute_force_check() const {
    const BookingLedgerState& s = ledger_.state();
    std::vector<Span> usage(s.instrument_count());
    for (std::uint32_t i = 0; i < s.booking_count(); ++i) {
      const Booking& x = s.booking(BookingId{i});
      if (x.status == BookingStatus::Completed) {
        usage[index(x.instrument)] = usage[index(x.instrument)] + (x.end - x.start);
      }
      if (!holds_slot(x.status)) continue;
      const Instrument& ins = s.instrument(x.instrument);
      for (std::uint32_t j = i + 1; j < s.booking_count(); ++j) {
        const Booking& y = s.booking(BookingId{j});
        if (holds_slot(y.status) && y.instrument == x.instrument) {
          ASSERT_FALSE(x.start < y.end && y.start < x.end) << "bookings " << i << " and " << j;
        }
      }
      for (std::uint32_t w = 0; w < s.window_count(); ++w) {
        const Window& win = s.window(WindowId{w});
        if (win.instrument == x.instrument) {
          ASSERT_FALSE(x.start < win.end && win.start < x.end)
              << "booking " << i << " window " << w;
        }
      }
      if (!ins.hours.empty()) {
        // Every 15 minutes of the slot is on shift.
        for (Instant t = x.start; t < x.end; t = t + Span::minutes(15)) {
          ASSERT_TRUE(ins.hours.on_shift(t)) << "booking " << i;
        }
      }
    }
    for (std::uint32_t i = 0; i < s.instrument_count(); ++i) {
      ASSERT_EQ(usage[i], s.book(InstrumentId{i}).usage);
    }
  }

  void run(int steps) {
    build();
    BookingLedgerState snap = ledger_.snapshot();
    std::size_t snap_events = ledger_.events().size();
    for (int step = 0; step < steps; ++step) {
      if (rng_.chance(10)) clock_.advance(Span::minutes(static_cast<double>(rng_.below(240))));
      if (rng_.below(1000) == 0) restock(static_cast<double>(1 + rng_.below(4)));
      Command cmd = random_command();
      const bool keyed = rng_.chance(20);
      std::string key;
      if (keyed) {
        key = "k" + std::to_string(rng_.below(static_cast<std::uint64_t>(step) / 4 + 1));
        std::visit([&](auto& c) { c.key = key; }, cmd);
      }
      const BookingLedgerState before = ledger_.snapshot();
      const std::size_t n_before = ledger_.events().size();
      const Result r = ledger_.execute(cmd);
      if (!r.ok() || r.duplicate) {
        ASSERT_TRUE(ledger_.state() == before) << "step " << step << " changed the state";
        ASSERT_EQ(ledger_.events().size(), n_before);
        if (!r.ok()) {
          ASSERT_FALSE(r.text.empty());
          ++stats.rejected;
          if (r.reason == Reason::OverQuota) ++stats.over_quota;
          ++stats.reasons[static_cast<std::size_t>(r.reason)];
        } else {
          ++stats.duplicates;
        }
      } else {
        ++stats.accepted;
        ASSERT_EQ(r.last_seq, ledger_.state().last_seq());
        for (std::size_t e = n_before; e < ledger_.events().size(); ++e) {
          const EventBody& body = ledger_.events()[e].body;
          if (std::holds_alternative<BookingBumped>(body)) ++stats.bumped;
          if (std::holds_alternative<RunCompleted>(body)) ++stats.completed;
          if (std::holds_alternative<WaitlistPromoted>(body)) ++stats.promoted;
          if (const auto* lost = std::get_if<RunLost>(&body)) {
            (lost->cause == LossCause::Stockout ? stats.lost_stockout : stats.lost_breakdown)++;
          }
        }
      }
      const auto bad = ledger_.check_invariants();
      ASSERT_TRUE(bad.empty()) << "step " << step << ": " << bad.front();
      if (step % 25 == 0) brute_force_check();
      if (HasFatalFailure()) return;
      if (rng_.chance(3)) {
        // Snapshot + replay of the later events equals the live state.
        BookingLedger copy(clock_, nullptr, snap);
        for (std::size_t e = snap_events; e < ledger_.events().size(); ++e) {
          ASSERT_TRUE(copy.replay(ledger_.events()[e]).ok());
        }
        ASSERT_TRUE(copy.state() == ledger_.state()) << "replay differs at step " << step;
        snap = ledger_.snapshot();
        snap_events = ledger_.events().size();
      }
    }
    // A full replay from empty reproduces the final state.
    BookingLedger full(clock_);
    for (const Event& e : ledger_.events()) ASSERT_TRUE(full.replay(e).ok());
    ASSERT_TRUE(full.state() == ledger_.state());
  }

  Stats stats;

 private:
  static bool HasFatalFailure() { return ::testing::Test::HasFatalFailure(); }

  SplitMix64 rng_;
  ManualClock clock_{kT0};
  NullEventSink null_;
  inventory::Ledger stock_{clock_, &null_};
  BookingLedger ledger_{clock_, nullptr};
  inventory::LocId fridge_{};
  inventory::SkuId sku_{};
  int lots_ = 0;
};

TEST(InstrumentsProperty, InvariantsHoldUnderRandomCommands) {
  Stats total;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    Fuzzer f(seed);
    f.run(5000);
    if (HasFatalFailure()) return;
    const Stats& s = f.stats;
    total.accepted += s.accepted;
    total.rejected += s.rejected;
    total.duplicates += s.duplicates;
    total.bumped += s.bumped;
    total.completed += s.completed;
    total.promoted += s.promoted;
    total.lost_stockout += s.lost_stockout;
    total.lost_breakdown += s.lost_breakdown;
    total.over_quota += s.over_quota;
    for (int r = 0; r < 32; ++r) total.reasons[r] += s.reasons[r];
  }
  // Over all seeds the sequences reached every interesting path (else the test proves little).
  const Stats& s = total;
  EXPECT_GT(s.accepted, 3000);
  EXPECT_GT(s.rejected, 3000);
  EXPECT_GT(s.duplicates, 100);
  EXPECT_GT(s.bumped, 50);
  EXPECT_GT(s.completed, 50);
  EXPECT_GT(s.promoted, 10);
  EXPECT_GT(s.lost_stockout, 0);
  EXPECT_GT(s.lost_breakdown, 10);
  EXPECT_GT(s.over_quota, 0);
  for (const Reason r :
       {Reason::Overlap, Reason::OutsideHours, Reason::InMaintenance, Reason::InstrumentDown,
        Reason::TooFarAhead, Reason::InPast, Reason::TooShort, Reason::TooLong, Reason::Granularity,
        Reason::UnknownInstrument, Reason::InvalidTransition}) {
    EXPECT_GT(s.reasons[static_cast<int>(r)], 0) << to_string(r);
  }
  std::printf(
      "accepted %d rejected %d duplicates %d bumped %d completed %d promoted %d "
      "lost stockout %d breakdown %d over quota %d\n",
      s.accepted, s.rejected, s.duplicates, s.bumped, s.completed, s.promoted, s.lost_stockout,
      s.lost_breakdown, s.over_quota);
}

}  // namespace
}  // namespace labtwin::core::instruments
