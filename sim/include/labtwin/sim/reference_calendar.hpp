#pragma once
/// @file Reference calendar on std::map: simple, obviously correct, used to cross-check
/// HeapCalendar (same ordering rule: time, then priority, then FIFO sequence).
#include <cstdint>
#include <map>
#include <tuple>

#include "labtwin/sim/calendar.hpp"

namespace labtwin::sim {

/// Calendar backed by an ordered std::map keyed by (time, priority, sequence).
class ReferenceCalendar final : public Calendar {
 public:
  /// Calendar interface.
  EventId schedule(Time t, int priority, std::uint32_t kind, std::uint32_t target,
                   Callback cb) override;
  /// Calendar interface (O(1), lazy).
  bool cancel(EventId id) override;
  /// Calendar interface.
  std::size_t size() const override { return events_.size(); }
  /// Calendar interface.
  bool next_time(Time& t) override;
  /// Calendar interface.
  bool pop(EventInfo& info, Callback& cb) override;
  /// Calendar interface.
  void clear() override { events_.clear(); }

 private:
  using Key = std::tuple<std::int64_t, int, std::uint64_t>;
  struct Item {
    std::uint32_t kind;
    std::uint32_t target;
    Callback cb;
  };
  std::map<Key, Item> events_;
  std::map<std::uint64_t, Key> by_id_;  // sequence -> key, for cancel()
  std::uint64_t seq_ = 0;
};

}  // namespace labtwin::sim
