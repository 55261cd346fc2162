#pragma once
/// @file zlib streams (RFC 1950/1951) for shuffled series chunks, built so that the work
/// goes where the bytes compress. A chunk of 8-byte samples after HDF5's shuffle filter is 8 byte
/// planes (least significant byte first). The low planes of timestamps and temperatures are
/// noise that deflate cannot shrink but spends most of its time on; the high planes are runs.
/// Both encoders write what HDF5's deflate filter (zlib inflate) reads.
#include <cstddef>
#include <vector>

struct libdeflate_compressor;

namespace labtwin::adapters {

/// A full chunk of `planes` byte planes of `plane` bytes each (plane <= 65535, planes <= 64).
/// Each plane is one of: runs (a fixed-Huffman block of literals and copies from distance 1 or
/// 2, when that takes at most a quarter of its bytes: constant planes, slowly varying high
/// bytes, 0/1 steps; no search), stored (noise: Renyi entropy of its bytes above 7 bits), or
/// deflated by `c` (libdeflate). libdeflate ends the stream, so it takes the planes from the
/// lowest one that needs it up to the top, and only above the highest noise plane (below it
/// what is not runs is stored); the whole chunk by `c` when plane 0 needs it. Writes into `out`
/// and returns the size.
std::size_t deflate_planes(libdeflate_compressor* c, const unsigned char* shuffled,
                           std::size_t planes, std::size_t plane, std::vector<unsigned char>& out);

/// A partial last chunk: in every plane only the first `n` bytes (0 < n < plane) are data and the
/// rest is zero (HDF5's fill value). Each plane's data is a runs block (as in deflate_planes) or
/// a stored block, and its zero run one fixed-Huffman block of a zero literal and distance-1
/// copies, so the padding costs a few bytes and nothing is searched. Writes into `out` and
/// returns the size.
std::size_t deflate_padded_planes(const unsigned char* shuffled, std::size_t planes,
                                  std::size_t plane, std::size_t n,
                                  std::vector<unsigned char>& out);

}  // namespace labtwin::adapters
