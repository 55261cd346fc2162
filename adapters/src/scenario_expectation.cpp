#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <optional>
#include <sstream>

#include "labtwin/adapters/expectation.hpp"

namespace labtwin::adapters {
namespace units = sim::units;
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

const std::string kForms =
    "expected an expectation like \"== 0\", \">= 0.98\", \"< 2h\", \"within 5% of 10\" or a "
    "16-hex-digit fingerprint, got ";

/// A number with an optional unit of any labtwin quantity, in SI units. Order matters only
/// for "C"/"K", which read as absolute temperatures.
std::optional<double> number_with_unit(std::string_view text) {
  using Q = units::Quantity;
  static constexpr std::array kOrder{Q::number,        Q::fraction, Q::duration,
                                     Q::power,         Q::energy,   Q::conductance,
                                     Q::heat_capacity, Q::rate,     Q::temperature};
  for (const Q q : kOrder) {
    const auto r = units::parse_quantity(q, text);
    if (r.ok()) return r.value;
  }
  return std::nullopt;
}

bool is_fingerprint(std::string_view s) {
  return s.size() == 16 && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c)) != 0;
         });
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string num(double v) {
  std::ostringstream os;
  os.precision(12);
  os << v;
  return os.str();
}

}  // namespace

units::Result<Expectation> parse_expectation(std::string_view raw) {
  const std::string_view t = trim(raw);
  Expectation e;
  e.text = std::string(t);
  const std::string err = kForms + "\"" + std::string(raw) + "\"";
  if (is_fingerprint(t)) {
    e.op = Expectation::Op::fingerprint;
    e.fingerprint = lower(t);
    return {std::move(e), {}};
  }
  if (t.rfind("within", 0) == 0) {
    const std::string_view rest = trim(t.substr(6));
    const std::size_t of = rest.find(" of ");
    if (of == std::string_view::npos) return {{}, err};
    std::string_view tol = trim(rest.substr(0, of));
    const std::string_view centre = trim(rest.substr(of + 4));
    const auto c = number_with_unit(centre);
    if (!c) return {{}, err + " (cannot read the value \"" + std::string(centre) + "\")"};
    e.op = Expectation::Op::within;
    e.value = *c;
    if (!tol.empty() && tol.back() == '%') {
      const auto p = units::parse_number(tol.substr(0, tol.size() - 1));
      if (!p.ok() || p.value < 0) return {{}, err + " (bad tolerance)"};
      e.relative_tolerance = true;
      e.tolerance = p.value / 100.0;
    } else {
      // A temperature tolerance is a difference: "within 2K of -80C".
      const auto d = units::parse_temperature_delta(tol);
      const auto a = d.ok() ? std::optional<double>(d.value) : number_with_unit(tol);
      if (!a || *a < 0) return {{}, err + " (bad tolerance)"};
      e.tolerance = *a;
    }
    return {std::move(e), {}};
  }
  struct OpText {
    std::string_view text;
    Expectation::Op op;
  };
  // Two-character operators first so that "<=" is not read as "<".
  static constexpr std::array kOps{
      OpText{"==", Expectation::Op::eq}, OpText{"!=", Expectation::Op::ne},
      OpText{"<=", Expectation::Op::le}, OpText{">=", Expectation::Op::ge},
      OpText{"<", Expectation::Op::lt},  OpText{">", Expectation::Op::gt}};
  for (const auto& o : kOps) {
    if (t.substr(0, o.text.size()) == o.text) {
      const std::string_view rhs = trim(t.substr(o.text.size()));
      const auto v = number_with_unit(rhs);
      if (!v) return {{}, err + " (cannot read the value \"" + std::string(rhs) + "\")"};
      e.op = o.op;
      e.value = *v;
      return {std::move(e), {}};
    }
  }
  return {{}, err};
}

bool check(const Expectation& e, double actual) {
  const auto close = [](double a, double b) {
    return std::fabs(a - b) <= std::max(1e-12, 1e-9 * std::max(std::fabs(a), std::fabs(b)));
  };
  if (std::isnan(actual)) return false;
  switch (e.op) {
    case Expectation::Op::eq:
      return close(actual, e.value);
    case Expectation::Op::ne:
      return !close(actual, e.value);
    case Expectation::Op::lt:
      return actual < e.value;
    case Expectation::Op::le:
      return actual <= e.value;
    case Expectation::Op::gt:
      return actual > e.value;
    case Expectation::Op::ge:
      return actual >= e.value;
    case Expectation::Op::within: {
      const double tol = e.relative_tolerance ? e.tolerance * std::fabs(e.value) : e.tolerance;
      return std::fabs(actual - e.value) <= tol;
    }
    case Expectation::Op::fingerprint:
      return false;
  }
  return false;
}

bool check(const Expectation& e, std::string_view fingerprint) {
  return e.op == Expectation::Op::fingerprint && lower(trim(fingerprint)) == e.fingerprint;
}

std::string describe(const Expectation& e, double actual) {
  return "expected " + e.text + ", got " + num(actual);
}

std::string describe(const Expectation& e, std::string_view fingerprint) {
  return "expected fingerprint " + e.fingerprint + ", got " + std::string(fingerprint);
}

}  // namespace labtwin::adapters
