// libFuzzer target: arbitrary bytes into the telemetry CSV parser, strict and lenient, sorting
// and rejecting disorder. It must never crash, hang or exhaust memory; the only exception it
// may throw is TelemetryError. Built with -DLABTWIN_BUILD_FUZZ=ON (clang); run with
// scripts/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "labtwin/adapters/telemetry.hpp"

namespace {

// Invariants of a successful parse: sorted ids, equal lengths, finite values, sorted times.
bool consistent(const labtwin::adapters::TelemetrySet& set,
                const labtwin::adapters::TelemetryReadReport& report) {
  std::size_t n = 0;
  for (std::size_t k = 0; k < set.series.size(); ++k) {
    const auto& s = set.series[k];
    if (k > 0 && !(set.series[k - 1].sensor < s.sensor)) return false;
    if (s.t_us.size() != s.value.size() || s.t_us.empty()) return false;
    for (std::size_t i = 1; i < s.t_us.size(); ++i) {
      if (s.t_us[i] < s.t_us[i - 1]) return false;
    }
    n += s.t_us.size();
  }
  return n == report.rows - report.skipped && report.skipped_messages.size() <= 20;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string name = "fuzz.csv";
  for (int mode = 0; mode < 3; ++mode) {
    labtwin::adapters::TelemetryReadOptions options;
    options.lenient = mode == 1;
    options.disorder =
        mode == 2 ? labtwin::adapters::Disorder::reject : labtwin::adapters::Disorder::sort;
    labtwin::adapters::TelemetryReadReport report;
    try {
      const auto set = labtwin::adapters::parse_telemetry_csv(text, name, options, &report);
      if (!consistent(set, report)) __builtin_trap();
    } catch (const labtwin::adapters::TelemetryError& e) {
      // The message always starts with the file name.
      if (std::string_view(e.what()).substr(0, name.size()) != name) __builtin_trap();
    }
  }
  return 0;
}
