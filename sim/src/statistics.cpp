#include "labtwin/sim/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "labtwin/sim/analytic.hpp"

namespace labtwin::sim {

namespace {

double t_halfwidth(double confidence, std::int64_t n, double sd) {
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw std::invalid_argument("ci_halfwidth: confidence must be in (0, 1), got " +
                                std::to_string(confidence));
  }
  if (n < 2) return std::numeric_limits<double>::infinity();
  const double t = student_t_quantile(0.5 * (1.0 + confidence), static_cast<double>(n - 1));
  return t * sd / std::sqrt(static_cast<double>(n));
}

}  // namespace

// ---- Tally ----

void Tally::merge(const Tally& other) {
  if (other.n_ == 0) return;
  if (n_ == 0) {
    *this = other;
    return;
  }
  const double na = static_cast<double>(n_);
  const double nb = static_cast<double>(other.n_);
  const double n = na + nb;
  const double delta = other.mean_ - mean_;
  mean_ += delta * nb / n;
  m2_ += other.m2_ + delta * delta * na * nb / n;
  n_ += other.n_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

double Tally::stddev() const { return std::sqrt(variance()); }

double Tally::ci_halfwidth(double confidence) const {
  return t_halfwidth(confidence, n_, stddev());
}

// ---- TimeWeighted ----

TimeWeighted::TimeWeighted(Time start, double initial)
    : start_(start), last_(start), value_(initial), min_(initial), max_(initial) {}

void TimeWeighted::update(Time now, double new_value) {
  if (now < last_) {
    throw std::invalid_argument(
        "TimeWeighted::update: time went backwards (now = " + std::to_string(now.ticks) +
        " us < last update " + std::to_string(last_.ticks) + " us)");
  }
  area_ += value_ * static_cast<double>((now - last_).ticks);
  last_ = now;
  value_ = new_value;
  min_ = std::min(min_, new_value);
  max_ = std::max(max_, new_value);
}

double TimeWeighted::mean(Time now) const {
  if (now < last_) {
    throw std::invalid_argument("TimeWeighted::mean: now = " + std::to_string(now.ticks) +
                                " us is before the last update " + std::to_string(last_.ticks) +
                                " us");
  }
  const auto span = (now - start_).ticks;
  if (span == 0) return value_;
  const double area = area_ + value_ * static_cast<double>((now - last_).ticks);
  return area / static_cast<double>(span);
}

void TimeWeighted::reset(Time now) {
  if (now < last_) {
    throw std::invalid_argument("TimeWeighted::reset: now = " + std::to_string(now.ticks) +
                                " us is before the last update " + std::to_string(last_.ticks) +
                                " us");
  }
  start_ = now;
  last_ = now;
  area_ = 0;
  min_ = value_;
  max_ = value_;
}

// ---- Histogram ----

Histogram::Histogram(double lo, double hi, std::size_t bins) : lo_(lo), hi_(hi), width_(0) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || !(lo < hi)) {
    throw std::invalid_argument("Histogram: need finite lo < hi, got lo = " + std::to_string(lo) +
                                ", hi = " + std::to_string(hi));
  }
  if (bins == 0) throw std::invalid_argument("Histogram: bins must be >= 1, got 0");
  width_ = (hi - lo) / static_cast<double>(bins);
  counts_.assign(bins, 0);
}

void Histogram::add(double x) {
  ++total_;
  if (x < lo_) {
    ++underflow_;
    return;
  }
  if (!(x < hi_)) {  // also catches NaN
    ++overflow_;
    return;
  }
  auto i = static_cast<std::size_t>((x - lo_) / width_);
  if (i >= counts_.size()) i = counts_.size() - 1;  // rounding just below hi
  ++counts_[i];
}

void Histogram::reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  underflow_ = overflow_ = total_ = 0;
}

double Histogram::quantile(double p) const {
  if (!(p >= 0.0 && p <= 1.0)) {
    throw std::invalid_argument("Histogram::quantile: p must be in [0, 1], got " +
                                std::to_string(p));
  }
  if (total_ == 0) throw std::logic_error("Histogram::quantile: histogram is empty");
  // Target rank p * N; walk the cumulative counts and interpolate uniformly inside the bin.
  const double target = p * static_cast<double>(total_);
  double cum = static_cast<double>(underflow_);
  if (target <= cum && underflow_ > 0) return lo_;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    const double c = static_cast<double>(counts_[i]);
    if (c > 0 && target <= cum + c) return bin_lo(i) + width_ * (target - cum) / c;
    cum += c;
  }
  return hi_;
}

// ---- SampleQuantiles ----

double SampleQuantiles::quantile(double p) {
  if (!(p >= 0.0 && p <= 1.0)) {
    throw std::invalid_argument("SampleQuantiles::quantile: p must be in [0, 1], got " +
                                std::to_string(p));
  }
  if (values_.empty()) throw std::logic_error("SampleQuantiles::quantile: no observations");
  if (!sorted_) {
    std::sort(values_.begin(), values_.end());
    sorted_ = true;
  }
  const double h = (static_cast<double>(values_.size()) - 1.0) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, values_.size() - 1);
  return values_[lo] + (h - static_cast<double>(lo)) * (values_[hi] - values_[lo]);
}

// ---- BatchMeans ----

BatchMeans::BatchMeans(std::size_t num_batches, std::int64_t initial_batch_size)
    : k_(num_batches), initial_batch_size_(initial_batch_size), batch_size_(initial_batch_size) {
  if (num_batches < 2) {
    throw std::invalid_argument("BatchMeans: num_batches must be >= 2, got " +
                                std::to_string(num_batches));
  }
  if (initial_batch_size < 1) {
    throw std::invalid_argument("BatchMeans: initial_batch_size must be >= 1, got " +
                                std::to_string(initial_batch_size));
  }
  sums_.reserve(2 * k_);
}

void BatchMeans::add(double x) {
  ++count_;
  partial_sum_ += x;
  if (++partial_n_ < batch_size_) return;
  sums_.push_back(partial_sum_);
  partial_sum_ = 0;
  partial_n_ = 0;
  if (sums_.size() == 2 * k_) {
    // Merge adjacent pairs: k batches of twice the size.
    for (std::size_t i = 0; i < k_; ++i) sums_[i] = sums_[2 * i] + sums_[2 * i + 1];
    sums_.resize(k_);
    batch_size_ *= 2;
  }
}

void BatchMeans::reset() {
  sums_.clear();
  partial_sum_ = 0;
  partial_n_ = 0;
  count_ = 0;
  batch_size_ = initial_batch_size_;
}

std::vector<double> BatchMeans::batch_means() const {
  std::vector<double> out;
  out.reserve(sums_.size());
  for (const double s : sums_) out.push_back(s / static_cast<double>(batch_size_));
  return out;
}

double BatchMeans::mean() const {
  Tally t;
  for (const double s : sums_) t.add(s / static_cast<double>(batch_size_));
  return t.mean();
}

double BatchMeans::ci_halfwidth(double confidence) const {
  Tally t;
  for (const double s : sums_) t.add(s / static_cast<double>(batch_size_));
  return t.ci_halfwidth(confidence);
}

}  // namespace labtwin::sim
