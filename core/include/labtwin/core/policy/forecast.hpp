#pragma once
/// @file Demand forecasters for reorder policies: moving average, simple exponential smoothing,
/// Holt's linear trend. Deterministic; one observation = one period's total demand.
#include <cstddef>
#include <memory>
#include <string_view>
#include <variant>
#include <vector>

namespace labtwin::core {

/// Interface of a per-period demand forecaster. Also tracks one-step-ahead forecast errors
/// (each observation is compared with the forecast made before it) to estimate uncertainty.
class Forecaster {
 public:
  virtual ~Forecaster() = default;
  /// Records one period's demand (must be finite; throws std::invalid_argument otherwise).
  void observe(double demand);
  /// Forecast of the demand in the period `horizon` periods ahead (1 = next); 0 before any
  /// observation. Throws std::invalid_argument if horizon < 1.
  virtual double forecast(int horizon = 1) const = 0;
  /// Number of observations so far.
  std::size_t observations() const { return count_; }
  /// Root mean squared one-step-ahead error so far (0 until two observations exist).
  double error_sd() const;
  /// Mean absolute one-step-ahead error so far (0 until two observations exist).
  double mean_abs_error() const;
  /// Forgets all observations.
  void reset();
  /// Short name: "moving_average", "exponential_smoothing" or "holt".
  virtual std::string_view name() const = 0;

 protected:
  /// Updates the model with an observation (the base class has already scored the error).
  virtual void update(double demand) = 0;
  /// Clears the model state.
  virtual void clear() = 0;

 private:
  std::size_t count_ = 0;
  std::size_t scored_ = 0;
  double sum_sq_err_ = 0.0;
  double sum_abs_err_ = 0.0;
};

/// Mean of the last `window` observations (fewer while warming up).
class MovingAverageForecaster final : public Forecaster {
 public:
  /// Throws std::invalid_argument if window == 0.
  explicit MovingAverageForecaster(std::size_t window);
  /// Flat forecast: the moving average, whatever the horizon.
  double forecast(int horizon = 1) const override;
  /// "moving_average".
  std::string_view name() const override { return "moving_average"; }

 private:
  void update(double demand) override;
  void clear() override;
  std::vector<double> ring_;  // fixed size = window; no allocation per observation
  std::size_t next_ = 0;
  std::size_t filled_ = 0;
  double mean_ = 0.0;
};

/// Simple exponential smoothing: level <- alpha * demand + (1 - alpha) * level; the first
/// observation initialises the level.
class ExponentialSmoothingForecaster final : public Forecaster {
 public:
  /// Throws std::invalid_argument unless 0 < alpha <= 1.
  explicit ExponentialSmoothingForecaster(double alpha);
  /// Flat forecast: the current level.
  double forecast(int horizon = 1) const override;
  /// "exponential_smoothing".
  std::string_view name() const override { return "exponential_smoothing"; }

 private:
  void update(double demand) override;
  void clear() override;
  double alpha_;
  double level_ = 0.0;
};

/// Holt's linear-trend smoothing. Initialisation: level = first observation, trend = second
/// minus first; from the third observation on
///   level' = alpha d + (1-alpha)(level + trend),  trend' = beta (level' - level) + (1-beta) trend.
class HoltForecaster final : public Forecaster {
 public:
  /// Throws std::invalid_argument unless 0 < alpha <= 1 and 0 < beta <= 1.
  HoltForecaster(double alpha, double beta);
  /// level + horizon * trend, floored at 0 (demand is never negative).
  double forecast(int horizon = 1) const override;
  /// "holt".
  std::string_view name() const override { return "holt"; }

 private:
  void update(double demand) override;
  void clear() override;
  double alpha_;
  double beta_;
  double level_ = 0.0;
  double trend_ = 0.0;
};

/// Config of a MovingAverageForecaster.
struct MovingAverageDef {
  std::size_t window = 4;  ///< number of periods averaged
};
/// Config of an ExponentialSmoothingForecaster.
struct ExponentialSmoothingDef {
  double alpha = 0.2;  ///< smoothing constant in (0, 1]
};
/// Config of a HoltForecaster.
struct HoltDef {
  double alpha = 0.2;  ///< level smoothing constant in (0, 1]
  double beta = 0.1;   ///< trend smoothing constant in (0, 1]
};
/// Any forecaster config.
using ForecastDef = std::variant<MovingAverageDef, ExponentialSmoothingDef, HoltDef>;

/// Builds a forecaster; throws std::invalid_argument on a bad config.
std::unique_ptr<Forecaster> make_forecaster(const ForecastDef& def);

}  // namespace labtwin::core
