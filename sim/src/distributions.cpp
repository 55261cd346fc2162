#include "labtwin/sim/distributions.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <type_traits>

#include "labtwin/sim/analytic.hpp"

namespace labtwin::sim {

namespace {

std::string fmt(double x) {
  std::ostringstream os;
  os.precision(12);
  os << x;
  return os.str();
}

[[noreturn]] void bad(const char* dist, const std::string& what) {
  throw std::invalid_argument(std::string(dist) + ": " + what);
}

void require_finite(const char* dist, const char* param, double v) {
  if (!std::isfinite(v)) bad(dist, std::string(param) + " must be finite, got " + fmt(v));
}

void require_positive(const char* dist, const char* param, double v) {
  if (!std::isfinite(v) || !(v > 0)) {
    bad(dist, std::string(param) + " must be finite and > 0, got " + fmt(v));
  }
}

void require_nonnegative(const char* dist, const char* param, double v) {
  if (!std::isfinite(v) || !(v >= 0)) {
    bad(dist, std::string(param) + " must be finite and >= 0, got " + fmt(v));
  }
}

// ln(k!) without std::lgamma (which writes the global signgam in glibc, a data race when
// replications run on several threads): exact sums for k < 64, Stirling's series beyond
// (truncation error < 1/(1188 k^9) < 1e-18).
double log_factorial(double k) {
  static const auto table = [] {
    std::array<double, 64> t{};
    for (std::size_t i = 2; i < t.size(); ++i) t[i] = t[i - 1] + std::log(static_cast<double>(i));
    return t;
  }();
  if (k < 64.0) return table[static_cast<std::size_t>(k)];
  const double r = 1.0 / k;
  const double r2 = r * r;
  return k * std::log(k) - k + 0.5 * std::log(2.0 * std::numbers::pi * k) +
         r * (1.0 / 12.0 - r2 * (1.0 / 360.0 - r2 * (1.0 / 1260.0 - r2 / 1680.0)));
}

}  // namespace

// ---- Exponential ----

Exponential::Exponential(double mean) : mean_(mean) {
  require_positive("Exponential", "mean", mean);
}

double Exponential::operator()(RandomStream& rng) const {
  return -mean_ * std::log(rng.uniform01());
}

// ---- Normal ----

Normal::Normal(double mean, double sd) : mean_(mean), sd_(sd) {
  require_finite("Normal", "mean", mean);
  require_nonnegative("Normal", "sd", sd);
}

double Normal::operator()(RandomStream& rng) const {
  return mean_ + sd_ * normal_quantile_approx(rng.uniform01());
}

// ---- LogNormal ----

LogNormal::LogNormal(double mu, double sigma) : mu_(mu), sigma_(sigma) {
  require_finite("LogNormal", "mu", mu);
  require_nonnegative("LogNormal", "sigma", sigma);
}

LogNormal LogNormal::from_mean_sd(double mean, double sd) {
  require_positive("LogNormal", "mean", mean);
  require_nonnegative("LogNormal", "sd", sd);
  // Moment matching: sigma^2 = ln(1 + (sd/mean)^2), mu = ln(mean) - sigma^2 / 2.
  const double cv = sd / mean;
  const double s2 = std::log1p(cv * cv);
  return LogNormal(std::log(mean) - 0.5 * s2, std::sqrt(s2));
}

double LogNormal::operator()(RandomStream& rng) const {
  return std::exp(mu_ + sigma_ * normal_quantile_approx(rng.uniform01()));
}

double LogNormal::mean() const { return std::exp(mu_ + 0.5 * sigma_ * sigma_); }

double LogNormal::variance() const {
  const double s2 = sigma_ * sigma_;
  return std::expm1(s2) * std::exp(2.0 * mu_ + s2);
}

// ---- Weibull ----

Weibull::Weibull(double shape, double scale) : shape_(shape), scale_(scale) {
  require_positive("Weibull", "shape", shape);
  require_positive("Weibull", "scale", scale);
}

double Weibull::operator()(RandomStream& rng) const {
  return scale_ * std::pow(-std::log(rng.uniform01()), 1.0 / shape_);
}

double Weibull::mean() const { return scale_ * std::tgamma(1.0 + 1.0 / shape_); }

double Weibull::variance() const {
  const double g1 = std::tgamma(1.0 + 1.0 / shape_);
  const double g2 = std::tgamma(1.0 + 2.0 / shape_);
  return scale_ * scale_ * (g2 - g1 * g1);
}

// ---- Gamma ----

Gamma::Gamma(double shape, double scale) : shape_(shape), scale_(scale) {
  require_positive("Gamma", "shape", shape);
  require_positive("Gamma", "scale", scale);
}

double Gamma::operator()(RandomStream& rng) const {
  // Marsaglia & Tsang (2000), "A simple method for generating gamma variables". For shape < 1
  // draw Gamma(shape + 1) and multiply by U^(1/shape) (their section 6).
  const double a = shape_ < 1.0 ? shape_ + 1.0 : shape_;
  const double d = a - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  double v = 0;
  for (;;) {
    double x = 0;
    do {
      x = normal_quantile_approx(rng.uniform01());
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = rng.uniform01();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) break;
    if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) break;
  }
  double g = d * v;
  if (shape_ < 1.0) g *= std::pow(rng.uniform01(), 1.0 / shape_);
  return g * scale_;
}

// ---- Triangular ----

Triangular::Triangular(double min, double mode, double max) : a_(min), c_(mode), b_(max) {
  require_finite("Triangular", "min", min);
  require_finite("Triangular", "mode", mode);
  require_finite("Triangular", "max", max);
  if (!(min < max))
    bad("Triangular", "need min < max, got min = " + fmt(min) + ", max = " + fmt(max));
  if (!(min <= mode && mode <= max)) {
    bad("Triangular",
        "need min <= mode <= max, got (" + fmt(min) + ", " + fmt(mode) + ", " + fmt(max) + ")");
  }
}

double Triangular::operator()(RandomStream& rng) const {
  const double u = rng.uniform01();
  const double fc = (c_ - a_) / (b_ - a_);
  if (u < fc) return a_ + std::sqrt(u * (b_ - a_) * (c_ - a_));
  return b_ - std::sqrt((1.0 - u) * (b_ - a_) * (b_ - c_));
}

double Triangular::variance() const {
  return (a_ * a_ + b_ * b_ + c_ * c_ - a_ * b_ - a_ * c_ - b_ * c_) / 18.0;
}

// ---- Uniform ----

Uniform::Uniform(double a, double b) : a_(a), b_(b) {
  require_finite("Uniform", "a", a);
  require_finite("Uniform", "b", b);
  if (!(a < b)) bad("Uniform", "need a < b, got a = " + fmt(a) + ", b = " + fmt(b));
}

// ---- Deterministic ----

Deterministic::Deterministic(double value) : value_(value) {
  require_finite("Deterministic", "value", value);
}

// ---- Poisson ----

Poisson::Poisson(double mean) : mean_(mean) {
  require_nonnegative("Poisson", "mean", mean);
  if (mean >= 10.0) {
    // PTRS constants, Hoermann (1993), "The transformed rejection method for generating
    // Poisson random variables", Insurance: Mathematics and Economics 12, table/algorithm PTRS.
    smu_ = std::sqrt(mean);
    b_ = 0.931 + 2.53 * smu_;
    a_ = -0.059 + 0.02483 * b_;
    inv_alpha_ = 1.1239 + 1.1328 / (b_ - 3.4);
    vr_ = 0.9277 - 3.6224 / (b_ - 2.0);
    log_mean_ = std::log(mean);
  }
}

std::int64_t Poisson::sample_int(RandomStream& rng) const {
  if (mean_ == 0.0) return 0;
  if (mean_ < 10.0) {
    // Sequential-search inversion: one uniform per draw.
    const double u = rng.uniform01();
    double p = std::exp(-mean_);
    double cdf = p;
    std::int64_t k = 0;
    // The cap guards against cdf saturating just below u through rounding.
    while (u > cdf && k < 1000) {
      ++k;
      p *= mean_ / static_cast<double>(k);
      cdf += p;
    }
    return k;
  }
  for (;;) {
    const double u = rng.uniform01() - 0.5;
    const double v = rng.uniform01();
    const double us = 0.5 - std::fabs(u);
    const double kd = std::floor((2.0 * a_ / us + b_) * u + mean_ + 0.43);
    if (us >= 0.07 && v <= vr_) return static_cast<std::int64_t>(kd);
    if (kd < 0.0 || (us < 0.013 && v > us)) continue;
    const double lhs = std::log(v * inv_alpha_ / (a_ / (us * us) + b_));
    const double rhs = -mean_ + kd * log_mean_ - log_factorial(kd);
    if (lhs <= rhs) return static_cast<std::int64_t>(kd);
  }
}

double Poisson::pmf(std::int64_t k) const {
  if (k < 0) return 0.0;
  if (mean_ == 0.0) return k == 0 ? 1.0 : 0.0;
  const double kd = static_cast<double>(k);
  return std::exp(kd * std::log(mean_) - mean_ - log_factorial(kd));
}

// ---- Bernoulli ----

Bernoulli::Bernoulli(double p) : p_(p) {
  if (!(p >= 0.0 && p <= 1.0)) bad("Bernoulli", "p must be in [0, 1], got " + fmt(p));
}

// ---- Empirical (alias method) ----

Empirical::Empirical(std::vector<double> values, std::vector<double> weights)
    : values_(std::move(values)) {
  if (values_.empty()) bad("Empirical", "needs at least one value");
  if (values_.size() != weights.size()) {
    bad("Empirical", std::to_string(values_.size()) + " values but " +
                         std::to_string(weights.size()) + " weights");
  }
  if (values_.size() > 0xffffffffULL) bad("Empirical", "too many values");
  double total = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    require_finite("Empirical", "value", values_[i]);
    if (!std::isfinite(weights[i]) || weights[i] < 0) {
      bad("Empirical",
          "weight " + std::to_string(i + 1) + " must be finite and >= 0, got " + fmt(weights[i]));
    }
    total += weights[i];
  }
  if (!(total > 0)) bad("Empirical", "weights must have a positive sum");
  const std::size_t n = values_.size();
  probabilities_.resize(n);
  for (std::size_t i = 0; i < n; ++i) probabilities_[i] = weights[i] / total;
  for (std::size_t i = 0; i < n; ++i) mean_ += probabilities_[i] * values_[i];
  for (std::size_t i = 0; i < n; ++i) {
    variance_ += probabilities_[i] * (values_[i] - mean_) * (values_[i] - mean_);
  }
  // Vose's alias method: split scaled probabilities into small (< 1) and large (>= 1) lists,
  // pairing each small column with a large donor. Index order is fixed, so the table is
  // deterministic.
  alias_prob_.assign(n, 1.0);
  alias_.resize(n);
  std::vector<double> scaled(n);
  std::vector<std::uint32_t> small;
  std::vector<std::uint32_t> large;
  for (std::size_t i = 0; i < n; ++i) {
    scaled[i] = probabilities_[i] * static_cast<double>(n);
    alias_[i] = static_cast<std::uint32_t>(i);
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
  }
  while (!small.empty() && !large.empty()) {
    const std::uint32_t s = small.back();
    small.pop_back();
    const std::uint32_t l = large.back();
    alias_prob_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] = (scaled[l] + scaled[s]) - 1.0;
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // Leftovers are 1 up to rounding.
  for (const auto i : small) alias_prob_[i] = 1.0;
  for (const auto i : large) alias_prob_[i] = 1.0;
}

double Empirical::operator()(RandomStream& rng) const {
  const double x = rng.uniform01() * static_cast<double>(values_.size());
  std::size_t i = static_cast<std::size_t>(x);
  if (i >= values_.size()) i = values_.size() - 1;
  const double frac = x - static_cast<double>(i);
  return frac < alias_prob_[i] ? values_[i] : values_[alias_[i]];
}

// ---- EmpiricalContinuous ----

EmpiricalContinuous::EmpiricalContinuous(std::vector<double> xs, std::vector<double> cdf)
    : xs_(std::move(xs)), cdf_(std::move(cdf)) {
  if (xs_.size() < 2) bad("EmpiricalContinuous", "needs at least two points");
  if (xs_.size() != cdf_.size()) {
    bad("EmpiricalContinuous", std::to_string(xs_.size()) + " x values but " +
                                   std::to_string(cdf_.size()) + " CDF values");
  }
  for (std::size_t i = 0; i < xs_.size(); ++i) {
    require_finite("EmpiricalContinuous", "x", xs_[i]);
    require_finite("EmpiricalContinuous", "CDF value", cdf_[i]);
    if (i > 0 && !(xs_[i] > xs_[i - 1])) {
      bad("EmpiricalContinuous", "x values must be strictly increasing (x[" + std::to_string(i) +
                                     "] = " + fmt(xs_[i]) + " <= " + fmt(xs_[i - 1]) + ")");
    }
    if (i > 0 && cdf_[i] < cdf_[i - 1]) {
      bad("EmpiricalContinuous", "CDF values must be non-decreasing (F[" + std::to_string(i) +
                                     "] = " + fmt(cdf_[i]) + " < " + fmt(cdf_[i - 1]) + ")");
    }
  }
  if (cdf_.front() != 0.0)
    bad("EmpiricalContinuous", "first CDF value must be 0, got " + fmt(cdf_.front()));
  if (cdf_.back() != 1.0)
    bad("EmpiricalContinuous", "last CDF value must be 1, got " + fmt(cdf_.back()));
  // Each segment is uniform on [x_i, x_{i+1}] with mass dF: E[X] = sum dF (x_i + x_{i+1}) / 2,
  // E[X^2] = sum dF (x_i^2 + x_i x_{i+1} + x_{i+1}^2) / 3.
  double m1 = 0;
  double m2 = 0;
  for (std::size_t i = 0; i + 1 < xs_.size(); ++i) {
    const double df = cdf_[i + 1] - cdf_[i];
    const double a = xs_[i];
    const double b = xs_[i + 1];
    m1 += df * 0.5 * (a + b);
    m2 += df * (a * a + a * b + b * b) / 3.0;
  }
  mean_ = m1;
  variance_ = std::max(0.0, m2 - m1 * m1);
}

double EmpiricalContinuous::operator()(RandomStream& rng) const {
  const double u = rng.uniform01();
  // First point with F >= u; F[0] = 0 < u, so j >= 1 and F[j] > F[j-1].
  const auto it = std::lower_bound(cdf_.begin(), cdf_.end(), u);
  const auto j = static_cast<std::size_t>(it - cdf_.begin());
  const double f0 = cdf_[j - 1];
  const double f1 = cdf_[j];
  return xs_[j - 1] + (u - f0) / (f1 - f0) * (xs_[j] - xs_[j - 1]);
}

double EmpiricalContinuous::cdf(double x) const {
  if (x <= xs_.front()) return 0.0;
  if (x >= xs_.back()) return 1.0;
  const auto it = std::upper_bound(xs_.begin(), xs_.end(), x);
  const auto j = static_cast<std::size_t>(it - xs_.begin());
  const double t = (x - xs_[j - 1]) / (xs_[j] - xs_[j - 1]);
  return cdf_[j - 1] + t * (cdf_[j] - cdf_[j - 1]);
}

// ---- variant helpers ----

double sample(const Distribution& d, RandomStream& rng) {
  return std::visit([&rng](const auto& x) { return x(rng); }, d);
}

double mean(const Distribution& d) {
  return std::visit([](const auto& x) { return x.mean(); }, d);
}

double variance(const Distribution& d) {
  return std::visit([](const auto& x) { return x.variance(); }, d);
}

std::string_view kind_name(const Distribution& d) {
  static constexpr std::string_view names[] = {
      "exp",     "normal", "lognormal", "weibull",   "gamma",     "triangular",
      "uniform", "const",  "poisson",   "bernoulli", "empirical", "empirical_cdf"};
  static_assert(std::size(names) == std::variant_size_v<Distribution>);
  return names[d.index()];
}

// ---- parser ----

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// How an argument is parsed: Unit = carries the sampled quantity's unit (hook), Plain =
// dimensionless number, UnitList / PlainList = bracketed lists of those.
enum class ArgKind { Unit, Plain, UnitList, PlainList };

struct ParamSpec {
  const char* name;
  ArgKind kind;
};

struct DistSpec {
  std::string_view name;
  std::vector<ParamSpec> params;
};

const std::vector<DistSpec>& specs() {
  static const std::vector<DistSpec> s = {
      {"exp", {{"mean", ArgKind::Unit}}},
      {"exponential", {{"mean", ArgKind::Unit}}},
      {"normal", {{"mean", ArgKind::Unit}, {"sd", ArgKind::Unit}}},
      {"lognormal", {{"mu", ArgKind::Plain}, {"sigma", ArgKind::Plain}}},
      {"lognormal_ms", {{"mean", ArgKind::Unit}, {"sd", ArgKind::Unit}}},
      {"weibull", {{"shape", ArgKind::Plain}, {"scale", ArgKind::Unit}}},
      {"gamma", {{"shape", ArgKind::Plain}, {"scale", ArgKind::Unit}}},
      {"triangular", {{"min", ArgKind::Unit}, {"mode", ArgKind::Unit}, {"max", ArgKind::Unit}}},
      {"uniform", {{"a", ArgKind::Unit}, {"b", ArgKind::Unit}}},
      {"const", {{"value", ArgKind::Unit}}},
      {"poisson", {{"mean", ArgKind::Plain}}},
      {"bernoulli", {{"p", ArgKind::Plain}}},
      {"empirical", {{"values", ArgKind::UnitList}, {"weights", ArgKind::PlainList}}},
      {"empirical_cdf", {{"x values", ArgKind::UnitList}, {"CDF values", ArgKind::PlainList}}},
  };
  return s;
}

struct Arg {
  double value = 0;
  std::vector<double> list;
};

// Splits on top-level commas (commas inside [...] do not split). Returns false on bracket
// mismatch.
bool split_args(std::string_view body, std::vector<std::string_view>& out, std::string& err) {
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char ch = body[i];
    if (ch == '[') {
      if (++depth > 1) {
        err = "nested '[' is not allowed";
        return false;
      }
    } else if (ch == ']') {
      if (--depth < 0) {
        err = "unmatched ']'";
        return false;
      }
    } else if (ch == '(' || ch == ')') {
      err = "unexpected '";
      err.push_back(ch);
      err.append("' inside the argument list");
      return false;
    } else if (ch == ',' && depth == 0) {
      out.push_back(trim(body.substr(start, i - start)));
      start = i + 1;
    }
  }
  if (depth != 0) {
    err = "missing closing ']'";
    return false;
  }
  out.push_back(trim(body.substr(start)));
  if (out.size() == 1 && out[0].empty()) out.clear();
  return true;
}

std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('\'');
  out.append(s);
  out.push_back('\'');
  return out;
}

ParsedDistribution failure(std::string_view text, const std::string& msg) {
  ParsedDistribution r;
  r.error = "invalid distribution " + quoted(text) + ": " + msg;
  return r;
}

Distribution build(std::string_view name, const std::vector<Arg>& a) {
  if (name == "exp" || name == "exponential") return Exponential(a[0].value);
  if (name == "normal") return Normal(a[0].value, a[1].value);
  if (name == "lognormal") return LogNormal(a[0].value, a[1].value);
  if (name == "lognormal_ms") return LogNormal::from_mean_sd(a[0].value, a[1].value);
  if (name == "weibull") return Weibull(a[0].value, a[1].value);
  if (name == "gamma") return Gamma(a[0].value, a[1].value);
  if (name == "triangular") return Triangular(a[0].value, a[1].value, a[2].value);
  if (name == "uniform") return Uniform(a[0].value, a[1].value);
  if (name == "const") return Deterministic(a[0].value);
  if (name == "poisson") return Poisson(a[0].value);
  if (name == "bernoulli") return Bernoulli(a[0].value);
  if (name == "empirical") return Empirical(a[0].list, a[1].list);
  return EmpiricalContinuous(a[0].list, a[1].list);  // empirical_cdf
}

}  // namespace

std::optional<double> parse_plain_number(std::string_view token) {
  token = trim(token);
  if (!token.empty() && token.front() == '+') token.remove_prefix(1);
  if (token.empty() || token.front() == '+') return std::nullopt;
  double v = 0;
  const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
  if (ec != std::errc{} || ptr != token.data() + token.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

ParsedDistribution parse_distribution(std::string_view text) {
  return parse_distribution(text, NumberParser(parse_plain_number));
}

ParsedDistribution parse_distribution(std::string_view text, const NumberParser& number_parser) {
  const std::string_view t = trim(text);
  if (t.empty()) return failure(text, "empty text; expected e.g. exp(2.5)");
  std::size_t i = 0;
  while (i < t.size() && (std::isalnum(static_cast<unsigned char>(t[i])) || t[i] == '_')) ++i;
  const std::string_view name = t.substr(0, i);
  if (name.empty()) return failure(text, "expected a distribution name such as exp or normal");
  const DistSpec* spec = nullptr;
  for (const auto& s : specs()) {
    if (s.name == name) spec = &s;
  }
  if (spec == nullptr) {
    std::string known;
    for (const auto& s : specs()) {
      if (!known.empty()) known.append(", ");
      known.append(s.name);
    }
    return failure(text, "unknown distribution " + quoted(name) + " (known: " + known + ")");
  }
  const std::string_view rest = trim(t.substr(i));
  if (rest.empty() || rest.front() != '(') {
    return failure(text, "expected '(' after " + quoted(name));
  }
  const std::size_t close = rest.rfind(')');
  if (close == std::string_view::npos) return failure(text, "missing closing ')'");
  if (!trim(rest.substr(close + 1)).empty()) {
    return failure(text, "unexpected text after ')': " + quoted(trim(rest.substr(close + 1))));
  }
  std::vector<std::string_view> raw;
  std::string err;
  if (!split_args(rest.substr(1, close - 1), raw, err)) return failure(text, err);

  // Arity message lists the parameter names, e.g. "normal expects 2 arguments (mean, sd)".
  if (raw.size() != spec->params.size()) {
    std::string names;
    for (const auto& p : spec->params) {
      if (!names.empty()) names.append(", ");
      names.append(p.name);
    }
    return failure(text, std::string(name) + " expects " + std::to_string(spec->params.size()) +
                             (spec->params.size() == 1 ? " argument (" : " arguments (") + names +
                             "), got " + std::to_string(raw.size()));
  }
  std::vector<Arg> args(raw.size());
  for (std::size_t k = 0; k < raw.size(); ++k) {
    const ParamSpec& p = spec->params[k];
    const bool is_list = p.kind == ArgKind::UnitList || p.kind == ArgKind::PlainList;
    const bool unit = p.kind == ArgKind::Unit || p.kind == ArgKind::UnitList;
    const auto parse_one = [&](std::string_view tok) -> std::optional<double> {
      const auto v = unit ? number_parser(tok) : parse_plain_number(tok);
      if (v && !std::isfinite(*v)) return std::nullopt;
      return v;
    };
    const std::string where = "argument " + std::to_string(k + 1) + " (" + p.name + ")";
    const std::string_view tok = raw[k];
    const bool bracketed = !tok.empty() && tok.front() == '[';
    if (is_list != bracketed) {
      return failure(text, where +
                               (is_list ? " must be a list like [1, 2, 3], got "
                                        : " must be a number, not a list: ") +
                               quoted(tok));
    }
    if (!is_list) {
      if (tok.empty()) return failure(text, where + " is empty");
      const auto v = parse_one(tok);
      if (!v) return failure(text, where + " " + quoted(tok) + " is not a number");
      args[k].value = *v;
      continue;
    }
    if (tok.back() != ']') return failure(text, where + " must end with ']'");
    std::vector<std::string_view> items;
    std::string_view inner = tok.substr(1, tok.size() - 2);
    std::size_t start = 0;
    for (std::size_t j = 0; j <= inner.size(); ++j) {
      if (j == inner.size() || inner[j] == ',') {
        items.push_back(trim(inner.substr(start, j - start)));
        start = j + 1;
      }
    }
    if (items.size() == 1 && items[0].empty()) items.clear();
    if (items.empty()) return failure(text, where + " is an empty list");
    for (std::size_t j = 0; j < items.size(); ++j) {
      const auto v = parse_one(items[j]);
      if (!v) {
        return failure(text, where + " item " + std::to_string(j + 1) + " " + quoted(items[j]) +
                                 " is not a number");
      }
      args[k].list.push_back(*v);
    }
  }
  try {
    ParsedDistribution r;
    r.distribution = build(name, args);
    return r;
  } catch (const std::invalid_argument& e) {
    return failure(text, e.what());
  }
}

}  // namespace labtwin::sim
