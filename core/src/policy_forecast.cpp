#include <cmath>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "labtwin/core/policy/forecast.hpp"

namespace labtwin::core {

void Forecaster::observe(double demand) {
  if (!std::isfinite(demand)) {
    throw std::invalid_argument(std::string(name()) + " forecaster: observed demand is not finite");
  }
  // Score the one-step-ahead forecast made before this observation (needs a model first).
  if (count_ > 0) {
    const double err = demand - forecast(1);
    sum_sq_err_ += err * err;
    sum_abs_err_ += std::abs(err);
    ++scored_;
  }
  update(demand);
  ++count_;
}

double Forecaster::error_sd() const {
  return scored_ == 0 ? 0.0 : std::sqrt(sum_sq_err_ / static_cast<double>(scored_));
}

double Forecaster::mean_abs_error() const {
  return scored_ == 0 ? 0.0 : sum_abs_err_ / static_cast<double>(scored_);
}

void Forecaster::reset() {
  count_ = 0;
  scored_ = 0;
  sum_sq_err_ = 0.0;
  sum_abs_err_ = 0.0;
  clear();
}

namespace {
void check_horizon(int horizon, std::string_view who) {
  if (horizon < 1) {
    throw std::invalid_argument(std::string(who) + " forecaster: horizon must be >= 1, got " +
                                std::to_string(horizon));
  }
}
void check_constant(double v, const char* who, const char* what) {
  if (!(v > 0.0 && v <= 1.0)) {
    throw std::invalid_argument(std::string(who) + " forecaster: " + what +
                                " must lie in (0, 1], got " + std::to_string(v));
  }
}
}  // namespace

MovingAverageForecaster::MovingAverageForecaster(std::size_t window) {
  if (window == 0) {
    throw std::invalid_argument("moving_average forecaster: window must be >= 1 period");
  }
  ring_.assign(window, 0.0);
}

double MovingAverageForecaster::forecast(int horizon) const {
  check_horizon(horizon, name());
  return mean_;
}

void MovingAverageForecaster::update(double demand) {
  ring_[next_] = demand;
  next_ = (next_ + 1) % ring_.size();
  if (filled_ < ring_.size()) ++filled_;
  // Re-summing the (small) window avoids the drift of a running add/subtract sum.
  double sum = 0.0;
  for (std::size_t i = 0; i < filled_; ++i) sum += ring_[i];
  mean_ = sum / static_cast<double>(filled_);
}

void MovingAverageForecaster::clear() {
  ring_.assign(ring_.size(), 0.0);
  next_ = 0;
  filled_ = 0;
  mean_ = 0.0;
}

ExponentialSmoothingForecaster::ExponentialSmoothingForecaster(double alpha) : alpha_(alpha) {
  check_constant(alpha, "exponential_smoothing", "alpha");
}

double ExponentialSmoothingForecaster::forecast(int horizon) const {
  check_horizon(horizon, name());
  return level_;
}

void ExponentialSmoothingForecaster::update(double demand) {
  level_ = observations() == 0 ? demand : alpha_ * demand + (1.0 - alpha_) * level_;
}

void ExponentialSmoothingForecaster::clear() { level_ = 0.0; }

HoltForecaster::HoltForecaster(double alpha, double beta) : alpha_(alpha), beta_(beta) {
  check_constant(alpha, "holt", "alpha");
  check_constant(beta, "holt", "beta");
}

double HoltForecaster::forecast(int horizon) const {
  check_horizon(horizon, name());
  const double f = level_ + static_cast<double>(horizon) * trend_;
  return f > 0.0 ? f : 0.0;
}

void HoltForecaster::update(double demand) {
  if (observations() == 0) {
    level_ = demand;
    trend_ = 0.0;
  } else if (observations() == 1) {
    trend_ = demand - level_;
    level_ = demand;
  } else {
    const double prev = level_;
    level_ = alpha_ * demand + (1.0 - alpha_) * (level_ + trend_);
    trend_ = beta_ * (level_ - prev) + (1.0 - beta_) * trend_;
  }
}

void HoltForecaster::clear() {
  level_ = 0.0;
  trend_ = 0.0;
}

std::unique_ptr<Forecaster> make_forecaster(const ForecastDef& def) {
  return std::visit(
      [](const auto& d) -> std::unique_ptr<Forecaster> {
        using T = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<T, MovingAverageDef>) {
          return std::make_unique<MovingAverageForecaster>(d.window);
        } else if constexpr (std::is_same_v<T, ExponentialSmoothingDef>) {
          return std::make_unique<ExponentialSmoothingForecaster>(d.alpha);
        } else {
          return std::make_unique<HoltForecaster>(d.alpha, d.beta);
        }
      },
      def);
}

}  // namespace labtwin::core
