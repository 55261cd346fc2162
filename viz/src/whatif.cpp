// The what-if controller: overrides from edited values, one comparison on a worker thread.
#include "labtwin/viz/whatif.hpp"

#include <chrono>
#include <exception>
#include <string_view>

namespace labtwin::viz {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

WhatIf::WhatIf(std::vector<WhatIfParam> params, WhatIfRunner runner)
    : params_(std::move(params)), runner_(std::move(runner)) {
  values_.reserve(params_.size());
  for (const auto& p : params_) values_.push_back(p.base);
}

WhatIf::~WhatIf() {
  cancel();
  join();
}

std::vector<Override> WhatIf::overrides() const {
  std::vector<Override> out;
  for (std::size_t i = 0; i < params_.size() && i < values_.size(); ++i) {
    const auto v = trim(values_[i]);
    if (!v.empty() && v != trim(params_[i].base)) out.push_back({params_[i].path, std::string(v)});
  }
  return out;
}

void WhatIf::join() {
  if (thread_.joinable()) thread_.join();
}

bool WhatIf::start(std::size_t n, std::string& why) {
  if (running_) {
    why = "a comparison is running";
    return false;
  }
  if (n < 2) {
    why = "at least 2 replications per side (a confidence interval needs 2)";
    return false;
  }
  auto ov = overrides();
  if (ov.empty()) {
    why = "nothing changed: edit a value first";
    return false;
  }
  join();  // the previous worker has finished (running_ is false): reap it
  why.clear();
  stop_ = false;
  done_ = 0;
  total_ = 2 * n;
  running_ = true;
  thread_ = std::thread([this, ov = std::move(ov), n] {
    auto res = std::make_shared<WhatIfResult>();
    try {
      *res = runner_(
          ov, n,
          [this](std::size_t done, std::size_t total) {
            done_ = done;
            total_ = total;
          },
          stop_);
    } catch (const std::exception& e) {
      res->error = e.what();
    }
    res->overrides = ov;
    res->stopped = res->stopped || stop_.load();
    {
      std::lock_guard lock(mutex_);
      result_ = std::move(res);
    }
    running_ = false;
  });
  return true;
}

void WhatIf::cancel() { stop_ = true; }

bool WhatIf::running() const { return running_; }

std::pair<std::size_t, std::size_t> WhatIf::progress() const { return {done_, total_}; }

std::shared_ptr<const WhatIfResult> WhatIf::result() const {
  std::lock_guard lock(mutex_);
  return result_;
}

void WhatIf::wait() const {
  while (running_) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

}  // namespace labtwin::viz
