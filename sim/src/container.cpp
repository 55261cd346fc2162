#include "labtwin/sim/container.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace labtwin::sim {

namespace detail {

bool ContainerOp::await_suspend(ProcessCoro h) {
  sim_ = h.promise().sim;
  idx_ = h.promise().idx;
  core_ = &h.promise().core;
  if (c_ == nullptr) throw std::logic_error("Container: container was destroyed");
  WaitList& q = put_ ? c_->puts_ : c_->gets_;
  if (q.empty() && c_->can(*this)) {
    c_->apply(*this);
    c_->dispatch();  // the other side may now proceed
    return false;
  }
  q.push_back(this);
  ++(put_ ? c_->nputs_ : c_->ngets_);
  token_ = Simulation::begin_wait(h.promise().core, this);
  return true;
}

void ContainerOp::await_resume() { Simulation::check_interrupt(*core_); }

}  // namespace detail

Container::Container(Simulation& sim, double capacity, double initial)
    : sim_(sim), capacity_(capacity), level_(initial), level_tw_(sim.now(), initial) {
  if (!(capacity > 0.0))
    throw std::invalid_argument("Container: capacity must be > 0, got " + std::to_string(capacity));
  if (!(initial >= 0.0 && initial <= capacity))
    throw std::invalid_argument("Container: initial level " + std::to_string(initial) +
                                " outside [0, " + std::to_string(capacity) + "]");
}

Container::~Container() {
  for (detail::WaitList* q : {&puts_, &gets_})
    while (detail::WaitNode* n = q->pop_front()) static_cast<detail::ContainerOp*>(n)->c_ = nullptr;
}

double Container::check(double amount, const char* what) const {
  if (!(amount > 0.0) || !(amount <= capacity_) || !std::isfinite(amount))
    throw std::invalid_argument(std::string("Container::") + what + ": amount " +
                                std::to_string(amount) +
                                " must be in (0, capacity = " + std::to_string(capacity_) + "]");
  return amount;
}

bool Container::can(const detail::ContainerOp& op) const {
  // Relative tolerance so that sums of decimal amounts (0.1 + 0.2) still fit exactly.
  const double eps = 1e-12 * std::max(1.0, std::isfinite(capacity_) ? capacity_ : level_);
  return op.put_ ? level_ + op.amount_ <= capacity_ + eps : level_ + eps >= op.amount_;
}

void Container::apply(const detail::ContainerOp& op) {
  level_ = op.put_ ? std::min(capacity_, level_ + op.amount_) : std::max(0.0, level_ - op.amount_);
  level_tw_.update(sim_.now(), level_);
}

void Container::dispatch() {
  bool progress = true;
  while (progress) {
    progress = false;
    for (detail::WaitList* q : {&puts_, &gets_}) {
      while (!q->empty()) {
        auto* op = static_cast<detail::ContainerOp*>(q->head);
        if (!can(*op)) break;
        q->remove(op);
        --(op->put_ ? nputs_ : ngets_);
        apply(*op);
        op->sim_->wake(*op->core_, op->token_);
        progress = true;
      }
    }
  }
}

}  // namespace labtwin::sim
