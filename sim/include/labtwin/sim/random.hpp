#pragma once
/// @file Reproducible random streams keyed by (scenario seed, replication, stream name).
///
/// Generator: xoshiro256** 1.0 (Blackman & Vigna, "Scrambled linear pseudorandom number
/// generators", ACM TOMS 2021; https://prng.di.unimi.it/). 256 bits of state, period 2^256 - 1,
/// passes BigCrush and PractRand. It is implemented here by hand (no libstdc++ engine) so the
/// sequence is identical on every platform and compiler.
///
/// Keying: key = mix(mix(mix(seed) ^ (replication + G)) ^ fnv1a64(name)), where mix is the
/// SplitMix64 finaliser and G the golden-ratio constant. The four state words are the first four
/// outputs of SplitMix64 started at the key (the seeding the xoshiro authors recommend). A
/// stream's draws therefore depend only on (seed, replication, name), never on the order in
/// which streams are created or on the number of threads.
#include <array>
#include <cstdint>
#include <limits>
#include <string_view>

namespace labtwin::sim {

/// FNV-1a 64-bit hash of a byte string (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
constexpr std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : bytes) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

/// SplitMix64 step (Steele, Lea & Flood 2014): advances `state` by the golden gamma and
/// returns the mixed output.
constexpr std::uint64_t splitmix64(std::uint64_t& state) {
  state += 0x9e3779b97f4a7c15ULL;
  std::uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// One independent, reproducible stream of random numbers (xoshiro256**).
class RandomStream {
 public:
  using result_type = std::uint64_t;  ///< std::uniform_random_bit_generator requirement

  /// Stream keyed by (scenario seed, replication index, stream name).
  RandomStream(std::uint64_t seed, std::uint64_t replication, std::string_view name);

  /// Stream with an explicit raw xoshiro state (for known-answer tests); state must not be 0.
  static RandomStream from_state(const std::array<std::uint64_t, 4>& state);

  /// Next raw 64-bit output of xoshiro256**.
  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform on the open interval (0, 1) with 53 random bits: k / 2^53 with k = the top 53 bits
  /// of a raw draw; k = 0 (probability 2^-53) is rejected and redrawn, so 0 and 1 never occur.
  /// (The tempting (k + 0.5) / 2^53 rounds to exactly 1.0 for k = 2^53 - 1.)
  double uniform01() {
    std::uint64_t k = next_u64() >> 11;
    while (k == 0) k = next_u64() >> 11;
    return static_cast<double>(k) * 0x1.0p-53;
  }

  /// Uniform on (a, b) (rounding of a + (b - a) u may rarely give b); a < b is not checked.
  double uniform(double a, double b) { return a + (b - a) * uniform01(); }

  /// Unbiased integer in [0, n) by rejection; throws std::invalid_argument if n == 0.
  std::uint64_t below(std::uint64_t n);

  /// Child stream keyed by this stream's key and `child` (independent of this stream's draws).
  RandomStream substream(std::string_view child) const;

  /// The 64-bit key this stream was seeded from.
  std::uint64_t key() const { return key_; }

  /// Current raw generator state.
  const std::array<std::uint64_t, 4>& state() const { return s_; }

  /// Same as next_u64 (std::uniform_random_bit_generator).
  result_type operator()() { return next_u64(); }
  /// Smallest raw output.
  static constexpr result_type min() { return 0; }
  /// Largest raw output.
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

 private:
  RandomStream() = default;
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  void seed_from_key(std::uint64_t key);

  std::uint64_t key_ = 0;
  std::array<std::uint64_t, 4> s_{};
};

/// Derives a stream key from (seed, replication, name) exactly as RandomStream does.
std::uint64_t stream_key(std::uint64_t seed, std::uint64_t replication, std::string_view name);

}  // namespace labtwin::sim
