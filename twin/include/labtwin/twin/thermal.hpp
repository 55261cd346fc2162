#pragma once
/// @file Exact solution of small lumped thermal networks and their threshold crossings.
///
/// A lumped network of N <= kMaxThermalNodes nodes obeys C dx/dt = -K x + g T_amb + q, with C
/// the diagonal heat capacities, K the symmetric conductance matrix (graph Laplacian of the
/// node-to-node conductances plus the node-to-ambient conductances g on its diagonal) and q
/// the constant heat inputs per node. With constant inputs the solution is closed form,
/// x(t) = x_eq + V exp(Lambda t) V^-1 (x0 - x_eq), so each node temperature is a constant plus
/// a sum of N decaying exponentials: an ExpSum. Crossing times of an ExpSum are isolated
/// exactly (Rolle: an n-term exponential sum has at most n-1 zeros) and then polished by a
/// safeguarded Newton iteration. No Eigen in this header: the decomposition lives in the .cpp.
#include <array>
#include <cstddef>
#include <optional>

namespace labtwin::twin {

/// Largest number of nodes a ThermalNetwork may have (state is a fixed std::array).
inline constexpr int kMaxThermalNodes = 4;

/// A temperature (C) or heat (W) per node; entries past the node count are unused (zero).
using NodeVector = std::array<double, kMaxThermalNodes>;

/// f(t) = constant + sum_i coef[i] * exp(rate[i] * t), for i < terms, with every rate <= 0.
struct ExpSum {
  int terms = 0;                                ///< number of exponential terms used
  double constant = 0.0;                        ///< the t -> infinity limit (if rates < 0)
  std::array<double, kMaxThermalNodes> coef{};  ///< amplitudes
  std::array<double, kMaxThermalNodes> rate{};  ///< decay rates (1/s), each <= 0

  /// f(t).
  double value(double t) const;
  /// df/dt at t.
  double derivative(double t) const;
};

/// Which way a crossing goes: upward through the level, downward, or either way.
enum class CrossingDirection { kRising, kFalling, kEither };

/// The first time t in (0, horizon] at which f crosses `level` in direction `dir`, to within
/// `time_tolerance` seconds; std::nullopt when there is none. A start exactly on the level is
/// not a crossing. Throws std::invalid_argument on a negative/NaN horizon or a positive rate.
std::optional<double> first_crossing(const ExpSum& f, double level, CrossingDirection dir,
                                     double horizon, double time_tolerance = 1e-7);

/// Structure and parameters of a lumped network of nodes (capacities and conductances).
struct ThermalNetwork {
  int nodes = 2;                     ///< number of nodes, 1..kMaxThermalNodes
  NodeVector capacity{};             ///< heat capacity of each node (J/K), > 0
  NodeVector ambient_conductance{};  ///< conductance from each node to ambient (W/K), >= 0
  /// Symmetric node-to-node conductances (W/K), row-major [i * kMaxThermalNodes + j].
  std::array<double, kMaxThermalNodes * kMaxThermalNodes> conductance{};

  /// Adds conductance `ua` (W/K) between nodes i and j (both directions).
  void connect(int i, int j, double ua);
  /// Throws std::invalid_argument naming the offending node/field if the network is invalid.
  void validate() const;
};

/// The exact solution of one constant-coefficient mode of a network: eigen-decomposition and
/// the inverse conductance matrix, computed once, then O(N^2) per propagation.
class LinearThermalMode {
 public:
  /// Decomposes `net`; throws std::invalid_argument if it is invalid or some node has no
  /// conductive path to ambient (then no equilibrium exists).
  explicit LinearThermalMode(const ThermalNetwork& net);

  /// Number of nodes.
  int nodes() const { return n_; }
  /// Eigenvalues of A = -C^-1 K (1/s), all < 0, slowest (closest to zero) first.
  const NodeVector& rates() const { return rate_; }
  /// Equilibrium x_eq = T_amb + K^-1 q for ambient temperature (C) and heat inputs q (W).
  NodeVector equilibrium(double ambient_c, const NodeVector& heat_w) const;
  /// The state after `dt` seconds from `x0` towards equilibrium `x_eq`.
  NodeVector propagate(const NodeVector& x0, const NodeVector& x_eq, double dt) const;
  /// Integral over [0, dt] of each node temperature (C*s) on the same trajectory.
  NodeVector integrate(const NodeVector& x0, const NodeVector& x_eq, double dt) const;
  /// propagate() and integrate() together, sharing the exponentials; returns the new state.
  NodeVector propagate_with_integral(const NodeVector& x0, const NodeVector& x_eq, double dt,
                                     NodeVector& integral) const;
  /// Temperature of `node` along the trajectory from x0 as an ExpSum of time since x0.
  ExpSum trajectory(const NodeVector& x0, const NodeVector& x_eq, int node) const;
  /// All node trajectories at once (one modal projection); entries past nodes() are empty.
  std::array<ExpSum, kMaxThermalNodes> trajectories(const NodeVector& x0,
                                                    const NodeVector& x_eq) const;
  /// Entry (node, mode) of the eigenvector matrix V (x - x_eq = V z); indices
  /// 0..kMaxThermalNodes-1, 0 past nodes().
  double eigenvector(int node, int mode) const { return v_[index(node, mode)]; }
  /// Entry (mode, node) of V^-1 (z = V^-1 (x - x_eq)); indices
  /// 0..kMaxThermalNodes-1, 0 past nodes().
  double inverse_eigenvector(int mode, int node) const { return v_inv_[index(mode, node)]; }
  /// Entry (i, j) of K^-1 (K/W); indices 0..kMaxThermalNodes-1, 0 past nodes().
  double inverse_conductance(int i, int j) const { return k_inv_[index(i, j)]; }
  /// dx/dt = C^-1 (-K x + g T_amb + q), for numerical reference integrators and tests.
  NodeVector derivative(const NodeVector& x, double ambient_c, const NodeVector& heat_w) const;

 private:
  /// Modal amplitudes z = V^-1 (x0 - x_eq).
  NodeVector modal(const NodeVector& x0, const NodeVector& x_eq) const;

  static constexpr int kM = kMaxThermalNodes;
  static std::size_t index(int i, int j) { return static_cast<std::size_t>(i * kM + j); }
  int n_ = 0;
  NodeVector rate_{};                    // eigenvalues lambda_i
  std::array<double, kM * kM> v_{};      // eigenvectors V (columns), row-major
  std::array<double, kM * kM> v_inv_{};  // V^-1, row-major
  std::array<double, kM * kM> k_inv_{};  // K^-1, row-major
  std::array<double, kM * kM> k_{};      // K, row-major
  NodeVector inv_capacity_{};            // 1 / C_i
  NodeVector ambient_conductance_{};     // g_i
};

}  // namespace labtwin::twin
