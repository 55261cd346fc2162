#pragma once
/// @file Standard normal distribution functions for inventory theory (no randomness).
///
/// Written for core/ so that policy code needs no sim dependency. Accuracy: the cdf uses
/// std::erfc (full double precision in both tails); the quantile refines a rational start with
/// Halley steps on that cdf, so it is accurate to about 1e-15 relative in the central region and
/// tracks the cdf to full precision in the tails.

namespace labtwin::core {

/// Standard normal density phi(z) = exp(-z^2/2) / sqrt(2 pi).
double normal_pdf(double z);

/// Standard normal distribution function Phi(z) = P(Z <= z).
double normal_cdf(double z);

/// Upper tail 1 - Phi(z), computed without cancellation.
double normal_sf(double z);

/// Inverse of Phi: the z with Phi(z) = p. Throws std::invalid_argument unless 0 < p < 1.
double normal_quantile(double p);

/// Standard normal first-order loss function L(z) = E[(Z - z)^+] = phi(z) - z (1 - Phi(z)).
double normal_loss(double z);

}  // namespace labtwin::core
