// The per-instrument slot index (see interval_index.hpp for why a start-keyed map suffices).
#include <iterator>

#include "labtwin/core/instruments/interval_index.hpp"

namespace labtwin::core::instruments {

std::optional<IntervalIndex::Entry> IntervalIndex::first_overlap(Instant start, Instant end) const {
  if (!(start < end)) return std::nullopt;
  // The last interval starting at or before `start` is the only earlier one that can reach it.
  auto it = slots_.upper_bound(start.us);
  if (it != slots_.begin()) {
    auto prev = std::prev(it);
    if (prev->second.end > start.us) return entry(prev);
  }
  if (it != slots_.end() && it->first < end.us) return entry(it);
  return std::nullopt;
}

bool IntervalIndex::insert(Instant start, Instant end, std::uint32_t id) {
  if (!(start < end) || overlaps(start, end)) return false;
  slots_.emplace(start.us, Slot{end.us, id});
  return true;
}

bool IntervalIndex::erase(Instant start, std::uint32_t id) {
  auto it = slots_.find(start.us);
  if (it == slots_.end() || it->second.id != id) return false;
  slots_.erase(it);
  return true;
}

std::optional<IntervalIndex::Entry> IntervalIndex::find(Instant start) const {
  auto it = slots_.find(start.us);
  if (it == slots_.end()) return std::nullopt;
  return entry(it);
}

}  // namespace labtwin::core::instruments
