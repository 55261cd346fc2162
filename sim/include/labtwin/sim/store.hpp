#pragma once
/// @file Store<T>: a bounded FIFO of discrete items (samples, technicians, kits).
///
/// `co_await s.put(item)` waits while the store is full; `T x = co_await s.get()` takes the
/// oldest item; `co_await s.get(filter)` takes the oldest item satisfying a predicate (e.g. a
/// technician with skill X). Getters are considered in arrival order, but a getter whose
/// filter matches nothing does not block later getters. Puts are strictly FIFO. An interrupt
/// withdraws a queued put/get; once completed, an operation is never undone. Destroying the
/// Store detaches waiters.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "labtwin/sim/process.hpp"
#include "labtwin/sim/small_function.hpp"
#include "labtwin/sim/statistics.hpp"

namespace labtwin::sim {

template <class T>
class Store;

namespace detail {
/// Awaiter of Store<T>::put (kernel-internal).
template <class T>
class StorePut final : public WaitNode {
 public:
  /// Awaiter for the given target (created by the owning API).
  StorePut(Store<T>* s, T item) : s_(s), item_(std::move(item)) {}
  StorePut(const StorePut&) = delete;
  StorePut& operator=(const StorePut&) = delete;
  ~StorePut() override { withdraw(); }
  /// Awaiter protocol: never ready / ready when already satisfied.
  bool await_ready() const noexcept { return false; }
  /// Awaiter protocol: registers the wait (false = continue without suspending).
  bool await_suspend(ProcessCoro h) {
    sim_ = h.promise().sim;
    idx_ = h.promise().idx;
    core_ = &h.promise().core;
    if (s_ == nullptr) throw std::logic_error("Store::put: store was destroyed");
    if (s_->puts_.empty() && s_->items_.size() < s_->capacity_) {
      s_->push_item(std::move(*item_));
      s_->dispatch();
      return false;
    }
    s_->puts_.push_back(this);
    token_ = Simulation::begin_wait(h.promise().core, this);
    return true;
  }
  /// Awaiter protocol: result, or throws Interrupted.
  void await_resume() { Simulation::check_interrupt(*core_); }
  /// WaitNode hook: the awaited thing happened.
  void on_fire(std::int64_t) override {}
  /// WaitNode hook: stop waiting (interrupt or destruction).
  void withdraw() noexcept override {
    if (list != nullptr) list->remove(this);
  }
  /// Completed operations are never undone: refuse late interrupts.
  bool accepts_late_interrupt() const override { return false; }

 private:
  friend class sim::Store<T>;
  Store<T>* s_;
  std::optional<T> item_;
  Simulation* sim_ = nullptr;
  std::uint32_t idx_ = 0;
  std::uint32_t token_ = 0;
  detail::ProcessCore* core_ = nullptr;
};

/// Awaiter of Store<T>::get (kernel-internal); yields the item.
template <class T>
class StoreGet final : public WaitNode {
 public:
  using Filter = SmallFunction<bool(const T&), 16>;
  /// Awaiter for the given target (created by the owning API).
  StoreGet(Store<T>* s, Filter f) : s_(s), filter_(std::move(f)) {}
  StoreGet(const StoreGet&) = delete;
  StoreGet& operator=(const StoreGet&) = delete;
  ~StoreGet() override { withdraw(); }
  /// Awaiter protocol: never ready / ready when already satisfied.
  bool await_ready() const noexcept { return false; }
  /// Awaiter protocol: registers the wait (false = continue without suspending).
  bool await_suspend(ProcessCoro h) {
    sim_ = h.promise().sim;
    idx_ = h.promise().idx;
    core_ = &h.promise().core;
    if (s_ == nullptr) throw std::logic_error("Store::get: store was destroyed");
    if (s_->take_for(*this)) {
      s_->dispatch();
      return false;
    }
    s_->gets_.push_back(this);
    token_ = Simulation::begin_wait(h.promise().core, this);
    return true;
  }
  /// Awaiter protocol: result, or throws Interrupted.
  T await_resume() {
    if (sim_ != nullptr) Simulation::check_interrupt(*core_);
    return std::move(*result_);
  }
  /// WaitNode hook: the awaited thing happened.
  void on_fire(std::int64_t) override {}
  /// WaitNode hook: stop waiting (interrupt or destruction).
  void withdraw() noexcept override {
    if (list != nullptr) list->remove(this);
  }
  /// Completed operations are never undone: refuse late interrupts.
  bool accepts_late_interrupt() const override { return false; }

 private:
  friend class sim::Store<T>;
  Store<T>* s_;
  Filter filter_;
  std::optional<T> result_;
  Simulation* sim_ = nullptr;
  std::uint32_t idx_ = 0;
  std::uint32_t token_ = 0;
  detail::ProcessCore* core_ = nullptr;
};
}  // namespace detail

/// Bounded store of discrete items (see file comment).
template <class T>
class Store {
 public:
  /// Predicate type for filtered gets (captures up to 16 bytes inline).
  using Filter = typename detail::StoreGet<T>::Filter;

  /// capacity >= 1 items (else std::invalid_argument).
  Store(Simulation& sim, std::size_t capacity)
      : sim_(sim), capacity_(capacity), size_tw_(sim.now()) {
    if (capacity == 0) throw std::invalid_argument("Store: capacity must be >= 1");
  }
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  /// Detaches waiting operations.
  ~Store() {
    while (auto* n = puts_.pop_front()) static_cast<detail::StorePut<T>*>(n)->s_ = nullptr;
    while (auto* n = gets_.pop_front()) static_cast<detail::StoreGet<T>*>(n)->s_ = nullptr;
  }

  /// Awaitable: adds `item` when there is room.
  detail::StorePut<T> put(T item) { return {this, std::move(item)}; }
  /// Awaitable: takes the oldest item.
  detail::StoreGet<T> get() { return {this, Filter{}}; }
  /// Awaitable: takes the oldest item for which `filter(item)` is true.
  detail::StoreGet<T> get(Filter filter) {
    if (!filter) throw std::invalid_argument("Store::get: empty filter");
    return {this, std::move(filter)};
  }
  /// Items currently stored.
  std::size_t size() const { return items_.size(); }
  /// Capacity.
  std::size_t capacity() const { return capacity_; }
  /// Stored items, oldest first.
  const std::deque<T>& items() const { return items_; }
  /// Processes waiting to put.
  std::size_t waiting_puts() const { return count(puts_); }
  /// Processes waiting to get.
  std::size_t waiting_gets() const { return count(gets_); }
  /// Time-average number of stored items since the last reset.
  double mean_size() const { return size_tw_.mean(sim_.now()); }
  /// Restarts statistics at now().
  void reset_statistics() { size_tw_.reset(sim_.now()); }

 private:
  friend class detail::StorePut<T>;
  friend class detail::StoreGet<T>;
  static std::size_t count(const detail::WaitList& l) {
    std::size_t n = 0;
    for (const detail::WaitNode* p = l.head; p != nullptr; p = p->next) ++n;
    return n;
  }
  void push_item(T&& item) {
    items_.push_back(std::move(item));
    size_tw_.update(sim_.now(), static_cast<double>(items_.size()));
  }
  // Moves the first matching item into g.result_; false if none matches.
  bool take_for(detail::StoreGet<T>& g) {
    for (auto it = items_.begin(); it != items_.end(); ++it) {
      if (!g.filter_ || g.filter_(*it)) {
        g.result_.emplace(std::move(*it));
        items_.erase(it);
        size_tw_.update(sim_.now(), static_cast<double>(items_.size()));
        return true;
      }
    }
    return false;
  }
  void dispatch() {
    bool progress = true;
    while (progress) {
      progress = false;
      while (!puts_.empty() && items_.size() < capacity_) {
        auto* p = static_cast<detail::StorePut<T>*>(puts_.pop_front());
        push_item(std::move(*p->item_));
        p->sim_->wake(*p->core_, p->token_);
        progress = true;
      }
      for (detail::WaitNode* n = gets_.head; n != nullptr && !items_.empty();) {
        auto* g = static_cast<detail::StoreGet<T>*>(n);
        n = n->next;
        if (take_for(*g)) {
          gets_.remove(g);
          g->sim_->wake(*g->core_, g->token_);
          progress = true;
        }
      }
    }
  }

  Simulation& sim_;
  std::size_t capacity_;
  std::deque<T> items_;
  detail::WaitList puts_;
  detail::WaitList gets_;
  TimeWeighted size_tw_;
};

}  // namespace labtwin::sim
