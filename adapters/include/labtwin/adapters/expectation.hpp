#pragma once
/// @file `expect:` expressions: "== 0", ">= 0.98", "< 2h", "within 5% of 10",
/// "within 0.5 of 20" or a bare 16-hex-digit run fingerprint.
#include <string>
#include <string_view>

#include "labtwin/sim/units.hpp"

namespace labtwin::adapters {

/// A parsed expectation on one KPI.
struct Expectation {
  /// The comparison.
  enum class Op { eq, ne, lt, le, gt, ge, within, fingerprint };
  Op op = Op::eq;                   ///< comparison
  double value = 0;                 ///< right-hand side in SI units (centre for `within`)
  double tolerance = 0;             ///< `within`: absolute tolerance, or relative when percent
  bool relative_tolerance = false;  ///< `within X% of Y`: tolerance is X/100 * |Y|
  std::string fingerprint;          ///< lowercase hex, for Op::fingerprint
  std::string text;                 ///< the expression as written (trimmed)
};

/// Parses an expression. Numbers may carry any labtwin unit ("2h", "1.2kW", "95%"); they are
/// compared in SI units. Errors name the accepted forms.
sim::units::Result<Expectation> parse_expectation(std::string_view text);

/// Whether `actual` satisfies the expectation. == and != use a relative tolerance of 1e-9
/// (absolute 1e-12 near zero) so that decimal literals match computed doubles. A fingerprint
/// expectation is never satisfied by a number.
bool check(const Expectation& e, double actual);

/// Whether a run fingerprint (hex text, any case) satisfies a fingerprint expectation.
bool check(const Expectation& e, std::string_view fingerprint);

/// "expected >= 0.98, got 0.95" (numbers printed with up to 12 significant digits).
std::string describe(const Expectation& e, double actual);

/// "expected fingerprint 9f2c..., got 1234..."
std::string describe(const Expectation& e, std::string_view fingerprint);

}  // namespace labtwin::adapters
