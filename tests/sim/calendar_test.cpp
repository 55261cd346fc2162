// Calendar ordering, cancellation, heap-vs-reference cross-check and memory footprint.
#include "labtwin/sim/calendar.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <vector>

#include "labtwin/sim/random.hpp"
#include "labtwin/sim/reference_calendar.hpp"

namespace labtwin::sim {
namespace {

struct Popped {
  EventInfo info;
  int payload;
};

std::vector<Popped> drain(Calendar& cal, int* sink) {
  std::vector<Popped> out;
  EventInfo info;
  Callback cb;
  while (cal.pop(info, cb)) {
    cb();
    out.push_back({info, *sink});
  }
  return out;
}

template <class Cal>
void check_ordering_rule() {
  Cal cal;
  int last = -1;
  // Scheduled deliberately out of order: (t=5,p=0), (t=1,p=3), (t=1,p=-2), (t=1,p=3), (t=0,p=9)
  cal.schedule(Time::us(5), 0, 1, 0, [&] { last = 0; });
  cal.schedule(Time::us(1), 3, 1, 0, [&] { last = 1; });
  cal.schedule(Time::us(1), -2, 1, 0, [&] { last = 2; });
  cal.schedule(Time::us(1), 3, 1, 0, [&] { last = 3; });
  cal.schedule(Time::us(0), 9, 1, 0, [&] { last = 4; });
  const auto order = drain(cal, &last);
  ASSERT_EQ(order.size(), 5u);
  // Expected: time first, then lower priority value, then FIFO.
  const int expected[] = {4, 2, 1, 3, 0};
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(order[i].payload, expected[i]) << "position " << i;
  EXPECT_EQ(order[2].info.seq, 1u);
  EXPECT_EQ(order[3].info.seq, 3u);
  EXPECT_EQ(order[1].info.priority, -2);
}

TEST(Calendar, OrderingRuleHeap) { check_ordering_rule<HeapCalendar>(); }
TEST(Calendar, OrderingRuleReference) { check_ordering_rule<ReferenceCalendar>(); }

template <class Cal>
void check_cancel() {
  Cal cal;
  int runs = 0;
  const EventId a = cal.schedule(Time::us(1), 0, 0, 0, [&] { ++runs; });
  const EventId b = cal.schedule(Time::us(2), 0, 0, 0, [&] { runs += 10; });
  EXPECT_EQ(cal.size(), 2u);
  EXPECT_TRUE(cal.cancel(b));
  EXPECT_FALSE(cal.cancel(b)) << "second cancel must be a no-op";
  EXPECT_EQ(cal.size(), 1u);
  EventInfo info;
  Callback cb;
  ASSERT_TRUE(cal.pop(info, cb));
  cb();
  EXPECT_FALSE(cal.cancel(a)) << "cancelling an executed event must be a no-op";
  EXPECT_FALSE(cal.cancel(EventId{})) << "invalid id";
  EXPECT_FALSE(cal.pop(info, cb));
  EXPECT_EQ(runs, 1);
  EXPECT_TRUE(cal.empty());
}

TEST(Calendar, CancelHeap) { check_cancel<HeapCalendar>(); }
TEST(Calendar, CancelReference) { check_cancel<ReferenceCalendar>(); }

TEST(Calendar, StaleIdDoesNotCancelReusedSlot) {
  HeapCalendar cal;
  int runs = 0;
  const EventId a = cal.schedule(Time::us(1), 0, 0, 0, [&] { ++runs; });
  ASSERT_TRUE(cal.cancel(a));
  EventInfo info;
  Callback cb;
  EXPECT_FALSE(cal.pop(info, cb));  // frees the slot of the cancelled entry
  const EventId b = cal.schedule(Time::us(1), 0, 0, 0, [&] { ++runs; });
  EXPECT_EQ(a.slot, b.slot) << "free list should reuse the slot";
  EXPECT_FALSE(cal.cancel(a)) << "stale generation must not cancel the new event";
  ASSERT_TRUE(cal.pop(info, cb));
  cb();
  EXPECT_EQ(runs, 1);
}

TEST(Calendar, RejectsBadInput) {
  HeapCalendar heap;
  ReferenceCalendar ref;
  for (Calendar* c : {static_cast<Calendar*>(&heap), static_cast<Calendar*>(&ref)}) {
    EXPECT_THROW(c->schedule(Time::us(1), kMaxPriority + 1, 0, 0, [] {}), std::out_of_range);
    EXPECT_THROW(c->schedule(Time::us(1), kMinPriority - 1, 0, 0, [] {}), std::out_of_range);
    EXPECT_THROW(c->schedule(Time::us(1), 0, 0, 0, Callback{}), std::invalid_argument);
    EXPECT_NO_THROW(c->schedule(Time::us(1), kMinPriority, 0, 0, [] {}));
    EXPECT_EQ(c->size(), 1u);
  }
}

// Drive both calendars with the same random schedule / cancel / pop sequence and require an
// identical pop order (time, priority, kind, target, sequence and callback identity).
TEST(Calendar, HeapMatchesReferenceOnRandomWorkload) {
  HeapCalendar heap;
  ReferenceCalendar ref;
  RandomStream rng(42, 0, "calendar-crosscheck");
  int heap_fired = -1;
  int ref_fired = -1;
  std::vector<std::pair<EventId, EventId>> ids;
  std::int64_t now = 0;
  std::size_t pops = 0;
  std::size_t cancels = 0;
  for (int op = 0; op < 200000; ++op) {
    const std::uint64_t r = rng.below(100);
    if (r < 55) {
      // Few distinct times and priorities so that ties are frequent.
      const Time t{now + static_cast<std::int64_t>(rng.below(50))};
      const int prio = static_cast<int>(rng.below(5)) - 2;
      const auto kind = static_cast<std::uint32_t>(rng.below(7));
      const auto target = static_cast<std::uint32_t>(op);
      const EventId h =
          heap.schedule(t, prio, kind, target, [&heap_fired, op] { heap_fired = op; });
      const EventId f = ref.schedule(t, prio, kind, target, [&ref_fired, op] { ref_fired = op; });
      ids.emplace_back(h, f);
    } else if (r < 70 && !ids.empty()) {
      const auto k = static_cast<std::size_t>(rng.below(ids.size()));
      const bool hc = heap.cancel(ids[k].first);
      const bool rc = ref.cancel(ids[k].second);
      ASSERT_EQ(hc, rc) << "cancel result differs at op " << op;
      cancels += hc ? 1 : 0;
    } else {
      EventInfo hi;
      EventInfo ri;
      Callback hcb;
      Callback rcb;
      const bool hp = heap.pop(hi, hcb);
      const bool rp = ref.pop(ri, rcb);
      ASSERT_EQ(hp, rp) << "emptiness differs at op " << op;
      if (!hp) continue;
      hcb();
      rcb();
      ++pops;
      ASSERT_EQ(hi.time, ri.time) << "op " << op;
      ASSERT_EQ(hi.priority, ri.priority) << "op " << op;
      ASSERT_EQ(hi.kind, ri.kind) << "op " << op;
      ASSERT_EQ(hi.target, ri.target) << "op " << op;
      ASSERT_EQ(hi.seq, ri.seq) << "op " << op;
      ASSERT_EQ(heap_fired, ref_fired) << "op " << op;
      now = hi.time.ticks;
    }
    ASSERT_EQ(heap.size(), ref.size());
  }
  EXPECT_GT(pops, 20000u);
  EXPECT_GT(cancels, 5000u);
  // Drain the rest in the same order.
  const auto a = drain(heap, &heap_fired);
  const auto b = drain(ref, &ref_fired);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].info.seq, b[i].info.seq);
    ASSERT_EQ(a[i].payload, b[i].payload);
  }
}

TEST(Calendar, CompactionKeepsOrder) {
  // Cancel most of a large calendar to trigger compaction, then check the survivors' order.
  HeapCalendar cal;
  std::vector<EventId> ids;
  int fired = -1;
  for (int i = 0; i < 10000; ++i) {
    const Time t{(i * 7919) % 10007};
    ids.push_back(
        cal.schedule(t, 0, 0, static_cast<std::uint32_t>(t.ticks), [&fired, i] { fired = i; }));
  }
  for (int i = 0; i < 10000; ++i) {
    if (i % 10 != 0) {
      ASSERT_TRUE(cal.cancel(ids[static_cast<std::size_t>(i)]));
    }
  }
  EXPECT_EQ(cal.size(), 1000u);
  EXPECT_LT(cal.heap_entries(), 10000u) << "compaction should have dropped cancelled entries";
  const auto out = drain(cal, &fired);
  ASSERT_EQ(out.size(), 1000u);
  for (std::size_t i = 1; i < out.size(); ++i) EXPECT_LE(out[i - 1].info.time, out[i].info.time);
  for (const auto& p : out) EXPECT_EQ(p.payload % 10, 0);
}

TEST(Calendar, MemoryPerPendingEventAtOneMillion) {
  // Budget: heap entry + slot <= 64 bytes per pending event.
  EXPECT_LE(sizeof(HeapCalendar::Entry) + sizeof(HeapCalendar::Slot), 64u);
  constexpr std::size_t kN = 1'000'000;
  HeapCalendar cal;
  cal.reserve(kN);
  for (std::size_t i = 0; i < kN; ++i)
    cal.schedule(Time{static_cast<std::int64_t>((i * 2654435761u) % 1000003u)}, 0, 0, 0, [] {});
  const double per_event = static_cast<double>(cal.memory_bytes()) / kN;
  RecordProperty("bytes_per_event", std::to_string(per_event));
  EXPECT_LE(per_event, 64.0);
  EXPECT_EQ(cal.size(), kN);
}

TEST(SmallFunction, InlineAndHeapStorage) {
  int calls = 0;
  auto small = [&calls] { ++calls; };
  static_assert(Callback::fits_inline<decltype(small)>());
  std::array<std::int64_t, 8> big{};
  big[7] = 5;
  auto large = [&calls, big] { calls += static_cast<int>(big[7]); };
  static_assert(!Callback::fits_inline<decltype(large)>());
  Callback a(small);
  Callback b(large);
  Callback c(std::move(b));
  EXPECT_FALSE(static_cast<bool>(b));
  a();
  c();
  EXPECT_EQ(calls, 6);
  auto owned = std::make_unique<int>(7);
  Callback d([p = std::move(owned), &calls] { calls += *p; });
  Callback e;
  e = std::move(d);
  e();
  EXPECT_EQ(calls, 13);
}

TEST(SmallFunction, PrefetchHint) {
  int target = 0;
  struct Hinted {
    int* p;
    void operator()() const { ++*p; }
    const void* prefetch_hint() const { return p; }
  };
  Callback hinted(Hinted{&target});
  Callback plain([&target] { ++target; });
  std::array<std::int64_t, 8> big{};
  Callback boxed([big, &target] { target += static_cast<int>(big[0]); });
  EXPECT_EQ(hinted.prefetch_hint(), &target);
  EXPECT_EQ(plain.prefetch_hint(), nullptr);
  EXPECT_NE(boxed.prefetch_hint(), nullptr) << "a boxed callable hints at its heap object";
  EXPECT_EQ(Callback{}.prefetch_hint(), nullptr);
  hinted();
  EXPECT_EQ(target, 1);
}

}  // namespace
}  // namespace labtwin::sim
