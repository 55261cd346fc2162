// libFuzzer target: arbitrary bytes into the from-string scenario loader. The loader must never
// crash, hang or exhaust memory; it may only return diagnostics. Built with
// -DLABTWIN_BUILD_FUZZ=ON (clang); run with scripts/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "labtwin/adapters/scenario_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // A pretend file in a directory without scenario files: includes resolve to nothing.
  const auto result =
      labtwin::adapters::load_scenario_string(text, "/nonexistent-fuzz-dir/fuzz.yaml");
  // Formatting every diagnostic exercises the message paths too.
  std::size_t total = 0;
  for (const auto& d : result.diagnostics) total += labtwin::adapters::format(d).size();
  if (result.ok() && result.tree) {
    for (const auto& v : labtwin::adapters::variants_of(*result.tree)) {
      try {
        (void)labtwin::adapters::build_scenario(labtwin::adapters::apply_variant(*result.tree, v));
      } catch (const std::invalid_argument&) {
        // A variant path that resolves in the schema but not in this tree is reported by
        // the loader already; apply_variant documents this exception.
      }
    }
  }
  return total == static_cast<std::size_t>(-1) ? 1 : 0;
}
