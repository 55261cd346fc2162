#pragma once
/// @file Event calendar: the ordered set of pending events.
///
/// Ordering rule (all calendars): events run in increasing (time, priority, sequence) order.
/// At equal time a LOWER priority value runs first; at equal time and priority, events run
/// in the order they were scheduled (FIFO), decided by a per-calendar 64-bit sequence number
/// that increases by one on every schedule() call.
///
/// `HeapCalendar` is the fast implementation used by Simulation: a 4-ary implicit min-heap of
/// 24-byte POD entries {time, key = (priority + 32768) << 48 | sequence, slot, kind}, compared
/// as two 64-bit integers, plus a chunked pool of 32-byte slots holding the callback, the
/// target id and the slot generation, recycled through an intrusive free list. Memory per
/// pending event is therefore 24 + 32 = 56 bytes, with no allocation per event in steady state
/// (callbacks capturing more than 16 bytes are the exception: they are boxed on the heap).
/// Cancellation is O(1) and lazy: the callback is destroyed at once and the heap entry is
/// skipped when it reaches the top (or dropped by a compaction when more than half of the heap
/// is cancelled entries).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
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
  /// Heap entry (24 bytes).
  struct Entry {
    std::int64_t time;   ///< ticks
    std::uint64_t key;   ///< (priority + 32768) << 48 | sequence
    std::uint32_t slot;  ///< index into the slot pool
    std::uint32_t kind;  ///< event kind
  };
  /// Pooled callback slot (32 bytes). A free slot has an empty callback and keeps the index
  /// of the next free slot in `target`.
  struct Slot {
    Callback cb;               ///< empty when free or cancelled
    std::uint32_t gen = 0;     ///< bumped when the event runs or is cancelled
    std::uint32_t target = 0;  ///< target id (next free index while free)
  };
  static constexpr std::uint32_t kChunkBits = 12;  ///< 4096 slots per pool chunk
  static constexpr std::uint32_t kNoSlot = 0xFFFFFFFFu;

  /// Empty calendar.
  HeapCalendar() = default;
  HeapCalendar(const HeapCalendar&) = delete;
  HeapCalendar& operator=(const HeapCalendar&) = delete;
  ~HeapCalendar() override = default;

  /// Calendar interface.
  EventId schedule(Time t, int priority, std::uint32_t kind, std::uint32_t target,
                   Callback cb) override {
    if (priority < kMinPriority || priority > kMaxPriority) [[unlikely]]
      detail::throw_bad_priority(priority);
    if (!cb) [[unlikely]]
      detail::throw_empty_callback();
    if (seq_ >= (std::uint64_t{1} << 48)) [[unlikely]]
      detail::throw_sequence_exhausted();
    const std::uint32_t idx = acquire_slot();
    Slot& s = slot(idx);
    s.cb = std::move(cb);
    s.target = target;
    const std::uint64_t key = (static_cast<std::uint64_t>(priority - kMinPriority) << 48) | seq_++;
    push_entry(Entry{t.ticks, key, idx, kind});
    return EventId{idx, s.gen};
  }
  /// schedule() constructing the callable directly in its slot (the hot path).
  template <class F>
  EventId schedule_fn(Time t, int priority, std::uint32_t kind, std::uint32_t target, F&& f) {
    if (priority < kMinPriority || priority > kMaxPriority) [[unlikely]]
      detail::throw_bad_priority(priority);
    if (seq_ >= (std::uint64_t{1} << 48)) [[unlikely]]
      detail::throw_sequence_exhausted();
    const std::uint32_t idx = acquire_slot();
    Slot& s = slot(idx);
    s.cb.emplace(std::forward<F>(f));
    s.target = target;
    const std::uint64_t key = (static_cast<std::uint64_t>(priority - kMinPriority) << 48) | seq_++;
    push_entry(Entry{t.ticks, key, idx, kind});
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
    if (cancelled_ > 1024 && cancelled_ * 2 > heap_.size()) compact();
    return true;
  }
  /// Calendar interface.
  std::size_t size() const override { return heap_.size() - cancelled_; }
  /// Calendar interface.
  bool next_time(Time& t) override {
    skip_cancelled();
    if (heap_.empty()) return false;
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
      if (heap_.empty() || heap_[0].time > limit) return false;
      out = heap_[0];
      pop_top();
      // Warm the cache for the next event's slot while this one runs.
      if (!heap_.empty()) __builtin_prefetch(&slot(heap_[0].slot));
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
  /// Prefetches what the next event's callback will touch (see SmallFunction::prefetch_hint);
  /// its slot was prefetched when the current event was popped, so it is normally cached.
  void prefetch_next() const {
    if (heap_.empty()) return;
    const std::uint32_t i = heap_[0].slot;
    if (const void* p = chunks_[i >> kChunkBits][i & ((1u << kChunkBits) - 1)].cb.prefetch_hint())
      __builtin_prefetch(p);
  }
  /// Destroys the callback of a popped entry and recycles its slot.
  void release(std::uint32_t idx) {
    slot(idx).cb.reset();
    free_slot(idx);
  }
  /// Full description of a popped entry.
  EventInfo info_of(const Entry& e, const Slot& s) const {
    return EventInfo{Time{e.time}, static_cast<std::int32_t>(e.key >> 48) + kMinPriority, e.kind,
                     s.target, e.key & ((std::uint64_t{1} << 48) - 1)};
  }
  /// Pre-allocates room for n pending events.
  void reserve(std::size_t n);
  /// Bytes held by the heap array and the slot pool (capacity, not just size).
  std::size_t memory_bytes() const {
    return heap_.capacity() * sizeof(Entry) + chunks_.size() * (sizeof(Slot) << kChunkBits) +
           chunks_.capacity() * sizeof(void*);
  }
  /// Heap entries including lazily cancelled ones.
  std::size_t heap_entries() const { return heap_.size(); }

 private:
  static bool less(const Entry& a, const Entry& b) {
    return a.time < b.time || (a.time == b.time && a.key < b.key);
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
    std::size_t pos = heap_.size();
    heap_.push_back(e);
    Entry* h = heap_.data();
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
    const Entry last = heap_.back();
    heap_.pop_back();
    const std::size_t n = heap_.size();
    if (n == 0) return;
    Entry* h = heap_.data();
    std::size_t pos = 0;
    for (;;) {
      const std::size_t c = 4 * pos + 1;
      if (c + 3 < n) {
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
  void skip_cancelled() {
    while (!heap_.empty() && !slot(heap_[0].slot).cb) {
      const std::uint32_t idx = heap_[0].slot;
      pop_top();
      --cancelled_;
      free_slot(idx);
    }
  }
  void grow();
  void compact();

  std::vector<Entry> heap_;
  std::vector<std::unique_ptr<Slot[]>> chunks_;
  std::uint32_t slot_count_ = 0;
  std::uint32_t free_head_ = kNoSlot;
  std::size_t cancelled_ = 0;
  std::uint64_t seq_ = 0;
};

}  // namespace labtwin::sim
