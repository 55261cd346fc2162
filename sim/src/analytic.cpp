#include "labtwin/sim/analytic.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>

namespace labtwin::sim {

namespace {

[[noreturn]] void fail(const std::string& what) { throw std::invalid_argument(what); }

std::string num(double x) { return std::to_string(x); }

// Acklam's rational approximation of the inverse normal CDF (relative error < 1.15e-9).
double acklam(double p) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double p_low = 0.02425;
  if (p < p_low) {
    const double q = std::sqrt(-2.0 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  }
  if (p > 1.0 - p_low) {
    const double q = std::sqrt(-2.0 * std::log1p(-p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  }
  const double q = p - 0.5;
  const double r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
}

// Continued fraction for the incomplete beta (modified Lentz); converges for x < (a+1)/(a+b+2).
double beta_cf(double a, double b, double x) {
  constexpr double tiny = 1e-300;
  constexpr double eps = 1e-15;
  const double qab = a + b;
  const double qap = a + 1.0;
  const double qam = a - 1.0;
  double c = 1.0;
  double d = 1.0 - qab * x / qap;
  if (std::fabs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 100000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1.0) < eps) return h;
  }
  return h;  // not reached for the parameter ranges used here
}

// Upper tail P(T > t) for t >= 0: 0.5 I_{dof/(dof+t^2)}(dof/2, 1/2).
double student_t_upper(double t, double dof) {
  const double x = dof / (dof + t * t);
  return 0.5 * incomplete_beta(0.5 * dof, 0.5, x);
}

double student_t_pdf(double t, double dof) {
  const double lc =
      log_gamma(0.5 * (dof + 1.0)) - log_gamma(0.5 * dof) - 0.5 * std::log(dof * std::numbers::pi);
  return std::exp(lc - 0.5 * (dof + 1.0) * std::log1p(t * t / dof));
}

void check_queue(double lambda, double mu, const char* fn) {
  if (!(lambda > 0) || !std::isfinite(lambda))
    fail(std::string(fn) + ": lambda must be > 0, got " + num(lambda));
  if (!(mu > 0) || !std::isfinite(mu)) fail(std::string(fn) + ": mu must be > 0, got " + num(mu));
}

}  // namespace

double log_gamma(double x) {
  if (!(x > 0) || !std::isfinite(x)) fail("log_gamma: x must be finite and > 0, got " + num(x));
  // Lanczos approximation, g = 7, n = 9 (relative error ~1e-15); reflection for x < 0.5.
  static constexpr double c[] = {
      0.99999999999980993,  676.5203681218851,     -1259.1392167224028,
      771.32342877765313,   -176.61502916214059,   12.507343278686905,
      -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
  if (x < 0.5) {
    return std::log(std::numbers::pi / std::sin(std::numbers::pi * x)) - log_gamma(1.0 - x);
  }
  const double z = x - 1.0;
  double a = c[0];
  const double t = z + 7.5;
  for (int i = 1; i < 9; ++i) a += c[i] / (z + i);
  return 0.5 * std::log(2.0 * std::numbers::pi) + (z + 0.5) * std::log(t) - t + std::log(a);
}

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }

double normal_pdf(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2.0 * std::numbers::pi); }

double normal_quantile_approx(double p) { return acklam(p); }

double normal_quantile(double p) {
  if (!(p > 0.0 && p < 1.0)) fail("normal_quantile: p must be in (0, 1), got " + num(p));
  // Acklam's approximation refined by one Halley step on Phi (error ~1e-15, Acklam's note).
  double x = acklam(p);
  const double e = (p < 0.5) ? normal_cdf(x) - p : (1.0 - p) - normal_cdf(-x);
  const double u = e * std::sqrt(2.0 * std::numbers::pi) * std::exp(0.5 * x * x);
  x -= u / (1.0 + 0.5 * x * u);
  return x;
}

double incomplete_beta(double a, double b, double x) {
  if (!(a > 0) || !(b > 0))
    fail("incomplete_beta: a and b must be > 0, got a=" + num(a) + " b=" + num(b));
  if (!(x >= 0.0 && x <= 1.0)) fail("incomplete_beta: x must be in [0, 1], got " + num(x));
  if (x == 0.0) return 0.0;
  if (x == 1.0) return 1.0;
  const double log_front =
      log_gamma(a + b) - log_gamma(a) - log_gamma(b) + a * std::log(x) + b * std::log1p(-x);
  const double front = std::exp(log_front);
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_cf(a, b, x) / a;
  return 1.0 - front * beta_cf(b, a, 1.0 - x) / b;
}

double incomplete_gamma_p(double a, double x) {
  if (!(a > 0)) fail("incomplete_gamma_p: a must be > 0, got " + num(a));
  if (!(x >= 0)) fail("incomplete_gamma_p: x must be >= 0, got " + num(x));
  if (x == 0.0) return 0.0;
  const double log_front = a * std::log(x) - x - log_gamma(a);
  if (x < a + 1.0) {
    // Series: P = e^-x x^a / Gamma(a+1) * sum x^n / ((a+1)...(a+n)).
    double ap = a;
    double sum = 1.0 / a;
    double del = sum;
    for (int n = 0; n < 100000; ++n) {
      ap += 1.0;
      del *= x / ap;
      sum += del;
      if (std::fabs(del) < std::fabs(sum) * 1e-16) break;
    }
    return sum * std::exp(log_front);
  }
  // Continued fraction for Q(a, x) (modified Lentz).
  constexpr double tiny = 1e-300;
  double b = x + 1.0 - a;
  double c = 1.0 / tiny;
  double d = 1.0 / b;
  double h = d;
  for (int i = 1; i < 100000; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1.0) < 1e-16) break;
  }
  return 1.0 - std::exp(log_front) * h;
}

double student_t_cdf(double t, double dof) {
  if (!(dof > 0) || !std::isfinite(dof)) fail("student_t_cdf: dof must be > 0, got " + num(dof));
  if (std::isnan(t)) fail("student_t_cdf: t is NaN");
  if (std::isinf(t)) return t > 0 ? 1.0 : 0.0;
  const double upper = student_t_upper(std::fabs(t), dof);
  return t >= 0 ? 1.0 - upper : upper;
}

double student_t_quantile(double p, double dof) {
  if (!(p > 0.0 && p < 1.0)) fail("student_t_quantile: p must be in (0, 1), got " + num(p));
  if (!(dof > 0) || !std::isfinite(dof))
    fail("student_t_quantile: dof must be > 0, got " + num(dof));
  if (p == 0.5) return 0.0;
  // Symmetry: solve for the upper tail q = min(p, 1-p) with t > 0 (keeps precision near 1).
  const double sign = p > 0.5 ? 1.0 : -1.0;
  const double q = p > 0.5 ? 1.0 - p : p;
  if (dof == 1.0) return sign * std::tan(std::numbers::pi * (0.5 - q));
  if (dof == 2.0) {
    const double pp = 1.0 - q;  // upper quantile level
    return sign * (2.0 * pp - 1.0) / std::sqrt(2.0 * pp * (1.0 - pp));
  }
  // Cornish-Fisher expansion of t in z (Abramowitz & Stegun 26.7.5) as the starting point.
  const double z = -normal_quantile(q);
  const double z2 = z * z;
  const double g1 = (z2 + 1.0) * z / 4.0;
  const double g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
  const double g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
  double t = z + g1 / dof + g2 / (dof * dof) + g3 / (dof * dof * dof);
  // Bracket [lo, hi] with upper(lo) >= q >= upper(hi); upper tail is decreasing in t.
  double lo = 0.0;
  double hi = std::max(t, 1.0);
  while (student_t_upper(hi, dof) > q) {
    lo = hi;
    hi *= 2.0;
    if (hi > 1e300) return sign * hi;
  }
  if (!(t > lo && t < hi)) t = 0.5 * (lo + hi);
  // Safeguarded Newton on upper(t) - q; d upper / dt = -pdf(t).
  for (int it = 0; it < 200; ++it) {
    const double f = student_t_upper(t, dof) - q;
    if (f > 0)
      lo = t;
    else
      hi = t;
    double next = t + f / student_t_pdf(t, dof);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::fabs(next - t) <= 1e-14 * std::max(1.0, std::fabs(t))) {
      t = next;
      break;
    }
    t = next;
  }
  return sign * t;
}

double chi_square_cdf(double x, double k) {
  if (!(k > 0)) fail("chi_square_cdf: k must be > 0, got " + num(k));
  if (x <= 0) return 0.0;
  return incomplete_gamma_p(0.5 * k, 0.5 * x);
}

double chi_square_quantile(double p, double k) {
  if (!(p > 0.0 && p < 1.0)) fail("chi_square_quantile: p must be in (0, 1), got " + num(p));
  if (!(k > 0)) fail("chi_square_quantile: k must be > 0, got " + num(k));
  double lo = 0.0;
  double hi = std::max(1.0, k);
  while (chi_square_cdf(hi, k) < p) {
    lo = hi;
    hi *= 2.0;
  }
  for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (chi_square_cdf(mid, k) < p)
      lo = mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

double mm1_wq(double lambda, double mu) {
  check_queue(lambda, mu, "mm1_wq");
  if (lambda >= mu) fail("mm1_wq: unstable queue, rho = lambda/mu = " + num(lambda / mu) + " >= 1");
  return lambda / (mu * (mu - lambda));
}

double mm1_lq(double lambda, double mu) {
  check_queue(lambda, mu, "mm1_lq");
  const double rho = lambda / mu;
  if (rho >= 1.0) fail("mm1_lq: unstable queue, rho = lambda/mu = " + num(rho) + " >= 1");
  return rho * rho / (1.0 - rho);
}

double erlang_b(int c, double offered_load) {
  if (c < 0) fail("erlang_b: server count c must be >= 0, got " + std::to_string(c));
  if (!(offered_load >= 0) || !std::isfinite(offered_load)) {
    fail("erlang_b: offered load must be >= 0, got " + num(offered_load));
  }
  double b = 1.0;
  for (int k = 1; k <= c; ++k) b = offered_load * b / (k + offered_load * b);
  return b;
}

double erlang_c(int c, double lambda, double mu) {
  check_queue(lambda, mu, "erlang_c");
  if (c < 1) fail("erlang_c: server count c must be >= 1, got " + std::to_string(c));
  const double a = lambda / mu;
  const double rho = a / c;
  if (rho >= 1.0) fail("erlang_c: unstable queue, rho = lambda/(c mu) = " + num(rho) + " >= 1");
  const double b = erlang_b(c, a);
  return b / (1.0 - rho * (1.0 - b));
}

double mmc_wq(int c, double lambda, double mu) {
  return erlang_c(c, lambda, mu) / (c * mu - lambda);
}

double mmc_lq(int c, double lambda, double mu) { return lambda * mmc_wq(c, lambda, mu); }

double mmc_wait_cdf(int c, double lambda, double mu, double t) {
  const double pw = erlang_c(c, lambda, mu);
  if (!(t >= 0)) fail("mmc_wait_cdf: t must be >= 0, got " + num(t));
  return 1.0 - pw * std::exp(-(c * mu - lambda) * t);
}

double md1_wq(double lambda, double service) { return mg1_wq(lambda, service, 0.0); }

double mg1_wq(double lambda, double mean_service, double var_service) {
  if (!(lambda > 0) || !std::isfinite(lambda))
    fail("mg1_wq: lambda must be > 0, got " + num(lambda));
  if (!(mean_service > 0) || !std::isfinite(mean_service)) {
    fail("mg1_wq: mean service time must be > 0, got " + num(mean_service));
  }
  if (!(var_service >= 0) || !std::isfinite(var_service)) {
    fail("mg1_wq: service variance must be >= 0, got " + num(var_service));
  }
  const double rho = lambda * mean_service;
  if (rho >= 1.0) fail("mg1_wq: unstable queue, rho = lambda E[S] = " + num(rho) + " >= 1");
  const double es2 = var_service + mean_service * mean_service;
  return lambda * es2 / (2.0 * (1.0 - rho));
}

}  // namespace labtwin::sim
