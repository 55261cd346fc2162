// The hand-built zlib streams for shuffled chunks decode, with zlib's own inflate, to exactly
// the bytes they encode: partial (zero-padded) chunks of every length class, full chunks with
// noise planes (stored) under compressible ones (deflated), all-noise and all-run chunks. And
// they are small where it matters: the padding of a near-empty chunk costs a few bytes.
#include "labtwin/adapters/chunk_deflate.hpp"

#include <gtest/gtest.h>
#include <libdeflate.h>
#include <zlib.h>

#include <cstdint>
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
    // Never much worse than libdeflate on the whole chunk.
    std::vector<unsigned char> ref(libdeflate_zlib_compress_bound(comp.c, kChunk));
    const std::size_t whole =
        libdeflate_zlib_compress(comp.c, c.data(), kChunk, ref.data(), ref.size());
    EXPECT_LE(size, whole + whole / 50 + 64) << noise;
  }
}

TEST(ChunkDeflate, NoiseInTheTopPlaneStoresTheWholeChunk) {
  // Only a suffix of planes is deflated, from above the highest noise plane: with plane 7 noise
  // every plane is stored (one stored block of 32 KiB), and the stream still decodes.
  Compressor comp;
  auto c = chunk(kPlane, 0, 3);
  labtwin::sim::RandomStream rng(9, 0, "top");
  for (std::size_t i = 0; i < kPlane; ++i)
    c[7 * kPlane + i] = static_cast<unsigned char>(rng.below(256));
  std::vector<unsigned char> z;
  la::deflate_planes(comp.c, c.data(), kPlanes, kPlane, z);
  EXPECT_EQ(inflate_all(z, kChunk), c);
  EXPECT_GE(z.size(), kChunk);
}

}  // namespace
