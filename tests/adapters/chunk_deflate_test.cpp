// The hand-built zlib streams for shuffled chunks decode, with zlib's own inflate, to exactly
// the bytes they encode: partial (zero-padded) chunks of every length class, full chunks with
// noise planes (stored) under slowly varying ones (runs), 0/1 steps (copies at distance 2),
// planes that need deflate above and below noise, all-noise and all-run chunks. And they are
// small where it matters: the padding of a near-empty chunk costs a few bytes.
#include "labtwin/adapters/chunk_deflate.hpp"

#include <gtest/gtest.h>
#include <libdeflate.h>
#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "labtwin/sim/random.hpp"

namespace la = labtwin::adapters;

namespace {

constexpr std::size_t kPlanes = 8, kPlane = 4096, kChunk = kPlanes * kPlane;

std::vector<unsigned char> inflate_all(const std::vector<unsigned char>& z, std::size_t size) {
  std::vector<unsigned char> out(size + 16);
  uLongf n = static_cast<uLongf>(out.size());
  const int rc = uncompress(out.data(), &n, z.data(), static_cast<uLong>(z.size()));
  EXPECT_EQ(rc, Z_OK);
  out.resize(n);
  return out;
}

// A chunk of `n` samples per plane (the rest zero): planes below `noise` are random bytes, the
// others slowly varying (like the high bytes of timestamps or temperatures).
std::vector<unsigned char> chunk(std::size_t n, std::size_t noise, std::uint64_t seed) {
  labtwin::sim::RandomStream rng(seed, 0, "chunk");
  std::vector<unsigned char> c(kChunk, 0);
  for (std::size_t b = 0; b < kPlanes; ++b)
    for (std::size_t i = 0; i < n; ++i)
      c[b * kPlane + i] = b < noise ? static_cast<unsigned char>(rng.below(256))
                                    : static_cast<unsigned char>(i / 700 + b);
  return c;
}

struct Compressor {
  libdeflate_compressor* c = libdeflate_alloc_compressor(1);
  ~Compressor() { libdeflate_free_compressor(c); }
};

TEST(ChunkDeflate, PaddedChunksRoundTripForEveryLengthClass) {
  // Lengths around the copy-length limits (3, 258) and the extremes of a plane.
  for (std::size_t n :
       {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{100}, kPlane - 259,
        kPlane - 258, kPlane - 257, kPlane - 4, kPlane - 3, kPlane - 2, kPlane - 1}) {
    const auto c = chunk(n, 5, n);
    std::vector<unsigned char> z;
    const std::size_t size = la::deflate_padded_planes(c.data(), kPlanes, kPlane, n, z);
    ASSERT_EQ(size, z.size());
    EXPECT_EQ(inflate_all(z, kChunk), c) << "n = " << n;
  }
}

TEST(ChunkDeflate, PaddingCostsAFewBytes) {
  // Two samples in a 32 KiB chunk: 16 data bytes; each plane's 4094 zeros take 16 copies of 258
  // (13 bits each) plus a literal and an end code: about 30 bytes per plane.
  const auto c = chunk(2, 8, 7);
  std::vector<unsigned char> z;
  const std::size_t size = la::deflate_padded_planes(c.data(), kPlanes, kPlane, 2, z);
  EXPECT_LT(size, 8 * (2 + 5 + 30) + 6);
  EXPECT_THROW(la::deflate_padded_planes(c.data(), kPlanes, kPlane, 0, z), std::invalid_argument);
  EXPECT_THROW(la::deflate_padded_planes(c.data(), kPlanes, kPlane, kPlane, z),
               std::invalid_argument);
}

TEST(ChunkDeflate, FullChunksRoundTripAndStoreOnlyTheNoise) {
  Compressor comp;
  for (std::size_t noise = 0; noise <= kPlanes; ++noise) {
    const auto c = chunk(kPlane, noise, 100 + noise);
    std::vector<unsigned char> z;
    const std::size_t size = la::deflate_planes(comp.c, c.data(), kPlanes, kPlane, z);
    ASSERT_EQ(size, z.size());
    EXPECT_EQ(inflate_all(z, kChunk), c) << noise << " noise planes";
    // Noise is stored (its size plus block headers); the slowly varying planes shrink a lot.
    EXPECT_GE(size, noise * kPlane) << noise;
    EXPECT_LT(size, noise * kPlane + (kPlanes - noise) * kPlane / 20 + 64) << noise;
    // Runs are fixed-Huffman copies where libdeflate would search and build its own codes: the
    // price is at most 1 % of the chunk over libdeflate on the whole chunk.
    std::vector<unsigned char> ref(libdeflate_zlib_compress_bound(comp.c, kChunk));
    const std::size_t whole =
        libdeflate_zlib_compress(comp.c, c.data(), kChunk, ref.data(), ref.size());
    EXPECT_LE(size, whole + kChunk / 100) << noise;
  }
}

TEST(ChunkDeflate, NoiseInTheTopPlaneIsStoredAndTheRunsBelowStayRuns) {
  // Plane 7 noise over slowly varying planes: the noise is stored, each plane below is a runs
  // block of a few dozen bytes, and the stream still decodes.
  Compressor comp;
  auto c = chunk(kPlane, 0, 3);
  labtwin::sim::RandomStream rng(9, 0, "top");
  for (std::size_t i = 0; i < kPlane; ++i)
    c[7 * kPlane + i] = static_cast<unsigned char>(rng.below(256));
  std::vector<unsigned char> z;
  la::deflate_planes(comp.c, c.data(), kPlanes, kPlane, z);
  EXPECT_EQ(inflate_all(z, kChunk), c);
  EXPECT_GE(z.size(), kPlane);
  EXPECT_LT(z.size(), kPlane + 7 * 64 + 64);
}

// A chunk of doubles, shuffled as HDF5's filter does (byte b of sample i at b * kPlane + i).
std::vector<unsigned char> shuffled_doubles(const std::vector<double>& v) {
  std::vector<unsigned char> c(kChunk, 0);
  for (std::size_t i = 0; i < v.size(); ++i) {
    unsigned char b[8];
    std::memcpy(b, &v[i], 8);
    for (std::size_t k = 0; k < kPlanes; ++k) c[k * kPlane + i] = b[k];
  }
  return c;
}

TEST(ChunkDeflate, StepsOfZeroAndOneAreCopiesAtDistanceTwo) {
  // A compressor switching on and off at every sample: planes 0-5 are zero, planes 6 and 7
  // alternate (00 F0 ..., 00 3F ...): no plane repeats at distance 1, both do at distance 2.
  Compressor comp;
  std::vector<double> v(kPlane);
  for (std::size_t i = 0; i < kPlane; ++i) v[i] = static_cast<double>(i % 2);
  const auto c = shuffled_doubles(v);
  std::vector<unsigned char> z;
  la::deflate_planes(comp.c, c.data(), kPlanes, kPlane, z);
  EXPECT_EQ(inflate_all(z, kChunk), c);
  EXPECT_LT(z.size(), kPlanes * 32);  // 16 copies of 258 and a literal or two per plane
  // The same as a last chunk of 3,000 samples.
  std::vector<double> tail(3000);
  for (std::size_t i = 0; i < tail.size(); ++i) tail[i] = static_cast<double>(i % 2);
  const auto t = shuffled_doubles(tail);
  la::deflate_padded_planes(t.data(), kPlanes, kPlane, tail.size(), z);
  EXPECT_EQ(inflate_all(z, kChunk), t);
  EXPECT_LT(z.size(), kPlanes * 64);
}

TEST(ChunkDeflate, DeflateOnlyAboveTheHighestNoisePlane) {
  // Plane 3 and plane 5 have a small alphabet (4 bits a byte: neither noise nor runs). Plane 4 is
  // noise. Plane 5, above the noise, is deflated (with the runs above it); plane 3, below it, is
  // stored: deflate would have to skip through the noise to reach it.
  Compressor comp;
  auto c = chunk(kPlane, 3, 11);
  labtwin::sim::RandomStream rng(12, 0, "alphabet");
  for (std::size_t i = 0; i < kPlane; ++i) {
    c[3 * kPlane + i] = static_cast<unsigned char>(rng.below(16));
    c[4 * kPlane + i] = static_cast<unsigned char>(rng.below(256));
    c[5 * kPlane + i] = static_cast<unsigned char>(rng.below(16));
  }
  std::vector<unsigned char> z;
  la::deflate_planes(comp.c, c.data(), kPlanes, kPlane, z);
  EXPECT_EQ(inflate_all(z, kChunk), c);
  EXPECT_GE(z.size(), 5 * kPlane);                    // planes 0-4 stored
  EXPECT_LT(z.size(), 5 * kPlane + kPlane * 6 / 10);  // plane 5 near 4 bits a byte, 6-7 tiny
}

TEST(ChunkDeflate, PaddedRunsPlanesCostAFewBytes) {
  // A 3,000-sample last chunk of slowly varying planes: runs for the data, runs for the padding.
  const auto c = chunk(3000, 0, 5);
  std::vector<unsigned char> z;
  la::deflate_padded_planes(c.data(), kPlanes, kPlane, 3000, z);
  EXPECT_EQ(inflate_all(z, kChunk), c);
  EXPECT_LT(z.size(), kPlanes * 64);
}

}  // namespace
