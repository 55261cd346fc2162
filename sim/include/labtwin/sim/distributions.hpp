#pragma once
/// @file Probability distributions implemented here (libstdc++ <random> distributions are not
/// portable across standard libraries, so none are used).
///
/// Each distribution is a small value type: construct with validated parameters (invalid ones
/// throw std::invalid_argument naming the distribution and parameter), draw with
/// `operator()(RandomStream&)`, query `mean()` and `variance()`.
///
/// Draw counts per sample (relevant for common random numbers): Exponential, Normal, LogNormal,
/// Weibull, Triangular, Uniform, Bernoulli, Empirical, EmpiricalContinuous and Poisson with
/// mean < 10 use exactly one uniform per sample (inversion); Gamma and Poisson with mean >= 10
/// use rejection (a variable number of draws); Deterministic uses none.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "labtwin/sim/random.hpp"

namespace labtwin::sim {

/// Exponential with the given mean (rate = 1/mean); inversion.
class Exponential {
 public:
  /// mean > 0 and finite.
  explicit Exponential(double mean);
  /// One draw.
  double operator()(RandomStream& rng) const;
  /// Mean.
  double mean() const { return mean_; }
  /// Variance (mean^2).
  double variance() const { return mean_ * mean_; }

 private:
  double mean_;
};

/// Normal(mean, sd) by inversion of one uniform with Acklam's approximation of the inverse
/// normal CDF (relative error < 1.15e-9, far below sampling error; one uniform per draw).
class Normal {
 public:
  /// sd >= 0 (sd = 0 degenerates to the mean).
  Normal(double mean, double sd);
  /// One draw.
  double operator()(RandomStream& rng) const;
  /// Mean.
  double mean() const { return mean_; }
  /// Variance.
  double variance() const { return sd_ * sd_; }
  /// Standard deviation.
  double sd() const { return sd_; }

 private:
  double mean_;
  double sd_;
};

/// LogNormal: exp(Normal(mu, sigma)) where mu and sigma are the log-scale parameters.
class LogNormal {
 public:
  /// sigma >= 0.
  LogNormal(double mu, double sigma);
  /// LogNormal with the given arithmetic mean (> 0) and standard deviation (>= 0).
  static LogNormal from_mean_sd(double mean, double sd);
  /// One draw.
  double operator()(RandomStream& rng) const;
  /// exp(mu + sigma^2 / 2).
  double mean() const;
  /// (exp(sigma^2) - 1) exp(2 mu + sigma^2).
  double variance() const;
  /// Log-scale location.
  double mu() const { return mu_; }
  /// Log-scale scale.
  double sigma() const { return sigma_; }

 private:
  double mu_;
  double sigma_;
};

/// Weibull(shape k, scale lambda): F(x) = 1 - exp(-(x/lambda)^k); inversion.
class Weibull {
 public:
  /// shape > 0, scale > 0.
  Weibull(double shape, double scale);
  /// One draw.
  double operator()(RandomStream& rng) const;
  /// scale * Gamma(1 + 1/k).
  double mean() const;
  /// scale^2 [Gamma(1 + 2/k) - Gamma(1 + 1/k)^2].
  double variance() const;
  /// Shape k.
  double shape() const { return shape_; }
  /// Scale lambda.
  double scale() const { return scale_; }

 private:
  double shape_;
  double scale_;
};

/// Gamma(shape k, scale theta); Marsaglia & Tsang (2000), with U^(1/k) boost for k < 1.
class Gamma {
 public:
  /// shape > 0, scale > 0.
  Gamma(double shape, double scale);
  /// One draw.
  double operator()(RandomStream& rng) const;
  /// k theta.
  double mean() const { return shape_ * scale_; }
  /// k theta^2.
  double variance() const { return shape_ * scale_ * scale_; }
  /// Shape k.
  double shape() const { return shape_; }
  /// Scale theta.
  double scale() const { return scale_; }

 private:
  double shape_;
  double scale_;
};

/// Triangular(min, mode, max); inversion.
class Triangular {
 public:
  /// min <= mode <= max and min < max.
  Triangular(double min, double mode, double max);
  /// One draw.
  double operator()(RandomStream& rng) const;
  /// (min + mode + max) / 3.
  double mean() const { return (a_ + c_ + b_) / 3.0; }
  /// (a^2 + b^2 + c^2 - ab - ac - bc) / 18.
  double variance() const;

 private:
  double a_;  // min
  double c_;  // mode
  double b_;  // max
};

/// Continuous uniform on (a, b).
class Uniform {
 public:
  /// a < b.
  Uniform(double a, double b);
  /// One draw.
  double operator()(RandomStream& rng) const { return rng.uniform(a_, b_); }
  /// (a + b) / 2.
  double mean() const { return 0.5 * (a_ + b_); }
  /// (b - a)^2 / 12.
  double variance() const { return (b_ - a_) * (b_ - a_) / 12.0; }

 private:
  double a_;
  double b_;
};

/// Always the same value (draws nothing from the stream).
class Deterministic {
 public:
  /// Any finite value.
  explicit Deterministic(double value);
  /// The value.
  double operator()(RandomStream& /*rng*/) const { return value_; }
  /// The value.
  double mean() const { return value_; }
  /// Zero.
  double variance() const { return 0.0; }

 private:
  double value_;
};

/// Poisson(mean): inversion for mean < 10, PTRS (Hoermann 1993) otherwise.
class Poisson {
 public:
  /// mean >= 0 and finite (mean = 0 always yields 0).
  explicit Poisson(double mean);
  /// One draw as an integer count.
  std::int64_t sample_int(RandomStream& rng) const;
  /// One draw as a double.
  double operator()(RandomStream& rng) const { return static_cast<double>(sample_int(rng)); }
  /// Mean.
  double mean() const { return mean_; }
  /// Variance (= mean).
  double variance() const { return mean_; }
  /// P(X = k).
  double pmf(std::int64_t k) const;

 private:
  double mean_;
  // PTRS constants (only used when mean_ >= 10).
  double smu_ = 0, b_ = 0, a_ = 0, inv_alpha_ = 0, vr_ = 0, log_mean_ = 0;
};

/// Bernoulli(p): 1 with probability p, else 0.
class Bernoulli {
 public:
  /// 0 <= p <= 1.
  explicit Bernoulli(double p);
  /// One draw (0.0 or 1.0).
  double operator()(RandomStream& rng) const { return rng.uniform01() < p_ ? 1.0 : 0.0; }
  /// p.
  double mean() const { return p_; }
  /// p (1 - p).
  double variance() const { return p_ * (1.0 - p_); }

 private:
  double p_;
};

/// Discrete distribution over given values with non-negative weights (Vose alias method,
/// one uniform per draw, O(1)).
class Empirical {
 public:
  /// values and weights of equal non-zero length; weights >= 0 with a positive sum.
  Empirical(std::vector<double> values, std::vector<double> weights);
  /// One draw.
  double operator()(RandomStream& rng) const;
  /// Sum w_i x_i / sum w_i.
  double mean() const { return mean_; }
  /// Weighted population variance.
  double variance() const { return variance_; }
  /// The support values, in the given order.
  const std::vector<double>& values() const { return values_; }
  /// Normalised probabilities, in the given order.
  const std::vector<double>& probabilities() const { return probabilities_; }

 private:
  std::vector<double> values_;
  std::vector<double> probabilities_;
  std::vector<double> alias_prob_;
  std::vector<std::uint32_t> alias_;
  double mean_ = 0;
  double variance_ = 0;
};

/// Continuous distribution with a piecewise-linear CDF through points (x_i, F_i); inversion.
class EmpiricalContinuous {
 public:
  /// xs strictly increasing, cdf non-decreasing with cdf.front() == 0 and cdf.back() == 1.
  EmpiricalContinuous(std::vector<double> xs, std::vector<double> cdf);
  /// One draw.
  double operator()(RandomStream& rng) const;
  /// Mean of the piecewise-uniform density.
  double mean() const { return mean_; }
  /// Variance of the piecewise-uniform density.
  double variance() const { return variance_; }
  /// CDF at x (linear interpolation).
  double cdf(double x) const;

 private:
  std::vector<double> xs_;
  std::vector<double> cdf_;
  double mean_ = 0;
  double variance_ = 0;
};

/// Any distribution (a closed set, so scenarios can be copied and compared cheaply).
using Distribution =
    std::variant<Exponential, Normal, LogNormal, Weibull, Gamma, Triangular, Uniform, Deterministic,
                 Poisson, Bernoulli, Empirical, EmpiricalContinuous>;

/// One draw from any distribution.
double sample(const Distribution& d, RandomStream& rng);
/// Mean of any distribution.
double mean(const Distribution& d);
/// Variance of any distribution.
double variance(const Distribution& d);
/// Short name of the distribution kind ("exp", "normal", ...).
std::string_view kind_name(const Distribution& d);

/// Parses one number token (already trimmed), e.g. "2h" -> 7200; nullopt if not a number.
using NumberParser = std::function<std::optional<double>(std::string_view)>;

/// Result of parse_distribution: a distribution, or an error message.
struct ParsedDistribution {
  std::optional<Distribution> distribution;  ///< set on success
  std::string error;                         ///< non-empty on failure
  /// True on success.
  explicit operator bool() const { return distribution.has_value(); }
};

/// Parses the scenario syntax, plain numbers only. Accepted forms:
/// exp(m), normal(m, sd), lognormal(mu, sigma), lognormal_ms(mean, sd), weibull(k, scale),
/// gamma(k, scale), triangular(min, mode, max), uniform(a, b), const(v), poisson(m),
/// bernoulli(p), empirical([x...], [w...]), empirical_cdf([x...], [F...]).
ParsedDistribution parse_distribution(std::string_view text);

/// As above, but quantities that carry the unit of the sampled value (means, sds, scales,
/// bounds, values) are parsed by `number_parser` (e.g. "2h" -> 7200). Dimensionless parameters
/// (shapes, probabilities, weights, CDF levels, Poisson mean, lognormal mu/sigma) stay plain.
ParsedDistribution parse_distribution(std::string_view text, const NumberParser& number_parser);

/// Parses a plain decimal number (the whole token); nullopt otherwise.
std::optional<double> parse_plain_number(std::string_view token);

}  // namespace labtwin::sim
