#include "labtwin/sim/random.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "labtwin/sim/analytic.hpp"

using labtwin::sim::chi_square_quantile;
using labtwin::sim::fnv1a64;
using labtwin::sim::RandomStream;
using labtwin::sim::splitmix64;

static_assert(std::uniform_random_bit_generator<RandomStream>);

// Published reference outputs of xoshiro256** from the raw state {1, 2, 3, 4}: produced by the
// authors' reference C code (prng.di.unimi.it/xoshiro256starstar.c) and reproduced as the
// known-answer vector of independent ports (e.g. the Rust crate rand_xoshiro). Cross-checked,
// not merely pinned.
TEST(RandomStream, XoshiroMatchesPublishedReferenceVector) {
  auto r = RandomStream::from_state({1, 2, 3, 4});
  const std::uint64_t expected[] = {11520ULL,
                                    0ULL,
                                    1509978240ULL,
                                    1215971899390074240ULL,
                                    1216172134540287360ULL,
                                    607988272756665600ULL,
                                    16172922978634559625ULL,
                                    8476171486693032832ULL,
                                    10595114339597558777ULL,
                                    2904607092377533576ULL};
  for (const auto e : expected) EXPECT_EQ(r.next_u64(), e);
}

// SplitMix64 reference outputs for seed 1234567 (Vigna's splitmix64.c; also Rosetta Code
// "Pseudo-random numbers/Splitmix64") and FNV-1a 64 reference hashes (FNV specification test
// vectors): these fix the seeding path to published values.
TEST(RandomStream, SeedingPrimitivesMatchPublishedVectors) {
  std::uint64_t sm = 1234567;
  const std::uint64_t expected[] = {6457827717110365317ULL, 3203168211198807973ULL,
                                    9817491932198370423ULL, 4593380528125082431ULL,
                                    16408922859458223821ULL};
  for (const auto e : expected) EXPECT_EQ(splitmix64(sm), e);
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

// Golden values (computed by this implementation when it was written, pinned to catch drift of
// the keying scheme; the generator and seeding primitives themselves are cross-checked above).
TEST(RandomStream, KeyedStreamGoldenValues) {
  RandomStream r(42, 0, "arrivals");
  EXPECT_EQ(r.key(), 6576422164874068208ULL);
  EXPECT_EQ(r.next_u64(), 8909951737410583719ULL);
  EXPECT_EQ(r.next_u64(), 17391284398355114659ULL);
  EXPECT_EQ(r.next_u64(), 9181740138296904822ULL);
  auto s = r.substream("door");
  EXPECT_EQ(s.next_u64(), 17373696751436535828ULL);
  EXPECT_EQ(s.next_u64(), 7962723931947355048ULL);
  EXPECT_EQ(s.next_u64(), 4451973998598989830ULL);
}

TEST(RandomStream, SameKeyReproducesDraws) {
  RandomStream a(7, 3, "freezer.door");
  RandomStream b(7, 3, "freezer.door");
  for (int i = 0; i < 10000; ++i) ASSERT_EQ(a.next_u64(), b.next_u64()) << "draw " << i;
}

TEST(RandomStream, DrawsDoNotDependOnCreationOrderOrThread) {
  std::vector<std::uint64_t> a1;
  std::vector<std::uint64_t> b1;
  {
    RandomStream a(11, 0, "A");
    RandomStream b(11, 0, "B");
    for (int i = 0; i < 100; ++i) {
      a1.push_back(a.next_u64());
      b1.push_back(b.next_u64());
    }
  }
  std::vector<std::uint64_t> a2;
  std::vector<std::uint64_t> b2;
  {
    RandomStream b(11, 0, "B");
    for (int i = 0; i < 57; ++i) b2.push_back(b.next_u64());  // B drawn first, partly
    RandomStream a(11, 0, "A");
    for (int i = 0; i < 100; ++i) a2.push_back(a.next_u64());
    for (int i = 57; i < 100; ++i) b2.push_back(b.next_u64());
  }
  EXPECT_EQ(a1, a2);
  EXPECT_EQ(b1, b2);
  // A stream built on another thread yields the same sequence.
  std::vector<std::uint64_t> a3;
  std::thread th([&a3] {
    RandomStream a(11, 0, "A");
    for (int i = 0; i < 100; ++i) a3.push_back(a.next_u64());
  });
  th.join();
  EXPECT_EQ(a1, a3);
}

TEST(RandomStream, DifferentSeedReplicationOrNameDiffer) {
  auto first = [](RandomStream r) {
    std::vector<std::uint64_t> v(64);
    for (auto& x : v) x = r.next_u64();
    return v;
  };
  const auto base = first(RandomStream(1, 0, "x"));
  EXPECT_NE(base, first(RandomStream(2, 0, "x")));
  EXPECT_NE(base, first(RandomStream(1, 1, "x")));
  EXPECT_NE(base, first(RandomStream(1, 0, "y")));
  EXPECT_NE(base, first(RandomStream(1, 0, "x ")));
  // Swapping seed and replication must not collide.
  EXPECT_NE(first(RandomStream(3, 5, "x")), first(RandomStream(5, 3, "x")));
  // 30,000 keys over seeds x replications x names are all distinct.
  std::set<std::uint64_t> keys;
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    for (std::uint64_t rep = 0; rep < 30; ++rep) {
      for (int n = 0; n < 100; ++n) {
        std::string name = "s";
        name += std::to_string(n);
        keys.insert(RandomStream(seed, rep, name).key());
      }
    }
  }
  EXPECT_EQ(keys.size(), 30000U);
}

TEST(RandomStream, Uniform01IsOpenInterval) {
  // The second raw output from state {1,2,3,4} is 0: uniform01 must skip it (not return 0) and
  // use the third output, 1509978240 >> 11 = 737294.
  auto r = RandomStream::from_state({1, 2, 3, 4});
  r.next_u64();
  EXPECT_EQ(r.uniform01(), 737294.0 * 0x1.0p-53);
  EXPECT_EQ(r.next_u64(), 1215971899390074240ULL);  // exactly one raw draw was skipped
  // The largest value, (2^53 - 1) / 2^53, is exactly representable and < 1.
  EXPECT_LT(static_cast<double>(~0ULL >> 11) * 0x1.0p-53, 1.0);
  RandomStream s(5, 0, "u");
  for (int i = 0; i < 100000; ++i) {
    const double u = s.uniform01();
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
  for (int i = 0; i < 1000; ++i) {
    const double u = s.uniform(-3.0, 2.0);
    ASSERT_GT(u, -3.0);
    ASSERT_LT(u, 2.0);
  }
}

// Pearson chi-square uniformity test: 100 equal cells, n = 10^6. Under H0 the statistic is
// chi-square with 99 dof; reject at alpha = 0.001 (critical value from chi_square_quantile,
// 148.23). Run on several independent streams; each is a fixed, reproducible sample.
TEST(RandomStream, Uniform01PassesChiSquare) {
  constexpr int kCells = 100;
  constexpr int kN = 1'000'000;
  const double critical = chi_square_quantile(0.999, kCells - 1);
  EXPECT_NEAR(critical, 148.2304, 1e-3);  // table value chi2_{0.999, 99}
  for (const char* name : {"u0", "u1", "u2"}) {
    RandomStream r(2026, 0, name);
    std::vector<int> counts(kCells, 0);
    for (int i = 0; i < kN; ++i) ++counts[static_cast<int>(r.uniform01() * kCells)];
    const double expected = static_cast<double>(kN) / kCells;
    double chi2 = 0;
    for (const int c : counts) chi2 += (c - expected) * (c - expected) / expected;
    EXPECT_LT(chi2, critical) << name;
  }
}

// Lag-1 serial correlation of uniforms: under independence r1 is approximately N(0, 1/n).
TEST(RandomStream, Uniform01HasNoLagOneCorrelation) {
  RandomStream r(99, 0, "serial");
  constexpr int kN = 500'000;
  std::vector<double> u(kN);
  for (auto& x : u) x = r.uniform01();
  double num = 0;
  double den = 0;
  for (int i = 0; i < kN; ++i) {
    den += (u[i] - 0.5) * (u[i] - 0.5);
    if (i + 1 < kN) num += (u[i] - 0.5) * (u[i + 1] - 0.5);
  }
  EXPECT_LT(std::fabs(num / den), 5.0 / std::sqrt(kN));
}

TEST(RandomStream, BelowIsUnbiasedAndInRange) {
  RandomStream r(3, 0, "below");
  EXPECT_THROW(r.below(0), std::invalid_argument);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(r.below(1), 0U);
  const std::uint64_t big = (1ULL << 63) + 12345;
  for (int i = 0; i < 1000; ++i) ASSERT_LT(r.below(big), big);
  // Chi-square on a die (n = 600,000, 5 dof, alpha = 0.001 critical 20.515).
  std::vector<int> counts(6, 0);
  constexpr int kN = 600'000;
  for (int i = 0; i < kN; ++i) ++counts[r.below(6)];
  double chi2 = 0;
  for (const int c : counts) chi2 += (c - kN / 6.0) * (c - kN / 6.0) / (kN / 6.0);
  EXPECT_LT(chi2, chi_square_quantile(0.999, 5));
  // For n = 3 * 2^62 plain modulo would make the lowest 2^62 values twice as likely
  // (P(r < 2^62) = 1/2 instead of 1/3); the rejection sampler gives 1/3.
  const std::uint64_t n3 = 3ULL << 62;
  int low = 0;
  constexpr int kM = 300'000;
  for (int i = 0; i < kM; ++i) low += r.below(n3) < (1ULL << 62) ? 1 : 0;
  const double p = static_cast<double>(low) / kM;
  EXPECT_NEAR(p, 1.0 / 3.0, 5.0 * std::sqrt((1.0 / 3.0) * (2.0 / 3.0) / kM));
}

TEST(RandomStream, SubstreamDependsOnKeyNotOnDrawState) {
  RandomStream a(8, 2, "tech");
  const auto s1 = a.substream("alice");
  for (int i = 0; i < 1000; ++i) a.next_u64();
  auto s2 = a.substream("alice");
  auto s1c = s1;
  for (int i = 0; i < 100; ++i) ASSERT_EQ(s1c.next_u64(), s2.next_u64());
  EXPECT_NE(a.substream("bob").key(), s1.key());
  EXPECT_NE(s1.key(), a.key());
  // A child is not the same as a top-level stream with the child's name.
  EXPECT_NE(s1.key(), RandomStream(8, 2, "alice").key());
  // Different parents give different children of the same name.
  EXPECT_NE(RandomStream(8, 3, "tech").substream("alice").key(), s1.key());
}

TEST(RandomStream, WorksAsStandardUrbg) {
  RandomStream r1(4, 0, "shuffle");
  RandomStream r2(4, 0, "shuffle");
  std::vector<int> v1(50);
  std::iota(v1.begin(), v1.end(), 0);
  auto v2 = v1;
  std::shuffle(v1.begin(), v1.end(), r1);
  std::shuffle(v2.begin(), v2.end(), r2);
  EXPECT_EQ(v1, v2);
  std::vector<int> sorted(50);
  std::iota(sorted.begin(), sorted.end(), 0);
  EXPECT_NE(v1, sorted);
  EXPECT_TRUE(std::is_permutation(v1.begin(), v1.end(), sorted.begin()));
}

TEST(RandomStream, AllZeroStateRejected) {
  EXPECT_THROW(RandomStream::from_state({0, 0, 0, 0}), std::invalid_argument);
}
