#pragma once
/// @file The resume journal of a sweep: one line per finished replication, flushed and
/// fsync'd as it is written, behind a header that identifies the scenario, seed and plan.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "labtwin/adapters/sweep.hpp"

namespace labtwin::adapters {

/// A hash of what makes replications comparable: the scenario text, the seed, the horizon,
/// the variant names and the KPI columns (not the replication count: a resume may add more).
std::uint64_t sweep_plan_hash(std::string_view scenario_text, std::uint64_t seed,
                              std::int64_t until_ticks, const std::vector<std::string>& variants,
                              const std::vector<KpiColumn>& kpis);

/// One journal record.
struct JournalRecord {
  std::size_t variant = 0;      ///< variant index
  std::size_t replication = 0;  ///< replication index
  Replication run;              ///< fingerprint and KPI values
};

/// An append-only journal file (POSIX descriptor; every line is fsync'd).
class SweepJournal {
 public:
  /// Starts a new journal at `path` (replacing any old one) with a header carrying `hash`;
  /// throws std::runtime_error naming the path on failure.
  static SweepJournal create(const std::filesystem::path& path, std::uint64_t hash);
  /// Reads the journal at `path`, checks its header against `hash` and keeps appending to it.
  /// A torn last line (killed mid-write) is dropped. Throws std::runtime_error with a clear
  /// message when the file is missing, malformed or was written for another scenario/plan.
  static SweepJournal resume(const std::filesystem::path& path, std::uint64_t hash,
                             std::size_t kpi_count, std::vector<JournalRecord>& records);
  SweepJournal(SweepJournal&& other) noexcept;
  SweepJournal& operator=(SweepJournal&& other) noexcept;
  SweepJournal(const SweepJournal&) = delete;
  SweepJournal& operator=(const SweepJournal&) = delete;
  ~SweepJournal();

  /// Appends one finished replication (KPI values as hex floats, exact) and syncs it.
  void append(std::size_t variant, std::size_t replication, const Replication& run) {
    write(variant, replication, run);
    sync();
  }
  /// Appends one line with a single write(2) (call serialized).
  void write(std::size_t variant, std::size_t replication, const Replication& run);
  /// Makes every line written so far durable (fdatasync; safe to call concurrently, so
  /// parallel workers share one disk flush instead of queueing behind each other's).
  void sync();

 private:
  explicit SweepJournal(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::filesystem::path path_;
};

/// Places journal records into the planned slots of `results` (records beyond the plan wait).
void absorb_records(SweepResults& results, const std::vector<JournalRecord>& records);

}  // namespace labtwin::adapters
