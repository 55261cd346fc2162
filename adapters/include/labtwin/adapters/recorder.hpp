#pragma once
/// @file Records a model's signals while it runs: a kernel observer (for periodic sampling
/// and the end of a run) and a signal listener (for changes). Samples go to a SampleSink
/// (results.h5, memory). Per series: on change, every dt, or decimated (per dt bucket the
/// first, lowest, highest and last sample, in time order: peaks survive). See
/// docs/results-format.md.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "labtwin/adapters/results_h5.hpp"
#include "labtwin/sim/observer.hpp"
#include "labtwin/sim/signals.hpp"
#include "labtwin/twin/scenario_def.hpp"

namespace labtwin::adapters {

/// When a series takes a sample.
enum class SamplePolicy : std::uint8_t {
  kOnChange,  ///< at every emission whose value differs from the last recorded one
  kEvery,     ///< on a regular grid (probed: no events are added to the calendar)
  kDecimate,  ///< on change, reduced to first/min/max/last per bucket of `every`
};

/// Which signals to record and how; entity and signal may be "*" (all).
struct RecordSpec {
  std::string entity = "*";                       ///< entity id or "*"
  std::string signal = "*";                       ///< signal name or "*"
  SamplePolicy policy = SamplePolicy::kOnChange;  ///< when to sample
  sim::Time every{};                              ///< period for kEvery / bucket for kDecimate
};

/// The recording plan of a scenario's `outputs.series:`; empty = every signal on change.
/// Throws std::invalid_argument for an `every`/`decimate` entry without a period.
std::vector<RecordSpec> record_specs(const twin::OutputsDef& outputs);

/// Where recorded samples go. The recorder hands them over in batches (one virtual call per
/// batch, not per sample: recording stays off the per-event hot path).
class SampleSink {
 public:
  virtual ~SampleSink() = default;
  /// Declares a series; returns the sink's handle for it.
  virtual std::uint32_t add_series(const sim::SignalInfo& info) = 0;
  /// Takes a batch of samples in the order they were recorded (times non-decreasing per
  /// series; `t_us` is simulated time in ticks). The sink may keep the vector's storage (swap it
  /// out); it leaves `batch` empty, ideally with capacity for the next batch.
  virtual void append(std::vector<SampleRecord>& batch) = 0;
};

/// A sink that keeps everything in memory (tests, synthetic telemetry).
class MemorySink final : public SampleSink {
 public:
  /// One recorded series.
  struct Series {
    sim::SignalInfo info;       ///< what it is
    std::vector<sim::Time> t;   ///< sample times
    std::vector<double> value;  ///< samples
  };
  std::uint32_t add_series(const sim::SignalInfo& info) override;
  void append(std::vector<SampleRecord>& batch) override;
  /// Everything recorded, in declaration order.
  const std::vector<Series>& series() const { return series_; }
  /// The series "entity/signal", or nullptr.
  const Series* find(const std::string& entity, const std::string& signal) const;

 private:
  std::vector<Series> series_;
};

/// Records the signals of one model run into a sink.
class Recorder final : public sim::Observer, public sim::SignalListener {
 public:
  /// Resolves `specs` against `table` (the first spec that matches a signal wins; a spec that
  /// matches nothing throws std::invalid_argument naming it), declares one series per
  /// recorded signal in `sink`, takes every series' value at `now`, and subscribes to the
  /// table. Attach it to the kernel too when needs_observer(): `sim.add_observer(&recorder)`.
  Recorder(sim::SignalTable& table, const std::vector<RecordSpec>& specs, SampleSink& sink,
           sim::Time now);
  ~Recorder() override;
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  void on_signal(sim::SignalId id, sim::Time t, double value) override;
  void on_time_advance(sim::Time from, sim::Time to) override;
  void on_end(sim::Time now) override;
  /// Ends the recording at `now`: flushes decimation buckets, closes every on-change series
  /// with its value at `now` (so a plot or a replay reaches the end of the run) and hands the
  /// last batch to the sink.
  void finish(sim::Time now);
  /// Hands the samples taken so far to the sink (a live view calls it before it reads the
  /// sink; otherwise batches go when full and at finish()).
  void flush();

  /// True when some series samples on a grid: only then must the recorder observe the kernel
  /// (sim.add_observer); otherwise leaving it off keeps the kernel on its hook-free path.
  bool needs_observer() const { return !periodic_.empty(); }
  /// Number of recorded series.
  std::size_t series() const { return series_.size(); }
  /// Samples handed to the sink so far.
  std::uint64_t samples() const { return samples_; }

 private:
  // What on_signal touches, 32 bytes a series (a thousand series stay in L1/L2 beside the
  // model); the rest is in Cold.
  struct Series {
    double last = 0.0;
    std::int64_t last_t = 0;
    // kOnChange of a continuous signal: the last unchanged emission not yet recorded. It is
    // recorded before the next change, so a flat stretch stays flat between the samples (a
    // reader interpolates linearly) instead of sloping from its start.
    std::int64_t held_t = 0;
    std::uint32_t sink_id = 0;
    SamplePolicy policy = SamplePolicy::kOnChange;
    bool has_last = false;
    bool continuous = false;
    bool held = false;
  };
  static_assert(sizeof(Series) == 32);
  struct Cold {
    sim::SignalId signal = 0;
    std::int64_t period = 0;  // ticks
    std::int64_t due = 0;     // kEvery: next grid time
    // kDecimate bucket
    std::int64_t bucket = std::numeric_limits<std::int64_t>::min();
    int n = 0;
    sim::Time t_first{}, t_min{}, t_max{}, t_last{};
    double v_first = 0, v_min = 0, v_max = 0, v_last = 0;
  };
  void put(std::size_t k, sim::Time t, double v);
  // kOnChange: an unchanged value is dropped (a continuous one remembered as held), a changed
  // one taken, after the end of the flat stretch before it.
  void on_change(Series& s, std::int64_t t, double v) {
    if (s.has_last && v == s.last) {
      if (s.continuous && t > s.last_t) s.held = true, s.held_t = t;
      return;
    }
    if (s.held) {
      s.held = false;
      take(s.sink_id, s.held_t, s.last);
    }
    s.has_last = true;
    s.last = v;
    s.last_t = t;
    take(s.sink_id, t, v);
  }
  void take(std::uint32_t sink_id, std::int64_t t, double v) {
    batch_.push_back(SampleRecord{sink_id, t, v});
    ++samples_;
    if (batch_.size() >= kBatch) [[unlikely]]
      flush();
  }
  static constexpr std::size_t kBatch = 8192;
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;  // route_: signal not recorded
  static constexpr std::uint32_t kMore = 0x80000000u;  // route_: further series in more_
  void flush_bucket(std::size_t k);
  void sample_grid(std::int64_t before, bool inclusive);

  sim::SignalTable& table_;
  SampleSink& sink_;
  std::vector<Series> series_;
  std::vector<Cold> cold_;                        // parallel to series_
  std::vector<std::uint32_t> route_;              // signal id -> first series (| kMore), kNone
  std::vector<std::vector<std::uint32_t>> more_;  // signal id -> further series (rare)
  std::vector<std::uint32_t> periodic_;           // kEvery series
  std::int64_t next_due_ = std::numeric_limits<std::int64_t>::max();
  std::uint64_t samples_ = 0;
  std::vector<SampleRecord> batch_;  // capacity kBatch
};

}  // namespace labtwin::adapters
