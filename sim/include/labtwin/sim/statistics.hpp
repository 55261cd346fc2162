#pragma once
/// @file Output statistics: observation tallies, time-weighted averages, histograms,
/// exact quantiles and batch means. Every collector has reset() for warm-up deletion.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "labtwin/sim/time.hpp"

namespace labtwin::sim {

/// Observation statistics by Welford's online algorithm; mergeable (Chan et al. 1979).
class Tally {
 public:
  /// Adds one observation.
  void add(double x) {
    ++n_;
    const double delta = x - mean_;
    mean_ += delta / static_cast<double>(n_);
    m2_ += delta * (x - mean_);
    if (x < min_ || n_ == 1) min_ = x;
    if (x > max_ || n_ == 1) max_ = x;
  }
  /// Combines another tally into this one (parallel formula of Chan, Golub & LeVeque).
  void merge(const Tally& other);
  /// Forgets all observations.
  void reset() { *this = Tally{}; }
  /// Number of observations.
  std::int64_t count() const { return n_; }
  /// Sample mean (0 when empty).
  double mean() const { return mean_; }
  /// Sample variance with n - 1 in the denominator (0 when fewer than 2 observations).
  double variance() const { return n_ > 1 ? m2_ / static_cast<double>(n_ - 1) : 0.0; }
  /// Square root of variance().
  double stddev() const;
  /// Smallest observation (0 when empty).
  double min() const { return min_; }
  /// Largest observation (0 when empty).
  double max() const { return max_; }
  /// Student-t confidence half-width t_{(1+c)/2, n-1} s / sqrt(n); +inf when n < 2.
  double ci_halfwidth(double confidence) const;

 private:
  std::int64_t n_ = 0;
  double mean_ = 0;
  double m2_ = 0;
  double min_ = 0;
  double max_ = 0;
};

/// Time-weighted average of a piecewise-constant quantity (queue length, stock level).
class TimeWeighted {
 public:
  /// Starts at time `start` with value `initial`.
  explicit TimeWeighted(Time start = Time::zero(), double initial = 0.0);
  /// The quantity changes to `new_value` at `now`; throws std::invalid_argument if now is
  /// earlier than the previous update.
  void update(Time now, double new_value);
  /// Time average over [start, now]; the current value if no time has elapsed.
  double mean(Time now) const;
  /// Restarts the averaging window at `now`, keeping the current value (warm-up deletion).
  void reset(Time now);
  /// The current value.
  double current() const { return value_; }
  /// Smallest value held since the last reset.
  double min() const { return min_; }
  /// Largest value held since the last reset.
  double max() const { return max_; }
  /// Start of the averaging window.
  Time start() const { return start_; }

 private:
  Time start_;
  Time last_;
  double value_;
  double area_ = 0;  // value * ticks, accumulated up to last_
  double min_;
  double max_;
};

/// Fixed-width histogram over [lo, hi) with underflow and overflow counts.
class Histogram {
 public:
  /// lo < hi, bins >= 1.
  Histogram(double lo, double hi, std::size_t bins);
  /// Adds one observation.
  void add(double x);
  /// Clears all counts.
  void reset();
  /// Count in bin i (covers [lo + i w, lo + (i+1) w)).
  std::int64_t bin_count(std::size_t i) const { return counts_.at(i); }
  /// Number of bins.
  std::size_t bins() const { return counts_.size(); }
  /// Lower edge of bin i.
  double bin_lo(std::size_t i) const { return lo_ + width_ * static_cast<double>(i); }
  /// Observations below lo.
  std::int64_t underflow() const { return underflow_; }
  /// Observations at or above hi (and NaN).
  std::int64_t overflow() const { return overflow_; }
  /// All observations.
  std::int64_t total() const { return total_; }
  /// p-quantile (0 <= p <= 1) by linear interpolation inside the bin; clamps to lo / hi when
  /// the quantile lies in the underflow / overflow. Accuracy: within one bin width.
  /// Throws std::logic_error when empty, std::invalid_argument for p outside [0, 1].
  double quantile(double p) const;

 private:
  double lo_;
  double hi_;
  double width_;
  std::vector<std::int64_t> counts_;
  std::int64_t underflow_ = 0;
  std::int64_t overflow_ = 0;
  std::int64_t total_ = 0;
};

/// Exact quantiles by keeping every sample (memory 8 bytes per observation). Quantile
/// definition: linear interpolation between order statistics, h = (n - 1) p (Hyndman & Fan
/// type 7, the default of R and NumPy). Exact, not a sketch.
class SampleQuantiles {
 public:
  /// Adds one observation.
  void add(double x) {
    values_.push_back(x);
    sorted_ = false;
  }
  /// Forgets all observations.
  void reset() {
    values_.clear();
    sorted_ = true;
  }
  /// Number of observations.
  std::size_t count() const { return values_.size(); }
  /// p-quantile, 0 <= p <= 1 (sorts lazily). Throws when empty or p outside [0, 1].
  double quantile(double p);
  /// Median.
  double p50() { return quantile(0.50); }
  /// 95th percentile.
  double p95() { return quantile(0.95); }
  /// 99th percentile.
  double p99() { return quantile(0.99); }

 private:
  std::vector<double> values_;
  bool sorted_ = true;
};

/// Batch means from one long run with a fixed number of batches k: observations fill 2k
/// batches of size b; when all are full, adjacent pairs merge into k batches of size 2b.
/// Memory O(k) for any run length; estimates use the completed batches (k..2k-1 of them once
/// the first 2k batches have filled). The trailing incomplete batch is ignored.
class BatchMeans {
 public:
  /// num_batches >= 2, initial_batch_size >= 1.
  explicit BatchMeans(std::size_t num_batches = 20, std::int64_t initial_batch_size = 1);
  /// Adds one observation.
  void add(double x);
  /// Forgets all observations (batch size returns to the initial size).
  void reset();
  /// Number of completed batches.
  std::size_t completed_batches() const { return sums_.size(); }
  /// Current batch size.
  std::int64_t batch_size() const { return batch_size_; }
  /// Grand mean of the completed batch means (0 when none).
  double mean() const;
  /// Student-t half-width over the completed batch means (dof = batches - 1); +inf if < 2.
  double ci_halfwidth(double confidence) const;
  /// Means of the completed batches, in order.
  std::vector<double> batch_means() const;
  /// Observations added since the last reset (including the incomplete batch).
  std::int64_t count() const { return count_; }

 private:
  std::size_t k_;
  std::int64_t initial_batch_size_;
  std::int64_t batch_size_;
  std::vector<double> sums_;  // completed batch sums (each of batch_size_ observations)
  double partial_sum_ = 0;
  std::int64_t partial_n_ = 0;
  std::int64_t count_ = 0;
};

}  // namespace labtwin::sim
