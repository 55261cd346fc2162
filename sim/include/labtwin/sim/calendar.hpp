#pragma once
/// @file Event calendar: the ordered set of pending events.
///
/// Ordering rule (all calendars): events run in increasing (time, priority, sequence) order.
/// At equal time a LOWER priority value runs first; at equal time and priority, events run
/// in the order they were scheduled (FIFO), decided by a per-calendar 64-bit sequence number
/// that increases by one on every schedule() call.
///
/// `HeapCalendar` is the fast implementation used by Simulation: a 4-ary implicit min-heap of
/// 16-byte POD entries {time, slot, kind}, laid out so that the four children of a node share
/// one 64-byte cache line, plus a chunked pool of 40-byte slots holding the callback, the
/// order key (priority + 32768) << 48 | sequence, the target id and the slot generation,
/// recycled through an intrusive free list. Entries are compared by time alone; the slot keys
/// are read only to break ties between equal times (rare with microsecond ticks). Memory per
/// pending event is 16 + 40 = 56 bytes, with no allocation per event in steady state
/// (callbacks capturing more than 16 bytes are the exception: they are boxed on the heap).
/// Cancellation is O(1) and lazy: the callback is destroyed at once and the heap entry is
/// skipped when it reaches the top (or dropped by a compaction when more than half of the heap
/// is cancelled entries).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "labtwin/sim/event_id.hpp"
#include "labtwin/sim/small_function.hpp"
#include "labtwin/sim/time.hpp"

namespace labtwin::sim {

/// Callback run when an event fires; up to 16 bytes of captures (e.g. two pointers) are stored
/// inline, larger captures cost one heap allocation (capture a pointer to a struct instead).
using Callback = SmallFunction<void(), 16>;

/// Smallest allowed event priority (runs first among events at the same time).
inline constexpr int kMinPriority = -32768;
/// Largest allowed event priority.
inline constexpr int kMaxPriority = 32767;

/// Description of one event as it leaves the calendar.
struct EventInfo {
  Time time;                  ///< scheduled time
  std::int32_t priority = 0;  ///< lower runs first at equal time
  std::uint32_t kind = 0;     ///< model-defined event kind (used by fingerprint/observers)
  std::uint32_t target = 0;   ///< model-defined target entity id
  std::uint64_t seq = 0;      ///< calendar-wide schedule sequence number (FIFO tie-break)
};

/// Abstract calendar; Simulation accepts any implementation (tests use the reference one).
class Calendar {
 public:
  virtual ~Calendar() = default;
  /// Adds an event; throws std::invalid_argument on an empty callback and std::out_of_range
  /// on a priority outside [kMinPriority, kMaxPriority].
  virtual EventId schedule(Time t, int priority, std::uint32_t kind, std::uint32_t target,
                           Callback cb) = 0;
  /// Cancels a pending event; false when the id already ran, was cancelled or is invalid.
  virtual bool cancel(EventId id) = 0;
  /// Number of pending (not cancelled) events.
  virtual std::size_t size() const = 0;
  /// True when no event is pending.
  bool empty() const { return size() == 0; }
  /// Earliest pending event time; false when empty.
  virtual bool next_time(Time& t) = 0;
  /// Removes the earliest pending event, moving its callback into `cb`; false when empty.
  virtual bool pop(EventInfo& info, Callback& cb) = 0;
  /// Drops every pending event (callbacks are destroyed, not run).
  virtual void clear() = 0;
};

namespace detail {
[[noreturn]] void throw_bad_priority(int priority);
[[noreturn]] void throw_empty_callback();
[[noreturn]] void throw_sequence_exhausted();
}  // namespace detail

/// Fast calendar: 4-ary heap of POD keys + pooled callback slots (see file comment).
class HeapCalendar final : public Calendar {
 public:
  /// Heap entry (16 bytes; four siblings share one 64-byte cache line).
  struct Entry {
    std::int64_t time;   ///< ticks
    std::uint32_t slot;  ///< index into the slot pool (its key breaks time ties)
    std::uint32_t kind;  ///< event kind
  };
  /// Pooled callback slot (40 bytes). A free slot has an empty callback and keeps the index
  /// of the next free slot in `target`.
  struct Slot {
    Callback cb;               ///< empty when free or cancelled
    std::uint64_t key = 0;     ///< (priority + 32768) << 48 | sequence: order at equal time
    std::uint32_t gen = 0;     ///< bumped when the event runs or is cancelled
    std::uint32_t target = 0;  ///< target id (next free index while free)
  };
  static constexpr std::uint32_t kChunkBits = 12;  ///< 4096 slots per pool chunk
  static constexpr std::uint32_t kNoSlot = 0xFFFFFFFFu;

  /// Empty calendar.
  HeapCalendar() = default;
  HeapCalendar(const HeapCalendar&) = delete;
  HeapCalendar& operator=(const HeapCalendar&) = delete;
  ~HeapCalendar() override;

  /// Calendar interface.
  EventId schedule(Time t, int priority, std::uint32_t kind, std::uint32_t target,
                   Callback cb) override {
    if (!cb) [[unlikely]]
      detail::throw_empty_callback();
    return schedule_fn(t, priority, kind, target, std::move(cb));
  }
  /// schedule() constructing the callable directly in its slot (the hot path).
  template <class F>
  EventId schedule_fn(Time t, int priority, std::uint32_t kind, std::uint32_t target, F&& f) {
    if (priority < kMinPriority || priority > kMaxPriority) [[unlikely]]
      detail::throw_bad_priority(priority);
    if (seq_ >= (std::uint64_t{1} << 48)) [[unlikely]]
      detail::throw_sequence_exhausted();
    if (size_ == cap_) [[unlikely]]
      grow_heap();
    const std::uint32_t idx = acquire_slot();
    Slot& s = slot(idx);
    if constexpr (std::is_same_v<std::decay_t<F>, Callback>) {
      s.cb = std::forward<F>(f);
    } else {
      // A throwing capture copy must not leak the slot.
      try {
        s.cb.emplace(std::forward<F>(f));
      } catch (...) {
        free_slot(idx);
        throw;
      }
    }
    s.target = target;
    s.key = (static_cast<std::uint64_t>(priority - kMinPriority) << 48) | seq_++;
    push_entry(Entry{t.ticks, idx, kind});
    return EventId{idx, s.gen};
  }
  /// Calendar interface (O(1), lazy).
  bool cancel(EventId id) override {
    if (id.slot >= slot_count_) return false;
    Slot& s = slot(id.slot);
    if (s.gen != id.gen || !s.cb) return false;
    s.cb.reset();
    ++s.gen;
    ++cancelled_;
    if (cancelled_ > 1024 && cancelled_ * 2 > size_) compact();
    return true;
  }
  /// Calendar interface.
  std::size_t size() const override { return size_ - cancelled_; }
  /// Calendar interface.
  bool next_time(Time& t) override {
    skip_cancelled();
    if (size_ == 0) return false;
    t = Time{heap_[0].time};
    return true;
  }
  /// Calendar interface.
  bool pop(EventInfo& info, Callback& cb) override {
    Entry e;
    if (!pop_live(e)) return false;
    Slot& s = slot(e.slot);
    info = info_of(e, s);
    cb = std::move(s.cb);
    release(e.slot);
    return true;
  }
  /// Calendar interface.
  void clear() override;

  /// Fast path: removes the earliest live entry with time <= limit, bumping its slot generation (so
  /// cancel() of it now fails). The callback stays in place until release(e.slot).
  bool pop_live(Entry& out, std::int64_t limit = INT64_MAX) {
    for (;;) {
      if (size_ == 0 || heap_[0].time > limit) return false;
      out = heap_[0];
      pop_top();
      prefetch_upcoming();
      Slot& s = slot(out.slot);
      if (s.cb) [[likely]] {
        ++s.gen;
        return true;
      }
      --cancelled_;
      free_slot(out.slot);
    }
  }
  /// Slot by index (addresses are stable: the pool grows by whole chunks).
  Slot& slot(std::uint32_t idx) {
    return chunks_[idx >> kChunkBits][idx & ((1u << kChunkBits) - 1)];
  }
  /// Slot by index (const).
  const Slot& slot(std::uint32_t idx) const {
    return chunks_[idx >> kChunkBits][idx & ((1u << kChunkBits) - 1)];
  }
  /// Prefetches what the next event's callback will touch (see SmallFunction::prefetch_hint).
  /// pop_live() already does this; kept for callers driving the calendar by hand.
  void prefetch_next() const {
    if (size_ == 0) return;
    if (const void* p = slot(heap_[0].slot).cb.prefetch_hint()) __builtin_prefetch(p);
  }
  /// Destroys the callback of a popped entry and recycles its slot.
  void release(std::uint32_t idx) {
    slot(idx).cb.reset();
    free_slot(idx);
  }
  /// Full description of a popped entry.
  EventInfo info_of(const Entry& e, const Slot& s) const {
    return EventInfo{Time{e.time}, static_cast<std::int32_t>(s.key >> 48) + kMinPriority, e.kind,
                     s.target, s.key & ((std::uint64_t{1} << 48) - 1)};
  }
  /// Pre-allocates room for n pending events.
  void reserve(std::size_t n);
  /// Bytes held by the heap array and the slot pool (capacity, not just size).
  std::size_t memory_bytes() const {
    return (cap_ == 0 ? 0 : (cap_ + kHeapPad) * sizeof(Entry)) +
           chunks_.size() * (sizeof(Slot) << kChunkBits) + chunks_.capacity() * sizeof(void*);
  }
  /// Heap entries including lazily cancelled ones.
  std::size_t heap_entries() const { return size_; }

 private:
  // The heap array starts 3 entries into a 64-byte aligned block, so the four children
  // 4i+1..4i+4 of every node share one cache line.
  static constexpr std::size_t kHeapPad = 3;

  // Order of two entries; equal times (rare with microsecond ticks) fall back to the slot keys.
  bool less(const Entry& a, const Entry& b) const {
    if (a.time != b.time) return a.time < b.time;
    return slot(a.slot).key < slot(b.slot).key;
  }
  std::uint32_t acquire_slot() {
    if (free_head_ == kNoSlot) [[unlikely]]
      grow();
    const std::uint32_t idx = free_head_;
    free_head_ = slot(idx).target;
    return idx;
  }
  void free_slot(std::uint32_t idx) {
    slot(idx).target = free_head_;
    free_head_ = idx;
  }
  void push_entry(const Entry& e) {
    std::size_t pos = size_++;
    Entry* h = heap_;
    while (pos > 0) {
      const std::size_t parent = (pos - 1) >> 2;
      if (!less(e, h[parent])) break;
      h[pos] = h[parent];
      pos = parent;
    }
    h[pos] = e;
  }
  // Removes the root: the hole walks down to a leaf along the smallest children (3 compares
  // per level, no compare against the moved element), then the last entry sifts up from
  // there (Floyd's bottom-up heuristic; cheap because the last entry usually belongs low).
  void pop_top() {
    const std::size_t n = --size_;
    if (n == 0) return;
    Entry* h = heap_;
    const Entry last = h[n];
    std::size_t pos = 0;
    for (;;) {
      const std::size_t c = 4 * pos + 1;
      if (c + 3 < n) {
        // The four children's own children are the 16 entries (4 aligned cache lines) from
        // 4c + 1: fetch them while this level is compared, so the descent does not wait for
        // memory once per level.
        const std::size_t g = 4 * c + 1;
        if (g < n) {
          const std::uintptr_t p = reinterpret_cast<std::uintptr_t>(h + g);
          for (std::uintptr_t line = 0; line < 256; line += 64)
            __builtin_prefetch(reinterpret_cast<const void*>(p + line));
        }
        const std::size_t a = less(h[c + 1], h[c]) ? c + 1 : c;
        const std::size_t b = less(h[c + 3], h[c + 2]) ? c + 3 : c + 2;
        const std::size_t m = less(h[b], h[a]) ? b : a;
        h[pos] = h[m];
        pos = m;
      } else {
        if (c >= n) break;
        std::size_t m = c;
        for (std::size_t k = c + 1; k < n; ++k)
          if (less(h[k], h[m])) m = k;
        h[pos] = h[m];
        pos = m;
      }
    }
    while (pos > 0) {
      const std::size_t parent = (pos - 1) >> 2;
      if (!less(last, h[parent])) break;
      h[pos] = h[parent];
      pos = parent;
    }
    h[pos] = last;
  }
  // Called after each pop, before the popped callback runs. Warms the slot of the likely
  // event after next (the earliest of the root's children, whose line the pop just wrote) so
  // it has a whole event's time to arrive, and, from the next event's slot (warmed by the
  // previous pop), what its callback will touch (a process frame: the lines around the hint).
  void prefetch_upcoming() const {
    if (size_ == 0) return;
    const Entry* h = heap_;
    if (size_ >= 5) {
      const Entry* a = h[2].time < h[1].time ? h + 2 : h + 1;
      const Entry* b = h[4].time < h[3].time ? h + 4 : h + 3;
      __builtin_prefetch(&slot((b->time < a->time ? b : a)->slot));
    }
    const Slot& next = slot(h[0].slot);
    if (const void* p = next.cb.prefetch_hint()) {
      const std::uintptr_t a = reinterpret_cast<std::uintptr_t>(p);
      for (std::uintptr_t off = 0; off < 256; off += 64)
        __builtin_prefetch(reinterpret_cast<const void*>(a - 64 + off));
    }
  }
  void skip_cancelled() {
    while (size_ != 0 && !slot(heap_[0].slot).cb) {
      const std::uint32_t idx = heap_[0].slot;
      pop_top();
      --cancelled_;
      free_slot(idx);
    }
  }
  void grow();
  void grow_heap() { reserve_heap(cap_ < 64 ? 64 : 2 * cap_); }
  void reserve_heap(std::size_t n);
  void compact();

  Entry* heap_ = nullptr;  // kHeapPad entries into a 64-byte aligned block
  std::size_t size_ = 0;
  std::size_t cap_ = 0;
  std::vector<std::unique_ptr<Slot[]>> chunks_;
  std::uint32_t slot_count_ = 0;
  std::uint32_t free_head_ = kNoSlot;
  std::size_t cancelled_ = 0;
  std::uint64_t seq_ = 0;
};

}  // namespace labtwin::sim
