#pragma once
/// @file Recorded sensor telemetry: time series read from CSV or HDF5, written as HDF5.
///
/// The HDF5 layout (shared with results.h5, see docs/results-format.md): a series is a group
/// `/series/<sensor id>` (the id may contain '/', giving nested groups) holding two 1-D datasets
/// of equal length, `time` (int64 us since 1970-01-01T00:00:00Z, non-decreasing) and `value`
/// (float64, attribute `unit`).
///
/// CSV: `timestamp,sensor_id,value[,unit]` with a header row (names case-insensitive, any
/// order), ISO-8601 timestamps (a timestamp without a zone is UTC), quoted fields, CRLF, a UTF-8
/// BOM, blank lines and `#` comment lines.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace labtwin::adapters {

/// A telemetry error: names the file, the row (1-based line; 0 when none) and the field.
class TelemetryError : public std::runtime_error {
 public:
  /// what() = "FILE:LINE: error: FIELD: MESSAGE" (":LINE" omitted when 0, "FIELD: " when empty).
  TelemetryError(std::string file, std::size_t line, std::string field, const std::string& msg);
  /// The file the error is about.
  const std::string& file() const { return file_; }
  /// The 1-based line of a CSV row, or 0.
  std::size_t line() const { return line_; }
  /// The CSV column ("timestamp", "value", ...) or HDF5 object path ("/series/a/time").
  const std::string& field() const { return field_; }

 private:
  std::string file_;
  std::size_t line_ = 0;
  std::string field_;
};

/// One sensor's samples.
struct TelemetrySeries {
  std::string sensor;              ///< id, may contain '/'
  std::string unit;                ///< as given, trimmed ("" when none)
  std::vector<std::int64_t> t_us;  ///< us since the epoch (UTC), non-decreasing
  std::vector<double> value;       ///< same length as t_us; finite
};

/// All series of one telemetry file.
struct TelemetrySet {
  std::vector<TelemetrySeries> series;  ///< sorted by sensor id
  /// The series of `sensor`, or nullptr when absent.
  const TelemetrySeries* find(std::string_view sensor) const;
  /// Total number of samples over all series.
  std::size_t samples() const;
};

/// What to do with a row whose time is earlier than the previous row of the same sensor.
enum class Disorder { sort, reject };

/// Options of the CSV reader.
struct TelemetryReadOptions {
  Disorder disorder = Disorder::sort;  ///< out-of-order rows of one sensor: sort or error
  bool lenient = false;                ///< skip bad rows (counted) instead of failing
};

/// What the CSV reader saw.
struct TelemetryReadReport {
  /// Data rows seen (accepted + skipped) / skipped as bad (lenient) / out of order.
  std::size_t rows = 0, skipped = 0, reordered = 0;
  std::vector<std::string> skipped_messages;  ///< the first 20 skipped rows' errors
};

/// Parses CSV text; `file_name` is used in error messages only.
TelemetrySet parse_telemetry_csv(std::string_view text, const std::string& file_name,
                                 const TelemetryReadOptions& options = {},
                                 TelemetryReadReport* report = nullptr);
/// Reads and parses a CSV file.
TelemetrySet read_telemetry_csv(const std::filesystem::path& path,
                                const TelemetryReadOptions& options = {},
                                TelemetryReadReport* report = nullptr);
/// Reads every series under `/series` of an HDF5 file (validated: dtypes, lengths, finite
/// values, non-decreasing time).
TelemetrySet read_telemetry_h5(const std::filesystem::path& path);
/// By content: HDF5 signature -> h5, else CSV. Missing file -> TelemetryError.
TelemetrySet read_telemetry(const std::filesystem::path& path,
                            const TelemetryReadOptions& options = {},
                            TelemetryReadReport* report = nullptr);
/// Writes `set` in the series layout. Atomic (adapters/atomic_file.hpp produce_file_atomic).
void write_telemetry_h5(const std::filesystem::path& path, const TelemetrySet& set);

}  // namespace labtwin::adapters
