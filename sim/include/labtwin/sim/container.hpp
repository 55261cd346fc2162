#pragma once
/// @file Container: a continuous level (litres of LN2, kWh, ...) between 0 and a capacity.
///
/// `co_await c.put(x)` waits until level + x <= capacity, `co_await c.get(x)` until
/// level >= x. Each side is served strictly FIFO (a large request at the head is not
/// overtaken by smaller ones behind it, so nobody starves). Amounts must be > 0 and at most
/// the capacity. An interrupt withdraws a queued operation; once applied, an operation is
/// never undone (a late interrupt is refused). Destroying the Container detaches waiters.
#include <cstddef>
#include <cstdint>

#include "labtwin/sim/process.hpp"
#include "labtwin/sim/statistics.hpp"

namespace labtwin::sim {

class Container;

namespace detail {
/// Awaiter of Container::put / get (kernel-internal).
class ContainerOp final : public WaitNode {
 public:
  /// Awaiter for the given target (created by the owning API).
  ContainerOp(Container* c, double amount, bool put) : c_(c), amount_(amount), put_(put) {}
  ContainerOp(const ContainerOp&) = delete;
  ContainerOp& operator=(const ContainerOp&) = delete;
  ~ContainerOp() override { withdraw(); }
  /// Awaiter protocol: never ready / ready when already satisfied.
  bool await_ready() const noexcept { return false; }
  /// Awaiter protocol: registers the wait (false = continue without suspending).
  bool await_suspend(ProcessCoro h);
  /// Awaiter protocol: result, or throws Interrupted.
  void await_resume();
  /// WaitNode hook: the awaited thing happened.
  void on_fire(std::int64_t) override {}
  /// WaitNode hook: stop waiting (interrupt or destruction).
  void withdraw() noexcept override {
    if (list != nullptr) list->remove(this);
  }
  /// Completed operations are never undone: refuse late interrupts.
  bool accepts_late_interrupt() const override { return false; }

 private:
  friend class sim::Container;
  Container* c_;
  double amount_;
  bool put_;
  Simulation* sim_ = nullptr;
  std::uint32_t idx_ = 0;
  std::uint32_t token_ = 0;
  detail::ProcessCore* core_ = nullptr;
};
}  // namespace detail

/// Continuous stock with blocking put/get (see file comment).
class Container {
 public:
  /// capacity > 0 (may be +infinity), 0 <= initial <= capacity; else std::invalid_argument.
  Container(Simulation& sim, double capacity, double initial = 0.0);
  Container(const Container&) = delete;
  Container& operator=(const Container&) = delete;
  /// Detaches waiting operations.
  ~Container();

  /// Awaitable: adds `amount` when there is room (0 < amount <= capacity).
  detail::ContainerOp put(double amount) { return {this, check(amount, "put"), true}; }
  /// Awaitable: removes `amount` when available (0 < amount <= capacity).
  detail::ContainerOp get(double amount) { return {this, check(amount, "get"), false}; }
  /// Current level.
  double level() const { return level_; }
  /// Capacity.
  double capacity() const { return capacity_; }
  /// Processes waiting to put / to get.
  std::size_t waiting_puts() const { return nputs_; }
  /// Processes waiting to get.
  std::size_t waiting_gets() const { return ngets_; }
  /// Time-average level since the last reset.
  double mean_level() const { return level_tw_.mean(sim_.now()); }
  /// Restarts the level statistics at now().
  void reset_statistics() { level_tw_.reset(sim_.now()); }

 private:
  friend class detail::ContainerOp;
  double check(double amount, const char* what) const;
  bool can(const detail::ContainerOp& op) const;
  void apply(const detail::ContainerOp& op);
  void dispatch();

  Simulation& sim_;
  double capacity_;
  double level_;
  detail::WaitList puts_;
  detail::WaitList gets_;
  std::size_t nputs_ = 0;
  std::size_t ngets_ = 0;
  TimeWeighted level_tw_;
};

}  // namespace labtwin::sim
