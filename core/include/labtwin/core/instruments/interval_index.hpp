#pragma once
/// @file IntervalIndex: the confirmed slots of one instrument, for O(log n) conflict checks.
///
/// Slots are half-open [start, end) intervals that never overlap one another (the booking
/// ledger only inserts a slot after checking it is free), so an ordered map keyed by start is
/// enough: the only stored interval that can overlap a query starting at `s` and beginning
/// before `s` is the one just before `upper_bound(s)`, and every other overlap starts inside
/// the query. Overlap check, insert and erase are O(log n); each insert allocates one map node.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>

#include "labtwin/core/ports.hpp"

namespace labtwin::core::instruments {

/// Non-overlapping half-open intervals [start, end), each tagged with an id.
class IntervalIndex {
 public:
  /// One stored interval.
  struct Entry {
    Instant start;         ///< first instant covered
    Instant end;           ///< first instant not covered (> start)
    std::uint32_t id = 0;  ///< owner (a booking handle)
    bool operator==(const Entry&) const = default;
  };

  /// Number of stored intervals.
  std::size_t size() const { return slots_.size(); }
  /// True when nothing is stored.
  bool empty() const { return slots_.empty(); }
  /// Removes everything.
  void clear() { slots_.clear(); }

  /// The earliest stored interval overlapping [start, end), if any (nullopt for an empty query).
  std::optional<Entry> first_overlap(Instant start, Instant end) const;
  /// True if some stored interval overlaps [start, end).
  bool overlaps(Instant start, Instant end) const { return first_overlap(start, end).has_value(); }
  /// Stores [start, end) for `id`; false (and nothing stored) if the interval is empty or
  /// overlaps a stored one.
  bool insert(Instant start, Instant end, std::uint32_t id);
  /// Removes the interval starting at `start` if it belongs to `id`; false if there is none.
  bool erase(Instant start, std::uint32_t id);
  /// The interval starting exactly at `start`, if any.
  std::optional<Entry> find(Instant start) const;
  /// The interval containing `t` (start <= t < end), if any.
  std::optional<Entry> covering(Instant t) const { return first_overlap(t, Instant{t.us + 1}); }

  /// Calls fn(const Entry&) for every stored interval overlapping [start, end), by start.
  template <typename Fn>
  void for_each_overlap(Instant start, Instant end, Fn&& fn) const {
    if (!(start < end)) return;
    auto it = slots_.upper_bound(start.us);
    if (it != slots_.begin()) {
      auto prev = std::prev(it);
      if (prev->second.end > start.us) fn(entry(prev));
    }
    for (; it != slots_.end() && it->first < end.us; ++it) fn(entry(it));
  }
  /// Calls fn(const Entry&) for every stored interval, by start.
  template <typename Fn>
  void for_each(Fn&& fn) const {
    for (auto it = slots_.begin(); it != slots_.end(); ++it) fn(entry(it));
  }

  /// Same intervals and ids.
  bool operator==(const IntervalIndex&) const = default;

 private:
  struct Slot {
    std::int64_t end = 0;
    std::uint32_t id = 0;
    bool operator==(const Slot&) const = default;
  };
  using Map = std::map<std::int64_t, Slot>;
  static Entry entry(Map::const_iterator it) {
    return Entry{Instant{it->first}, Instant{it->second.end}, it->second.id};
  }

  Map slots_;
};

}  // namespace labtwin::core::instruments
