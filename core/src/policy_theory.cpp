#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "labtwin/core/policy/normal.hpp"
#include "labtwin/core/policy/poisson_ss.hpp"
#include "labtwin/core/policy/theory.hpp"

namespace labtwin::core {

namespace {

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

void require_positive(double v, const char* who, const char* what) {
  if (!std::isfinite(v) || v <= 0.0) {
    throw std::invalid_argument(std::string(who) + ": " + what + " must be finite and > 0, got " +
                                num(v));
  }
}

void require_non_negative(double v, const char* who, const char* what) {
  if (!std::isfinite(v) || v < 0.0) {
    throw std::invalid_argument(std::string(who) + ": " + what + " must be finite and >= 0, got " +
                                num(v));
  }
}

}  // namespace

double eoq(double order_cost, double annual_demand, double holding_cost) {
  require_positive(order_cost, "eoq", "order cost K");
  require_positive(annual_demand, "eoq", "annual demand D");
  require_positive(holding_cost, "eoq", "holding cost h");
  return std::sqrt(2.0 * order_cost * annual_demand / holding_cost);
}

double eoq_cost(double order_quantity, double order_cost, double annual_demand,
                double holding_cost) {
  require_positive(order_quantity, "eoq_cost", "order quantity Q");
  require_non_negative(order_cost, "eoq_cost", "order cost K");
  require_non_negative(annual_demand, "eoq_cost", "annual demand D");
  require_non_negative(holding_cost, "eoq_cost", "holding cost h");
  return order_cost * annual_demand / order_quantity + 0.5 * holding_cost * order_quantity;
}

double critical_fractile(double holding_cost, double penalty_cost) {
  require_positive(holding_cost, "critical_fractile", "holding cost h");
  require_positive(penalty_cost, "critical_fractile", "penalty cost p");
  return penalty_cost / (penalty_cost + holding_cost);
}

double newsvendor_cost_normal(double level, double mean, double sd, double holding_cost,
                              double penalty_cost) {
  require_non_negative(holding_cost, "newsvendor_cost_normal", "holding cost h");
  require_non_negative(penalty_cost, "newsvendor_cost_normal", "penalty cost p");
  require_positive(sd, "newsvendor_cost_normal", "demand standard deviation");
  if (!std::isfinite(mean) || !std::isfinite(level)) {
    throw std::invalid_argument("newsvendor_cost_normal: mean and level must be finite");
  }
  // With z = (S - mean)/sd: E[(D-S)^+] = sd L(z), E[(S-D)^+] = sd (z + L(z)).
  const double z = (level - mean) / sd;
  const double loss = normal_loss(z);
  return sd * (holding_cost * (z + loss) + penalty_cost * loss);
}

NewsvendorResult newsvendor_normal(double mean, double sd, double holding_cost,
                                   double penalty_cost) {
  const double z = normal_quantile(critical_fractile(holding_cost, penalty_cost));
  const double level = mean + sd * z;
  return NewsvendorResult{level,
                          newsvendor_cost_normal(level, mean, sd, holding_cost, penalty_cost)};
}

LeadTimeDemand lead_time_demand(double mean_per_period, double sd_per_period, double periods) {
  require_non_negative(mean_per_period, "lead_time_demand", "mean per period");
  require_non_negative(sd_per_period, "lead_time_demand", "sd per period");
  require_non_negative(periods, "lead_time_demand", "number of periods");
  return LeadTimeDemand{mean_per_period * periods, sd_per_period * std::sqrt(periods)};
}

double base_stock_level_normal(double lead_time_mean, double lead_time_sd, double z) {
  require_non_negative(lead_time_sd, "base_stock_level_normal", "lead-time demand sd");
  if (!std::isfinite(lead_time_mean) || !std::isfinite(z)) {
    throw std::invalid_argument("base_stock_level_normal: mean and z must be finite");
  }
  return lead_time_mean + z * lead_time_sd;
}

double optimal_base_stock_normal(double lead_time_mean, double lead_time_sd, double holding_cost,
                                 double penalty_cost) {
  return base_stock_level_normal(lead_time_mean, lead_time_sd,
                                 normal_quantile(critical_fractile(holding_cost, penalty_cost)));
}

double base_stock_cost_poisson(long level, double mean, double holding_cost, double penalty_cost) {
  return poisson_period_cost(level, mean, holding_cost, penalty_cost, 0);
}

BaseStockResult base_stock_poisson(double mean, double holding_cost, double penalty_cost) {
  const double ratio = critical_fractile(holding_cost, penalty_cost);
  require_positive(mean, "base_stock_poisson", "Poisson mean");
  // Smallest S with F(S) >= p/(p+h): there G(S+1) - G(S) = (h+p) F(S) - p turns >= 0.
  const long level = poisson_quantile(mean, ratio);
  return BaseStockResult{level, base_stock_cost_poisson(level, mean, holding_cost, penalty_cost)};
}

}  // namespace labtwin::core
