// Hand-built zlib streams for shuffled series chunks (see chunk_deflate.hpp). Deflate format per
// RFC 1951: bits are packed least significant first; Huffman codes go most significant bit
// first; stored blocks start on a byte boundary. The zlib wrapper (RFC 1950) is the header 78 01
// and the Adler-32 of the uncompressed bytes, big-endian.
#include "labtwin/adapters/chunk_deflate.hpp"

#include <libdeflate.h>

#include <algorithm>
#include <array>
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

// Fixed-Huffman literal/length code of symbol s (RFC 1951, 3.2.6).
void fixed_symbol(BitWriter& w, unsigned s) {
  if (s < 144)
    w.code(0x30 + s, 8);
  else if (s < 256)
    w.code(0x190 + (s - 144), 9);
  else if (s < 280)
    w.code(s - 256, 7);
  else
    w.code(0xC0 + (s - 280), 8);
}

// A copy of `len` (3..258) bytes from distance 1, fixed Huffman (length codes 257..285).
void copy_distance1(BitWriter& w, unsigned len) {
  static constexpr std::array<unsigned short, 29> kBase = {
      3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
      31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
  static constexpr std::array<unsigned char, 29> kExtra = {
      0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
  unsigned k = 28;
  while (kBase[k] > len) --k;
  fixed_symbol(w, 257 + k);
  if (kExtra[k] > 0) w.bits(len - kBase[k], kExtra[k]);
  w.code(0, 5);  // distance code 0 = distance 1, no extra bits
}

// One fixed-Huffman block of `z` zero bytes: a zero literal, then distance-1 copies.
void zero_block(BitWriter& w, std::size_t z, bool last) {
  w.bits(last ? 1 : 0, 1);
  w.bits(1, 2);  // BTYPE 01: fixed Huffman
  fixed_symbol(w, 0);
  std::size_t left = z - 1;
  while (left > 0) {
    if (left < 3) {
      fixed_symbol(w, 0);
      --left;
      continue;
    }
    // Keep at least 3 for the last copy (or none), so no copy is shorter than 3.
    unsigned len = left > 258 ? 258 : static_cast<unsigned>(left);
    if (left > 258 && left - 258 < 3) len = static_cast<unsigned>(left - 3);
    copy_distance1(w, len);
    left -= len;
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

}  // namespace

std::size_t deflate_planes(libdeflate_compressor* c, const unsigned char* shuffled,
                           std::size_t planes, std::size_t plane, std::vector<unsigned char>& out) {
  const std::size_t total = planes * plane;
  // Planes [0, k) are stored; [k, planes) deflated.
  std::size_t k = planes;
  while (k > 0 && !looks_random(shuffled + (k - 1) * plane, plane)) --k;
  const std::size_t raw = k * plane;
  const std::size_t rest = total - raw;
  if (k == 0) {
    out.resize(libdeflate_zlib_compress_bound(c, total));
    const std::size_t n = libdeflate_zlib_compress(c, shuffled, total, out.data(), out.size());
    if (n == 0) throw std::logic_error("deflate output exceeds its bound");
    out.resize(n);
    return n;
  }
  std::vector<unsigned char>& buf = out;
  buf.clear();
  buf.reserve(8 + raw + 5 * (raw / 65535 + 1) + libdeflate_deflate_compress_bound(c, rest) + 4);
  zlib_header(buf);
  BitWriter w(buf);
  for (std::size_t at = 0; at < raw; at += 65535) {
    const std::size_t n = std::min<std::size_t>(65535, raw - at);
    stored_block(w, shuffled + at, n, rest == 0 && at + n == raw);
  }
  if (rest > 0) {
    const std::size_t head = buf.size();
    buf.resize(head + libdeflate_deflate_compress_bound(c, rest));
    const std::size_t n =
        libdeflate_deflate_compress(c, shuffled + raw, rest, buf.data() + head, buf.size() - head);
    if (n == 0) throw std::logic_error("deflate output exceeds its bound");
    buf.resize(head + n);
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
    stored_block(w, shuffled + b * plane, n, false);
    zero_block(w, plane - n, b + 1 == planes);
  }
  w.align();
  adler_trailer(out, shuffled, planes * plane);
  return out.size();
}

}  // namespace labtwin::adapters
