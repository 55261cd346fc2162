#include "labtwin/sim/distributions.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "labtwin/sim/analytic.hpp"

using namespace labtwin::sim;

namespace {

// Large-sample check of mean and variance against theory. CLT tolerances:
//   |mean_hat - mean| < 5 sd / sqrt(n),
//   |s^2 - var| < 5 sqrt((m4 - s^4) / n)   (asymptotic sd of the sample variance, with the
//   fourth central moment m4 estimated from the sample).
template <typename D>
void check_moments(const D& d, const char* what, std::uint64_t seed = 1, int n = 400'000) {
  RandomStream r(seed, 0, what);
  std::vector<double> x(static_cast<std::size_t>(n));
  for (auto& v : x) v = d(r);
  double m = 0;
  for (const double v : x) m += v;
  m /= n;
  double m2 = 0;
  double m4 = 0;
  for (const double v : x) {
    const double dv = (v - m) * (v - m);
    m2 += dv;
    m4 += dv * dv;
  }
  const double s2 = m2 / (n - 1);
  m4 /= n;
  const double mean_tol = 5.0 * std::sqrt(d.variance() / n);
  const double var_tol = 5.0 * std::sqrt(std::max(0.0, m4 - s2 * s2) / n);
  EXPECT_NEAR(m, d.mean(), mean_tol) << what;
  EXPECT_NEAR(s2, d.variance(), var_tol) << what;
  std::printf("%-28s mean %.6g (theory %.6g, tol %.2g)  var %.6g (theory %.6g, tol %.2g)\n", what,
              m, d.mean(), mean_tol, s2, d.variance(), var_tol);
}

// One-sample Kolmogorov-Smirnov statistic sqrt(n) D_n against a continuous CDF. Under H0 it
// converges to the Kolmogorov distribution; P(K > 1.9495) = 0.001 (since
// P(K > x) ~ 2 exp(-2 x^2)), so the test rejects at alpha = 0.001.
template <typename D>
double ks_statistic(const D& d, const std::function<double(double)>& cdf, const char* what,
                    int n = 50'000) {
  RandomStream r(2, 0, what);
  std::vector<double> x(static_cast<std::size_t>(n));
  for (auto& v : x) v = d(r);
  std::sort(x.begin(), x.end());
  double dmax = 0;
  for (int i = 0; i < n; ++i) {
    const double f = cdf(x[static_cast<std::size_t>(i)]);
    dmax = std::max({dmax, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
  }
  return std::sqrt(static_cast<double>(n)) * dmax;
}

constexpr double kKsCritical001 = 1.9495;

template <typename F>
void expect_invalid(F f, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "expected std::invalid_argument containing '" << needle << "'";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

// Pearson chi-square of Poisson draws against the pmf, tails lumped so that each cell expects
// >= 5; returns (statistic, critical value at alpha = 0.001).
std::pair<double, double> poisson_chi_square(double mu, int n) {
  const Poisson p(mu);
  RandomStream r(3, 0, "poisson" + std::to_string(mu));
  std::map<std::int64_t, int> counts;
  for (int i = 0; i < n; ++i) ++counts[p.sample_int(r)];
  const auto hi_k = static_cast<std::int64_t>(mu + 20.0 * std::sqrt(mu) + 20.0);
  std::int64_t kmin = 0;
  while (n * p.pmf(kmin) < 5.0 && kmin < hi_k) ++kmin;
  std::int64_t kmax = hi_k;
  while (n * p.pmf(kmax) < 5.0 && kmax > kmin) --kmax;
  double chi2 = 0;
  int cells = 0;
  // Lower lump: k <= kmin; upper lump: k >= kmax; interior cells in between.
  double e_lo = 0;
  double o_lo = 0;
  for (std::int64_t k = 0; k <= kmin; ++k) e_lo += n * p.pmf(k);
  for (const auto& [k, c] : counts) {
    if (k <= kmin) o_lo += c;
  }
  chi2 += (o_lo - e_lo) * (o_lo - e_lo) / e_lo;
  ++cells;
  double e_mid = 0;
  for (std::int64_t k = kmin + 1; k < kmax; ++k) {
    const double e = n * p.pmf(k);
    const double o = counts.count(k) ? counts[k] : 0;
    chi2 += (o - e) * (o - e) / e;
    e_mid += e;
    ++cells;
  }
  const double e_hi = n - e_lo - e_mid;
  double o_hi = 0;
  for (const auto& [k, c] : counts) {
    if (k >= kmax) o_hi += c;
  }
  chi2 += (o_hi - e_hi) * (o_hi - e_hi) / e_hi;
  ++cells;
  return {chi2, chi_square_quantile(0.999, cells - 1)};
}

}  // namespace

TEST(Distributions, MomentsMatchTheory) {
  check_moments(Exponential(2.5), "exp(2.5)");
  check_moments(Normal(10, 2), "normal(10,2)");
  check_moments(LogNormal(1.0, 0.5), "lognormal(1,0.5)");
  check_moments(LogNormal::from_mean_sd(100, 30), "lognormal_ms(100,30)");
  check_moments(Weibull(1.5, 8760), "weibull(1.5,8760)");
  check_moments(Weibull(0.7, 3), "weibull(0.7,3)");
  check_moments(Gamma(2, 3), "gamma(2,3)");
  check_moments(Gamma(0.4, 5), "gamma(0.4,5)");
  check_moments(Gamma(30, 0.1), "gamma(30,0.1)");
  check_moments(Triangular(1, 2, 4), "triangular(1,2,4)");
  check_moments(Triangular(0, 0, 1), "triangular(0,0,1)");
  check_moments(Uniform(-1, 3), "uniform(-1,3)");
  check_moments(Deterministic(5), "const(5)");
  check_moments(Poisson(3), "poisson(3)");
  check_moments(Poisson(250), "poisson(250)");
  check_moments(Bernoulli(0.1), "bernoulli(0.1)");
  check_moments(Empirical({1, 2, 3}, {0.2, 0.5, 0.3}), "empirical");
  check_moments(EmpiricalContinuous({0, 1, 3}, {0, 0.5, 1}), "empirical_cdf");
}

TEST(Distributions, ClosedFormMomentsByHand) {
  EXPECT_DOUBLE_EQ(Triangular(1, 2, 4).mean(), 7.0 / 3.0);
  EXPECT_DOUBLE_EQ(Triangular(1, 2, 4).variance(), 7.0 / 18.0);
  EXPECT_DOUBLE_EQ(Uniform(-1, 3).variance(), 16.0 / 12.0);
  // Weibull shape 1 is exponential with mean = scale; shape 2: mean = scale sqrt(pi)/2.
  EXPECT_NEAR(Weibull(1, 4).mean(), 4.0, 1e-12);
  EXPECT_NEAR(Weibull(1, 4).variance(), 16.0, 1e-12);
  EXPECT_NEAR(Weibull(2, 1).mean(), std::sqrt(std::numbers::pi) / 2.0, 1e-12);
  // lognormal_ms recovers the requested mean and sd.
  const auto ln = LogNormal::from_mean_sd(100, 30);
  EXPECT_NEAR(ln.mean(), 100.0, 1e-10);
  EXPECT_NEAR(std::sqrt(ln.variance()), 30.0, 1e-10);
  // Empirical-continuous with CDF through (0,0), (1,0.5), (3,1): mean 0.5*0.5 + 0.5*2 = 1.25,
  // E[X^2] = 0.5*(1/3) + 0.5*(13/3) = 7/3, variance 7/3 - 1.5625.
  const EmpiricalContinuous ec({0, 1, 3}, {0, 0.5, 1});
  EXPECT_DOUBLE_EQ(ec.mean(), 1.25);
  EXPECT_NEAR(ec.variance(), 7.0 / 3.0 - 1.5625, 1e-12);
  EXPECT_DOUBLE_EQ(ec.cdf(2.0), 0.75);
  const Empirical e({1, 2, 3}, {2, 5, 3});
  EXPECT_DOUBLE_EQ(e.mean(), 2.1);
  EXPECT_NEAR(e.variance(), 0.2 * 1.21 + 0.5 * 0.01 + 0.3 * 0.81, 1e-12);
}

TEST(Distributions, KolmogorovSmirnovAgainstCdf) {
  const double k_normal = ks_statistic(
      Normal(10, 2), [](double x) { return normal_cdf((x - 10) / 2); }, "ks normal");
  const double k_exp = ks_statistic(
      Exponential(2.5), [](double x) { return 1 - std::exp(-x / 2.5); }, "ks exp");
  const double k_weibull = ks_statistic(
      Weibull(1.5, 8760), [](double x) { return 1 - std::exp(-std::pow(x / 8760, 1.5)); },
      "ks weibull");
  const double k_gamma2 = ks_statistic(
      Gamma(2, 3), [](double x) { return incomplete_gamma_p(2, x / 3); }, "ks gamma 2");
  const double k_gamma_small = ks_statistic(
      Gamma(0.3, 2), [](double x) { return incomplete_gamma_p(0.3, x / 2); }, "ks gamma 0.3");
  const double k_lognormal = ks_statistic(
      LogNormal(1, 0.5), [](double x) { return normal_cdf((std::log(x) - 1) / 0.5); },
      "ks lognormal");
  const double k_tri = ks_statistic(
      Triangular(1, 2, 4),
      [](double x) { return x < 2 ? (x - 1) * (x - 1) / 3.0 : 1 - (4 - x) * (4 - x) / 6.0; },
      "ks triangular");
  const EmpiricalContinuous ec({0, 1, 3}, {0, 0.5, 1});
  const double k_ec = ks_statistic(
      ec, [&ec](double x) { return ec.cdf(x); }, "ks ecdf");
  std::printf(
      "sqrt(n) D_n: normal %.3f exp %.3f weibull %.3f gamma2 %.3f gamma0.3 %.3f "
      "lognormal %.3f triangular %.3f ecdf %.3f (critical %.4f)\n",
      k_normal, k_exp, k_weibull, k_gamma2, k_gamma_small, k_lognormal, k_tri, k_ec,
      kKsCritical001);
  for (const double k :
       {k_normal, k_exp, k_weibull, k_gamma2, k_gamma_small, k_lognormal, k_tri, k_ec}) {
    EXPECT_LT(k, kKsCritical001);
  }
  // Power check: the KS statistic does detect a wrong CDF (exp draws vs mean 2.6).
  EXPECT_GT(ks_statistic(
                Exponential(2.5), [](double x) { return 1 - std::exp(-x / 2.6); }, "ks exp"),
            kKsCritical001);
}

TEST(Distributions, PoissonPmfChiSquareSmallAndLargeMeans) {
  for (const double mu : {0.5, 3.0, 9.9, 10.0, 25.0, 1000.0}) {
    const auto [chi2, critical] = poisson_chi_square(mu, 200'000);
    std::printf("poisson(%g): chi2 %.2f critical %.2f\n", mu, chi2, critical);
    EXPECT_LT(chi2, critical) << "mean " << mu;
  }
  RandomStream r0(1, 0, "p0");
  EXPECT_EQ(Poisson(0).sample_int(r0), 0);
  // pmf sums to 1 and has the right mode value.
  double s = 0;
  for (int k = 0; k < 100; ++k) s += Poisson(7.5).pmf(k);
  EXPECT_NEAR(s, 1.0, 1e-12);
  EXPECT_NEAR(Poisson(3).pmf(2), 4.5 * std::exp(-3.0), 1e-15);
  // Above the exact log-factorial table (Stirling branch): e^-100 100^100 / 100!.
  EXPECT_NEAR(Poisson(100).pmf(100), 0.03986099680914883, 1e-13);  // via Python math.lgamma
}

TEST(Distributions, EmpiricalFrequenciesAndZeroWeights) {
  const Empirical e({10, 20, 30, 40}, {1, 0, 2, 7});
  RandomStream r(4, 0, "emp");
  std::map<double, int> counts;
  constexpr int kN = 100'000;
  for (int i = 0; i < kN; ++i) ++counts[e(r)];
  EXPECT_EQ(counts.count(20.0), 0U);  // zero weight is never drawn
  const std::map<double, double> p = {{10, 0.1}, {30, 0.2}, {40, 0.7}};
  double chi2 = 0;
  for (const auto& [v, pv] : p) chi2 += std::pow(counts[v] - kN * pv, 2) / (kN * pv);
  EXPECT_LT(chi2, chi_square_quantile(0.999, 2));
  EXPECT_EQ(e.probabilities()[3], 0.7);
}

TEST(Distributions, InversionDrawsExactlyOneUniform) {
  // Common random numbers rely on a fixed number of draws per sample.
  RandomStream a(9, 0, "crn");
  RandomStream b(9, 0, "crn");
  const Normal n(0, 1);
  const Triangular t(0, 1, 2);
  const Weibull w(2, 1);
  for (int i = 0; i < 1000; ++i) {
    n(a);
    t(a);
    w(a);
    b.uniform01();
    b.uniform01();
    b.uniform01();
  }
  EXPECT_EQ(a.state(), b.state());
  // Deterministic draws nothing.
  Deterministic(3)(a);
  EXPECT_EQ(a.state(), b.state());
}

TEST(Distributions, InvalidParametersThrowNamingTheParameter) {
  expect_invalid([] { Exponential(0); }, "Exponential: mean must be finite and > 0");
  expect_invalid([] { Normal(0, -1); }, "Normal: sd");
  expect_invalid([] { LogNormal::from_mean_sd(-1, 1); }, "LogNormal: mean");
  expect_invalid([] { Weibull(0, 1); }, "Weibull: shape");
  expect_invalid([] { Gamma(1, -2); }, "Gamma: scale");
  expect_invalid([] { Triangular(1, 5, 4); }, "min <= mode <= max");
  expect_invalid([] { Triangular(1, 1, 1); }, "min < max");
  expect_invalid([] { Uniform(2, 1); }, "a < b");
  expect_invalid([] { Deterministic(std::nan("")); }, "Deterministic: value");
  expect_invalid([] { Poisson(-1); }, "Poisson: mean");
  expect_invalid([] { Bernoulli(1.5); }, "Bernoulli: p must be in [0, 1]");
  expect_invalid([] { Empirical({1, 2}, {1}); }, "2 values but 1 weights");
  expect_invalid([] { Empirical({1, 2}, {0, 0}); }, "positive sum");
  expect_invalid([] { Empirical({1, 2}, {1, -1}); }, "weight 2");
  expect_invalid([] { EmpiricalContinuous({0, 1}, {0.1, 1}); }, "first CDF value must be 0");
  expect_invalid([] { EmpiricalContinuous({0, 0, 1}, {0, 0.5, 1}); }, "strictly increasing");
  expect_invalid([] { EmpiricalContinuous({0, 1, 2}, {0, 0.7, 0.5}); }, "non-decreasing");
}

TEST(Distributions, VariantDispatch) {
  const Distribution d = Gamma(2, 3);
  EXPECT_EQ(mean(d), 6.0);
  EXPECT_EQ(variance(d), 18.0);
  EXPECT_EQ(kind_name(d), "gamma");
  RandomStream a(1, 0, "v");
  RandomStream b(1, 0, "v");
  EXPECT_EQ(sample(d, a), Gamma(2, 3)(b));
  EXPECT_EQ(kind_name(Distribution(EmpiricalContinuous({0, 1}, {0, 1}))), "empirical_cdf");
}

TEST(DistributionParser, AcceptsEveryForm) {
  struct Case {
    const char* text;
    double mean;
    std::string_view kind;
  };
  const Case cases[] = {
      {"exp(2.5)", 2.5, "exp"},
      {"  exponential( 4 ) ", 4.0, "exp"},
      {"normal(10, 2)", 10.0, "normal"},
      {"lognormal(0, 1)", std::exp(0.5), "lognormal"},
      {"lognormal_ms(100, 30)", 100.0, "lognormal"},
      {"weibull(1, 8760)", 8760.0, "weibull"},
      {"gamma(2, 3)", 6.0, "gamma"},
      {"triangular(1,2,4)", 7.0 / 3.0, "triangular"},
      {"uniform(0,1)", 0.5, "uniform"},
      {"const(5)", 5.0, "const"},
      {"poisson(3)", 3.0, "poisson"},
      {"bernoulli(0.1)", 0.1, "bernoulli"},
      {"empirical([1,2,3],[0.2,0.5,0.3])", 2.1, "empirical"},
      {"empirical_cdf([0, 1, 3], [0, 0.5, 1])", 1.25, "empirical_cdf"},
      {"const(+1e3)", 1000.0, "const"},
  };
  for (const auto& c : cases) {
    const auto p = parse_distribution(c.text);
    ASSERT_TRUE(p) << c.text << ": " << p.error;
    EXPECT_TRUE(p.error.empty());
    EXPECT_NEAR(mean(*p.distribution), c.mean, 1e-12) << c.text;
    EXPECT_EQ(kind_name(*p.distribution), c.kind) << c.text;
  }
}

TEST(DistributionParser, RejectsWithClearMessages) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "empty text"},
      {"foo(1)", "unknown distribution 'foo'"},
      {"exp 2", "expected '(' after 'exp'"},
      {"exp(2.5", "missing closing ')'"},
      {"exp(2.5) x", "unexpected text after ')'"},
      {"normal(10)", "normal expects 2 arguments (mean, sd), got 1"},
      {"exp()", "exp expects 1 argument (mean), got 0"},
      {"exp(abc)", "argument 1 (mean) 'abc' is not a number"},
      {"exp(2h)", "argument 1 (mean) '2h' is not a number"},
      {"exp(-1)", "Exponential: mean must be finite and > 0, got -1"},
      {"exp(nan)", "is not a number"},
      {"exp(1e999)", "is not a number"},
      {"empirical(1, [1])", "argument 1 (values) must be a list"},
      {"empirical([1,2],[1,x])", "argument 2 (weights) item 2 'x' is not a number"},
      {"empirical([1,2],[1])", "2 values but 1 weights"},
      {"empirical([1,2,[1,1])", "nested '['"},
      {"empirical([], [])", "empty list"},
      {"const([5])", "must be a number, not a list"},
      {"normal(1,,2)", "normal expects 2 arguments"},
      {"uniform(1, )", "argument 2 (b) is empty"},
      {"triangular(1,5,4)", "min <= mode <= max"},
  };
  for (const auto& [text, needle] : cases) {
    const auto p = parse_distribution(text);
    EXPECT_FALSE(p) << text;
    EXPECT_NE(p.error.find(needle), std::string::npos) << text << " -> " << p.error;
    EXPECT_NE(p.error.find("invalid distribution"), std::string::npos) << p.error;
  }
}

TEST(DistributionParser, NumberHookHandlesUnitsOnDimensionalArgumentsOnly) {
  // A caller's hook: "<x>h" is hours -> seconds, "<x>min" minutes, bare numbers are seconds.
  const NumberParser hook = [](std::string_view tok) -> std::optional<double> {
    double scale = 1;
    if (tok.ends_with("min")) {
      scale = 60;
      tok.remove_suffix(3);
    } else if (tok.ends_with("h")) {
      scale = 3600;
      tok.remove_suffix(1);
    }
    const auto v = parse_plain_number(tok);
    if (!v) return std::nullopt;
    return *v * scale;
  };
  auto p = parse_distribution("exp(2h)", hook);
  ASSERT_TRUE(p) << p.error;
  EXPECT_DOUBLE_EQ(mean(*p.distribution), 7200.0);
  p = parse_distribution("weibull(1, 30min)", hook);
  ASSERT_TRUE(p) << p.error;
  EXPECT_NEAR(mean(*p.distribution), 1800.0, 1e-9);
  p = parse_distribution("empirical([1h, 2h], [1, 3])", hook);
  ASSERT_TRUE(p) << p.error;
  EXPECT_DOUBLE_EQ(mean(*p.distribution), 0.25 * 3600 + 0.75 * 7200);
  // Shapes, probabilities and weights are dimensionless: the hook is not applied to them.
  p = parse_distribution("weibull(1.5h, 2)", hook);
  EXPECT_FALSE(p);
  EXPECT_NE(p.error.find("argument 1 (shape) '1.5h' is not a number"), std::string::npos)
      << p.error;
  p = parse_distribution("bernoulli(1h)", hook);
  EXPECT_FALSE(p);
  p = parse_distribution("exp(2 parsecs)", hook);
  EXPECT_FALSE(p);
  EXPECT_NE(p.error.find("'2 parsecs' is not a number"), std::string::npos) << p.error;
}

TEST(DistributionParser, PlainNumberParser) {
  EXPECT_EQ(parse_plain_number("2.5"), 2.5);
  EXPECT_EQ(parse_plain_number(" -3e2 "), -300.0);
  EXPECT_EQ(parse_plain_number("+4"), 4.0);
  EXPECT_FALSE(parse_plain_number("++4"));
  EXPECT_FALSE(parse_plain_number("4x"));
  EXPECT_FALSE(parse_plain_number(""));
  EXPECT_FALSE(parse_plain_number("inf"));
}
