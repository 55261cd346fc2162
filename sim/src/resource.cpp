#include "labtwin/sim/resource.hpp"

#include <stdexcept>
#include <string>
#include <utility>

namespace labtwin::sim {

// ---- ResourceGrant --------------------------------------------------------------------------

ResourceGrant::ResourceGrant(Resource* r, std::uint32_t user, std::uint32_t gen)
    : res_(r), user_(user), gen_(gen) {
  res_->users_[user_].grant = this;
}

ResourceGrant::ResourceGrant(ResourceGrant&& o) noexcept
    : res_(std::exchange(o.res_, nullptr)), user_(o.user_), gen_(o.gen_) {
  if (held()) res_->users_[user_].grant = this;
}

ResourceGrant& ResourceGrant::operator=(ResourceGrant&& o) noexcept {
  if (this != &o) {
    release();
    res_ = std::exchange(o.res_, nullptr);
    user_ = o.user_;
    gen_ = o.gen_;
    if (held()) res_->users_[user_].grant = this;
  }
  return *this;
}

bool ResourceGrant::held() const {
  return res_ != nullptr && res_->users_[user_].active && res_->users_[user_].gen == gen_;
}

void ResourceGrant::release() {
  if (res_ == nullptr) return;
  Resource* r = std::exchange(res_, nullptr);
  r->release_user(user_, gen_);
}

// ---- ResourceRequest ------------------------------------------------------------------------

namespace detail {

bool ResourceRequest::await_suspend(ProcessCoro h) {
  sim_ = h.promise().sim;
  idx_ = h.promise().idx;
  core_ = &h.promise().core;
  if (res_ == nullptr) throw std::logic_error("Resource::request: resource was destroyed");
  Resource& r = *res_;
  enqueued_ = sim_->now();
  seq_ = r.seq_++;
  // Immediate grant: a free unit and nobody queued ahead (the queue only holds requests
  // when every unit is busy, so a free unit means an empty queue).
  if (r.busy_ < r.capacity_ || (preempt_ && r.try_preempt(*this))) {
    user_ = r.add_user(*this);
    user_gen_ = r.users_[user_].gen;
    r.record_wait(enqueued_);
    return false;
  }
  r.enqueue(*this);
  token_ = Simulation::begin_wait(h.promise().core, this);
  return true;
}

ResourceGrant ResourceRequest::await_resume() {
  Simulation::check_interrupt(*core_);  // an interrupt here means the request was withdrawn
  if (preempted_) throw Interrupted(InterruptCause{InterruptKind::kPreempted, preempted_by_});
  if (res_ == nullptr || user_ == kNone)
    throw std::logic_error("Resource::request: the resource was destroyed while waiting");
  res_->users_[user_].pending = nullptr;
  const std::uint32_t u = std::exchange(user_, kNone);
  return ResourceGrant(res_, u, user_gen_);
}

void ResourceRequest::withdraw() noexcept {
  if (res_ != nullptr && list != nullptr) res_->dequeue(*this);
}

ResourceRequest::~ResourceRequest() {
  withdraw();
  // Granted but never resumed (process cancelled): give the unit back.
  if (res_ != nullptr && user_ != kNone) {
    res_->users_[user_].pending = nullptr;
    res_->release_user(user_, user_gen_);
  }
}

}  // namespace detail

// ---- Resource -------------------------------------------------------------------------------

Resource::Resource(Simulation& sim, int capacity)
    : sim_(sim), capacity_(capacity), busy_tw_(sim.now()), queue_tw_(sim.now()) {
  if (capacity < 1)
    throw std::invalid_argument("Resource: capacity must be >= 1, got " + std::to_string(capacity));
}

Resource::~Resource() {
  while (detail::WaitNode* n = queue_.pop_front())
    static_cast<detail::ResourceRequest*>(n)->res_ = nullptr;
  for (User& u : users_) {
    if (!u.active) continue;
    if (u.grant != nullptr) u.grant->res_ = nullptr;
    if (u.pending != nullptr) u.pending->res_ = nullptr;
  }
}

void Resource::reset_statistics() {
  busy_tw_.reset(sim_.now());
  queue_tw_.reset(sim_.now());
  wait_.reset();
}

void Resource::record_wait(Time since) { wait_.add((sim_.now() - since).seconds()); }

std::uint32_t Resource::add_user(detail::ResourceRequest& r) {
  std::uint32_t u;
  if (free_user_ != detail::ResourceRequest::kNone) {
    u = free_user_;
    free_user_ = users_[u].next_free;
  } else {
    u = static_cast<std::uint32_t>(users_.size());
    users_.emplace_back();
  }
  User& user = users_[u];
  user.active = true;
  user.priority = r.priority_;
  user.seq = r.seq_;
  user.proc_idx = r.idx_;
  user.proc_gen = r.sim_->process_generation(r.idx_);
  user.grant = nullptr;
  user.pending = &r;
  ++busy_;
  busy_tw_.update(sim_.now(), busy_);
  return u;
}

void Resource::release_user(std::uint32_t u, std::uint32_t gen) {
  User& user = users_[u];
  if (!user.active || user.gen != gen) return;  // revoked by preemption or already released
  user.active = false;
  ++user.gen;
  user.grant = nullptr;
  user.pending = nullptr;
  user.next_free = free_user_;
  free_user_ = u;
  --busy_;
  busy_tw_.update(sim_.now(), busy_);
  dispatch();
}

bool Resource::try_preempt(detail::ResourceRequest& r) {
  // Victim: largest priority value strictly above the requester's; ties -> latest granted.
  std::uint32_t victim = detail::ResourceRequest::kNone;
  for (std::uint32_t i = 0; i < users_.size(); ++i) {
    const User& u = users_[i];
    if (!u.active || u.priority <= r.priority_) continue;
    if (victim == detail::ResourceRequest::kNone || u.priority > users_[victim].priority ||
        (u.priority == users_[victim].priority && u.seq > users_[victim].seq))
      victim = i;
  }
  if (victim == detail::ResourceRequest::kNone) return false;
  User& v = users_[victim];
  const std::uint32_t pidx = v.proc_idx;
  const std::uint32_t pgen = v.proc_gen;
  if (v.grant != nullptr) v.grant->res_ = nullptr;  // revoked: its release() is a no-op
  const ProcessHandle by(r.sim_, r.idx_, r.sim_->process_generation(r.idx_));
  if (v.pending != nullptr) {
    // Granted but not resumed yet: its co_await will throw Interrupted{kPreempted}.
    v.pending->user_ = detail::ResourceRequest::kNone;
    v.pending->preempted_ = true;
    v.pending->preempted_by_ = by.id();
  }
  v.active = false;
  ++v.gen;
  v.grant = nullptr;
  v.pending = nullptr;
  v.next_free = free_user_;
  free_user_ = victim;
  --busy_;
  busy_tw_.update(sim_.now(), busy_);
  ++preemptions_;
  sim_.interrupt(pidx, pgen, InterruptCause{InterruptKind::kPreempted, by.id()});
  return true;
}

void Resource::enqueue(detail::ResourceRequest& r) {
  // Keep (priority, seq) order; scan from the back since most requests share a priority.
  detail::WaitNode* pos = nullptr;
  for (detail::WaitNode* n = queue_.tail; n != nullptr; n = n->prev) {
    if (static_cast<detail::ResourceRequest*>(n)->priority_ <= r.priority_) break;
    pos = n;
  }
  queue_.insert_before(pos, &r);
  ++queued_;
  queue_tw_.update(sim_.now(), static_cast<double>(queued_));
}

void Resource::dequeue(detail::ResourceRequest& r) {
  queue_.remove(&r);
  --queued_;
  queue_tw_.update(sim_.now(), static_cast<double>(queued_));
}

void Resource::dispatch() {
  while (busy_ < capacity_ && !queue_.empty()) {
    auto* r = static_cast<detail::ResourceRequest*>(queue_.head);
    dequeue(*r);
    r->user_ = add_user(*r);
    r->user_gen_ = users_[r->user_].gen;
    record_wait(r->enqueued_);
    r->sim_->wake(*r->core_, r->token_);
  }
}

}  // namespace labtwin::sim
