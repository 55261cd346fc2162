#pragma once
/// @file Concrete reorder policies, their value-type configs (PolicyDef) and make_policy.
///
/// Conventions (see reorder_policy.hpp): "order when position <= s" for (s,S), (s,Q), (R,s,S)
/// and forecast (s,S); base stock orders whenever position < S; min/max orders when position is
/// strictly below min. Raw quantities then go through the policy's OrderRounding.
#include <memory>
#include <variant>

#include "labtwin/core/policy/forecast.hpp"
#include "labtwin/core/policy/reorder_policy.hpp"
#include "labtwin/core/ports.hpp"

namespace labtwin::core {

/// Review instants origin + k * period (k = 0, 1, ...); period 0 means continuous review.
struct ReviewSchedule {
  Span period{};     ///< review period R (0 = continuous)
  Instant origin{};  ///< first review instant
  /// True when `now` is a review instant.
  bool is_review(Instant now) const;
  /// First review instant at or after `now`.
  Instant next(Instant now) const;
};

/// Continuous-review (s,S): when position <= s, order S - position.
struct SsDef {
  double s = 0.0;            ///< reorder level
  double S = 0.0;            ///< order-up-to level (> s)
  OrderRounding rounding{};  ///< pack / MOQ rounding
};
/// Continuous-review (s,Q): when position <= s, order the fewest multiples of Q that lift the
/// position above s.
struct SQDef {
  double s = 0.0;            ///< reorder level
  double Q = 0.0;            ///< order batch (> 0)
  OrderRounding rounding{};  ///< pack / MOQ rounding
};
/// Periodic-review (R,S) order-up-to: at each review, order S - position if position < S.
struct RSDef {
  ReviewSchedule review{};   ///< review period (> 0) and origin
  double S = 0.0;            ///< order-up-to level
  OrderRounding rounding{};  ///< pack / MOQ rounding
};
/// Periodic-review (R,s,S): at each review, if position <= s, order S - position.
struct RsSDef {
  ReviewSchedule review{};   ///< review period (> 0) and origin
  double s = 0.0;            ///< reorder level
  double S = 0.0;            ///< order-up-to level (> s)
  OrderRounding rounding{};  ///< pack / MOQ rounding
};
/// Continuous base stock: whenever position < S, order S - position (one-for-one replenishment).
struct BaseStockDef {
  double S = 0.0;            ///< base-stock level
  OrderRounding rounding{};  ///< pack / MOQ rounding
};
/// Min/max: when position < min (strictly), order max - position.
struct MinMaxDef {
  double min = 0.0;          ///< trigger level
  double max = 0.0;          ///< order-up-to level (> min)
  OrderRounding rounding{};  ///< pack / MOQ rounding
};
/// (s,S) whose levels follow a demand forecast f (per period) with one-step error sd sigma:
///   s = L f + z sigma sqrt(L),  S = s + cover f,
/// recomputed after every observe_demand(). Until `min_observations` periods were observed the
/// initial levels apply. Continuous review unless `review.period` > 0.
struct ForecastSsDef {
  ForecastDef forecaster = ExponentialSmoothingDef{};  ///< forecasting method
  double lead_time_periods = 1.0;                      ///< L, in demand periods (>= 0)
  double safety_factor = 1.645;                        ///< z (95% cycle service for normal)
  double cover_periods = 1.0;                          ///< S - s in periods of forecast (> 0)
  double initial_s = 0.0;                              ///< s before enough history
  double initial_S = 0.0;                              ///< S before enough history (> s)
  std::size_t min_observations = 2;                    ///< history needed to trust the forecast
  ReviewSchedule review{};                             ///< 0 period = continuous review
  OrderRounding rounding{};                            ///< pack / MOQ rounding
};

/// Any policy config.
using PolicyDef = std::variant<SsDef, SQDef, RSDef, RsSDef, BaseStockDef, MinMaxDef, ForecastSsDef>;

/// Builds a policy; throws std::invalid_argument naming the policy and field on a bad config.
std::unique_ptr<ReorderPolicy> make_policy(const PolicyDef& def);

/// Continuous-review (s,S).
class SsPolicy final : public ReorderPolicy {
 public:
  /// Throws std::invalid_argument on a bad config.
  explicit SsPolicy(const SsDef& def);
  /// S - position (rounded) when position <= s, else 0.
  double order_quantity(const InventoryPosition& pos, Instant now) override;
  /// Always true.
  bool is_review_time(Instant) const override { return true; }
  /// `now`.
  Instant next_review(Instant now) const override { return now; }
  /// false.
  bool is_periodic() const override { return false; }
  /// "sS".
  std::string_view kind() const override { return "sS"; }

 private:
  SsDef def_;
};

/// Continuous-review (s,Q).
class SQPolicy final : public ReorderPolicy {
 public:
  /// Throws std::invalid_argument on a bad config.
  explicit SQPolicy(const SQDef& def);
  /// n Q (rounded) with n = floor((s - position) / Q) + 1 when position <= s, else 0.
  double order_quantity(const InventoryPosition& pos, Instant now) override;
  /// Always true.
  bool is_review_time(Instant) const override { return true; }
  /// `now`.
  Instant next_review(Instant now) const override { return now; }
  /// false.
  bool is_periodic() const override { return false; }
  /// "sQ".
  std::string_view kind() const override { return "sQ"; }

 private:
  SQDef def_;
};

/// Periodic-review (R,S).
class RSPolicy final : public ReorderPolicy {
 public:
  /// Throws std::invalid_argument on a bad config.
  explicit RSPolicy(const RSDef& def);
  /// At a review: S - position (rounded) if position < S; otherwise and between reviews 0.
  double order_quantity(const InventoryPosition& pos, Instant now) override;
  /// True at origin + k R.
  bool is_review_time(Instant now) const override { return def_.review.is_review(now); }
  /// Next origin + k R at or after `now`.
  Instant next_review(Instant now) const override { return def_.review.next(now); }
  /// true.
  bool is_periodic() const override { return true; }
  /// "RS".
  std::string_view kind() const override { return "RS"; }

 private:
  RSDef def_;
};

/// Periodic-review (R,s,S).
class RsSPolicy final : public ReorderPolicy {
 public:
  /// Throws std::invalid_argument on a bad config.
  explicit RsSPolicy(const RsSDef& def);
  /// At a review: S - position (rounded) if position <= s; otherwise and between reviews 0.
  double order_quantity(const InventoryPosition& pos, Instant now) override;
  /// True at origin + k R.
  bool is_review_time(Instant now) const override { return def_.review.is_review(now); }
  /// Next origin + k R at or after `now`.
  Instant next_review(Instant now) const override { return def_.review.next(now); }
  /// true.
  bool is_periodic() const override { return true; }
  /// "RsS".
  std::string_view kind() const override { return "RsS"; }

 private:
  RsSDef def_;
};

/// Continuous base stock.
class BaseStockPolicy final : public ReorderPolicy {
 public:
  /// Throws std::invalid_argument on a bad config.
  explicit BaseStockPolicy(const BaseStockDef& def);
  /// S - position (rounded) when position < S, else 0.
  double order_quantity(const InventoryPosition& pos, Instant now) override;
  /// Always true.
  bool is_review_time(Instant) const override { return true; }
  /// `now`.
  Instant next_review(Instant now) const override { return now; }
  /// false.
  bool is_periodic() const override { return false; }
  /// "base_stock".
  std::string_view kind() const override { return "base_stock"; }

 private:
  BaseStockDef def_;
};

/// Min/max (continuous review, strict "< min" trigger).
class MinMaxPolicy final : public ReorderPolicy {
 public:
  /// Throws std::invalid_argument on a bad config.
  explicit MinMaxPolicy(const MinMaxDef& def);
  /// max - position (rounded) when position < min, else 0.
  double order_quantity(const InventoryPosition& pos, Instant now) override;
  /// Always true.
  bool is_review_time(Instant) const override { return true; }
  /// `now`.
  Instant next_review(Instant now) const override { return now; }
  /// false.
  bool is_periodic() const override { return false; }
  /// "minmax".
  std::string_view kind() const override { return "minmax"; }

 private:
  MinMaxDef def_;
};

/// Forecast-driven (s,S): levels recomputed from a Forecaster after each observed period.
class ForecastSsPolicy final : public ReorderPolicy {
 public:
  /// Throws std::invalid_argument on a bad config.
  explicit ForecastSsPolicy(const ForecastSsDef& def);
  /// At a review (always, if continuous): S - position (rounded) if position <= s, else 0.
  double order_quantity(const InventoryPosition& pos, Instant now) override;
  /// True at review instants (always for continuous review).
  bool is_review_time(Instant now) const override;
  /// Next review instant at or after `now`.
  Instant next_review(Instant now) const override;
  /// True when a review period is set.
  bool is_periodic() const override { return def_.review.period.us > 0; }
  /// Feeds one period's demand to the forecaster and recomputes s and S.
  void observe_demand(double quantity, Instant at) override;
  /// "forecast_sS".
  std::string_view kind() const override { return "forecast_sS"; }
  /// Current reorder level s.
  double reorder_level() const { return reorder_level_; }
  /// Current order-up-to level S.
  double order_up_to_level() const { return up_to_level_; }
  /// The forecaster (read-only).
  const Forecaster& forecaster() const { return *forecaster_; }

 private:
  ForecastSsDef def_;
  std::unique_ptr<Forecaster> forecaster_;
  double reorder_level_;
  double up_to_level_;
};

}  // namespace labtwin::core
