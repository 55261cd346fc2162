// Exact lumped-network solution (Eigen, private) and exponential-sum crossing search.
#include "labtwin/twin/thermal.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace labtwin::twin {

namespace {

constexpr int kM = kMaxThermalNodes;
// Bounded-size Eigen types: no heap, and the decomposition stays on the stack.
using Mat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, kM, kM>;
using Vec = Eigen::Matrix<double, Eigen::Dynamic, 1, 0, kM, 1>;
// An ExpSum shifted by its level has one extra (constant, rate 0) term.
constexpr int kMaxTerms = kMaxThermalNodes + 1;

// g(t) = sum_{i<n} a[i] exp(r[i] t), rates <= 0 (so nothing overflows for t >= 0).
struct Terms {
  int n = 0;
  std::array<double, kMaxTerms> a{};
  std::array<double, kMaxTerms> r{};

  // Terms with rate 0 (the level-shifted constant) skip the exponential.
  double term(int i, double t) const { return r[i] == 0.0 ? a[i] : a[i] * std::exp(r[i] * t); }
  double value(double t) const {
    double s = 0.0;
    for (int i = 0; i < n; ++i) s += term(i, t);
    return s;
  }
  // g, g', g'' and g''' at t (the derivatives cost no extra exponentials).
  void derivs(double t, double& g, double& dg, double& d2g, double& d3g) const {
    g = 0.0;
    dg = 0.0;
    d2g = 0.0;
    d3g = 0.0;
    for (int i = 0; i < n; ++i) {
      const double e = term(i, t);
      g += e;
      dg += r[i] * e;
      d2g += r[i] * r[i] * e;
      d3g += r[i] * r[i] * r[i] * e;
    }
  }
  double max_abs_rate() const {
    double m = 0.0;
    for (int i = 0; i < n; ++i) m = std::max(m, std::abs(r[i]));
    return m;
  }
  // g(0), g'(0), g''(0): every exponential is 1 at t = 0.
  void taylor0(double& g0, double& g1, double& g2) const {
    g0 = g1 = g2 = 0.0;
    for (int i = 0; i < n; ++i) {
      g0 += a[i];
      g1 += r[i] * a[i];
      g2 += r[i] * r[i] * a[i];
    }
  }
};

// The hot 2-node case, g(t) = a0 + c1 e^{r1 t} + c2 e^{r2 t}, written out: same contract as
// Terms (rates < 0), two exponentials per evaluation and no loops.
struct TwoTerms {
  double a0, c1, r1, c2, r2;
  double value(double t) const { return a0 + c1 * std::exp(r1 * t) + c2 * std::exp(r2 * t); }
  void derivs(double t, double& g, double& dg, double& d2g, double& d3g) const {
    const double e1 = c1 * std::exp(r1 * t);
    const double e2 = c2 * std::exp(r2 * t);
    g = a0 + e1 + e2;
    dg = r1 * e1 + r2 * e2;
    d2g = r1 * r1 * e1 + r2 * r2 * e2;
    d3g = r1 * r1 * r1 * e1 + r2 * r2 * r2 * e2;
  }
  double max_abs_rate() const { return std::max(std::abs(r1), std::abs(r2)); }
  void taylor0(double& g0, double& g1, double& g2) const {
    g0 = a0 + c1 + c2;
    g1 = r1 * c1 + r2 * c2;
    g2 = r1 * r1 * c1 + r2 * r2 * c2;
  }
};

// Merges terms with (numerically) equal rates and drops zero amplitudes, so that the Rolle
// bound "n terms -> at most n-1 zeros" applies to what remains.
void normalize(Terms& g) {
  Terms out;
  for (int i = 0; i < g.n; ++i) {
    if (g.a[i] == 0.0) continue;
    bool merged = false;
    for (int j = 0; j < out.n; ++j) {
      const double scale = std::max(std::abs(out.r[j]), std::abs(g.r[i]));
      if (std::abs(out.r[j] - g.r[i]) <= 1e-14 * scale) {
        out.a[j] += g.a[i];
        merged = true;
        break;
      }
    }
    if (!merged) {
      out.a[out.n] = g.a[i];
      out.r[out.n] = g.r[i];
      ++out.n;
    }
  }
  g = out;
}

// The unique zero of g in (lo, hi) given g(lo), g(hi) of strictly opposite signs and at most
// one zero inside: Halley steps (third order; g'' is free for exponential sums) kept inside a
// shrinking bracket, Newton when the Halley correction is not small, bisection when the step
// leaves the bracket. Start: at lo == 0 every exponential is 1, so the 2nd-order Taylor root is
// free; elsewhere the secant. Stop: once a step d is small on the time scale of the fastest
// term, the error left after it is about |C2^2 - C3| |d|^3 for Halley (|C2| d^2 for Newton),
// C_k = g^(k) / (k! g'); accept when that is below tol (Traub, Iterative Methods, 1964).
template <class G>
double solve_bracketed(const G& g, double lo, double hi, double glo, double ghi, double tol) {
  const bool rising = glo < 0.0;
  const double rate_scale = std::max(g.max_abs_rate(), 1e-300);
  double t = lo + glo * (lo - hi) / (ghi - glo);
  if (lo == 0.0) {
    double g0 = 0.0;
    double g1 = 0.0;
    double g2 = 0.0;
    g.taylor0(g0, g1, g2);
    // 0.5 g2 t^2 + g1 t + g0 = 0, smallest positive root (stable form 2 g0 / (-g1 -+ sqrt)).
    const double disc = g1 * g1 - 2.0 * g2 * g0;
    double guess = (g1 != 0.0) ? -g0 / g1 : -1.0;
    if (disc >= 0.0) {
      const double sq = std::sqrt(disc);
      const double r1 = (-g1 - sq != 0.0) ? 2.0 * g0 / (-g1 - sq) : -1.0;
      const double r2 = (-g1 + sq != 0.0) ? 2.0 * g0 / (-g1 + sq) : -1.0;
      const double best = std::min(r1 > 0.0 ? r1 : HUGE_VAL, r2 > 0.0 ? r2 : HUGE_VAL);
      if (best < HUGE_VAL) guess = best;
    }
    if (guess > lo && guess < hi) t = guess;
  }
  if (!(t > lo && t < hi)) t = lo + 0.5 * (hi - lo);
  for (int iter = 0; iter < 200; ++iter) {
    double gt = 0.0;
    double dgt = 0.0;
    double d2gt = 0.0;
    double d3gt = 0.0;
    g.derivs(t, gt, dgt, d2gt, d3gt);
    if (gt == 0.0) return t;
    if ((gt < 0.0) == rising) {
      lo = t;
    } else {
      hi = t;
    }
    double next = lo + 0.5 * (hi - lo);
    if (dgt != 0.0) {
      const double newton_step = -gt / dgt;
      const double c2 = 0.5 * d2gt / dgt;
      const double c3 = d3gt / (6.0 * dgt);
      // Halley: d = d_N / (1 + C2 d_N); only when the correction is small (|C2 d_N| < 0.5).
      const double corr = c2 * newton_step;
      const bool halley = std::abs(corr) < 0.5;
      const double step = halley ? newton_step / (1.0 + corr) : newton_step;
      const double stepped = t + step;
      if (stepped > lo && stepped < hi) {
        next = stepped;
        const double a = std::abs(step);
        const double left = halley ? std::abs(c2 * c2 - c3) * a * a * a : std::abs(c2) * a * a;
        if (a * rate_scale < 1e-2 && left < 0.5 * tol) return next;
      }
    }
    if (std::abs(next - t) <= tol || hi - lo <= tol) return next;
    t = next;
  }
  return 0.5 * (lo + hi);
}

// Appends to out[] (sorted) the zeros of g strictly inside (lo, hi); returns how many. Rolle:
// with r0 the largest rate, d/dt[exp(-r0 t) g] is an (n-1)-term sum whose zeros (found
// recursively) cut (lo, hi) into pieces on which exp(-r0 t) g is monotone: <= 1 zero each.
int zeros(const Terms& g_in, double lo, double hi, double* out, double tol) {
  Terms g = g_in;
  normalize(g);
  if (g.n <= 1) return 0;
  if (g.n == 2) {
    // a0 e^{r0 t} + a1 e^{r1 t} = 0  <=>  t = ln(-a0/a1) / (r1 - r0).
    const double ratio = -g.a[0] / g.a[1];
    if (!(ratio > 0.0)) return 0;
    const double t = std::log(ratio) / (g.r[1] - g.r[0]);
    if (t > lo && t < hi) {
      out[0] = t;
      return 1;
    }
    return 0;
  }
  int top = 0;
  for (int i = 1; i < g.n; ++i) {
    if (g.r[i] > g.r[top]) top = i;
  }
  Terms h;
  for (int i = 0; i < g.n; ++i) {
    if (i == top) continue;
    const double s = g.r[i] - g.r[top];
    h.a[h.n] = g.a[i] * s;
    h.r[h.n] = s;
    ++h.n;
  }
  std::array<double, kMaxTerms + 1> cuts{};
  cuts[0] = lo;
  const int nc = zeros(h, lo, hi, cuts.data() + 1, tol);
  cuts[nc + 1] = hi;
  int found = 0;
  double g_prev = g.value(lo);
  for (int k = 0; k <= nc; ++k) {
    const double a = cuts[k];
    const double b = cuts[k + 1];
    const double g_b = g.value(b);
    if (k > 0 && g_prev == 0.0) out[found++] = a;  // a zero exactly on a cut
    if ((g_prev < 0.0 && g_b > 0.0) || (g_prev > 0.0 && g_b < 0.0)) {
      out[found++] = solve_bracketed(g, a, b, g_prev, g_b, tol);
    }
    g_prev = g_b;
  }
  return found;
}

// Walks the monotone pieces cut at cuts[1..nc] (cuts[0] = 0, cuts[nc+1] = horizon) in time
// order and returns the first crossing in a wanted direction. A crossing needs a strict sign
// change; a value exactly on the level at a cut (or an exponential underflowing onto it) counts
// only if the sign is different afterwards.
template <class G>
std::optional<double> walk_pieces(const G& g, const double* cuts, int nc, double g0, bool want_rise,
                                  bool want_fall, double tol) {
  double g_prev = g0;
  double a = 0.0;
  std::optional<double> touched;
  for (int k = 0; k <= nc; ++k) {
    const double b = cuts[k + 1];
    const double g_b = g.value(b);
    if (g_b == 0.0) {
      if (!touched) touched = b;
      continue;
    }
    const bool rises = g_prev < 0.0 && g_b > 0.0;
    const bool falls = g_prev > 0.0 && g_b < 0.0;
    if ((rises && want_rise) || (falls && want_fall)) {
      if (touched) return touched;
      return solve_bracketed(g, a, b, g_prev, g_b, tol);
    }
    touched.reset();
    g_prev = g_b;
    a = b;
  }
  return std::nullopt;
}

}  // namespace

double ExpSum::value(double t) const {
  double s = constant;
  for (int i = 0; i < terms; ++i) s += coef[i] * std::exp(rate[i] * t);
  return s;
}

double ExpSum::derivative(double t) const {
  double s = 0.0;
  for (int i = 0; i < terms; ++i) s += rate[i] * coef[i] * std::exp(rate[i] * t);
  return s;
}

std::optional<double> first_crossing(const ExpSum& f, double level, CrossingDirection dir,
                                     double horizon, double time_tolerance) {
  if (!(horizon >= 0.0)) {
    throw std::invalid_argument("first_crossing: horizon must be >= 0 seconds, got " +
                                std::to_string(horizon));
  }
  if (!(time_tolerance > 0.0)) {
    throw std::invalid_argument("first_crossing: time_tolerance must be > 0");
  }
  if (f.terms < 0 || f.terms > kMaxThermalNodes) {
    throw std::invalid_argument("first_crossing: ExpSum has " + std::to_string(f.terms) +
                                " terms, allowed 0.." + std::to_string(kMaxThermalNodes));
  }
  Terms g;
  g.n = f.terms + 1;
  g.a[0] = f.constant - level;
  g.r[0] = 0.0;
  for (int i = 0; i < f.terms; ++i) {
    if (!(f.rate[i] <= 0.0)) {
      throw std::invalid_argument("first_crossing: ExpSum rate " + std::to_string(i) +
                                  " must be <= 0, got " + std::to_string(f.rate[i]));
    }
    g.a[i + 1] = f.coef[i];
    g.r[i + 1] = f.rate[i];
  }
  if (horizon == 0.0) return std::nullopt;

  // Cheap exclusion: on t >= 0 each exp is in (0, 1], so g lies between these two sums.
  double g0 = 0.0;
  for (int i = 0; i < g.n; ++i) g0 += g.a[i];
  double upper = g.a[0];
  double lower = g.a[0];
  for (int i = 1; i < g.n; ++i) {
    upper += std::max(g.a[i], 0.0);
    lower += std::min(g.a[i], 0.0);
  }
  const bool want_rise = dir != CrossingDirection::kFalling;
  const bool want_fall = dir != CrossingDirection::kRising;
  if (lower > 0.0 || upper < 0.0) return std::nullopt;  // never reaches the level
  // Past 745 time constants of the slowest term every exponential has underflowed to 0, so
  // nothing can cross later: cap the horizon (this also makes an infinite horizon finite).
  double slowest = HUGE_VAL;
  for (int i = 1; i < g.n; ++i) {
    if (g.a[i] != 0.0 && g.r[i] < 0.0) slowest = std::min(slowest, -g.r[i]);
  }
  if (slowest == HUGE_VAL) return std::nullopt;  // a constant never crosses
  const double underflow = 745.0 / slowest;
  horizon = std::min(horizon, underflow);

  if (g.n == 3 && g.a[1] != 0.0 && g.a[2] != 0.0 && g.r[1] < 0.0 && g.r[2] < 0.0 &&
      g.r[1] != g.r[2]) {
    // Two distinct exponentials: g' = c1 r1 e^{r1 t} + c2 r2 e^{r2 t} has at most one zero,
    // t* = ln(-c1 r1 / (c2 r2)) / (r2 - r1), which splits [0, horizon] into monotone pieces.
    const TwoTerms two{g.a[0], g.a[1], g.r[1], g.a[2], g.r[2]};
    std::array<double, 3> cuts{0.0, horizon, horizon};
    int nc = 0;
    const double ratio = -(two.c1 * two.r1) / (two.c2 * two.r2);
    // t* > 0 exactly when ln(ratio) and r2 - r1 have the same sign: test that before paying
    // for the logarithm (the usual thermostat case has no critical point on t > 0).
    const bool critical_ahead = ratio > 0.0 && ratio != 1.0 && (ratio > 1.0) == (two.r2 > two.r1);
    const double t_star = critical_ahead ? std::log(ratio) / (two.r2 - two.r1) : -1.0;
    if (!(t_star > 0.0)) {
      // No critical point on t > 0: g is monotone on [0, inf) towards g(inf) = a0, and at the
      // underflow time every exponential is 0 in double, so g(underflow) = a0 exactly. The one
      // possible crossing is bracketed by [0, underflow] without evaluating g at the horizon
      // (two exponentials saved); it counts only if it falls within the horizon.
      const double g_inf = two.a0;
      const bool rises = g0 < 0.0 && g_inf > 0.0;
      const bool falls = g0 > 0.0 && g_inf < 0.0;
      if (!((rises && want_rise) || (falls && want_fall))) return std::nullopt;
      const double t = solve_bracketed(two, 0.0, underflow, g0, g_inf, time_tolerance);
      if (t <= horizon) return t;
      return std::nullopt;
    }
    if (t_star < horizon) {
      cuts[1] = t_star;
      nc = 1;
    }
    return walk_pieces(two, cuts.data(), nc, g0, want_rise, want_fall, time_tolerance);
  }

  // Critical points of g cut [0, horizon] into monotone pieces; walk them in time order.
  Terms dg;
  for (int i = 1; i < g.n; ++i) {
    dg.a[dg.n] = g.a[i] * g.r[i];
    dg.r[dg.n] = g.r[i];
    ++dg.n;
  }
  std::array<double, kMaxTerms + 1> cuts{};
  cuts[0] = 0.0;
  const int nc = zeros(dg, 0.0, horizon, cuts.data() + 1, time_tolerance);
  cuts[nc + 1] = horizon;
  return walk_pieces(g, cuts.data(), nc, g0, want_rise, want_fall, time_tolerance);
}

void ThermalNetwork::connect(int i, int j, double ua) {
  if (i < 0 || j < 0 || i >= nodes || j >= nodes || i == j) {
    throw std::invalid_argument("ThermalNetwork::connect: bad node pair (" + std::to_string(i) +
                                ", " + std::to_string(j) + ") for " + std::to_string(nodes) +
                                " nodes");
  }
  conductance[static_cast<std::size_t>(i * kM + j)] += ua;
  conductance[static_cast<std::size_t>(j * kM + i)] += ua;
}

void ThermalNetwork::validate() const {
  if (nodes < 1 || nodes > kM) {
    throw std::invalid_argument("ThermalNetwork: nodes must be 1.." + std::to_string(kM) +
                                ", got " + std::to_string(nodes));
  }
  for (int i = 0; i < nodes; ++i) {
    const auto si = static_cast<std::size_t>(i);
    if (!(capacity[si] > 0.0) || !std::isfinite(capacity[si])) {
      throw std::invalid_argument("ThermalNetwork: capacity of node " + std::to_string(i) +
                                  " must be finite and > 0 J/K, got " +
                                  std::to_string(capacity[si]));
    }
    if (!(ambient_conductance[si] >= 0.0) || !std::isfinite(ambient_conductance[si])) {
      throw std::invalid_argument("ThermalNetwork: ambient_conductance of node " +
                                  std::to_string(i) + " must be finite and >= 0 W/K");
    }
    for (int j = 0; j < nodes; ++j) {
      const double c = conductance[static_cast<std::size_t>(i * kM + j)];
      const double ct = conductance[static_cast<std::size_t>(j * kM + i)];
      if (!(c >= 0.0) || !std::isfinite(c) || c != ct || (i == j && c != 0.0)) {
        throw std::invalid_argument("ThermalNetwork: conductance(" + std::to_string(i) + ", " +
                                    std::to_string(j) +
                                    ") must be finite, >= 0, symmetric and 0 on the diagonal");
      }
    }
  }
}

LinearThermalMode::LinearThermalMode(const ThermalNetwork& net) {
  net.validate();
  n_ = net.nodes;
  const int n = n_;
  Mat k = Mat::Zero(n, n);
  for (int i = 0; i < n; ++i) {
    const auto si = static_cast<std::size_t>(i);
    k(i, i) = net.ambient_conductance[si];
    for (int j = 0; j < n; ++j) {
      if (i == j) continue;
      const double c = net.conductance[static_cast<std::size_t>(i * kM + j)];
      k(i, j) -= c;
      k(i, i) += c;
    }
    inv_capacity_[si] = 1.0 / net.capacity[si];
    ambient_conductance_[si] = net.ambient_conductance[si];
  }
  // A = -C^-1 K is similar to the symmetric S = C^-1/2 K C^-1/2: real eigenvalues, and an
  // orthonormal eigenbasis Q gives V = C^-1/2 Q and V^-1 = Q^T C^1/2 without any inversion.
  Vec c_half(n);
  for (int i = 0; i < n; ++i) c_half(i) = std::sqrt(net.capacity[static_cast<std::size_t>(i)]);
  const Mat s = c_half.cwiseInverse().asDiagonal() * k * c_half.cwiseInverse().asDiagonal();
  const Eigen::SelfAdjointEigenSolver<Mat> eig(s);
  if (eig.info() != Eigen::Success) {
    throw std::invalid_argument("LinearThermalMode: eigen-decomposition failed");
  }
  const Vec sigma = eig.eigenvalues();  // ascending
  double scale = 1e-300;
  for (int i = 0; i < n; ++i) scale = std::max(scale, std::abs(sigma(i)));
  if (!(sigma(0) > 1e-12 * scale)) {
    throw std::invalid_argument(
        "LinearThermalMode: some node has no conductive path to ambient (singular conductance "
        "matrix), so the network has no equilibrium");
  }
  const Mat& q = eig.eigenvectors();
  const Mat v = c_half.cwiseInverse().asDiagonal() * q;
  const Mat v_inv = q.transpose() * c_half.asDiagonal();
  const Mat k_inv = v * sigma.cwiseInverse().asDiagonal() * v.transpose();
  for (int i = 0; i < n; ++i) {
    rate_[static_cast<std::size_t>(i)] = -sigma(i);
    for (int j = 0; j < n; ++j) {
      const auto idx = static_cast<std::size_t>(i * kM + j);
      v_[idx] = v(i, j);
      v_inv_[idx] = v_inv(i, j);
      k_inv_[idx] = k_inv(i, j);
      k_[idx] = k(i, j);
    }
  }
}

NodeVector LinearThermalMode::equilibrium(double ambient_c, const NodeVector& heat_w) const {
  // K 1 = g (each row of the Laplacian sums to 0), so K^-1 (g T_amb) = T_amb exactly.
  NodeVector x{};
  for (int i = 0; i < n_; ++i) {
    double s = ambient_c;
    for (int j = 0; j < n_; ++j) {
      s += k_inv_[static_cast<std::size_t>(i * kM + j)] * heat_w[static_cast<std::size_t>(j)];
    }
    x[static_cast<std::size_t>(i)] = s;
  }
  return x;
}

NodeVector LinearThermalMode::modal(const NodeVector& x0, const NodeVector& x_eq) const {
  NodeVector z{};
  for (int i = 0; i < n_; ++i) {
    double s = 0.0;
    for (int j = 0; j < n_; ++j) {
      const auto sj = static_cast<std::size_t>(j);
      s += v_inv_[static_cast<std::size_t>(i * kM + j)] * (x0[sj] - x_eq[sj]);
    }
    z[static_cast<std::size_t>(i)] = s;
  }
  return z;
}

NodeVector LinearThermalMode::propagate(const NodeVector& x0, const NodeVector& x_eq,
                                        double dt) const {
  NodeVector z = modal(x0, x_eq);
  for (int i = 0; i < n_; ++i) {
    const auto si = static_cast<std::size_t>(i);
    z[si] *= std::exp(rate_[si] * dt);
  }
  NodeVector x{};
  for (int i = 0; i < n_; ++i) {
    double s = x_eq[static_cast<std::size_t>(i)];
    for (int j = 0; j < n_; ++j) {
      s += v_[static_cast<std::size_t>(i * kM + j)] * z[static_cast<std::size_t>(j)];
    }
    x[static_cast<std::size_t>(i)] = s;
  }
  return x;
}

NodeVector LinearThermalMode::integrate(const NodeVector& x0, const NodeVector& x_eq,
                                        double dt) const {
  // Integral of z_i e^{l_i t} over [0, dt] is z_i expm1(l_i dt) / l_i (l_i < 0, never 0).
  NodeVector z = modal(x0, x_eq);
  for (int i = 0; i < n_; ++i) {
    const auto si = static_cast<std::size_t>(i);
    z[si] *= std::expm1(rate_[si] * dt) / rate_[si];
  }
  NodeVector x{};
  for (int i = 0; i < n_; ++i) {
    double s = x_eq[static_cast<std::size_t>(i)] * dt;
    for (int j = 0; j < n_; ++j) {
      s += v_[static_cast<std::size_t>(i * kM + j)] * z[static_cast<std::size_t>(j)];
    }
    x[static_cast<std::size_t>(i)] = s;
  }
  return x;
}

NodeVector LinearThermalMode::propagate_with_integral(const NodeVector& x0, const NodeVector& x_eq,
                                                      double dt, NodeVector& integral) const {
  // One expm1 per mode gives both exp(l dt) = expm1 + 1 and the integral factor expm1 / l.
  const NodeVector z = modal(x0, x_eq);
  NodeVector zx{};
  NodeVector zi{};
  for (int i = 0; i < n_; ++i) {
    const auto si = static_cast<std::size_t>(i);
    const double em = std::expm1(rate_[si] * dt);
    zx[si] = z[si] * (em + 1.0);
    zi[si] = z[si] * (em / rate_[si]);
  }
  NodeVector x{};
  for (int i = 0; i < n_; ++i) {
    const auto si = static_cast<std::size_t>(i);
    double s = x_eq[si];
    double s_int = x_eq[si] * dt;
    for (int j = 0; j < n_; ++j) {
      const double vij = v_[static_cast<std::size_t>(i * kM + j)];
      s += vij * zx[static_cast<std::size_t>(j)];
      s_int += vij * zi[static_cast<std::size_t>(j)];
    }
    x[si] = s;
    integral[si] = s_int;
  }
  return x;
}

ExpSum LinearThermalMode::trajectory(const NodeVector& x0, const NodeVector& x_eq, int node) const {
  if (node < 0 || node >= n_) {
    throw std::invalid_argument("LinearThermalMode::trajectory: node " + std::to_string(node) +
                                " out of range 0.." + std::to_string(n_ - 1));
  }
  const NodeVector z = modal(x0, x_eq);
  ExpSum f;
  f.terms = n_;
  f.constant = x_eq[static_cast<std::size_t>(node)];
  for (int i = 0; i < n_; ++i) {
    const auto si = static_cast<std::size_t>(i);
    f.coef[si] = v_[static_cast<std::size_t>(node * kM + i)] * z[si];
    f.rate[si] = rate_[si];
  }
  return f;
}

std::array<ExpSum, kMaxThermalNodes> LinearThermalMode::trajectories(const NodeVector& x0,
                                                                     const NodeVector& x_eq) const {
  const NodeVector z = modal(x0, x_eq);
  std::array<ExpSum, kMaxThermalNodes> out{};
  for (int node = 0; node < n_; ++node) {
    ExpSum& f = out[static_cast<std::size_t>(node)];
    f.terms = n_;
    f.constant = x_eq[static_cast<std::size_t>(node)];
    for (int i = 0; i < n_; ++i) {
      const auto si = static_cast<std::size_t>(i);
      f.coef[si] = v_[static_cast<std::size_t>(node * kM + i)] * z[si];
      f.rate[si] = rate_[si];
    }
  }
  return out;
}

NodeVector LinearThermalMode::derivative(const NodeVector& x, double ambient_c,
                                         const NodeVector& heat_w) const {
  NodeVector d{};
  for (int i = 0; i < n_; ++i) {
    const auto si = static_cast<std::size_t>(i);
    double s = ambient_conductance_[si] * ambient_c + heat_w[si];
    for (int j = 0; j < n_; ++j) {
      s -= k_[static_cast<std::size_t>(i * kM + j)] * x[static_cast<std::size_t>(j)];
    }
    d[si] = s * inv_capacity_[si];
  }
  return d;
}

}  // namespace labtwin::twin
