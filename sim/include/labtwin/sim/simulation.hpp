#pragma once
/// @file The discrete-event simulation kernel: clock, calendar, run loop, process table.
///
/// Events run in (time, priority, sequence) order (see calendar.hpp). The fast HeapCalendar is
/// a direct member (no virtual call per event); a Simulation built with an explicit Calendar
/// (e.g. ReferenceCalendar) goes through the virtual interface instead, for cross-checks.
#include <atomic>
#include <chrono>
#include <coroutine>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <type_traits>
#include <vector>

#include "labtwin/sim/calendar.hpp"
#include "labtwin/sim/event_id.hpp"
#include "labtwin/sim/interrupt.hpp"
#include "labtwin/sim/observer.hpp"
#include "labtwin/sim/time.hpp"

namespace labtwin::sim {

class Process;
class ProcessHandle;
class Simulation;
class Timeout;

/// Event kinds used by the kernel itself (model kinds should stay below 0xFFFF0000).
inline constexpr std::uint32_t kKindProcessWake = 0xFFFF0001u;  ///< resume after a signal
inline constexpr std::uint32_t kKindTimeout = 0xFFFF0002u;      ///< a process timeout expired

/// Fingerprint fold: h' = mix(mix(h ^ time_ticks) ^ (kind << 32 | target)), where mix is the
/// SplitMix64 finaliser; the initial value is kFingerprintSeed.
inline constexpr std::uint64_t kFingerprintSeed = 0x9e3779b97f4a7c15ULL;

namespace detail {

/// SplitMix64 finaliser (Steele, Lea & Flood 2014).
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// One fingerprint step over an executed event.
constexpr std::uint64_t fold_fingerprint(std::uint64_t h, std::int64_t time, std::uint32_t kind,
                                         std::uint32_t target) {
  h = mix64(h ^ static_cast<std::uint64_t>(time));
  return mix64(h ^ ((static_cast<std::uint64_t>(kind) << 32) | target));
}

struct WaitList;

/// Something a suspended process waits on, intrusively linkable into a WaitList.
struct WaitNode {
  virtual ~WaitNode() = default;
  /// The awaited thing happened (event triggered with `value`, process ended, ...).
  virtual void on_fire(std::int64_t value) = 0;
  /// The waiting process was interrupted: stop waiting (unlink, cancel timers, ...).
  virtual void withdraw() noexcept = 0;
  /// Whether an interrupt may still be delivered after this wait completed but before the
  /// process resumed. Operations with side effects (grants, puts, gets) say no.
  virtual bool accepts_late_interrupt() const { return true; }
  WaitNode* prev = nullptr;  ///< list links
  WaitNode* next = nullptr;  ///< list links
  WaitList* list = nullptr;  ///< list this node is linked in, or null
};

/// Intrusive FIFO doubly-linked list of WaitNodes.
struct WaitList {
  WaitNode* head = nullptr;  ///< first node
  WaitNode* tail = nullptr;  ///< last node
  /// True when no node is linked.
  bool empty() const { return head == nullptr; }
  /// Appends n (must be unlinked).
  void push_back(WaitNode* n) {
    n->list = this;
    n->prev = tail;
    n->next = nullptr;
    (tail != nullptr ? tail->next : head) = n;
    tail = n;
  }
  /// Inserts n before `pos` (pos null = append).
  void insert_before(WaitNode* pos, WaitNode* n) {
    if (pos == nullptr) return push_back(n);
    n->list = this;
    n->next = pos;
    n->prev = pos->prev;
    (pos->prev != nullptr ? pos->prev->next : head) = n;
    pos->prev = n;
  }
  /// Unlinks n (must be linked here).
  void remove(WaitNode* n) {
    (n->prev != nullptr ? n->prev->next : head) = n->next;
    (n->next != nullptr ? n->next->prev : tail) = n->prev;
    n->prev = n->next = nullptr;
    n->list = nullptr;
  }
  /// Unlinks and returns the first node, or null.
  WaitNode* pop_front() {
    WaitNode* n = head;
    if (n != nullptr) remove(n);
    return n;
  }
  /// Unlinks every node (they stay suspended; used when the owner is destroyed).
  void detach_all() {
    while (pop_front() != nullptr) {
    }
  }
};

/// Life-cycle state of a process-table slot.
enum class ProcState : std::uint8_t { kFree, kStarting, kRunning, kWaiting, kWaking, kDying };

/// Hot per-process state; lives inside the coroutine frame (promise), so resuming a process
/// touches its own frame and not a separate table.
struct ProcessCore {
  Simulation* sim = nullptr;       ///< owning simulation
  std::coroutine_handle<> handle;  ///< the frame
  std::uint32_t idx = 0;           ///< process-table index
  std::uint32_t token = 0;         ///< wake token of the current suspension
  ProcState state = ProcState::kStarting;
  bool interrupt_pending = false;  ///< deliver `cause` at the next resumption
  InterruptCause cause;            ///< pending interrupt cause
  WaitNode* waiting = nullptr;     ///< what the process is suspended on (kWaiting/kWaking)
  EventId pending_resume{};        ///< scheduled start/wake event (cancelled if the frame dies)
};

/// Process-table entry (kernel-internal): identity for weak handles and the join list.
struct ProcessSlot {
  ProcessCore* core = nullptr;  ///< null when the slot is free
  std::uint32_t gen = 0;        ///< bumped when the process ends
  std::uint32_t next_free = 0;  ///< free-list link
  WaitList joiners;             ///< processes joining this one
};

}  // namespace detail

/// Discrete-event simulation: owns the clock, the calendar and all process frames.
///
/// Not copyable or movable (processes and resources refer to it). Single-threaded except for
/// set_paused()/paused(), which another thread (a GUI) may call while run() is active.
class Simulation {
 public:
  /// Simulation on the fast HeapCalendar.
  Simulation();
  /// Simulation on a caller-supplied calendar (virtual dispatch; for tests/cross-checks).
  explicit Simulation(std::unique_ptr<Calendar> calendar);
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;
  /// Destroys every pending process frame (their local destructors run), then the calendar.
  ~Simulation();

  /// Current simulated time.
  Time now() const { return now_; }
  /// Schedules cb at absolute time t (t >= now(), else std::invalid_argument).
  EventId schedule_at(Time t, Callback cb, int priority = 0, std::uint32_t kind = 0,
                      std::uint32_t target = 0) {
    if (t < now_) [[unlikely]]
      throw_past(t);
    if (custom_) [[unlikely]]
      return custom_->schedule(t, priority, kind, target, std::move(cb));
    return fast_.schedule(t, priority, kind, target, std::move(cb));
  }
  /// schedule_at for any callable: constructed in place in the calendar slot (fastest).
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Callback> &&
                                              std::is_invocable_r_v<void, std::decay_t<F>&>>>
  EventId schedule_at(Time t, F&& f, int priority = 0, std::uint32_t kind = 0,
                      std::uint32_t target = 0) {
    if (t < now_) [[unlikely]]
      throw_past(t);
    if (custom_) [[unlikely]]
      return custom_->schedule(t, priority, kind, target, Callback(std::forward<F>(f)));
    return fast_.schedule_fn(t, priority, kind, target, std::forward<F>(f));
  }
  /// schedule_in for any callable (see the schedule_at overload).
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Callback> &&
                                              std::is_invocable_r_v<void, std::decay_t<F>&>>>
  EventId schedule_in(Time delay, F&& f, int priority = 0, std::uint32_t kind = 0,
                      std::uint32_t target = 0) {
    return schedule_at(checked_after(delay), std::forward<F>(f), priority, kind, target);
  }
  /// Schedules cb at now() + delay (delay >= 0, else std::invalid_argument).
  EventId schedule_in(Time delay, Callback cb, int priority = 0, std::uint32_t kind = 0,
                      std::uint32_t target = 0) {
    return schedule_at(checked_after(delay), std::move(cb), priority, kind, target);
  }
  /// Cancels a pending event; false if it already ran, was cancelled or is invalid.
  bool cancel(EventId id) { return custom_ ? custom_->cancel(id) : fast_.cancel(id); }
  /// Runs until no event is pending or stop() is called.
  void run();
  /// Runs every event with time <= t, then sets now() to t (unless stopped earlier).
  void run_until(Time t);
  /// Runs one event; false when none is pending.
  bool step();
  /// Makes run()/run_until() return after the current event.
  void stop() { stop_requested_ = true; }
  /// Number of pending (not cancelled) events.
  std::size_t pending() const { return custom_ ? custom_->size() : fast_.size(); }
  /// Number of events executed so far.
  std::uint64_t events_executed() const { return executed_; }
  /// 64-bit hash folded over every executed event's (time, kind, target); see
  /// kFingerprintSeed. Identical runs give identical fingerprints on every platform.
  std::uint64_t fingerprint() const { return fingerprint_; }

  /// Attaches an observer (not owned; must outlive its attachment).
  void add_observer(Observer* obs);
  /// Detaches an observer; false if it was not attached.
  bool remove_observer(Observer* obs);
  /// Scaled real time: sleep so that `sim_seconds_per_wall_second` simulated seconds take one
  /// wall second; 0 (default) runs as fast as possible. Negative -> std::invalid_argument.
  void set_realtime_factor(double sim_seconds_per_wall_second);
  /// Current real-time factor (0 = unthrottled).
  double realtime_factor() const { return realtime_factor_; }
  /// Pauses/resumes the run loop between events (safe from another thread).
  void set_paused(bool p) { paused_.store(p, std::memory_order_relaxed); }
  /// True while paused.
  bool paused() const { return paused_.load(std::memory_order_relaxed); }

  /// Pre-allocates calendar room for n pending events (fast calendar only).
  void reserve(std::size_t n) {
    if (!custom_) fast_.reserve(n);
  }
  /// Bytes of calendar storage (fast calendar: heap + slot pool capacity; else 0).
  std::size_t calendar_memory_bytes() const { return custom_ ? 0 : fast_.memory_bytes(); }

  /// Registers a coroutine process and schedules its first step at now(); returns its handle.
  ProcessHandle spawn(Process process);
  /// Awaitable that resumes the calling process after `delay` (>= 0).
  Timeout timeout(Time delay);
  /// Number of processes spawned and not yet ended.
  std::size_t live_processes() const { return live_processes_; }

  // ---- Kernel internals used by the awaitables in process.hpp / resource.hpp -------------
  /// Marks the process as suspended on `node`; returns the wake token to use.
  static std::uint32_t begin_wait(detail::ProcessCore& c, detail::WaitNode* node) {
    c.state = detail::ProcState::kWaiting;
    c.waiting = node;
    return c.token;
  }
  /// Schedules resumption (at now()) of the process if it is still in suspension `token`.
  void wake(detail::ProcessCore& c, std::uint32_t token);
  /// Resumes a process directly (timeouts: the awaiter cancels the event if the frame dies).
  void resume_core(detail::ProcessCore& c, std::uint32_t token);
  /// Throws Interrupted if an interrupt is pending for the process.
  static void check_interrupt(detail::ProcessCore& c) {
    if (c.interrupt_pending) [[unlikely]]
      throw_interrupt(c);
  }
  /// Interrupts process (idx, gen); see ProcessHandle::interrupt.
  bool interrupt(std::uint32_t idx, std::uint32_t gen, InterruptCause cause);
  /// Cancels process (idx, gen); see ProcessHandle::cancel.
  bool cancel_process(std::uint32_t idx, std::uint32_t gen);
  /// Generation of process-table entry idx (identifies the current occupant).
  std::uint32_t process_generation(std::uint32_t idx) const { return procs_[idx].gen; }

  /// True when (idx, gen) has ended (or never existed).
  bool process_done(std::uint32_t idx, std::uint32_t gen) const {
    return idx >= procs_.size() || procs_[idx].gen != gen || procs_[idx].core == nullptr;
  }
  /// Join list of a live process.
  detail::WaitList& joiners(std::uint32_t idx) { return procs_[idx].joiners; }
  /// Called from a process's final suspend point (frame about to be destroyed).
  void finish_process(std::uint32_t idx);
  /// Records an exception that escaped a process; rethrown from the run loop.
  void record_process_failure(std::exception_ptr e) { pending_error_ = std::move(e); }
  /// Index of the process currently running, or kNoProcess.
  std::uint32_t current_process() const { return current_; }
  /// Returned by current_process() outside processes.
  static constexpr std::uint32_t kNoProcess = 0xFFFFFFFFu;
  /// True while the destructor tears processes down (wakes are ignored).
  bool shutting_down() const { return shutting_down_; }

 private:
  Time checked_after(Time delay) const {
    if (delay.ticks < 0 || delay.ticks > Time::max().ticks - now_.ticks) [[unlikely]]
      throw_bad_delay(delay);
    return now_ + delay;
  }
  [[noreturn]] void throw_past(Time t) const;
  [[noreturn]] void throw_bad_delay(Time delay) const;
  bool execute_fast(std::int64_t limit);
  bool execute_custom(std::int64_t limit);
  void slow_hooks(Time t, const EventInfo* info);
  void run_loop(std::int64_t limit);
  [[noreturn]] static void throw_interrupt(detail::ProcessCore& c);
  void rethrow_pending();
  void update_hooks();

  HeapCalendar fast_;
  std::unique_ptr<Calendar> custom_;
  Time now_ = Time::zero();
  std::uint64_t executed_ = 0;
  std::uint64_t fingerprint_ = kFingerprintSeed;
  bool stop_requested_ = false;
  bool hooks_ = false;  // observers attached or real-time pacing on
  std::atomic<bool> paused_{false};
  std::vector<Observer*> observers_;
  double realtime_factor_ = 0.0;
  std::chrono::steady_clock::time_point rt_wall0_{};
  Time rt_sim0_ = Time::zero();
  bool rt_anchored_ = false;

  std::deque<detail::ProcessSlot> procs_;
  std::uint32_t free_proc_ = kNoProcess;
  std::size_t live_processes_ = 0;
  std::uint32_t current_ = kNoProcess;
  std::exception_ptr pending_error_;
  bool shutting_down_ = false;
};

}  // namespace labtwin::sim
