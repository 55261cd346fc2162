// IntervalIndex against a brute-force list of intervals under thousands of random operations.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "labtwin/core/instruments/interval_index.hpp"
#include "labtwin_test/splitmix.hpp"

namespace labtwin::core::instruments {
namespace {

using Entry = IntervalIndex::Entry;

// The reference: a plain vector scanned linearly.
std::optional<Entry> brute_first_overlap(const std::vector<Entry>& v, Instant s, Instant e) {
  std::optional<Entry> best;
  if (!(s < e)) return best;
  for (const Entry& x : v) {
    if (x.start < e && s < x.end && (!best || x.start < best->start)) best = x;
  }
  return best;
}

TEST(IntervalIndex, EdgesAreHalfOpen) {
  IntervalIndex idx;
  ASSERT_TRUE(idx.insert(Instant{10}, Instant{20}, 1));
  EXPECT_FALSE(idx.overlaps(Instant{0}, Instant{10}));   // touches the start
  EXPECT_FALSE(idx.overlaps(Instant{20}, Instant{30}));  // touches the end
  EXPECT_TRUE(idx.overlaps(Instant{19}, Instant{21}));
  EXPECT_TRUE(idx.overlaps(Instant{0}, Instant{11}));
  EXPECT_TRUE(idx.overlaps(Instant{12}, Instant{13}));   // inside
  EXPECT_TRUE(idx.overlaps(Instant{0}, Instant{100}));   // contains
  EXPECT_FALSE(idx.overlaps(Instant{15}, Instant{15}));  // empty query
  EXPECT_FALSE(idx.insert(Instant{15}, Instant{25}, 2));
  EXPECT_FALSE(idx.insert(Instant{30}, Instant{30}, 3));  // empty interval
  EXPECT_TRUE(idx.insert(Instant{20}, Instant{30}, 4));
  EXPECT_EQ(idx.covering(Instant{20})->id, 4U);
  EXPECT_EQ(idx.covering(Instant{19})->id, 1U);
  EXPECT_FALSE(idx.covering(Instant{30}).has_value());
  EXPECT_FALSE(idx.erase(Instant{20}, 1));  // wrong owner
  EXPECT_TRUE(idx.erase(Instant{20}, 4));
  EXPECT_EQ(idx.size(), 1U);
}

TEST(IntervalIndex, MatchesBruteForceOnRandomOperations) {
  test::SplitMix64 rng{1234};
  IntervalIndex idx;
  std::vector<Entry> ref;
  std::uint32_t next_id = 0;
  int inserted = 0;
  int rejected = 0;
  for (int step = 0; step < 20000; ++step) {
    const auto s = static_cast<std::int64_t>(rng.below(10000));
    const auto len = static_cast<std::int64_t>(rng.below(60));  // 0 = empty interval
    const Instant a{s};
    const Instant b{s + len};
    const std::uint64_t op = rng.below(10);
    if (op < 5) {
      const bool free = len > 0 && !brute_first_overlap(ref, a, b).has_value();
      const std::uint32_t id = next_id++;
      ASSERT_EQ(idx.insert(a, b, id), free) << "step " << step;
      if (free) {
        ref.push_back(Entry{a, b, id});
        ++inserted;
      } else {
        ++rejected;
      }
    } else if (op < 7 && !ref.empty()) {
      const std::size_t k = rng.below(ref.size());
      ASSERT_TRUE(idx.erase(ref[k].start, ref[k].id));
      ref.erase(ref.begin() + static_cast<std::ptrdiff_t>(k));
    } else {
      const auto expect = brute_first_overlap(ref, a, b);
      const auto got = idx.first_overlap(a, b);
      ASSERT_EQ(got.has_value(), expect.has_value()) << "step " << step;
      if (got) {
        ASSERT_EQ(*got, *expect);
      }
      std::vector<Entry> seen;
      idx.for_each_overlap(a, b, [&](const Entry& x) { seen.push_back(x); });
      std::vector<Entry> want;
      for (const Entry& x : ref) {
        if (len > 0 && x.start < b && a < x.end) want.push_back(x);
      }
      std::sort(want.begin(), want.end(),
                [](const Entry& l, const Entry& r) { return l.start < r.start; });
      ASSERT_EQ(seen, want) << "step " << step;
    }
    ASSERT_EQ(idx.size(), ref.size());
  }
  // Both branches were exercised many times.
  EXPECT_GT(inserted, 1000);
  EXPECT_GT(rejected, 1000);
}

}  // namespace
}  // namespace labtwin::core::instruments
