#pragma once
/// @file Atomic output files: write to a temporary beside the target, fsync, rename.
///
/// An interrupted run never leaves a half-written output: either the old file (or none) is
/// there, or the complete new one.
#include <filesystem>
#include <functional>
#include <string_view>

namespace labtwin::adapters {

/// Writes `content` to `path` atomically; throws std::runtime_error naming the path on failure.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

/// Lets `writer` produce a file at a temporary path (e.g. an HDF5 library that wants a file
/// name), then fsyncs and renames it to `path`; the temporary is removed if `writer` throws.
void produce_file_atomic(const std::filesystem::path& path,
                         const std::function<void(const std::filesystem::path& tmp)>& writer);

}  // namespace labtwin::adapters
