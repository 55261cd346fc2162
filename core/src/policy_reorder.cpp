#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "labtwin/core/policy/policies.hpp"
#include "labtwin/core/policy/reorder_policy.hpp"

namespace labtwin::core {

namespace {

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

[[noreturn]] void fail(const char* policy, const std::string& what) {
  throw std::invalid_argument(std::string(policy) + " policy: " + what);
}

void require_finite(double v, const char* policy, const char* field) {
  if (!std::isfinite(v)) fail(policy, std::string(field) + " must be finite, got " + num(v));
}

void require_gap(double lo, double hi, const char* policy, const char* lo_name,
                 const char* hi_name) {
  require_finite(lo, policy, lo_name);
  require_finite(hi, policy, hi_name);
  if (!(hi > lo)) {
    fail(policy, std::string(hi_name) + " (" + num(hi) + ") must be greater than " + lo_name +
                     " (" + num(lo) + ")");
  }
}

void check_rounding(const OrderRounding& r, const char* policy) {
  if (!std::isfinite(r.pack_size) || r.pack_size < 0.0) {
    fail(policy, "pack_size must be finite and >= 0, got " + num(r.pack_size));
  }
  if (!std::isfinite(r.min_order_qty) || r.min_order_qty < 0.0) {
    fail(policy, "min_order_qty must be finite and >= 0, got " + num(r.min_order_qty));
  }
}

void check_review(const ReviewSchedule& r, const char* policy, bool required) {
  if (r.period.us < 0 || (required && r.period.us == 0)) {
    fail(policy, "review period R must be " + std::string(required ? "> 0" : ">= 0") + ", got " +
                     std::to_string(r.period.us) + " us");
  }
}

// Position as seen by a policy; a NaN position (a caller bug) must never trigger an order.
double checked_position(const InventoryPosition& pos, std::string_view policy) {
  const double y = pos.position();
  if (!std::isfinite(y)) {
    throw std::invalid_argument(std::string(policy) + " policy: inventory position is not finite");
  }
  return y;
}

}  // namespace

double OrderRounding::apply(double raw) const {
  if (!(raw > 0.0)) return 0.0;
  double q = raw < min_order_qty ? min_order_qty : raw;
  if (pack_size > 0.0) {
    // Relative slack so that 3 * pack computed in floating point stays 3 packs, not 4.
    const double packs = std::ceil(q / pack_size * (1.0 - 1e-12));
    q = packs * pack_size;
  }
  return q;
}

bool ReviewSchedule::is_review(Instant now) const {
  if (period.us <= 0) return true;
  if (now < origin) return false;
  return (now - origin).us % period.us == 0;
}

Instant ReviewSchedule::next(Instant now) const {
  if (period.us <= 0) return now;
  if (now <= origin) return origin;
  const std::int64_t elapsed = (now - origin).us;
  const std::int64_t k = (elapsed + period.us - 1) / period.us;
  return origin + Span{k * period.us};
}

SsPolicy::SsPolicy(const SsDef& def) : def_(def) {
  require_gap(def.s, def.S, "(s,S)", "s", "S");
  check_rounding(def.rounding, "(s,S)");
}

double SsPolicy::order_quantity(const InventoryPosition& pos, Instant) {
  const double y = checked_position(pos, kind());
  return y <= def_.s ? def_.rounding.apply(def_.S - y) : 0.0;
}

SQPolicy::SQPolicy(const SQDef& def) : def_(def) {
  require_finite(def.s, "(s,Q)", "s");
  require_finite(def.Q, "(s,Q)", "Q");
  if (!(def.Q > 0.0)) fail("(s,Q)", "batch Q must be > 0, got " + num(def.Q));
  check_rounding(def.rounding, "(s,Q)");
}

double SQPolicy::order_quantity(const InventoryPosition& pos, Instant) {
  const double y = checked_position(pos, kind());
  if (y > def_.s) return 0.0;
  // Fewest batches n with y + n Q > s.
  const double n = std::floor((def_.s - y) / def_.Q) + 1.0;
  return def_.rounding.apply(n * def_.Q);
}

RSPolicy::RSPolicy(const RSDef& def) : def_(def) {
  check_review(def.review, "(R,S)", true);
  require_finite(def.S, "(R,S)", "S");
  check_rounding(def.rounding, "(R,S)");
}

double RSPolicy::order_quantity(const InventoryPosition& pos, Instant now) {
  const double y = checked_position(pos, kind());
  if (!def_.review.is_review(now) || !(y < def_.S)) return 0.0;
  return def_.rounding.apply(def_.S - y);
}

RsSPolicy::RsSPolicy(const RsSDef& def) : def_(def) {
  check_review(def.review, "(R,s,S)", true);
  require_gap(def.s, def.S, "(R,s,S)", "s", "S");
  check_rounding(def.rounding, "(R,s,S)");
}

double RsSPolicy::order_quantity(const InventoryPosition& pos, Instant now) {
  const double y = checked_position(pos, kind());
  if (!def_.review.is_review(now) || y > def_.s) return 0.0;
  return def_.rounding.apply(def_.S - y);
}

BaseStockPolicy::BaseStockPolicy(const BaseStockDef& def) : def_(def) {
  require_finite(def.S, "base-stock", "S");
  check_rounding(def.rounding, "base-stock");
}

double BaseStockPolicy::order_quantity(const InventoryPosition& pos, Instant) {
  const double y = checked_position(pos, kind());
  return y < def_.S ? def_.rounding.apply(def_.S - y) : 0.0;
}

MinMaxPolicy::MinMaxPolicy(const MinMaxDef& def) : def_(def) {
  require_gap(def.min, def.max, "min/max", "min", "max");
  check_rounding(def.rounding, "min/max");
}

double MinMaxPolicy::order_quantity(const InventoryPosition& pos, Instant) {
  const double y = checked_position(pos, kind());
  return y < def_.min ? def_.rounding.apply(def_.max - y) : 0.0;
}

ForecastSsPolicy::ForecastSsPolicy(const ForecastSsDef& def)
    : def_(def),
      forecaster_(make_forecaster(def.forecaster)),
      reorder_level_(def.initial_s),
      up_to_level_(def.initial_S) {
  const char* p = "forecast (s,S)";
  require_finite(def.lead_time_periods, p, "lead_time_periods");
  if (def.lead_time_periods < 0.0) {
    fail(p, "lead_time_periods must be >= 0, got " + num(def.lead_time_periods));
  }
  require_finite(def.safety_factor, p, "safety_factor");
  require_finite(def.cover_periods, p, "cover_periods");
  if (!(def.cover_periods > 0.0)) {
    fail(p, "cover_periods must be > 0, got " + num(def.cover_periods));
  }
  require_gap(def.initial_s, def.initial_S, p, "initial_s", "initial_S");
  check_review(def.review, p, false);
  check_rounding(def.rounding, p);
}

bool ForecastSsPolicy::is_review_time(Instant now) const { return def_.review.is_review(now); }

Instant ForecastSsPolicy::next_review(Instant now) const { return def_.review.next(now); }

double ForecastSsPolicy::order_quantity(const InventoryPosition& pos, Instant now) {
  const double y = checked_position(pos, kind());
  if (!def_.review.is_review(now) || y > reorder_level_) return 0.0;
  return def_.rounding.apply(up_to_level_ - y);
}

void ForecastSsPolicy::observe_demand(double quantity, Instant) {
  forecaster_->observe(quantity);
  if (forecaster_->observations() < def_.min_observations) return;
  // Reorder level = expected lead-time demand + safety stock z * sigma * sqrt(L), where sigma is
  // the forecaster's one-step RMSE (errors assumed independent across periods).
  const double f = forecaster_->forecast(1);
  const double sigma = forecaster_->error_sd();
  const double lt = def_.lead_time_periods;
  reorder_level_ = lt * f + def_.safety_factor * sigma * std::sqrt(lt);
  up_to_level_ = reorder_level_ + def_.cover_periods * f;
}

std::unique_ptr<ReorderPolicy> make_policy(const PolicyDef& def) {
  return std::visit(
      [](const auto& d) -> std::unique_ptr<ReorderPolicy> {
        using T = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<T, SsDef>) {
          return std::make_unique<SsPolicy>(d);
        } else if constexpr (std::is_same_v<T, SQDef>) {
          return std::make_unique<SQPolicy>(d);
        } else if constexpr (std::is_same_v<T, RSDef>) {
          return std::make_unique<RSPolicy>(d);
        } else if constexpr (std::is_same_v<T, RsSDef>) {
          return std::make_unique<RsSPolicy>(d);
        } else if constexpr (std::is_same_v<T, BaseStockDef>) {
          return std::make_unique<BaseStockPolicy>(d);
        } else if constexpr (std::is_same_v<T, MinMaxDef>) {
          return std::make_unique<MinMaxPolicy>(d);
        } else {
          return std::make_unique<ForecastSsPolicy>(d);
        }
      },
      def);
}

}  // namespace labtwin::core
