#pragma once
/// @file results.h5 of a sweep: group /sweep with the compound tables `replications` (one row
/// per finished replication: variant, replication, fingerprint, one float64 column per KPI)
/// and `summary` (one row per variant and KPI), and group /meta (scenario text, seed).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "labtwin/adapters/sweep.hpp"

namespace labtwin::adapters {

/// Writes results.h5 atomically (produce_file_atomic); throws std::runtime_error naming the path.
void write_sweep_h5(const std::filesystem::path& path, const SweepSummary& summary,
                    const SweepResults& results, const std::string& scenario_text,
                    std::uint64_t seed);

/// The replications table of a results.h5, read back (for tests and tools).
struct SweepH5Contents {
  std::vector<std::string> kpis;            ///< KPI column names, in file order
  std::vector<std::string> variant;         ///< per row
  std::vector<std::uint64_t> replication;   ///< per row
  std::vector<std::string> fingerprint;     ///< per row, 16 hex digits
  std::vector<std::vector<double>> values;  ///< per row, one per KPI column
  std::size_t summary_rows = 0;             ///< rows of /sweep/summary
  std::string scenario_text;                ///< /meta scenario attribute
  std::uint64_t seed = 0;                   ///< /meta seed attribute
};

/// Reads a results.h5 written by write_sweep_h5; throws std::runtime_error naming the path.
SweepH5Contents read_sweep_h5(const std::filesystem::path& path);

}  // namespace labtwin::adapters
