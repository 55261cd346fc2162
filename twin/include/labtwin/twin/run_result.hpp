#pragma once
/// @file What one run of a scenario produces: KPIs, fingerprint and run facts.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace labtwin::twin {

/// One key performance indicator of a run.
struct Kpi {
  std::string name;         ///< snake_case key, as used in a scenario's `expect:` block
  double value = 0.0;       ///< value in SI units (seconds, joules, ...) or a plain count/ratio
  std::string unit;         ///< display unit of `value`: "s", "J", "1", "EUR", ...
  std::string description;  ///< one line for tables and reports
};

/// The outcome of one replication of one scenario (variant).
struct RunResult {
  std::string scenario;            ///< meta.name
  std::string variant;             ///< variant name, empty for the base scenario
  std::uint64_t seed = 0;          ///< scenario seed
  std::uint64_t replication = 0;   ///< replication index
  std::vector<Kpi> kpis;           ///< in a stable, documented order
  std::uint64_t fingerprint = 0;   ///< kernel fingerprint over every executed event
  std::uint64_t events = 0;        ///< events executed by the kernel
  double simulated_seconds = 0.0;  ///< length of simulated time
  double wall_seconds = 0.0;       ///< wall-clock time of the run

  /// The KPI called `name`, if the run produced it.
  std::optional<double> kpi(std::string_view name) const {
    for (const auto& k : kpis)
      if (k.name == name) return k.value;
    return std::nullopt;
  }
};

/// The fingerprint as 16 lower-case hex digits.
inline std::string fingerprint_hex(std::uint64_t fp) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, fp >>= 4) s[static_cast<std::size_t>(i)] = kDigits[fp & 0xF];
  return s;
}

}  // namespace labtwin::twin
