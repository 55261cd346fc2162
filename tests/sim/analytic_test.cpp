#include "labtwin/sim/analytic.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

using namespace labtwin::sim;

namespace {

// Expects `f` to throw std::invalid_argument whose message contains `needle`.
template <typename F>
void expect_invalid(F f, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "expected std::invalid_argument containing '" << needle << "'";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

}  // namespace

// Student-t critical values from standard tables (e.g. NIST/SEMATECH e-Handbook 1.4.2.10,
// Abramowitz & Stegun table 26.10), the three from the brief plus further rows.
TEST(Analytic, StudentTQuantileMatchesTables) {
  EXPECT_NEAR(student_t_quantile(0.975, 10), 2.228139, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.995, 29), 2.756386, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.975, 1), 12.706205, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.975, 2), 4.302653, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.975, 5), 2.570582, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.95, 20), 1.724718, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.975, 30), 2.042272, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.975, 100), 1.983972, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.975, 1000), 1.962339, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.995, 5), 4.032143, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.999, 10), 4.143700, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.9995, 3), 12.923979, 1e-6);
  // Symmetry and the median.
  EXPECT_NEAR(student_t_quantile(0.025, 10), -2.228139, 1e-6);
  EXPECT_EQ(student_t_quantile(0.5, 7), 0.0);
}

// The quantile inverts the CDF for every integer dof 1..1000 at the usual CI levels.
TEST(Analytic, StudentTQuantileInvertsCdfForAllDof) {
  double worst = 0;
  for (int dof = 1; dof <= 1000; ++dof) {
    for (const double p : {0.6, 0.9, 0.95, 0.975, 0.99, 0.995, 0.9995, 0.025, 0.001}) {
      const double t = student_t_quantile(p, dof);
      worst = std::max(worst, std::fabs(student_t_cdf(t, dof) - p));
    }
  }
  EXPECT_LT(worst, 1e-11);
  // t -> z as dof -> infinity: t_{0.975, 1e6} is within 1e-5 of z_{0.975}.
  EXPECT_NEAR(student_t_quantile(0.975, 1e6), normal_quantile(0.975), 1e-5);
  // Real-valued dof lies between its integer neighbours.
  const double t25 = student_t_quantile(0.975, 2.5);
  EXPECT_LT(t25, student_t_quantile(0.975, 2));
  EXPECT_GT(t25, student_t_quantile(0.975, 3));
}

TEST(Analytic, StudentTCdfClosedForms) {
  // dof = 1 is Cauchy: F(t) = 1/2 + atan(t)/pi; dof = 2: F(t) = 1/2 + t / (2 sqrt(2 + t^2)).
  for (const double t : {-5.0, -1.0, 0.0, 0.3, 2.0, 40.0}) {
    EXPECT_NEAR(student_t_cdf(t, 1), 0.5 + std::atan(t) / std::numbers::pi, 1e-13);
    EXPECT_NEAR(student_t_cdf(t, 2), 0.5 + t / (2.0 * std::sqrt(2.0 + t * t)), 1e-13);
  }
}

TEST(Analytic, NormalQuantileAndCdf) {
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-14);
  EXPECT_NEAR(normal_quantile(0.999), 3.090232306167813, 1e-13);
  EXPECT_NEAR(normal_quantile(1e-10), -6.361340902404056, 1e-12);
  EXPECT_NEAR(normal_quantile(0.5), 0.0, 1e-15);
  EXPECT_NEAR(normal_cdf(1.96), 0.9750021048517795, 1e-15);
  EXPECT_NEAR(normal_cdf(0.0), 0.5, 1e-16);
  double worst = 0;
  double worst_approx = 0;
  for (int i = 1; i < 1000; ++i) {
    const double p = i / 1000.0;
    worst = std::max(worst, std::fabs(normal_cdf(normal_quantile(p)) - p));
    worst_approx =
        std::max(worst_approx, std::fabs(normal_quantile_approx(p) - normal_quantile(p)));
  }
  EXPECT_LT(worst, 1e-15);
  EXPECT_LT(worst_approx, 1e-8);  // Acklam: relative error < 1.15e-9
  expect_invalid([] { normal_quantile(0.0); }, "p must be in (0, 1)");
  expect_invalid([] { normal_quantile(1.5); }, "p must be in (0, 1)");
}

TEST(Analytic, SpecialFunctions) {
  // log_gamma: Gamma(n) = (n-1)!, Gamma(1/2) = sqrt(pi), and agreement with std::lgamma.
  EXPECT_NEAR(log_gamma(1.0), 0.0, 1e-15);
  EXPECT_NEAR(log_gamma(6.0), std::log(120.0), 1e-13);
  EXPECT_NEAR(log_gamma(0.5), 0.5 * std::log(std::numbers::pi), 1e-14);
  for (const double x : {0.01, 0.3, 1.7, 9.5, 123.4, 5000.0}) {
    EXPECT_NEAR(log_gamma(x), std::lgamma(x), 1e-13 * std::max(1.0, std::fabs(std::lgamma(x))))
        << x;
  }
  // I_x(a, a) at x = 1/2 is 1/2 by symmetry; I_x(1, 1) = x; I_x(a, 1) = x^a.
  EXPECT_NEAR(incomplete_beta(3.7, 3.7, 0.5), 0.5, 1e-14);
  EXPECT_NEAR(incomplete_beta(1, 1, 0.3), 0.3, 1e-14);
  EXPECT_NEAR(incomplete_beta(2.5, 1, 0.4), std::pow(0.4, 2.5), 1e-14);
  // P(1, x) = 1 - e^-x; chi-square with 2 dof: 1 - e^{-x/2}.
  EXPECT_NEAR(incomplete_gamma_p(1, 2.0), 1 - std::exp(-2.0), 1e-14);
  EXPECT_NEAR(chi_square_cdf(3.0, 2), 1 - std::exp(-1.5), 1e-14);
  // Table values chi2_{0.95,10} = 18.307038, chi2_{0.999,99} = 148.2304, chi2_{0.05,1} = 0.0039321.
  EXPECT_NEAR(chi_square_quantile(0.95, 10), 18.307038, 1e-6);
  EXPECT_NEAR(chi_square_quantile(0.999, 99), 148.2304, 1e-4);
  EXPECT_NEAR(chi_square_quantile(0.05, 1), 0.00393214, 1e-8);
}

// Erlang C worked example from the brief: c = 3, lambda = 2.4, mu = 1 (rho = 0.8).
TEST(Analytic, ErlangCWorkedExample) {
  EXPECT_NEAR(erlang_c(3, 2.4, 1.0), 0.6472, 1e-4);
  EXPECT_NEAR(mmc_wq(3, 2.4, 1.0), 1.0787, 1e-4);
  EXPECT_NEAR(mmc_lq(3, 2.4, 1.0), 2.589, 1e-3);
}

// Oracles from /work/shared/data/inventory/textbook-oracles.md, lines 17-18.
TEST(Analytic, ErlangCTextbookOracles) {
  // Line 17: lambda=1, mu=1, c=2: P(wait)=1/3, Wq=1/3, Lq=1/3.
  EXPECT_NEAR(erlang_c(2, 1.0, 1.0), 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(mmc_wq(2, 1.0, 1.0), 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(mmc_lq(2, 1.0, 1.0), 1.0 / 3.0, 1e-12);
  // Line 18: lambda=2, mu=2/3, c=4: P(wait)=0.509434, Wq=0.764151, Lq=1.528302,
  // P(Wq <= 0.5)=0.634975.
  EXPECT_NEAR(erlang_c(4, 2.0, 2.0 / 3.0), 0.509434, 1e-6);
  EXPECT_NEAR(mmc_wq(4, 2.0, 2.0 / 3.0), 0.764151, 1e-6);
  EXPECT_NEAR(mmc_lq(4, 2.0, 2.0 / 3.0), 1.528302, 1e-6);
  EXPECT_NEAR(mmc_wait_cdf(4, 2.0, 2.0 / 3.0, 0.5), 0.634975, 1e-6);
}

TEST(Analytic, ErlangB) {
  EXPECT_NEAR(erlang_b(2, 1.0), 0.2, 1e-12);
  EXPECT_NEAR(erlang_b(5, 3.0), 0.1101, 1e-4);
  EXPECT_EQ(erlang_b(0, 3.0), 1.0);
  // Direct formula B = (A^c / c!) / sum_k A^k / k! for a small case.
  double num = 1;
  double den = 1;
  for (int k = 1; k <= 7; ++k) {
    num *= 4.5 / k;
    den += num;
  }
  EXPECT_NEAR(erlang_b(7, 4.5), num / den, 1e-14);
  // The recursion stays finite where A^c / c! would overflow.
  const double big = erlang_b(2000, 1900.0);
  EXPECT_GT(big, 0.0);
  EXPECT_LT(big, 0.1);
  expect_invalid([] { erlang_b(-1, 1.0); }, "c must be >= 0");
}

TEST(Analytic, SingleServerFormulas) {
  // M/M/1 with rho = 0.8 (lambda = 0.8, mu = 1): Wq = rho/(mu - lambda) = 4, Lq = 3.2.
  EXPECT_NEAR(mm1_wq(0.8, 1.0), 4.0, 1e-12);
  EXPECT_NEAR(mm1_lq(0.8, 1.0), 3.2, 1e-12);
  // M/D/1 with rho = 0.8, D = 1: Wq = rho D / (2 (1 - rho)) = 2.
  EXPECT_NEAR(md1_wq(0.8, 1.0), 2.0, 1e-12);
  // P-K with exponential service (var = mean^2) reduces to M/M/1; Erlang C with c = 1 is rho.
  EXPECT_NEAR(mg1_wq(0.8, 1.0, 1.0), mm1_wq(0.8, 1.0), 1e-12);
  EXPECT_NEAR(erlang_c(1, 0.8, 1.0), 0.8, 1e-12);
  EXPECT_NEAR(mmc_wq(1, 0.8, 1.0), 4.0, 1e-12);
  // Little's law between the M/M/1 helpers.
  EXPECT_NEAR(mm1_lq(0.6, 1.3), 0.6 * mm1_wq(0.6, 1.3), 1e-12);
}

TEST(Analytic, UnstableOrInvalidQueuesAreRejected) {
  expect_invalid([] { mm1_wq(1.0, 1.0); }, "rho");
  expect_invalid([] { mm1_lq(2.0, 1.0); }, "rho");
  expect_invalid([] { erlang_c(2, 2.0, 1.0); }, "rho");
  expect_invalid([] { mg1_wq(1.0, 1.0, 0.0); }, "rho");
  expect_invalid([] { mm1_wq(-1.0, 1.0); }, "lambda");
  expect_invalid([] { erlang_c(0, 0.5, 1.0); }, "server count");
  expect_invalid([] { mg1_wq(0.5, 1.0, -1.0); }, "variance");
  expect_invalid([] { student_t_quantile(0.9, 0.0); }, "dof");
}
