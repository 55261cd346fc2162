#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

#include "labtwin/core/policy/normal.hpp"

namespace labtwin::core {

namespace {
constexpr double kInvSqrt2Pi = 0.398942280401432677939946059934;  // 1 / sqrt(2 pi)
constexpr double kSqrt2Pi = 2.50662827463100050241576528481;      // sqrt(2 pi)
}  // namespace

double normal_pdf(double z) { return kInvSqrt2Pi * std::exp(-0.5 * z * z); }

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }

double normal_sf(double z) { return 0.5 * std::erfc(z / std::numbers::sqrt2); }

double normal_loss(double z) { return normal_pdf(z) - z * normal_sf(z); }

double normal_quantile(double p) {
  if (!(p > 0.0 && p < 1.0)) {
    throw std::invalid_argument("normal_quantile: probability p must lie in (0, 1), got " +
                                std::to_string(p));
  }
  // Work in the lower tail q = min(p, 1-p) so that Phi(x) is evaluated without cancellation,
  // then use symmetry.
  const bool upper = p > 0.5;
  const double q = upper ? 1.0 - p : p;
  if (q == 0.5) return 0.0;
  // Starting point: Abramowitz & Stegun 26.2.23 (|error| < 4.5e-4), for 0 < q < 0.5.
  const double t = std::sqrt(-2.0 * std::log(q));
  double x = -(t - (2.515517 + t * (0.802853 + t * 0.010328)) /
                       (1.0 + t * (1.432788 + t * (0.189269 + t * 0.001308))));
  // Halley refinement on f(x) = Phi(x) - q: cubic convergence, three steps reach machine
  // precision from the A&S start; the loop stops early once the step is negligible.
  for (int i = 0; i < 6; ++i) {
    const double e = normal_cdf(x) - q;
    const double u = e * kSqrt2Pi * std::exp(0.5 * x * x);
    const double step = u / (1.0 + 0.5 * x * u);
    x -= step;
    if (std::abs(step) <= 1e-16 * (1.0 + std::abs(x))) break;
  }
  return upper ? -x : x;
}

}  // namespace labtwin::core
