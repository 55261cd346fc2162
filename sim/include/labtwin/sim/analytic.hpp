#pragma once
/// @file Analytic formulas: normal and Student-t quantiles, special functions, and closed-form
/// queueing results used by tests and reports. All functions throw std::invalid_argument with
/// a message naming the bad parameter (e.g. an unstable queue, rho >= 1).

namespace labtwin::sim {

/// Standard normal CDF Phi(x) (via erfc, full double accuracy).
double normal_cdf(double x);
/// Standard normal density.
double normal_pdf(double x);
/// Inverse of Phi for 0 < p < 1 (Acklam 2003 rational approximation refined by one Halley
/// step on Phi; error ~1e-15).
double normal_quantile(double p);
/// Acklam's approximation alone (relative error < 1.15e-9): cheaper, used for sampling.
double normal_quantile_approx(double p);

/// ln Gamma(x) for x > 0 (Lanczos, g = 7; relative error ~1e-15). Unlike std::lgamma it never
/// writes the global signgam, so it is safe to call from parallel replications.
double log_gamma(double x);
/// Regularized incomplete beta I_x(a, b), a, b > 0, 0 <= x <= 1 (continued fraction, Lentz).
double incomplete_beta(double a, double b, double x);
/// Regularized lower incomplete gamma P(a, x), a > 0, x >= 0 (series / continued fraction).
double incomplete_gamma_p(double a, double x);

/// Student-t CDF with dof > 0 degrees of freedom (real dof allowed).
double student_t_cdf(double t, double dof);
/// Inverse Student-t CDF: t such that P(T <= t) = p (0 < p < 1, dof > 0). Cornish-Fisher start,
/// then safeguarded Newton on the CDF to ~1e-12; exact closed forms for dof 1 and 2.
double student_t_quantile(double p, double dof);

/// Chi-square CDF with k > 0 degrees of freedom.
double chi_square_cdf(double x, double k);
/// Chi-square quantile (bisection on chi_square_cdf, relative accuracy ~1e-12).
double chi_square_quantile(double p, double k);

/// M/M/1 mean wait in queue Wq = rho / (mu - lambda); requires 0 < lambda < mu.
double mm1_wq(double lambda, double mu);
/// M/M/1 mean number in queue Lq = rho^2 / (1 - rho).
double mm1_lq(double lambda, double mu);
/// Erlang B blocking probability for c servers and offered load A (stable recursion
/// B_k = A B_{k-1} / (k + A B_{k-1})); c >= 0, A >= 0.
double erlang_b(int c, double offered_load);
/// Erlang C probability that an arrival waits in M/M/c; requires lambda < c mu.
double erlang_c(int c, double lambda, double mu);
/// M/M/c mean wait in queue Wq = C / (c mu - lambda).
double mmc_wq(int c, double lambda, double mu);
/// M/M/c mean queue length Lq = lambda Wq.
double mmc_lq(int c, double lambda, double mu);
/// M/M/c waiting-time CDF P(Wq <= t) = 1 - C exp(-(c mu - lambda) t), t >= 0.
double mmc_wait_cdf(int c, double lambda, double mu, double t);
/// M/D/1 mean wait (Pollaczek-Khinchine with zero service variance): rho D / (2 (1 - rho)).
double md1_wq(double lambda, double service);
/// M/G/1 mean wait (Pollaczek-Khinchine): lambda E[S^2] / (2 (1 - rho)), E[S^2] = var + mean^2.
double mg1_wq(double lambda, double mean_service, double var_service);

}  // namespace labtwin::sim
