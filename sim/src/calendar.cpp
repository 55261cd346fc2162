#include "labtwin/sim/calendar.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <new>

#include "labtwin/sim/reference_calendar.hpp"

namespace labtwin::sim {

namespace detail {
void throw_bad_priority(int priority) {
  throw std::out_of_range("Calendar: event priority " + std::to_string(priority) + " is outside [" +
                          std::to_string(kMinPriority) + ", " + std::to_string(kMaxPriority) + "]");
}
void throw_empty_callback() {
  throw std::invalid_argument("Calendar: cannot schedule an empty callback");
}
void throw_sequence_exhausted() {
  throw std::overflow_error("Calendar: 2^48 events scheduled; sequence numbers exhausted");
}
}  // namespace detail

void HeapCalendar::grow() {
  if (slot_count_ > std::numeric_limits<std::uint32_t>::max() - (2u << kChunkBits))
    throw std::length_error("HeapCalendar: more than 2^32 pending events");
  chunks_.push_back(std::make_unique<Slot[]>(std::size_t{1} << kChunkBits));
  // Thread the new chunk onto the free list in increasing index order.
  const std::uint32_t base = slot_count_;
  const std::uint32_t n = 1u << kChunkBits;
  Slot* c = chunks_.back().get();
  for (std::uint32_t i = 0; i < n; ++i) c[i].target = i + 1 < n ? base + i + 1 : free_head_;
  free_head_ = base;
  slot_count_ += n;
}

HeapCalendar::~HeapCalendar() {
  // Pending callbacks are destroyed with their chunks.
  if (heap_ != nullptr) ::operator delete (heap_ - kHeapPad, std::align_val_t{64});
}

void HeapCalendar::reserve_heap(std::size_t n) {
  if (n <= cap_) return;
  if (n > (std::size_t{1} << 40)) throw std::length_error("HeapCalendar: heap too large");
  void* raw = ::operator new ((n + kHeapPad) * sizeof(Entry), std::align_val_t{64});
  Entry* fresh = static_cast<Entry*>(raw) + kHeapPad;
  if (size_ != 0) std::memcpy(fresh, heap_, size_ * sizeof(Entry));
  if (heap_ != nullptr) ::operator delete (heap_ - kHeapPad, std::align_val_t{64});
  heap_ = fresh;
  cap_ = n;
}

void HeapCalendar::reserve(std::size_t n) {
  reserve_heap(n);
  const std::size_t chunks = (n + (std::size_t{1} << kChunkBits) - 1) >> kChunkBits;
  chunks_.reserve(chunks);
  while (chunks_.size() < chunks) grow();
}

void HeapCalendar::clear() {
  for (std::size_t i = 0; i < size_; ++i) {
    const std::uint32_t idx = heap_[i].slot;
    Slot& s = slot(idx);
    if (s.cb) {
      s.cb.reset();
      ++s.gen;
    }
    free_slot(idx);
  }
  size_ = 0;
  cancelled_ = 0;
}

void HeapCalendar::compact() {
  // Drop cancelled entries, then rebuild the heap bottom-up (Floyd), O(n).
  std::size_t w = 0;
  for (std::size_t r = 0; r < size_; ++r) {
    if (slot(heap_[r].slot).cb) {
      heap_[w++] = heap_[r];
    } else {
      free_slot(heap_[r].slot);
    }
  }
  size_ = w;
  cancelled_ = 0;
  const std::size_t n = size_;
  if (n < 2) return;
  Entry* h = heap_;
  for (std::size_t start = (n - 2) / 4 + 1; start-- > 0;) {
    const Entry e = h[start];
    std::size_t pos = start;
    for (;;) {
      const std::size_t c = 4 * pos + 1;
      if (c >= n) break;
      std::size_t m = c;
      const std::size_t end = std::min(c + 4, n);
      for (std::size_t k = c + 1; k < end; ++k)
        if (less(h[k], h[m])) m = k;
      if (!less(h[m], e)) break;
      h[pos] = h[m];
      pos = m;
    }
    h[pos] = e;
  }
}

EventId ReferenceCalendar::schedule(Time t, int priority, std::uint32_t kind, std::uint32_t target,
                                    Callback cb) {
  if (priority < kMinPriority || priority > kMaxPriority) detail::throw_bad_priority(priority);
  if (!cb) detail::throw_empty_callback();
  const std::uint64_t seq = seq_++;
  const Key key{t.ticks, priority, seq};
  events_.emplace(key, Item{kind, target, std::move(cb)});
  by_id_.emplace(seq, key);
  return EventId{static_cast<std::uint32_t>(seq), static_cast<std::uint32_t>(seq >> 32)};
}

bool ReferenceCalendar::cancel(EventId id) {
  const std::uint64_t seq = (std::uint64_t{id.gen} << 32) | id.slot;
  const auto it = by_id_.find(seq);
  if (it == by_id_.end()) return false;
  events_.erase(it->second);
  by_id_.erase(it);
  return true;
}

bool ReferenceCalendar::next_time(Time& t) {
  if (events_.empty()) return false;
  t = Time{std::get<0>(events_.begin()->first)};
  return true;
}

bool ReferenceCalendar::pop(EventInfo& info, Callback& cb) {
  if (events_.empty()) return false;
  auto it = events_.begin();
  const auto& [time, prio, seq] = it->first;
  info = EventInfo{Time{time}, prio, it->second.kind, it->second.target, seq};
  cb = std::move(it->second.cb);
  by_id_.erase(seq);
  events_.erase(it);
  return true;
}

}  // namespace labtwin::sim
