#pragma once
/// @file Resource: `capacity` identical units requested by processes, with a priority queue
/// (lower value first, FIFO within a priority), optional preemption and time-weighted
/// statistics (utilisation, queue length) plus a tally of waiting times.
///
///   ResourceGrant g = co_await res.request(priority, preempt);
///   ... use the unit ...
///   g.release();   // or let g go out of scope
///
/// A preemptive request (preempt = true) that finds every unit busy takes the unit of the
/// current user with the largest priority value, if that value is strictly larger than its
/// own (ties: the most recently granted user). The victim's grant is revoked (held() becomes
/// false, release() is a no-op) and the victim process is interrupted with
/// InterruptCause{kPreempted, preemptor id} (Interrupted::preempted() is true).
///
/// An interrupt that reaches a process queued on the resource withdraws its request. Once the
/// unit has been granted, a late interrupt is refused (the grant is delivered).
///
/// Lifetimes: grants and queued requests refer to the Resource; if the Resource is destroyed
/// first, they are detached (release() becomes a no-op, queued processes stay suspended).
#include <cstdint>
#include <vector>

#include "labtwin/sim/process.hpp"
#include "labtwin/sim/statistics.hpp"

namespace labtwin::sim {

class Resource;
namespace detail {
class ResourceRequest;
}  // namespace detail

/// RAII hold on one unit of a Resource; releases on destruction. Move-only.
class ResourceGrant {
 public:
  /// Holds nothing.
  ResourceGrant() = default;
  /// Moves the hold.
  ResourceGrant(ResourceGrant&& o) noexcept;
  /// Moves the hold (releasing the current one).
  ResourceGrant& operator=(ResourceGrant&& o) noexcept;
  ResourceGrant(const ResourceGrant&) = delete;
  ResourceGrant& operator=(const ResourceGrant&) = delete;
  /// Releases the unit if still held.
  ~ResourceGrant() { release(); }
  /// Gives the unit back (idempotent; no-op after preemption or if the resource is gone).
  void release();
  /// True while the unit is held (false after release, preemption or resource destruction).
  bool held() const;

 private:
  friend class Resource;
  friend class detail::ResourceRequest;
  ResourceGrant(Resource* r, std::uint32_t user, std::uint32_t gen);
  Resource* res_ = nullptr;
  std::uint32_t user_ = 0;
  std::uint32_t gen_ = 0;
};

namespace detail {
/// Awaiter of Resource::request (kernel-internal).
class ResourceRequest final : public WaitNode {
 public:
  /// Awaiter for the given target (created by the owning API).
  ResourceRequest(Resource* r, int priority, bool preempt)
      : res_(r), priority_(priority), preempt_(preempt) {}
  ResourceRequest(const ResourceRequest&) = delete;
  ResourceRequest& operator=(const ResourceRequest&) = delete;
  ~ResourceRequest() override;
  /// Awaiter protocol: never ready / ready when already satisfied.
  bool await_ready() const noexcept { return false; }
  /// Awaiter protocol: registers the wait (false = continue without suspending).
  bool await_suspend(ProcessCoro h);
  /// Awaiter protocol: result, or throws Interrupted.
  ResourceGrant await_resume();
  /// WaitNode hook: the awaited thing happened.
  void on_fire(std::int64_t) override {}
  /// WaitNode hook: stop waiting (interrupt or destruction).
  void withdraw() noexcept override;
  /// Completed operations are never undone: refuse late interrupts.
  bool accepts_late_interrupt() const override { return false; }

 private:
  friend class sim::Resource;
  Resource* res_;
  int priority_;
  bool preempt_;
  std::uint64_t seq_ = 0;
  Simulation* sim_ = nullptr;
  std::uint32_t idx_ = 0;
  std::uint32_t token_ = 0;
  detail::ProcessCore* core_ = nullptr;
  Time enqueued_{};
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;
  std::uint32_t user_ = kNone;  // granted user record, until turned into a ResourceGrant
  std::uint32_t user_gen_ = 0;
  bool preempted_ = false;  // granted, then preempted before it resumed
  std::int64_t preempted_by_ = 0;
};
}  // namespace detail

/// A pool of identical units with a priority queue (see file comment).
class Resource {
 public:
  /// `capacity` >= 1 units (else std::invalid_argument).
  Resource(Simulation& sim, int capacity);
  Resource(const Resource&) = delete;
  Resource& operator=(const Resource&) = delete;
  /// Detaches grants and queued requests.
  ~Resource();

  /// Awaitable request; yields a ResourceGrant. Lower priority value is served first.
  detail::ResourceRequest request(int priority = 0, bool preempt = false) {
    return detail::ResourceRequest{this, priority, preempt};
  }
  /// Number of units.
  int capacity() const { return capacity_; }
  /// Units currently held.
  int in_use() const { return busy_; }
  /// Requests currently queued.
  std::size_t queue_length() const { return queued_; }
  /// Time-average fraction of units in use since the last reset.
  double utilisation() const { return busy_tw_.mean(sim_.now()) / capacity_; }
  /// Time-average number of queued requests since the last reset.
  double mean_queue_length() const { return queue_tw_.mean(sim_.now()); }
  /// Waiting times (seconds) of granted requests since the last reset (0 for immediate).
  const Tally& waiting_time() const { return wait_; }
  /// Number of preemptions so far.
  std::uint64_t preemptions() const { return preemptions_; }
  /// Restarts all statistics at now() (warm-up deletion).
  void reset_statistics();

 private:
  friend class ResourceGrant;
  friend class detail::ResourceRequest;
  struct User {
    bool active = false;
    std::uint32_t gen = 0;
    int priority = 0;
    std::uint64_t seq = 0;
    std::uint32_t proc_idx = 0;
    std::uint32_t proc_gen = 0;
    ResourceGrant* grant = nullptr;              // the grant object, once materialised
    detail::ResourceRequest* pending = nullptr;  // the request, until it resumes
    std::uint32_t next_free = 0;
  };
  std::uint32_t add_user(detail::ResourceRequest& r);
  void release_user(std::uint32_t user, std::uint32_t gen);
  bool try_preempt(detail::ResourceRequest& r);
  void enqueue(detail::ResourceRequest& r);
  void dequeue(detail::ResourceRequest& r);
  void dispatch();
  void record_wait(Time since);

  Simulation& sim_;
  int capacity_;
  int busy_ = 0;
  std::size_t queued_ = 0;
  std::uint64_t seq_ = 0;
  std::uint64_t preemptions_ = 0;
  detail::WaitList queue_;  // sorted by (priority, seq)
  std::vector<User> users_;
  std::uint32_t free_user_ = detail::ResourceRequest::kNone;
  TimeWeighted busy_tw_;
  TimeWeighted queue_tw_;
  Tally wait_;
};

}  // namespace labtwin::sim
