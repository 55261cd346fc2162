// Hand-built zlib streams for shuffled series chunks (see chunk_deflate.hpp). Deflate format per
// RFC 1951: bits are packed least significant first; Huffman codes go most significant bit
// first; stored blocks start on a byte boundary. The zlib wrapper (RFC 1950) is the header 78 01
// and the Adler-32 of the uncompressed bytes, big-endian.
#include "labtwin/adapters/chunk_deflate.hpp"

#include <libdeflate.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace labtwin::adapters {
namespace {

// zlib header: deflate with a 32 KiB window, "fastest" level, no dictionary (0x7801 % 31 == 0).
void zlib_header(std::vector<unsigned char>& out) {
  out.push_back(0x78);
  out.push_back(0x01);
}

/// Appends bits to a byte vector, least significant bit first.
class BitWriter {
 public:
  explicit BitWriter(std::vector<unsigned char>& out) : out_(out) {}
  /// The low `n` bits of `v` (n <= 32).
  void bits(std::uint32_t v, int n) {
    acc_ |= static_cast<std::uint64_t>(v) << fill_;
    fill_ += n;
    while (fill_ >= 8) {
      out_.push_back(static_cast<unsigned char>(acc_));
      acc_ >>= 8;
      fill_ -= 8;
    }
  }
  /// A Huffman code of `n` bits, most significant bit first.
  void code(std::uint32_t c, int n) {
    std::uint32_t r = 0;
    for (int i = 0; i < n; ++i) r |= ((c >> i) & 1U) << (n - 1 - i);
    bits(r, n);
  }
  /// True on a byte boundary.
  bool aligned() const { return fill_ == 0; }
  /// Pads with zero bits to the next byte boundary.
  void align() {
    if (fill_ > 0) bits(0, 8 - fill_);
  }
  /// Raw bytes (the writer must be aligned).
  void bytes(const unsigned char* p, std::size_t n) { out_.insert(out_.end(), p, p + n); }

 private:
  std::vector<unsigned char>& out_;
  std::uint64_t acc_ = 0;
  int fill_ = 0;
};

// Stored block: BFINAL, BTYPE 00, pad, LEN, NLEN, the bytes (n <= 65535).
void stored_block(BitWriter& w, const unsigned char* p, std::size_t n, bool last) {
  w.bits(last ? 1 : 0, 1);
  w.bits(0, 2);
  w.align();
  const auto len = static_cast<std::uint32_t>(n);
  w.bits(len, 16);
  w.bits(~len & 0xFFFFU, 16);
  w.bytes(p, n);
}

// The fixed-Huffman literal/length codes (RFC 1951, 3.2.6), bit-reversed for the LSB-first
// stream, with their lengths.
struct FixedCodes {
  std::array<std::uint16_t, 288> code{};
  std::array<std::uint8_t, 288> len{};
  constexpr FixedCodes() {
    for (unsigned s = 0; s < 288; ++s) {
      unsigned c = 0, n = 0;
      if (s < 144) {
        c = 0x30 + s, n = 8;
      } else if (s < 256) {
        c = 0x190 + (s - 144), n = 9;
      } else if (s < 280) {
        c = s - 256, n = 7;
      } else {
        c = 0xC0 + (s - 280), n = 8;
      }
      unsigned r = 0;
      for (unsigned i = 0; i < n; ++i) r |= ((c >> i) & 1U) << (n - 1 - i);
      code[s] = static_cast<std::uint16_t>(r);
      len[s] = static_cast<std::uint8_t>(n);
    }
  }
};
constexpr FixedCodes kFixed{};

// Fixed-Huffman literal/length code of symbol s.
void fixed_symbol(BitWriter& w, unsigned s) { w.bits(kFixed.code[s], kFixed.len[s]); }

// Copy lengths (RFC 1951, 3.2.5): length code 257 + k covers kLenBase[k] and kLenExtra[k] extra
// bits above it.
constexpr std::array<unsigned short, 29> kLenBase = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                                     15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                                     67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr std::array<unsigned char, 29> kLenExtra = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                                     2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};

// The k of a copy of `len` (3..258) bytes.
unsigned length_index(unsigned len) {
  unsigned k = 28;
  while (kLenBase[k] > len) --k;
  return k;
}

// Fixed-Huffman length code (257..285) of a copy of `len` (3..258) bytes.
void copy_length(BitWriter& w, unsigned len) {
  const unsigned k = length_index(len);
  fixed_symbol(w, 257 + k);
  if (kLenExtra[k] > 0) w.bits(len - kLenBase[k], kLenExtra[k]);
}

// A copy of `len` (3..258) bytes from distance `d` (1..4: distance codes 0..3, no extra bits).
void copy(BitWriter& w, unsigned len, unsigned d) {
  copy_length(w, len);
  w.code(d - 1, 5);  // distance codes are 5 bits, most significant first
}

// Bits of a fixed-Huffman copy of `len` bytes: length code, its extra bits, distance code.
std::size_t copy_bits(unsigned len) {
  const unsigned k = length_index(len);
  return std::size_t{kFixed.len[257 + k]} + kLenExtra[k] + 5;
}

// Splits a run of `left` >= 3 bytes into copies of 3..258 (none shorter than 3).
template <class Emit>
void split_run(std::size_t left, Emit emit) {
  while (left > 0) {
    unsigned len = left > 258 ? 258 : static_cast<unsigned>(left);
    if (left > 258 && left - 258 < 3) len = static_cast<unsigned>(left - 3);
    emit(len);
    left -= len;
  }
}

static_assert(std::endian::native == std::endian::little, "run_end counts bytes from the low end");

// The end of the run of bytes from i on that equal the byte d before them (i >= d): eight bytes
// at a time.
std::size_t run_end(const unsigned char* p, std::size_t n, std::size_t i, unsigned d) {
  std::size_t j = i;
  while (j + 8 <= n) {
    std::uint64_t a = 0, b = 0;
    std::memcpy(&a, p + j, 8);
    std::memcpy(&b, p + j - d, 8);
    if (const std::uint64_t x = a ^ b; x != 0)
      return j + static_cast<std::size_t>(std::countr_zero(x)) / 8;  // little-endian
    j += 8;
  }
  while (j < n && p[j] == p[j - d]) ++j;
  return j;
}

// Greedy literal / copy-from-distance-d parse of a plane: calls literal(i) for a byte and
// run(i, n) for n >= 3 bytes equal to the bytes d before them, while stop() is false.
template <class Literal, class Run, class Stop>
void parse_runs(const unsigned char* p, std::size_t n, unsigned d, Literal literal, Run run,
                Stop stop) {
  std::size_t i = 0;
  while (i < n && !stop()) {
    if (i >= d) {
      const std::size_t j = run_end(p, n, i, d);
      if (j - i >= 3) {
        run(i, j - i);
        i = j;
        continue;
      }
    }
    literal(i);
    ++i;
  }
}

// Bits of a plane as one fixed-Huffman block of literals and copies from distance d, or
// anything above `budget` once it is clear the plane needs more.
std::size_t runs_bits(const unsigned char* p, std::size_t n, unsigned d, std::size_t budget) {
  std::size_t bits = 3 + 7;  // block header, end of block
  parse_runs(
      p, n, d, [&](std::size_t i) { bits += kFixed.len[p[i]]; },
      [&](std::size_t, std::size_t len) {
        split_run(len, [&](unsigned l) { bits += copy_bits(l); });
      },
      [&] { return bits > budget; });
  return bits;
}

// A plane as one fixed-Huffman block of literals and copies from distance d.
void runs_block(BitWriter& w, const unsigned char* p, std::size_t n, unsigned d, bool last) {
  w.bits(last ? 1 : 0, 1);
  w.bits(1, 2);  // BTYPE 01: fixed Huffman
  parse_runs(
      p, n, d, [&](std::size_t i) { fixed_symbol(w, p[i]); },
      [&](std::size_t, std::size_t len) { split_run(len, [&](unsigned l) { copy(w, l, d); }); },
      [] { return false; });
  fixed_symbol(w, 256);  // end of block
}

// One fixed-Huffman block of `z` zero bytes: a zero literal, then distance-1 copies.
void zero_block(BitWriter& w, std::size_t z, bool last) {
  w.bits(last ? 1 : 0, 1);
  w.bits(1, 2);  // BTYPE 01: fixed Huffman
  fixed_symbol(w, 0);
  if (z - 1 >= 3) {
    split_run(z - 1, [&](unsigned l) { copy(w, l, 1); });
  } else {
    for (std::size_t i = 1; i < z; ++i) fixed_symbol(w, 0);
  }
  fixed_symbol(w, 256);  // end of block
}

void adler_trailer(std::vector<unsigned char>& out, const unsigned char* p, std::size_t n) {
  const std::uint32_t a = libdeflate_adler32(1, p, n);
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<unsigned char>(a >> s));
}

// Renyi (collision) entropy of a byte plane above 7 bits: deflate would gain under 1/8.
bool looks_random(const unsigned char* p, std::size_t n) {
  std::array<std::uint32_t, 256> h{};
  for (std::size_t i = 0; i < n; ++i) ++h[p[i]];
  std::uint64_t sq = 0;
  for (std::uint32_t c : h) sq += static_cast<std::uint64_t>(c) * c;
  // H2 = -log2(sum p^2) > 7  <=>  sum c^2 < n^2 / 128.
  return sq * 128 < static_cast<std::uint64_t>(n) * n;
}

// When n bytes encode as runs (literals and copies from distance 1 or 2) in at most a quarter of
// their bits, the distance to use; else 0. Most bytes of a runs plane equal the one d before, so
// a probe of its first 256 bytes turns the others away cheaply.
unsigned runs_distance(const unsigned char* p, std::size_t n) {
  const std::size_t budget = n * 8 / 4;
  const std::size_t probe = std::min<std::size_t>(n, 256);
  std::size_t same1 = 0, same2 = 0;
  for (std::size_t i = 2; i < probe; ++i) {
    same1 += p[i] == p[i - 1];
    same2 += p[i] == p[i - 2];
  }
  if (same1 * 2 >= probe && runs_bits(p, n, 1, budget) <= budget) return 1;
  if (same2 * 2 >= probe && runs_bits(p, n, 2, budget) <= budget) return 2;
  return 0;
}

}  // namespace

std::size_t deflate_planes(libdeflate_compressor* c, const unsigned char* shuffled,
                           std::size_t planes, std::size_t plane, std::vector<unsigned char>& out) {
  const std::size_t total = planes * plane;
  if (plane == 0 || plane > 65535 || planes > 64)
    throw std::invalid_argument("deflate_planes: need 0 < plane <= 65535, planes <= 64");
  // Each plane: runs (a fixed-Huffman block of literals and copies from distance 1 or 2, when
  // that takes at most a quarter of its bytes: constant planes, slow high bytes, 0/1 steps),
  // stored (noise), or deflated (the rest). libdeflate ends its stream, so it takes the planes
  // from the lowest one that needs it up to the top; below that, runs and stored blocks.
  enum Mode : unsigned char { kStored, kRuns, kDeflate };
  Mode mode[64];
  unsigned dist[64] = {};
  // From the top down: runs, or deflated while no noise plane was met; from the first noise
  // plane down, what is not runs is stored (deflate would only skip through noise).
  std::size_t first_deflate = planes;
  bool noise = false;
  for (std::size_t b = planes; b-- > 0;) {
    const unsigned char* p = shuffled + b * plane;
    if ((dist[b] = runs_distance(p, plane)) != 0) {
      mode[b] = kRuns;
    } else if (noise || looks_random(p, plane)) {
      mode[b] = kStored;
      noise = true;
    } else {
      mode[b] = kDeflate;
      first_deflate = b;
    }
  }
  if (first_deflate == 0) {
    out.resize(libdeflate_zlib_compress_bound(c, total));
    const std::size_t n = libdeflate_zlib_compress(c, shuffled, total, out.data(), out.size());
    if (n == 0) throw std::logic_error("deflate output exceeds its bound");
    out.resize(n);
    return n;
  }
  const std::size_t rest = total - first_deflate * plane;
  std::vector<unsigned char>& buf = out;
  buf.clear();
  buf.reserve(16 + first_deflate * (plane + 8) +
              (rest > 0 ? libdeflate_deflate_compress_bound(c, rest) : 0));
  zlib_header(buf);
  BitWriter w(buf);
  for (std::size_t b = 0; b < first_deflate;) {
    if (mode[b] == kRuns) {
      runs_block(w, shuffled + b * plane, plane, dist[b], rest == 0 && b + 1 == planes);
      ++b;
      continue;
    }
    // Consecutive stored planes as few stored blocks (at most 65535 bytes each).
    std::size_t e = b + 1;
    while (e < first_deflate && mode[e] == kStored && (e + 1 - b) * plane <= 65535) ++e;
    stored_block(w, shuffled + b * plane, (e - b) * plane, rest == 0 && e == first_deflate);
    b = e;
  }
  if (rest > 0) {
    // libdeflate's stream starts on a byte boundary: after a runs block, an empty stored block
    // gets there (as zlib's sync flush does).
    if (!w.aligned()) stored_block(w, nullptr, 0, false);
    const std::size_t head = buf.size();
    buf.resize(head + libdeflate_deflate_compress_bound(c, rest));
    const std::size_t n = libdeflate_deflate_compress(c, shuffled + first_deflate * plane, rest,
                                                      buf.data() + head, buf.size() - head);
    if (n == 0) throw std::logic_error("deflate output exceeds its bound");
    buf.resize(head + n);
  } else {
    w.align();
  }
  adler_trailer(buf, shuffled, total);
  return buf.size();
}

std::size_t deflate_padded_planes(const unsigned char* shuffled, std::size_t planes,
                                  std::size_t plane, std::size_t n,
                                  std::vector<unsigned char>& out) {
  if (n == 0 || n >= plane || plane > 65535)
    throw std::invalid_argument("deflate_padded_planes: need 0 < n < plane <= 65535");
  out.clear();
  out.reserve(2 + planes * (n + 5 + 8 + (plane - n) / 258 * 2) + 8);
  zlib_header(out);
  BitWriter w(out);
  for (std::size_t b = 0; b < planes; ++b) {
    const unsigned char* p = shuffled + b * plane;
    if (const unsigned d = n >= 16 ? runs_distance(p, n) : 0; d != 0)
      runs_block(w, p, n, d, false);
    else
      stored_block(w, p, n, false);
    zero_block(w, plane - n, b + 1 == planes);
  }
  w.align();
  adler_trailer(out, shuffled, planes * plane);
  return out.size();
}

}  // namespace labtwin::adapters
