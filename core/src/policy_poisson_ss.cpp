#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "labtwin/core/policy/poisson_ss.hpp"

namespace labtwin::core {

namespace {

// Guards against inputs that would need absurdly large tables (and O(n^2) work).
constexpr double kMaxLeadTimeMean = 1e6;
constexpr long kMaxSpan = 200000;     // largest S - s considered
constexpr long kMaxLevel = 20000000;  // largest |y| for which G(y) is tabulated

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

void validate(const PoissonSsInput& in, const char* who) {
  const std::string w = who;
  if (!std::isfinite(in.mean) || in.mean <= 0.0) {
    throw std::invalid_argument(w + ": Poisson demand mean must be finite and > 0, got " +
                                num(in.mean));
  }
  if (!std::isfinite(in.holding) || in.holding <= 0.0) {
    throw std::invalid_argument(w + ": holding cost h must be finite and > 0, got " +
                                num(in.holding));
  }
  if (!std::isfinite(in.penalty) || in.penalty <= 0.0) {
    throw std::invalid_argument(w + ": backorder penalty p must be finite and > 0, got " +
                                num(in.penalty));
  }
  if (!std::isfinite(in.order_cost) || in.order_cost < 0.0) {
    throw std::invalid_argument(w + ": order cost K must be finite and >= 0, got " +
                                num(in.order_cost));
  }
  if (in.lead_time < 0) {
    throw std::invalid_argument(w + ": lead time must be >= 0 periods, got " +
                                std::to_string(in.lead_time));
  }
  if (in.mean * (in.lead_time + 1.0) > kMaxLeadTimeMean) {
    throw std::invalid_argument(
        w + ": lead-time demand mean (L+1)*mean = " + num(in.mean * (in.lead_time + 1.0)) +
        " exceeds the supported " + num(kMaxLeadTimeMean));
  }
}

// Poisson(lam) pmf on 0..hi, hi = ceil(lam + 12 sqrt(lam) + 30): by the Chernoff bound
// P(D >= lam + t) <= exp(-t^2 / (2 (lam + t/3))) the mass beyond hi is below 1e-20 for every lam.
// Unnormalised recurrences outward from the mode, p(k+1) = p(k) lam / (k+1), then division by the
// sum: no factorials and no cancellation, so the relative accuracy is ~1e-15 at any mean (a
// log-space exp(-lam + k log lam - log k!) loses digits as lam grows).
std::vector<double> poisson_table(double lam) {
  const auto hi = static_cast<std::size_t>(std::ceil(lam + 12.0 * std::sqrt(lam) + 30.0));
  const auto mode = static_cast<std::size_t>(std::floor(lam));
  std::vector<double> p(hi + 1, 0.0);
  p[mode] = 1.0;
  for (std::size_t k = mode; k < hi; ++k) p[k + 1] = p[k] * lam / static_cast<double>(k + 1);
  for (std::size_t k = mode; k > 0; --k) p[k - 1] = p[k] * static_cast<double>(k) / lam;
  double sum = 0.0;
  for (double v : p) sum += v;
  for (double& v : p) v /= sum;
  return p;
}

// Lazily grown tables for one problem: Poisson pmfs, the renewal quantities m and M of the
// per-period demand, and the partial expectations behind G. Everything grows on demand so the
// optimiser pays only for the levels it visits.
class SsModel {
 public:
  explicit SsModel(const PoissonSsInput& in)
      : in_(in), lam_l_(in.mean * (in.lead_time + 1.0)), one_minus_p0_(-std::expm1(-in.mean)) {
    // Per-period pmf; the renewal convolution only visits terms of at least 1e-30 of the mode's
    // probability (smaller ones cannot change m in double precision).
    p1_ = poisson_table(in.mean);
    const double cut = 1e-30 * *std::max_element(p1_.begin(), p1_.end());
    win_hi_ = static_cast<long>(p1_.size()) - 1;
    while (win_hi_ > 1 && p1_[static_cast<std::size_t>(win_hi_)] < cut) --win_hi_;
    win_lo_ = 1;
    while (win_lo_ < win_hi_ && p1_[static_cast<std::size_t>(win_lo_)] < cut) ++win_lo_;
    // Lead-time demand cdf F_L on its table range (F_L = 1 beyond it).
    const std::vector<double> pl = poisson_table(lam_l_);
    f_.reserve(pl.size());
    double cum = 0.0;
    for (double v : pl) {
      cum += v;
      f_.push_back(std::min(1.0, cum));
    }
    a_.push_back(0.0);  // A(0) = E[(0 - D)^+] = 0
    m_.push_back(1.0 / one_minus_p0_);
    big_m_.push_back(0.0);  // M(0) = 0
    big_m_.push_back(m_[0]);
  }

  // G(y) = h E[(y-D)^+] + p E[(D-y)^+], D ~ Poisson((L+1) mean).
  double g(long y) {
    if (y <= 0) return in_.penalty * (lam_l_ - static_cast<double>(y));
    if (y > kMaxLevel) {
      throw std::invalid_argument("Poisson (s,S): inventory level " + std::to_string(y) +
                                  " is beyond the supported range");
    }
    grow_a(y);
    const double a = a_[static_cast<std::size_t>(y)];  // E[(y-D)^+]
    return in_.holding * a + in_.penalty * (a + lam_l_ - static_cast<double>(y));
  }

  // c(s,S) = [K + sum_{j=0}^{S-s-1} m(j) G(S-j)] / M(S-s).
  double cost(long s, long big_s) {
    const long n = big_s - s;
    if (n > kMaxSpan) {
      throw std::invalid_argument("Poisson (s,S): S - s = " + std::to_string(n) +
                                  " exceeds the supported span " + std::to_string(kMaxSpan));
    }
    grow_m(n);
    if (big_s > 0) grow_a(big_s);
    double sum = in_.order_cost;
    for (long j = 0; j < n; ++j) sum += m_[static_cast<std::size_t>(j)] * g(big_s - j);
    return sum / big_m_[static_cast<std::size_t>(n)];
  }

  // The smallest minimiser of the convex G: the first y >= 0 with F(y) >= p / (p + h), since
  // G(y+1) - G(y) = (h+p) F(y) - p (and G decreases for y <= 0).
  long argmin_g() {
    long y = 0;
    for (;; ++y) {
      grow_a(y + 1);
      if ((in_.holding + in_.penalty) * cdf(static_cast<std::size_t>(y)) - in_.penalty >= 0.0) {
        break;
      }
    }
    return y;
  }

 private:
  // Extends A(y) = E[(y-D)^+] (A(y+1) = A(y) + F(y)) and F up to index y.
  void grow_a(long y) {
    if (y > kMaxLevel) {
      throw std::invalid_argument("Poisson (s,S): inventory level " + std::to_string(y) +
                                  " is beyond the supported range");
    }
    while (static_cast<long>(a_.size()) <= y) {
      const std::size_t k = a_.size();  // next index to fill
      a_.push_back(a_[k - 1] + cdf(k - 1));
    }
  }

  // F_L(k) for k >= 0.
  double cdf(std::size_t k) const { return k < f_.size() ? f_[k] : 1.0; }

  // Extends m(0..n-1) and M(0..n): m(j) = sum_{l=1}^{j} p_l m(j-l) / (1 - p0).
  void grow_m(long n) {
    while (static_cast<long>(m_.size()) < n) {
      const long j = static_cast<long>(m_.size());
      const long hi = std::min(j, win_hi_);
      double acc = 0.0;
      for (long l = win_lo_; l <= hi; ++l) {
        acc += p1_[static_cast<std::size_t>(l)] * m_[static_cast<std::size_t>(j - l)];
      }
      m_.push_back(acc / one_minus_p0_);
      big_m_.push_back(big_m_.back() + m_.back());
    }
  }

  PoissonSsInput in_;
  double lam_l_;
  double one_minus_p0_;
  long win_lo_ = 1;
  long win_hi_ = 1;
  std::vector<double> p1_;     // per-period pmf on 0..win_hi_
  std::vector<double> a_;      // A(y) = E[(y - D_L)^+]
  std::vector<double> f_;      // F_L(y) on the lead-time table range
  std::vector<double> m_;      // renewal mass m(j)
  std::vector<double> big_m_;  // M(n)
};

}  // namespace

long poisson_quantile(double mean, double probability) {
  validate(PoissonSsInput{mean, 1.0, 1.0, 0.0, 0}, "poisson_quantile");
  if (!(probability > 0.0 && probability < 1.0)) {
    throw std::invalid_argument("poisson_quantile: probability must lie in (0, 1), got " +
                                num(probability));
  }
  const std::vector<double> p = poisson_table(mean);
  double cum = 0.0;
  for (std::size_t k = 0; k < p.size(); ++k) {
    cum += p[k];
    if (cum >= probability) return static_cast<long>(k);
  }
  return static_cast<long>(p.size()) - 1;  // probability within rounding of 1
}

double poisson_period_cost(long y, double mean, double h, double p, int lead_time) {
  const PoissonSsInput in{mean, h, p, 0.0, lead_time};
  validate(in, "poisson_period_cost");
  SsModel model(in);
  return model.g(y);
}

double ss_cost_poisson(long s, long S, const PoissonSsInput& in) {
  validate(in, "ss_cost_poisson");
  if (S <= s) {
    throw std::invalid_argument("ss_cost_poisson: order-up-to level S (" + std::to_string(S) +
                                ") must be greater than reorder level s (" + std::to_string(s) +
                                ")");
  }
  SsModel model(in);
  return model.cost(s, S);
}

double ss_cost_poisson(long s, long S, double mean, double h, double p, double K, int lead_time) {
  return ss_cost_poisson(s, S, PoissonSsInput{mean, h, p, K, lead_time});
}

SsResult optimal_ss_poisson(const PoissonSsInput& in) {
  validate(in, "optimal_ss_poisson");
  SsModel model(in);
  // Zheng & Federgruen (1991), Section 3. Step 0: start from y*, the minimiser of G; s* < y*
  // <= S*. Lower s from y* until c(s, y*) <= G(s): the optimal s for S = y*.
  const long y_star = model.argmin_g();
  long s = y_star;
  long s0 = y_star;
  do {
    --s;
  } while (model.cost(s, s0) > model.g(s));
  double c0 = model.cost(s, s0);
  // Step 1: raise S while G(S) <= c0 (beyond that no S can improve: Z&F Lemma 2). Whenever
  // (s, S) improves on the incumbent, adopt S and raise s while c(s, S) <= G(s+1).
  for (long big_s = s0 + 1; model.g(big_s) <= c0; ++big_s) {
    if (model.cost(s, big_s) < c0) {
      s0 = big_s;
      while (model.cost(s, s0) <= model.g(s + 1)) ++s;
      c0 = model.cost(s, s0);
    }
  }
  return SsResult{s, s0, c0};
}

SsResult optimal_ss_poisson(double mean, double h, double p, double K, int lead_time) {
  return optimal_ss_poisson(PoissonSsInput{mean, h, p, K, lead_time});
}

std::string format_ss_json(const PoissonSsInput& in, const SsResult& r) {
  std::string out =
      "{\"demand\":\"poisson\",\"mean\":" + num(in.mean) + ",\"holding\":" + num(in.holding) +
      ",\"penalty\":" + num(in.penalty) + ",\"order_cost\":" + num(in.order_cost) +
      ",\"lead_time\":" + std::to_string(in.lead_time) + ",\"s\":" + std::to_string(r.s) +
      ",\"S\":" + std::to_string(r.S) + ",\"cost\":" + num(r.cost) +
      ",\"convention\":\"order up to S when inventory position <= s\"}";
  return out;
}

std::string format_ss_table(const PoissonSsInput& in, const SsResult& r) {
  std::string out;
  auto row = [&out](const char* name, const std::string& value) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%-22s %s\n", name, value.c_str());
    out += buf;
  };
  row("demand", "poisson(" + num(in.mean) + ") per period");
  row("holding cost h", num(in.holding));
  row("backorder cost p", num(in.penalty));
  row("order cost K", num(in.order_cost));
  row("lead time (periods)", std::to_string(in.lead_time));
  row("reorder level s", std::to_string(r.s) + "  (order when inventory position <= s)");
  row("order-up-to level S", std::to_string(r.S));
  row("cost per period", num(r.cost));
  return out;
}

}  // namespace labtwin::core
