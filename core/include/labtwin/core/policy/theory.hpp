#pragma once
/// @file Closed-form inventory-theory helpers: EOQ, newsvendor, base-stock levels.
///
/// All functions validate their inputs and throw std::invalid_argument naming the offending
/// parameter. Notation: K fixed cost per order, h holding cost per unit per period (or per year
/// for EOQ), p backorder/shortage penalty per unit, D demand.

namespace labtwin::core {

/// Economic order quantity Q* = sqrt(2 K D / h) (Harris 1913) for demand rate D per year,
/// order cost K and holding cost h per unit-year.
double eoq(double order_cost, double annual_demand, double holding_cost);

/// Annual relevant cost of ordering Q at a time: K D / Q + h Q / 2.
double eoq_cost(double order_quantity, double order_cost, double annual_demand,
                double holding_cost);

/// Critical fractile p / (p + h): the optimal in-stock probability of a newsvendor / base stock.
double critical_fractile(double holding_cost, double penalty_cost);

/// Result of a single-period (newsvendor) optimisation.
struct NewsvendorResult {
  double level = 0.0;          ///< optimal order-up-to level S*
  double expected_cost = 0.0;  ///< expected holding + shortage cost at S*
};

/// Expected newsvendor cost h E[(S-D)^+] + p E[(D-S)^+] for D ~ N(mean, sd^2) at level S.
double newsvendor_cost_normal(double level, double mean, double sd, double holding_cost,
                              double penalty_cost);

/// Optimal newsvendor level for D ~ N(mean, sd^2): S* = mean + sd * Phi^-1(p / (p + h)).
NewsvendorResult newsvendor_normal(double mean, double sd, double holding_cost,
                                   double penalty_cost);

/// Mean and standard deviation of demand over a lead time of `periods` periods of i.i.d. demand.
struct LeadTimeDemand {
  double mean = 0.0;  ///< periods * per-period mean
  double sd = 0.0;    ///< sqrt(periods) * per-period sd
};

/// Demand over `periods` i.i.d. periods (periods may be fractional, >= 0).
LeadTimeDemand lead_time_demand(double mean_per_period, double sd_per_period, double periods);

/// z-based base-stock level for normal lead-time demand: mean + z * sd.
double base_stock_level_normal(double lead_time_mean, double lead_time_sd, double z);

/// Cost-optimal base-stock level for normal lead-time demand: z = Phi^-1(p / (p + h)).
double optimal_base_stock_normal(double lead_time_mean, double lead_time_sd, double holding_cost,
                                 double penalty_cost);

/// Result of a discrete base-stock optimisation.
struct BaseStockResult {
  long level = 0;              ///< optimal base-stock level S*
  double expected_cost = 0.0;  ///< expected one-period holding + backorder cost at S*
};

/// Expected one-period cost h E[(S-D)^+] + p E[(D-S)^+] for D ~ Poisson(mean) at integer S.
double base_stock_cost_poisson(long level, double mean, double holding_cost, double penalty_cost);

/// Optimal base stock for Poisson demand: the smallest S with F(S) >= p / (p + h).
BaseStockResult base_stock_poisson(double mean, double holding_cost, double penalty_cost);

}  // namespace labtwin::core
