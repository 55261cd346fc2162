// Closed-form inventory theory: normal functions, EOQ, newsvendor, base stock.
// Worked numbers from /work/shared/data/inventory/textbook-oracles.md (line numbers cited).
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "labtwin/core/policy/normal.hpp"
#include "labtwin/core/policy/poisson_ss.hpp"
#include "labtwin/core/policy/theory.hpp"

namespace lc = labtwin::core;

// Reference values of Phi and Phi^-1 (Abramowitz & Stegun Table 26.1 / standard 16-digit
// tables): Phi(1.96) = 0.9750021048517795, Phi(-3) = 0.0013498980316301,
// Phi^-1(0.975) = 1.959963984540054, Phi^-1(0.95) = 1.644853626951472.
TEST(PolicyTheory, NormalFunctionsMatchReferenceValues) {
  EXPECT_NEAR(lc::normal_cdf(1.96), 0.9750021048517795, 1e-15);
  EXPECT_NEAR(lc::normal_cdf(-3.0), 0.0013498980316301, 1e-15);
  EXPECT_DOUBLE_EQ(lc::normal_cdf(0.0), 0.5);
  EXPECT_NEAR(lc::normal_pdf(0.0), 0.3989422804014327, 1e-16);
  EXPECT_NEAR(lc::normal_quantile(0.975), 1.959963984540054, 1e-13);
  EXPECT_NEAR(lc::normal_quantile(0.95), 1.644853626951472, 1e-13);
  EXPECT_NEAR(lc::normal_quantile(0.025), -1.959963984540054, 1e-13);
  EXPECT_DOUBLE_EQ(lc::normal_quantile(0.5), 0.0);
  // L(0) = phi(0); L(z) - L(-z) = -z (loss-function identity).
  EXPECT_NEAR(lc::normal_loss(0.0), 0.3989422804014327, 1e-16);
  EXPECT_NEAR(lc::normal_loss(1.3) - lc::normal_loss(-1.3), -1.3, 1e-14);
}

// Phi(Phi^-1(p)) = p across the range, including far tails (relative accuracy in the tail).
TEST(PolicyTheory, NormalQuantileInvertsTheCdf) {
  for (double p = 1e-300; p < 0.5; p *= 3.7) {
    const double z = lc::normal_quantile(p);
    EXPECT_NEAR(lc::normal_cdf(z) / p, 1.0, 1e-12) << "p=" << p;
    EXPECT_NEAR(lc::normal_sf(-z) / p, 1.0, 1e-12) << "p=" << p;
  }
  for (double p = 0.001; p < 1.0; p += 0.001) {
    EXPECT_NEAR(lc::normal_cdf(lc::normal_quantile(p)), p, 2e-16 * 8) << "p=" << p;
  }
  EXPECT_THROW(lc::normal_quantile(0.0), std::invalid_argument);
  EXPECT_THROW(lc::normal_quantile(1.0), std::invalid_argument);
  EXPECT_THROW(lc::normal_quantile(NAN), std::invalid_argument);
}

// textbook-oracles.md line 14: K=8, h=0.225, D=1300/yr -> Q* = 304.0467800264368, annual cost
// 68.410525505948272 (= sqrt(2 K D h), Harris 1913).
TEST(PolicyTheory, EoqOracle) {
  const double q = lc::eoq(8.0, 1300.0, 0.225);
  EXPECT_NEAR(q, 304.0467800264368, 1e-10);
  EXPECT_NEAR(lc::eoq_cost(q, 8.0, 1300.0, 0.225), 68.410525505948272, 1e-10);
  // Q* minimises the cost: neighbours cost more.
  EXPECT_GT(lc::eoq_cost(q * 1.01, 8.0, 1300.0, 0.225), lc::eoq_cost(q, 8.0, 1300.0, 0.225));
  EXPECT_GT(lc::eoq_cost(q * 0.99, 8.0, 1300.0, 0.225), lc::eoq_cost(q, 8.0, 1300.0, 0.225));
  EXPECT_THROW(lc::eoq(0.0, 1300.0, 0.225), std::invalid_argument);
  EXPECT_THROW(lc::eoq(8.0, 1300.0, -1.0), std::invalid_argument);
}

// textbook-oracles.md line 12-13: N(50, 8^2), h=0.18, p=0.7 -> S* = 56.603955927433887,
// expected cost 1.997605193176645; cost at S=40 is 7.356131552870388.
TEST(PolicyTheory, NewsvendorNormalOracle) {
  const auto r = lc::newsvendor_normal(50.0, 8.0, 0.18, 0.7);
  EXPECT_NEAR(r.level, 56.603955927433887, 1e-9);
  EXPECT_NEAR(r.expected_cost, 1.997605193176645, 1e-9);
  EXPECT_NEAR(lc::newsvendor_cost_normal(40.0, 50.0, 8.0, 0.18, 0.7), 7.356131552870388, 1e-9);
  // First-order condition: the cost derivative (h+p) Phi(z) - p vanishes at S*.
  const double d = 1e-4;
  const double slope = (lc::newsvendor_cost_normal(r.level + d, 50.0, 8.0, 0.18, 0.7) -
                        lc::newsvendor_cost_normal(r.level - d, 50.0, 8.0, 0.18, 0.7)) /
                       (2 * d);
  EXPECT_NEAR(slope, 0.0, 1e-7);
  EXPECT_DOUBLE_EQ(lc::critical_fractile(0.18, 0.7), 0.7 / 0.88);
}

// textbook-oracles.md line 15: Poisson base stock h=1, p=4, mean 6 -> S=8, cost
// 3.570106945770946. S* is the smallest S with F(S) >= p/(p+h) = 0.8.
TEST(PolicyTheory, PoissonBaseStockOracle) {
  const auto r = lc::base_stock_poisson(6.0, 1.0, 4.0);
  EXPECT_EQ(r.level, 8);
  EXPECT_NEAR(r.expected_cost, 3.570106945770946, 1e-12);
  EXPECT_GT(lc::base_stock_cost_poisson(7, 6.0, 1.0, 4.0), r.expected_cost);
  EXPECT_GT(lc::base_stock_cost_poisson(9, 6.0, 1.0, 4.0), r.expected_cost);
  // Below zero stock the cost is pure backorder: p (mean - S).
  EXPECT_NEAR(lc::base_stock_cost_poisson(-2, 6.0, 1.0, 4.0), 4.0 * 8.0, 1e-12);
}

// Normal lead-time demand: over L i.i.d. periods mean L mu, sd sqrt(L) sigma; base stock =
// mean + z sd with z = Phi^-1(p/(p+h)) (e.g. Nahmias, Production and Operations Analysis, 5.4).
TEST(PolicyTheory, NormalBaseStockLevel) {
  const auto ltd = lc::lead_time_demand(10.0, 3.0, 4.0);
  EXPECT_DOUBLE_EQ(ltd.mean, 40.0);
  EXPECT_DOUBLE_EQ(ltd.sd, 6.0);
  EXPECT_DOUBLE_EQ(lc::base_stock_level_normal(ltd.mean, ltd.sd, 1.5), 49.0);
  // p/(p+h) = 0.95 -> z = 1.644853626951472.
  EXPECT_NEAR(lc::optimal_base_stock_normal(40.0, 6.0, 1.0, 19.0), 40.0 + 6.0 * 1.644853626951472,
              1e-12);
  // It coincides with the newsvendor optimum on the same distribution.
  EXPECT_NEAR(lc::optimal_base_stock_normal(40.0, 6.0, 1.0, 19.0),
              lc::newsvendor_normal(40.0, 6.0, 1.0, 19.0).level, 1e-12);
  EXPECT_THROW(lc::lead_time_demand(10.0, -1.0, 4.0), std::invalid_argument);
  EXPECT_THROW(lc::critical_fractile(1.0, 0.0), std::invalid_argument);
}

// Poisson quantiles: F(7) = 0.743980 < 0.8 <= F(8) = 0.847237 for mean 6; the median of Poisson(n)
// for integer n is n (Choi 1994: median = floor(lambda + 1/3 - 0.02/lambda)).
TEST(PolicyTheory, PoissonQuantile) {
  EXPECT_EQ(lc::poisson_quantile(6.0, 0.8), 8);
  EXPECT_EQ(lc::poisson_quantile(6.0, 0.7439), 7);
  EXPECT_EQ(lc::poisson_quantile(6.0, 0.7440), 8);
  EXPECT_EQ(lc::poisson_quantile(6.0, 0.5), 6);
  EXPECT_EQ(lc::poisson_quantile(10000.0, 0.5), 10000);
  EXPECT_EQ(lc::poisson_quantile(0.1, 0.5), 0);  // P(D = 0) = e^-0.1 = 0.905
  EXPECT_THROW(lc::poisson_quantile(6.0, 1.0), std::invalid_argument);
  EXPECT_THROW(lc::poisson_quantile(-1.0, 0.5), std::invalid_argument);
}
