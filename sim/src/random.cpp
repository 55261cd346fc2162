#include "labtwin/sim/random.hpp"

#include <stdexcept>

namespace labtwin::sim {

namespace {

// SplitMix64 output function without the state increment: a bijective 64-bit mixer.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

}  // namespace

std::uint64_t stream_key(std::uint64_t seed, std::uint64_t replication, std::string_view name) {
  // Each component passes through the mixer before the next is combined, so (seed, rep, name)
  // triples that differ in any field give unrelated keys.
  std::uint64_t k = mix64(seed + kGolden);
  k = mix64(k ^ (replication + kGolden));
  return mix64(k ^ fnv1a64(name));
}

RandomStream::RandomStream(std::uint64_t seed, std::uint64_t replication, std::string_view name) {
  seed_from_key(stream_key(seed, replication, name));
}

RandomStream RandomStream::from_state(const std::array<std::uint64_t, 4>& state) {
  if (state[0] == 0 && state[1] == 0 && state[2] == 0 && state[3] == 0) {
    throw std::invalid_argument("RandomStream::from_state: the all-zero state is not allowed");
  }
  RandomStream r;
  r.key_ = 0;
  r.s_ = state;
  return r;
}

void RandomStream::seed_from_key(std::uint64_t key) {
  key_ = key;
  std::uint64_t sm = key;
  for (auto& w : s_) w = splitmix64(sm);
  // SplitMix64 is a bijection of its counter, so four consecutive outputs are never all zero.
}

std::uint64_t RandomStream::below(std::uint64_t n) {
  if (n == 0) throw std::invalid_argument("RandomStream::below: n must be positive, got 0");
  // Reject the lowest (2^64 mod n) raw values so that the remaining range is a multiple of n.
  const std::uint64_t threshold = (0 - n) % n;
  for (;;) {
    const std::uint64_t r = next_u64();
    if (r >= threshold) return r % n;
  }
}

RandomStream RandomStream::substream(std::string_view child) const {
  RandomStream r;
  r.seed_from_key(mix64(mix64(key_ ^ 0x5bd1e9955bd1e995ULL) ^ fnv1a64(child)));
  return r;
}

}  // namespace labtwin::sim
