#pragma once
/// @file A tiny deterministic generator for tests and benches of code that takes no randomness
/// itself (core/): splitmix64 (Steele, Lea & Flood 2014). Model code uses sim::RandomStream.
#include <cstdint>

namespace labtwin::test {

/// splitmix64: seed it with any value, e.g. `SplitMix64 rng{42};`.
struct SplitMix64 {
  std::uint64_t s = 0;  ///< state
  /// The next 64 random bits.
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31U);
  }
  /// A value in [0, n) (modulo bias is irrelevant for test data).
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  /// A 32-bit value in [0, n), for dense 32-bit ids.
  std::uint32_t below32(std::uint32_t n) { return static_cast<std::uint32_t>(next() % n); }
  /// True with probability percent / 100.
  bool chance(std::uint32_t percent) { return below(100) < percent; }
  /// A double in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }
  /// A double in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
};

}  // namespace labtwin::test
