#pragma once
/// @file C++20 coroutine processes on top of the event calendar.
///
/// A process is a coroutine returning `Process`; `sim.spawn(f(args...))` registers it and runs
/// its first step at now() (through the calendar, so spawn order is FIFO). Inside, a process
/// may `co_await`:
///   - `sim.timeout(d)`          resume after d;
///   - `event`                   an Event (one-shot signal), yields the trigger value;
///   - `handle`                  a ProcessHandle (join; returns when that process ended);
///   - `any_of(a, b, ...)`       first of events/timeouts/processes, yields its index;
///   - `all_of(a, b, ...)`       all of them;
///   - resource / container / store requests (resource.hpp, container.hpp, store.hpp).
/// Every resumption goes through the calendar at the current time, never inline, so the
/// interleaving is fully determined by the (time, priority, sequence) order.
///
/// Interrupts: `handle.interrupt(cause)` on a waiting process withdraws what it waits on
/// (cancels the timeout, unlinks from the event, withdraws the resource request) and the
/// pending `co_await` throws `Interrupted{cause}` at now(). An Interrupted that escapes the
/// coroutine ends the process quietly; any other escaping exception ends the process and is
/// rethrown from Simulation::run()/step().
///
/// Lifetimes: the frame belongs to the Simulation. It is freed when the coroutine returns,
/// when `handle.cancel()` is called (locals are destroyed: grants release, waits withdraw),
/// or when the Simulation is destroyed. ProcessHandle is a weak (index, generation) handle:
/// using it after the process ended is safe (done() is true, interrupt/cancel return false).
/// Events, resources, containers and stores may be destroyed while processes wait on them:
/// the waiters are detached (they stay suspended until cancelled or the Simulation dies).
#include <array>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

#include "labtwin/sim/interrupt.hpp"
#include "labtwin/sim/simulation.hpp"

namespace labtwin::sim {

/// Coroutine return type of a process body. Owns the frame until passed to spawn().
class Process {
 public:
  /// Coroutine promise (kernel-internal).
  struct promise_type {
    Simulation* sim = nullptr;  ///< set by spawn()
    std::uint32_t idx = 0;      ///< process-table index, set by spawn()
    detail::ProcessCore core;   ///< hot scheduling state (kernel-internal)

    /// The Process object handed to the caller.
    Process get_return_object() {
      return Process{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    /// Processes start suspended; spawn() schedules the first step.
    std::suspend_always initial_suspend() noexcept { return {}; }
    /// Final step: tell the kernel (wakes joiners) and free the frame.
    struct FinalAwaiter {
      /// Always suspends.
      bool await_ready() noexcept { return false; }
      /// Frees the frame, then lets the kernel wake joiners and recycle the table entry.
      void await_suspend(std::coroutine_handle<promise_type> h) noexcept {
        Simulation* s = h.promise().sim;
        const std::uint32_t i = h.promise().idx;
        h.destroy();
        s->finish_process(i);
      }
      /// Never resumed.
      void await_resume() noexcept {}
    };
    /// See FinalAwaiter.
    FinalAwaiter final_suspend() noexcept { return {}; }
    /// Processes return nothing.
    void return_void() {}
    /// Uncaught Interrupted ends the process quietly; anything else is rethrown by run().
    void unhandled_exception() {
      try {
        throw;
      } catch (const Interrupted&) {
        // An unhandled interrupt is the normal way to stop a process from outside.
      } catch (...) {
        sim->record_process_failure(std::current_exception());
      }
    }
  };

  /// Moves ownership of the frame.
  Process(Process&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  /// Moves ownership of the frame (destroying the current one).
  Process& operator=(Process&& o) noexcept {
    if (this != &o) {
      if (h_) h_.destroy();
      h_ = std::exchange(o.h_, {});
    }
    return *this;
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  /// Destroys the frame if the process was never spawned.
  ~Process() {
    if (h_) h_.destroy();
  }
  /// Gives up ownership of the frame (used by Simulation::spawn).
  std::coroutine_handle<promise_type> release() { return std::exchange(h_, {}); }

 private:
  explicit Process(std::coroutine_handle<promise_type> h) : h_(h) {}
  std::coroutine_handle<promise_type> h_;
};

namespace detail {
/// Calendar callback resuming a process (its frame is prefetched one event ahead).
struct Resumer {
  ProcessCore* core;
  std::uint32_t token;
  void operator()() const { core->sim->resume_core(*core, token); }
  const void* prefetch_hint() const { return core; }
};

/// Typed handle of a process coroutine (what awaiters receive in await_suspend).
using ProcessCoro = std::coroutine_handle<Process::promise_type>;

/// Awaiter joining a process.
class JoinAwaiter final : public WaitNode {
 public:
  /// Awaiter for the given target (created by the owning API).
  JoinAwaiter(Simulation* target_sim, std::uint32_t tidx, std::uint32_t tgen)
      : tsim_(target_sim), tidx_(tidx), tgen_(tgen) {}
  JoinAwaiter(const JoinAwaiter&) = delete;
  JoinAwaiter& operator=(const JoinAwaiter&) = delete;
  ~JoinAwaiter() override { withdraw(); }
  /// Awaiter protocol: never ready / ready when already satisfied.
  bool await_ready() const { return tsim_ == nullptr || tsim_->process_done(tidx_, tgen_); }
  /// Awaiter protocol: registers the wait (false = continue without suspending).
  void await_suspend(ProcessCoro h) {
    sim_ = h.promise().sim;
    idx_ = h.promise().idx;
    core_ = &h.promise().core;
    if (sim_ != tsim_) throw std::logic_error("join: process belongs to another Simulation");
    if (idx_ == tidx_) throw std::logic_error("join: a process cannot join itself");
    tsim_->joiners(tidx_).push_back(this);
    token_ = Simulation::begin_wait(h.promise().core, this);
  }
  /// Awaiter protocol: result, or throws Interrupted.
  void await_resume() {
    if (sim_ != nullptr) Simulation::check_interrupt(*core_);
  }
  /// WaitNode hook: the awaited thing happened.
  void on_fire(std::int64_t) override { sim_->wake(*core_, token_); }
  /// WaitNode hook: stop waiting (interrupt or destruction).
  void withdraw() noexcept override {
    if (list != nullptr) list->remove(this);
  }

 private:
  Simulation* tsim_;
  std::uint32_t tidx_;
  std::uint32_t tgen_;
  Simulation* sim_ = nullptr;
  std::uint32_t idx_ = 0;
  std::uint32_t token_ = 0;
  detail::ProcessCore* core_ = nullptr;
};
}  // namespace detail

/// Weak handle to a spawned process: join (`co_await h`), interrupt, cancel, query.
class ProcessHandle {
 public:
  /// Invalid handle (done() is true).
  ProcessHandle() = default;
  /// Handle to process-table entry (idx, gen) of `sim` (use Simulation::spawn instead).
  ProcessHandle(Simulation* sim, std::uint32_t idx, std::uint32_t gen)
      : sim_(sim), idx_(idx), gen_(gen) {}
  /// True once the process has ended (returned, failed, interrupted out or cancelled).
  bool done() const { return sim_ == nullptr || sim_->process_done(idx_, gen_); }
  /// Interrupts a process suspended in a co_await: that co_await throws Interrupted{cause}
  /// at now(). False (and no effect) when the process ended, has not started yet, is the
  /// running process, or already has an interrupt pending.
  bool interrupt(InterruptCause cause = {}) const {
    return sim_ != nullptr && sim_->interrupt(idx_, gen_, cause);
  }
  /// Ends a suspended process now: its frame is destroyed (locals' destructors run) and its
  /// joiners are woken. False when it already ended or is the running process.
  bool cancel() const { return sim_ != nullptr && sim_->cancel_process(idx_, gen_); }
  /// Stable id: generation << 32 | table index.
  std::int64_t id() const { return static_cast<std::int64_t>((std::uint64_t{gen_} << 32) | idx_); }
  /// Join: resumes the awaiting process when this one has ended.
  detail::JoinAwaiter operator co_await() const { return {sim_, idx_, gen_}; }
  /// Same process.
  friend bool operator==(const ProcessHandle&, const ProcessHandle&) = default;

 private:
  friend class Waitable;
  Simulation* sim_ = nullptr;
  std::uint32_t idx_ = 0;
  std::uint32_t gen_ = 0;
};

/// Awaitable delay (from Simulation::timeout). Also usable inside any_of/all_of.
class Timeout final : public detail::WaitNode {
 public:
  /// Delay `delay` on `sim`.
  Timeout(Simulation* sim, Time delay) : sim_(sim), delay_(delay) {}
  /// Copies the description only (no pending timer).
  Timeout(const Timeout& o) : detail::WaitNode(), sim_(o.sim_), delay_(o.delay_) {}
  Timeout& operator=(const Timeout&) = delete;
  ~Timeout() override { withdraw(); }
  /// The delay.
  Time delay() const { return delay_; }
  /// The simulation.
  Simulation* simulation() const { return sim_; }

  /// Awaiter protocol: never ready / ready when already satisfied.
  bool await_ready() const noexcept { return false; }
  /// Awaiter protocol: registers the wait (false = continue without suspending).
  void await_suspend(detail::ProcessCoro h) {
    detail::ProcessCore* c = &h.promise().core;
    core_ = c;
    const std::uint32_t tok = Simulation::begin_wait(*c, this);
    ev_ = sim_->schedule_at(sim_->now() + delay_, detail::Resumer{c, tok}, 0, kKindTimeout, c->idx);
  }
  /// Awaiter protocol: result, or throws Interrupted.
  void await_resume() {
    ev_ = EventId{};
    Simulation::check_interrupt(*core_);
  }
  /// WaitNode hook: the awaited thing happened.
  void on_fire(std::int64_t) override {}
  /// WaitNode hook: stop waiting (interrupt or destruction).
  void withdraw() noexcept override {
    if (ev_.valid()) {
      sim_->cancel(ev_);
      ev_ = EventId{};
    }
  }

 private:
  Simulation* sim_;
  Time delay_;
  EventId ev_{};
  detail::ProcessCore* core_ = nullptr;
};

inline Timeout Simulation::timeout(Time delay) {
  if (delay.ticks < 0)
    throw std::invalid_argument("Simulation::timeout: negative delay " +
                                std::to_string(delay.ticks) + " us");
  return Timeout{this, delay};
}

class Event;
namespace detail {
/// Awaiter for an Event.
class EventAwaiter final : public WaitNode {
 public:
  /// Awaiter for the given target (created by the owning API).
  explicit EventAwaiter(Event* ev) : ev_(ev) {}
  EventAwaiter(const EventAwaiter&) = delete;
  EventAwaiter& operator=(const EventAwaiter&) = delete;
  ~EventAwaiter() override { withdraw(); }
  /// Awaiter protocol: never ready / ready when already satisfied.
  inline bool await_ready() const;
  /// Awaiter protocol: registers the wait (false = continue without suspending).
  inline void await_suspend(ProcessCoro h);
  /// Awaiter protocol: result, or throws Interrupted.
  inline std::int64_t await_resume();
  /// WaitNode hook: the awaited thing happened.
  void on_fire(std::int64_t v) override {
    value_ = v;
    sim_->wake(*core_, token_);
  }
  /// WaitNode hook: stop waiting (interrupt or destruction).
  void withdraw() noexcept override {
    if (list != nullptr) list->remove(this);
  }

 private:
  Event* ev_;
  Simulation* sim_ = nullptr;
  std::uint32_t idx_ = 0;
  std::uint32_t token_ = 0;
  detail::ProcessCore* core_ = nullptr;
  std::int64_t value_ = 0;
};
}  // namespace detail

/// One-shot signal carrying an int64 value. Not copyable or movable (waiters link to it).
class Event {
 public:
  Event() = default;
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  /// Detaches waiters (they stay suspended).
  ~Event() { waiters_.detach_all(); }
  /// Fires the event: every waiter resumes at now() in wait order. False if already fired.
  bool trigger(std::int64_t value = 0) {
    if (triggered_) return false;
    triggered_ = true;
    value_ = value;
    while (detail::WaitNode* n = waiters_.pop_front()) n->on_fire(value);
    return true;
  }
  /// True once triggered.
  bool triggered() const { return triggered_; }
  /// Trigger value (0 before the trigger).
  std::int64_t value() const { return value_; }
  /// Waits for the trigger (immediately if already triggered); yields the value.
  detail::EventAwaiter operator co_await() { return detail::EventAwaiter{this}; }
  /// Kernel-internal: waiter list.
  detail::WaitList& waiters() { return waiters_; }

 private:
  bool triggered_ = false;
  std::int64_t value_ = 0;
  detail::WaitList waiters_;
};

namespace detail {
inline bool EventAwaiter::await_ready() const { return ev_->triggered(); }
inline void EventAwaiter::await_suspend(ProcessCoro h) {
  sim_ = h.promise().sim;
  idx_ = h.promise().idx;
  core_ = &h.promise().core;
  ev_->waiters().push_back(this);
  token_ = Simulation::begin_wait(h.promise().core, this);
}
inline std::int64_t EventAwaiter::await_resume() {
  if (sim_ == nullptr) return ev_->value();  // did not suspend
  Simulation::check_interrupt(*core_);
  return value_;
}
}  // namespace detail

namespace detail {
struct SubWait;
}  // namespace detail

/// Something any_of/all_of can wait for: an Event, a Timeout or a process.
class Waitable {
 public:
  /// Waits for an event trigger.
  Waitable(Event& e) : kind_(Kind::kEvent), event_(&e) {}  // NOLINT: implicit by design
  /// Waits for a delay.
  Waitable(const Timeout& t)  // NOLINT: implicit by design
      : kind_(Kind::kTimeout), sim_(t.simulation()), delay_(t.delay()) {}
  /// Waits for a process to end.
  Waitable(const ProcessHandle& p)  // NOLINT: implicit by design
      : kind_(Kind::kProcess), sim_(p.sim_), idx_(p.idx_), gen_(p.gen_) {}

 private:
  friend struct detail::SubWait;
  enum class Kind : std::uint8_t { kEvent, kTimeout, kProcess };
  Kind kind_;
  Event* event_ = nullptr;
  Simulation* sim_ = nullptr;
  Time delay_{};
  std::uint32_t idx_ = 0;
  std::uint32_t gen_ = 0;
};

namespace detail {
/// Parent of SubWaits (any_of/all_of awaiter).
class CombinatorBase : public WaitNode {
 public:
  /// Child i fired.
  virtual void child_fired(std::size_t i) = 0;
};

/// One armed child of any_of/all_of.
struct SubWait final : WaitNode {
  explicit SubWait(const Waitable& w) : what(w) {}
  /// Copies the description only (links are not copied).
  SubWait(const SubWait& o) : WaitNode(), what(o.what) {}
  SubWait& operator=(const SubWait&) = delete;
  ~SubWait() override { withdraw(); }

  /// True when already satisfied (no need to arm).
  bool ready_now() const {
    switch (what.kind_) {
      case Waitable::Kind::kEvent:
        return what.event_->triggered();
      case Waitable::Kind::kProcess:
        return what.sim_ == nullptr || what.sim_->process_done(what.idx_, what.gen_);
      case Waitable::Kind::kTimeout:
        return false;
    }
    return false;
  }
  /// Starts waiting (links into a list or schedules a timer).
  void arm(Simulation* sim, CombinatorBase* p, std::size_t i) {
    parent = p;
    index = i;
    switch (what.kind_) {
      case Waitable::Kind::kEvent:
        what.event_->waiters().push_back(this);
        break;
      case Waitable::Kind::kProcess:
        if (what.sim_ != sim) throw std::logic_error("any_of/all_of: foreign process");
        sim->joiners(what.idx_).push_back(this);
        break;
      case Waitable::Kind::kTimeout:
        timer_sim = what.sim_;
        timer = timer_sim->schedule_at(
            timer_sim->now() + what.delay_,
            [this] {
              timer = EventId{};
              on_fire(0);
            },
            0, kKindTimeout, sim->current_process());
        break;
    }
  }
  /// WaitNode hook: the awaited thing happened.
  void on_fire(std::int64_t) override { parent->child_fired(index); }
  /// WaitNode hook: stop waiting (interrupt or destruction).
  void withdraw() noexcept override {
    if (list != nullptr) list->remove(this);
    if (timer.valid()) {
      timer_sim->cancel(timer);
      timer = EventId{};
    }
  }

  Waitable what;
  CombinatorBase* parent = nullptr;
  std::size_t index = 0;
  Simulation* timer_sim = nullptr;
  EventId timer{};
};

/// any_of (All = false) / all_of (All = true) awaiter over N children.
template <bool All, std::size_t N>
class Combinator final : public CombinatorBase {
 public:
  template <class... W>
  explicit Combinator(W&&... w) : children_{{SubWait(Waitable(std::forward<W>(w)))...}} {}
  Combinator(const Combinator&) = delete;
  Combinator& operator=(const Combinator&) = delete;
  ~Combinator() override { withdraw(); }

  /// Awaiter protocol: never ready / ready when already satisfied.
  bool await_ready() {
    std::size_t ready = 0;
    for (std::size_t i = 0; i < N; ++i) {
      if (children_[i].ready_now()) {
        if constexpr (!All) {
          winner_ = i;  // lowest index among the already-satisfied children
          return true;
        }
        ++ready;
      }
    }
    return All && ready == N;
  }
  /// Awaiter protocol: registers the wait (false = continue without suspending).
  void await_suspend(ProcessCoro h) {
    sim_ = h.promise().sim;
    idx_ = h.promise().idx;
    core_ = &h.promise().core;
    remaining_ = 0;
    for (std::size_t i = 0; i < N; ++i) {
      if (!children_[i].ready_now()) {
        children_[i].arm(sim_, this, i);
        ++remaining_;
      }
    }
    token_ = Simulation::begin_wait(h.promise().core, this);
  }
  /// any_of: index of the first child that fired; all_of: N.
  std::size_t await_resume() {
    withdraw();
    if (sim_ != nullptr) Simulation::check_interrupt(*core_);
    return All ? N : winner_;
  }
  /// Child i fired.
  void child_fired(std::size_t i) override {
    if constexpr (All) {
      if (--remaining_ == 0) sim_->wake(*core_, token_);
    } else {
      if (winner_ != N) return;
      winner_ = i;
      withdraw();  // the losers stop waiting now (timers cancelled)
      sim_->wake(*core_, token_);
    }
  }
  /// WaitNode hook: the awaited thing happened.
  void on_fire(std::int64_t) override {}
  /// WaitNode hook: stop waiting (interrupt or destruction).
  void withdraw() noexcept override {
    for (SubWait& c : children_) c.withdraw();
  }

 private:
  std::array<SubWait, N> children_;
  Simulation* sim_ = nullptr;
  std::uint32_t idx_ = 0;
  std::uint32_t token_ = 0;
  detail::ProcessCore* core_ = nullptr;
  std::size_t remaining_ = 0;
  std::size_t winner_ = N;
};
}  // namespace detail

/// Waits for the first of several events/timeouts/processes; yields its index. When several
/// fire at the same time the first in calendar order wins; when several are already
/// satisfied at the co_await the lowest index wins. The losers are withdrawn.
template <class... W>
detail::Combinator<false, sizeof...(W)> any_of(W&&... w) {
  static_assert(sizeof...(W) > 0, "any_of needs at least one waitable");
  return detail::Combinator<false, sizeof...(W)>(std::forward<W>(w)...);
}

/// Waits until all of several events/timeouts/processes have fired.
template <class... W>
detail::Combinator<true, sizeof...(W)> all_of(W&&... w) {
  static_assert(sizeof...(W) > 0, "all_of needs at least one waitable");
  return detail::Combinator<true, sizeof...(W)>(std::forward<W>(w)...);
}

}  // namespace labtwin::sim
