// Demand forecasters: moving average, simple exponential smoothing, Holt.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "labtwin/core/policy/forecast.hpp"

namespace lc = labtwin::core;

TEST(PolicyForecast, MovingAverageUsesTheLastWindowOnly) {
  lc::MovingAverageForecaster ma(3);
  EXPECT_EQ(ma.forecast(), 0.0);  // no history yet
  ma.observe(3.0);
  EXPECT_DOUBLE_EQ(ma.forecast(), 3.0);  // warm-up: mean of what exists
  ma.observe(6.0);
  EXPECT_DOUBLE_EQ(ma.forecast(), 4.5);
  ma.observe(9.0);
  EXPECT_DOUBLE_EQ(ma.forecast(), 6.0);
  ma.observe(12.0);  // window now {6, 9, 12}
  EXPECT_DOUBLE_EQ(ma.forecast(), 9.0);
  EXPECT_DOUBLE_EQ(ma.forecast(5), 9.0);  // flat
  EXPECT_EQ(ma.observations(), 4u);
  // One-step errors: 6-3=3, 9-4.5=4.5, 12-6=6 -> RMSE sqrt((9+20.25+36)/3), MAE 4.5.
  EXPECT_NEAR(ma.error_sd(), std::sqrt((9.0 + 20.25 + 36.0) / 3.0), 1e-12);
  EXPECT_NEAR(ma.mean_abs_error(), 4.5, 1e-12);
  ma.reset();
  EXPECT_EQ(ma.observations(), 0u);
  EXPECT_EQ(ma.forecast(), 0.0);
  EXPECT_EQ(ma.error_sd(), 0.0);
}

// SES step response: level starts at 0 (first observation), then demand steps to 1, so after n
// observations of 1 the level is 1 - (1-alpha)^n (geometric weights, Brown 1959).
TEST(PolicyForecast, ExponentialSmoothingStepResponseIsGeometric) {
  const double alpha = 0.3;
  lc::ExponentialSmoothingForecaster ses(alpha);
  ses.observe(0.0);
  for (int n = 1; n <= 20; ++n) {
    ses.observe(1.0);
    EXPECT_NEAR(ses.forecast(), 1.0 - std::pow(1.0 - alpha, n), 1e-14) << "n=" << n;
  }
  // A constant series is forecast exactly with zero error.
  lc::ExponentialSmoothingForecaster flat(0.5);
  for (int i = 0; i < 10; ++i) flat.observe(7.0);
  EXPECT_DOUBLE_EQ(flat.forecast(), 7.0);
  EXPECT_DOUBLE_EQ(flat.error_sd(), 0.0);
}

// Holt reproduces a linear trend exactly once initialised (level = y2, trend = y2 - y1): with
// y_t = a + b t every update keeps level = y_t and trend = b, so forecast(h) = y_t + h b.
TEST(PolicyForecast, HoltTracksALinearTrendExactly) {
  lc::HoltForecaster holt(0.4, 0.2);
  for (int t = 0; t < 12; ++t) holt.observe(5.0 + 2.0 * t);
  EXPECT_NEAR(holt.forecast(1), 5.0 + 2.0 * 12, 1e-12);
  EXPECT_NEAR(holt.forecast(3), 5.0 + 2.0 * 14, 1e-12);
  // Errors: only the second observation is mis-forecast (trend unknown yet): error 2 of 11.
  EXPECT_NEAR(holt.mean_abs_error(), 2.0 / 11.0, 1e-12);
  // Simple smoothing lags such a trend: in steady state SES lags by b (1-alpha)/alpha.
  lc::ExponentialSmoothingForecaster ses(0.4);
  for (int t = 0; t < 200; ++t) ses.observe(5.0 + 2.0 * t);
  EXPECT_NEAR(ses.forecast(), 5.0 + 2.0 * 199 - 2.0 * 0.6 / 0.4, 1e-9);
  // A falling trend never forecasts negative demand.
  lc::HoltForecaster down(0.5, 0.5);
  down.observe(4.0);
  down.observe(2.0);
  EXPECT_EQ(down.forecast(3), 0.0);
}

TEST(PolicyForecast, FactoryAndValidation) {
  EXPECT_EQ(lc::make_forecaster(lc::MovingAverageDef{5})->name(), "moving_average");
  EXPECT_EQ(lc::make_forecaster(lc::ExponentialSmoothingDef{0.1})->name(), "exponential_smoothing");
  EXPECT_EQ(lc::make_forecaster(lc::HoltDef{0.1, 0.1})->name(), "holt");
  EXPECT_THROW(lc::make_forecaster(lc::MovingAverageDef{0}), std::invalid_argument);
  EXPECT_THROW(lc::make_forecaster(lc::ExponentialSmoothingDef{0.0}), std::invalid_argument);
  EXPECT_THROW(lc::make_forecaster(lc::ExponentialSmoothingDef{1.5}), std::invalid_argument);
  EXPECT_THROW(lc::make_forecaster(lc::HoltDef{0.5, -0.1}), std::invalid_argument);
  auto f = lc::make_forecaster(lc::ExponentialSmoothingDef{0.2});
  EXPECT_THROW(f->observe(NAN), std::invalid_argument);
  EXPECT_THROW((void)f->forecast(0), std::invalid_argument);
  try {
    lc::MovingAverageForecaster bad(0);
    FAIL() << "window 0 accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("window"), std::string::npos) << e.what();
  }
}
