#pragma once
/// @file Exact optimal periodic-review (s,S) policy for Poisson demand: Zheng & Federgruen (1991).
///
/// Model: periodic review, full backordering, i.i.d. Poisson(mean) demand per period, fixed
/// order cost K, holding cost h and backorder penalty p per unit per period charged on the
/// period-end net inventory, deterministic lead time of L periods.
///
/// Convention (same as the reorder policies in reorder_policy.hpp): at a review, if the
/// inventory position is <= s, order up to S. So s is the highest position at which an order is
/// placed; after ordering the position lies in s+1 .. S. This is the convention of the
/// Zheng-Federgruen table in /work/shared/data/inventory/zheng-federgruen-1991.csv (verified in
/// tests/core/policy_zheng_federgruen_test.cpp). A tool that orders only when the position is
/// strictly below its reorder point r uses r = s + 1 for the same policy.
///
/// Long-run average cost per period (Z&F eq. 2):
///   c(s,S) = [K + sum_{j=0}^{S-s-1} m(j) G(S-j)] / M(S-s)
/// with m the renewal mass function of the per-period demand, M(n) = sum_{j<n} m(j), and
/// G(y) = h E[(y-D)^+] + p E[(D-y)^+] for D ~ Poisson((L+1) mean).
#include <string>

namespace labtwin::core {

/// Parameters of a Poisson (s,S) problem.
struct PoissonSsInput {
  double mean = 0.0;        ///< Poisson demand mean per period (> 0)
  double holding = 0.0;     ///< h: holding cost per unit per period (> 0)
  double penalty = 0.0;     ///< p: backorder cost per unit per period (> 0)
  double order_cost = 0.0;  ///< K: fixed cost per order (>= 0)
  int lead_time = 0;        ///< L: lead time in periods (>= 0)
};

/// An (s,S) policy and its long-run average cost per period.
struct SsResult {
  long s = 0;         ///< reorder level: order when inventory position <= s
  long S = 0;         ///< order-up-to level
  double cost = 0.0;  ///< long-run average cost per period
};

/// Smallest k >= 0 with P(D <= k) >= probability for D ~ Poisson(mean); 0 < probability < 1.
long poisson_quantile(double mean, double probability);

/// Z&F's G(y): expected holding + backorder cost in a period that starts with position y.
double poisson_period_cost(long y, double mean, double h, double p, int lead_time = 0);

/// Long-run average cost per period of the (s,S) policy (requires S > s).
double ss_cost_poisson(long s, long S, double mean, double h, double p, double K,
                       int lead_time = 0);

/// Same, taking the problem as a struct.
double ss_cost_poisson(long s, long S, const PoissonSsInput& in);

/// Optimal (s,S) and its cost by the Zheng-Federgruen (1991) algorithm.
SsResult optimal_ss_poisson(double mean, double h, double p, double K, int lead_time = 0);

/// Same, taking the problem as a struct.
SsResult optimal_ss_poisson(const PoissonSsInput& in);

/// One-line JSON object with the inputs, s, S, cost and the convention, e.g.
/// {"demand":"poisson","mean":6,"holding":1,...,"s":4,"S":10,"cost":8.0341115614716,
/// "convention":"order up to S when inventory position <= s"}.
std::string format_ss_json(const PoissonSsInput& in, const SsResult& r);

/// Human-readable two-column table of the same fields (one "name  value" per line).
std::string format_ss_table(const PoissonSsInput& in, const SsResult& r);

}  // namespace labtwin::core
