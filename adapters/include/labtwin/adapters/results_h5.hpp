#pragma once
/// @file The results.h5 writer: series, meta, KPI, event and ledger tables of one run.
///
/// Layout in docs/results-format.md. A results.h5 is valid telemetry (read_telemetry_h5).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace labtwin::twin {
struct Kpi;
}  // namespace labtwin::twin
namespace labtwin::core {
struct DomainEvent;
}  // namespace labtwin::core
namespace labtwin::core::inventory {
struct Event;
}  // namespace labtwin::core::inventory

namespace labtwin::adapters {

/// One sample in a block: a series handle, a time in microseconds, a value. The recorder's
/// batches and the results writer's blocks share this layout, so a batch changes hands
/// without a copy.
struct SampleRecord {
  std::uint32_t series;  ///< the series handle
  std::int64_t t_us;     ///< time, us (simulated time in a recorder's batch)
  double value;          ///< the value
};

/// The run facts stored in `/meta`.
struct ResultsMeta {
  std::string scenario_name;      ///< meta.name of the scenario
  std::string scenario_path;      ///< file the scenario was loaded from
  std::string scenario_text;      ///< the full YAML (dataset /meta/scenario_text)
  std::string variant;            ///< variant name, "" for the base scenario
  std::string labtwin_version;    ///< e.g. "0.6.0"
  std::uint64_t seed = 0;         ///< scenario seed
  std::uint64_t replication = 0;  ///< replication index
  std::uint64_t fingerprint = 0;  ///< kernel fingerprint (stored as 16 hex digits)
  std::int64_t start_us = 0;      ///< simulation start, us since the epoch
  double horizon_s = 0;           ///< simulated horizon in seconds
};

/// Streams a results.h5: series samples are buffered per series and appended in chunks while
/// the run goes on (bounded memory); everything goes to a temporary file beside the target,
/// and commit() flushes, closes, fsyncs and renames it. Destroyed without commit(): the
/// temporary is removed and the target is untouched (a killed run leaves no corrupt file).
/// Not thread-safe (neither is the serial HDF5 library).
class ResultsWriter {
 public:
  /// Handle of a series returned by add_series.
  using SeriesId = std::uint32_t;
  /// Creates the temporary file beside `target`; throws TelemetryError when it cannot.
  explicit ResultsWriter(std::filesystem::path target);
  /// Removes the temporary unless commit() succeeded.
  ~ResultsWriter();
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;

  /// Creates `/series/<id>`; the id must be new, non-empty, without empty, "." or ".."
  /// components (std::invalid_argument otherwise).
  SeriesId add_series(std::string_view id, std::string_view unit,
                      std::string_view description = {});
  /// Appends one sample (time non-decreasing per series, value finite, else
  /// std::invalid_argument naming the series). Hot: no allocation per call.
  void append(SeriesId s, std::int64_t t_us, double value);
  /// Appends a block of samples (the recorder's batches): takes the vector's storage and
  /// leaves `block` empty with capacity for the next one. `offset_us` is added to every time
  /// (the scenario start, for simulated times). Checked like append() on the writer thread: a
  /// bad sample fails the writer, and the next call (or commit()) throws naming the series.
  void append_block(std::vector<SampleRecord>& block, std::int64_t offset_us);
  /// Writes `/meta` (once).
  void write_meta(const ResultsMeta& meta);
  /// Writes the `/kpi` table (once).
  void write_kpis(const std::vector<twin::Kpi>& kpis);
  /// Writes the `/events` table (once): the rows of `events` not streamed yet, then the table
  /// is complete.
  void write_events(const std::vector<core::DomainEvent>& events);
  /// While the run goes on: hands the rows of the growing event log `events` added since the
  /// last call to the writer (written in whole chunks as they fill). `events` must only grow.
  void stream_events(const std::vector<core::DomainEvent>& events);
  /// Writes the `/ledger` table (once) from the ledger's event log: its rows not streamed yet,
  /// then the table is complete.
  void write_ledger(const std::vector<core::inventory::Event>& events);
  /// While the run goes on: the ledger rows added since the last call (as stream_events).
  void stream_ledger(const std::vector<core::inventory::Event>& events);
  /// Flushes, closes, fsyncs and renames the temporary onto the target. Nothing may be called
  /// afterwards except samples() and the destructor.
  void commit();
  /// Waits until the background writer has written every full buffer handed to it (full
  /// buffers are compressed and written on a writer thread while the run goes on).
  void drain();
  /// Samples appended so far (over all series).
  std::size_t samples() const;
  /// CPU time of the writer thread, in seconds, once it has ended (after commit()); 0 before.
  double writer_cpu_seconds() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace labtwin::adapters
