#include "labtwin/sim/simulation.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <thread>

#include "labtwin/sim/process.hpp"

namespace labtwin::sim {

Simulation::Simulation() = default;

Simulation::Simulation(std::unique_ptr<Calendar> calendar) : custom_(std::move(calendar)) {
  if (!custom_) throw std::invalid_argument("Simulation: null calendar");
}

Simulation::~Simulation() {
  // Destroy frames first (their locals may release resources or cancel timers, which needs a
  // live calendar); wakes issued during teardown are ignored.
  shutting_down_ = true;
  for (std::size_t i = 0; i < procs_.size(); ++i) {
    detail::ProcessSlot& s = procs_[i];
    detail::ProcessCore* c = s.core;
    if (c == nullptr || c->state == detail::ProcState::kDying) continue;
    c->state = detail::ProcState::kDying;
    cancel(c->pending_resume);
    s.joiners.detach_all();
    s.core = nullptr;
    c->handle.destroy();
  }
  fast_.clear();
  if (custom_) custom_->clear();
}

void Simulation::throw_bad_delay(Time delay) const {
  if (delay.ticks < 0)
    throw std::invalid_argument("Simulation::schedule_in: negative delay " +
                                std::to_string(delay.ticks) + " us");
  throw std::overflow_error("Simulation::schedule_in: now + delay overflows Time");
}

void Simulation::throw_past(Time t) const {
  throw std::invalid_argument("Simulation::schedule_at: time " + std::to_string(t.ticks) +
                              " us is before now (" + std::to_string(now_.ticks) + " us)");
}

void Simulation::add_observer(Observer* obs) {
  if (obs == nullptr) throw std::invalid_argument("Simulation::add_observer: null observer");
  observers_.push_back(obs);
  update_hooks();
}

bool Simulation::remove_observer(Observer* obs) {
  const auto it = std::find(observers_.begin(), observers_.end(), obs);
  if (it == observers_.end()) return false;
  observers_.erase(it);
  update_hooks();
  return true;
}

void Simulation::set_realtime_factor(double f) {
  if (!(f >= 0.0))
    throw std::invalid_argument("Simulation::set_realtime_factor: factor must be >= 0, got " +
                                std::to_string(f));
  realtime_factor_ = f;
  rt_anchored_ = false;
  update_hooks();
}

void Simulation::update_hooks() { hooks_ = !observers_.empty() || realtime_factor_ > 0.0; }

// Everything that is not needed when no observer, pacing or pause is active: kept out of line.
void Simulation::slow_hooks(Time t, const EventInfo* info) {
  while (paused_.load(std::memory_order_relaxed) && !stop_requested_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    rt_anchored_ = false;  // do not "catch up" after a pause
  }
  if (realtime_factor_ > 0.0 && t > now_) {
    const auto wall = std::chrono::steady_clock::now();
    if (!rt_anchored_) {
      rt_wall0_ = wall;
      rt_sim0_ = now_;
      rt_anchored_ = true;
    }
    const double wall_s = (t - rt_sim0_).seconds() / realtime_factor_;
    const auto target = rt_wall0_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                        std::chrono::duration<double>(wall_s));
    if (target > wall) std::this_thread::sleep_until(target);
  }
  if (t > now_)
    for (Observer* o : observers_) o->on_time_advance(now_, t);
  if (info != nullptr)
    for (Observer* o : observers_) o->on_event(*info);
}

bool Simulation::execute_fast(std::int64_t limit) {
  HeapCalendar::Entry e;
  if (!fast_.pop_live(e, limit)) return false;
  HeapCalendar::Slot& s = fast_.slot(e.slot);
  if (hooks_ || paused_.load(std::memory_order_relaxed)) [[unlikely]] {
    const EventInfo info = fast_.info_of(e, s);
    slow_hooks(info.time, nullptr);
    now_ = info.time;
    if (!observers_.empty()) slow_hooks(info.time, &info);
  }
  now_ = Time{e.time};
  fingerprint_ = detail::fold_fingerprint(fingerprint_, e.time, e.kind, s.target);
  ++executed_;
  // Run in place (slot addresses are stable), then recycle the slot even if it throws.
  struct Release {
    HeapCalendar& cal;
    std::uint32_t idx;
    ~Release() { cal.release(idx); }
  } release{fast_, e.slot};
  s.cb();
  return true;
}

bool Simulation::execute_custom(std::int64_t limit) {
  Time t;
  if (!custom_->next_time(t) || t.ticks > limit) return false;
  EventInfo info;
  Callback cb;
  custom_->pop(info, cb);
  if (hooks_ || paused_.load(std::memory_order_relaxed)) [[unlikely]] {
    slow_hooks(info.time, nullptr);
    now_ = info.time;
    if (!observers_.empty()) slow_hooks(info.time, &info);
  }
  now_ = info.time;
  fingerprint_ = detail::fold_fingerprint(fingerprint_, info.time.ticks, info.kind, info.target);
  ++executed_;
  cb();
  return true;
}

void Simulation::run_loop(std::int64_t limit) {
  stop_requested_ = false;
  if (custom_) {
    while (!stop_requested_ && execute_custom(limit)) {
    }
  } else {
    while (!stop_requested_ && execute_fast(limit)) {
    }
  }
}

void Simulation::run() {
  run_loop(Time::max().ticks);
  for (Observer* o : observers_) o->on_end(now_);
}

void Simulation::run_until(Time t) {
  if (t < now_)
    throw std::invalid_argument("Simulation::run_until: time " + std::to_string(t.ticks) +
                                " us is before now (" + std::to_string(now_.ticks) + " us)");
  run_loop(t.ticks);
  if (!stop_requested_ && t > now_) {
    if (hooks_) slow_hooks(t, nullptr);
    now_ = t;
  }
  for (Observer* o : observers_) o->on_end(now_);
}

bool Simulation::step() {
  return custom_ ? execute_custom(Time::max().ticks) : execute_fast(Time::max().ticks);
}

// ---- processes ---------------------------------------------------------------------------

ProcessHandle Simulation::spawn(Process process) {
  auto h = process.release();
  if (!h) throw std::invalid_argument("Simulation::spawn: empty Process (moved-from?)");
  std::uint32_t idx;
  if (free_proc_ != kNoProcess) {
    idx = free_proc_;
    free_proc_ = procs_[idx].next_free;
  } else {
    if (procs_.size() >= kNoProcess - 1) {
      h.destroy();
      throw std::length_error("Simulation::spawn: too many live processes");
    }
    idx = static_cast<std::uint32_t>(procs_.size());
    procs_.emplace_back();
  }
  detail::ProcessSlot& s = procs_[idx];
  detail::ProcessCore& c = h.promise().core;
  h.promise().sim = this;
  h.promise().idx = idx;
  c.sim = this;
  c.handle = h;
  c.idx = idx;
  c.state = detail::ProcState::kStarting;
  s.core = &c;
  ++live_processes_;
  detail::ProcessCore* cp = &c;
  const std::uint32_t tok = c.token;
  try {
    c.pending_resume = schedule_at(now_, detail::Resumer{cp, tok}, 0, kKindProcessWake, idx);
  } catch (...) {
    s.core = nullptr;
    h.destroy();
    finish_process(idx);
    throw;
  }
  return ProcessHandle{this, idx, s.gen};
}

void Simulation::wake(detail::ProcessCore& c, std::uint32_t token) {
  if (shutting_down_) return;
  if (c.state != detail::ProcState::kWaiting || c.token != token) return;
  c.state = detail::ProcState::kWaking;
  detail::ProcessCore* cp = &c;
  c.pending_resume = schedule_at(now_, detail::Resumer{cp, token}, 0, kKindProcessWake, c.idx);
}

void Simulation::resume_core(detail::ProcessCore& c, std::uint32_t token) {
  if (c.token != token || c.state == detail::ProcState::kDying ||
      c.state == detail::ProcState::kRunning) [[unlikely]]
    return;  // stale wake-up (defensive: stale events are cancelled)
  ++c.token;
  c.state = detail::ProcState::kRunning;
  c.waiting = nullptr;
  c.pending_resume = EventId{};
  const std::uint32_t prev = current_;
  current_ = c.idx;
  c.handle.resume();  // may end the process and free `c`
  current_ = prev;
  if (pending_error_) [[unlikely]]
    rethrow_pending();
}

void Simulation::rethrow_pending() {
  std::exception_ptr e = std::exchange(pending_error_, nullptr);
  std::rethrow_exception(e);
}

void Simulation::throw_interrupt(detail::ProcessCore& c) {
  c.interrupt_pending = false;
  throw Interrupted(c.cause);
}

bool Simulation::interrupt(std::uint32_t idx, std::uint32_t gen, InterruptCause cause) {
  if (process_done(idx, gen)) return false;
  detail::ProcessCore& c = *procs_[idx].core;
  if (c.interrupt_pending) return false;
  if (c.state == detail::ProcState::kWaiting) {
    detail::WaitNode* node = std::exchange(c.waiting, nullptr);
    if (node != nullptr) node->withdraw();
    c.interrupt_pending = true;
    c.cause = cause;
    wake(c, c.token);
    return true;
  }
  if (c.state == detail::ProcState::kWaking) {
    // A wake-up is already scheduled: the co_await will throw when it resumes, unless what
    // it waited for has side effects that already happened (a grant, a put, a get).
    if (c.waiting != nullptr && !c.waiting->accepts_late_interrupt()) return false;
    c.interrupt_pending = true;
    c.cause = cause;
    return true;
  }
  return false;  // starting, running or dying
}

bool Simulation::cancel_process(std::uint32_t idx, std::uint32_t gen) {
  if (process_done(idx, gen)) return false;
  detail::ProcessCore& c = *procs_[idx].core;
  if (c.state == detail::ProcState::kRunning || c.state == detail::ProcState::kDying) return false;
  c.state = detail::ProcState::kDying;
  c.waiting = nullptr;
  cancel(c.pending_resume);
  procs_[idx].core = nullptr;
  c.handle.destroy();  // locals' destructors withdraw waits and release grants
  finish_process(idx);
  return true;
}

void Simulation::finish_process(std::uint32_t idx) {
  detail::ProcessSlot& s = procs_[idx];
  s.core = nullptr;
  ++s.gen;
  --live_processes_;
  if (!shutting_down_) {
    while (detail::WaitNode* n = s.joiners.pop_front()) n->on_fire(0);
  } else {
    s.joiners.detach_all();
  }
  s.next_free = free_proc_;
  free_proc_ = idx;
}

}  // namespace labtwin::sim
