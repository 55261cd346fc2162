// Telemetry ingest and results recording, each beside its baseline in the same run:
//  - read_telemetry_h5 of a 2,000,000-sample series vs a raw HDF5 C-API read of the same two
//    datasets into preallocated vectors (goal: ratio >= 0.7);
//  - the CSV parse rate of a generated 1,000,000-row file (rows/s);
//  - ResultsWriter::append (+ commit: chunked, shuffled, deflated writes) vs plain
//    std::vector::push_back of the same samples;
//  - deflate levels 1..4 of the series layout: write time and bytes per sample (the choice of
//    detail::kDeflateLevel).
#include <benchmark/benchmark.h>

#if __has_include(<hdf5.h>)
#include <hdf5.h>
#else
#include <hdf5/serial/hdf5.h>  // Debian's layout; benches do not get HDF5's include path
#endif

#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cpu_time_reporter.hpp"
#include "labtwin/adapters/results_h5.hpp"
#include "labtwin/adapters/telemetry.hpp"
#include "labtwin_test/splitmix.hpp"

namespace {

namespace fs = std::filesystem;
using labtwin::adapters::ResultsWriter;

constexpr std::size_t kSamples = 2'000'000;
constexpr std::size_t kCsvRows = 1'000'000;
constexpr std::int64_t kT0 = 1'773'457'920'000'000;  // 2026-03-14T03:12:00Z

struct Data {
  fs::path dir;
  fs::path h5;
  std::vector<std::int64_t> t;
  std::vector<double> v;
  std::string csv;
};

Data& data() {
  static Data d;
  return d;
}

// A freezer's air temperature every 15 s: a compressor cycle, noise, 0.01 C sensor resolution.
void make_samples(Data& d) {
  labtwin::test::SplitMix64 rng{2026};
  d.t.resize(kSamples);
  d.v.resize(kSamples);
  for (std::size_t i = 0; i < kSamples; ++i) {
    d.t[i] = kT0 + static_cast<std::int64_t>(i) * 15'000'000;
    const double x = -80.0 + 1.5 * std::sin(static_cast<double>(i) * 0.02) + rng.uniform(-0.1, 0.1);
    d.v[i] = std::round(x * 100.0) / 100.0;
  }
}

// 1,000,000 rows of four sensors, interleaved, with zones and units as a monitoring export.
void make_csv(Data& d) {
  labtwin::test::SplitMix64 rng{7};
  d.csv = "timestamp,sensor_id,value,unit\n";
  d.csv.reserve(kCsvRows * 64);
  static const char* const kSensors[] = {"bldg2/ult-12/temp", "bldg2/ult-13/temp",
                                         "bldg2/ult-14/temp", "site/ambient"};
  char line[128];
  for (std::size_t i = 0; i < kCsvRows; ++i) {
    const std::size_t s = i % 4;
    const long long sec = static_cast<long long>(i / 4) * 15;
    const long long day = 14 + sec / 86400;
    const long long rem = sec % 86400;
    const int n = std::snprintf(line, sizeof line,
                                "2026-03-%02lldT%02lld:%02lld:%02lld.250+01:00,%s,%.2f,C\n",
                                1 + (day - 1) % 28, rem / 3600, rem / 60 % 60, rem % 60,
                                kSensors[s], -80.0 + rng.uniform(-2.0, 2.0));
    d.csv.append(line, static_cast<std::size_t>(n));
  }
}

void write_results_file(const fs::path& file, const Data& d) {
  ResultsWriter w(file);
  const auto s = w.add_series("bldg2/ult-12/temp", "C", "air temperature");
  for (std::size_t i = 0; i < kSamples; ++i) w.append(s, d.t[i], d.v[i]);
  w.commit();
}

void BM_ReadTelemetryH5(benchmark::State& state) {
  const Data& d = data();
  for (auto _ : state) {
    const auto set = labtwin::adapters::read_telemetry_h5(d.h5);
    benchmark::DoNotOptimize(set.series.data());
    if (set.samples() != kSamples) state.SkipWithError("wrong sample count");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kSamples));
}
BENCHMARK(BM_ReadTelemetryH5)->Unit(benchmark::kMillisecond);

// The baseline: open, read both datasets into preallocated vectors, close.
void BM_RawH5Read(benchmark::State& state) {
  const Data& d = data();
  std::vector<std::int64_t> t(kSamples);
  std::vector<double> v(kSamples);
  for (auto _ : state) {
    const hid_t f = H5Fopen(d.h5.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    const hid_t td = H5Dopen2(f, "/series/bldg2/ult-12/temp/time", H5P_DEFAULT);
    const hid_t vd = H5Dopen2(f, "/series/bldg2/ult-12/temp/value", H5P_DEFAULT);
    const herr_t a = H5Dread(td, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.data());
    const herr_t b = H5Dread(vd, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    H5Dclose(vd);
    H5Dclose(td);
    H5Fclose(f);
    if (a < 0 || b < 0) state.SkipWithError("raw read failed");
    benchmark::DoNotOptimize(t.data());
    benchmark::DoNotOptimize(v.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kSamples));
}
BENCHMARK(BM_RawH5Read)->Unit(benchmark::kMillisecond);

// The same raw read into vectors allocated per read, as any reader returning its samples must:
// shows how much of the gap is first-touch page faults of fresh memory, not the reader.
void BM_RawH5ReadFreshVectors(benchmark::State& state) {
  const Data& d = data();
  for (auto _ : state) {
    std::vector<std::int64_t> t(kSamples);
    std::vector<double> v(kSamples);
    const hid_t f = H5Fopen(d.h5.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    const hid_t td = H5Dopen2(f, "/series/bldg2/ult-12/temp/time", H5P_DEFAULT);
    const hid_t vd = H5Dopen2(f, "/series/bldg2/ult-12/temp/value", H5P_DEFAULT);
    const herr_t a = H5Dread(td, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.data());
    const herr_t b = H5Dread(vd, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    H5Dclose(vd);
    H5Dclose(td);
    H5Fclose(f);
    if (a < 0 || b < 0) state.SkipWithError("raw read failed");
    benchmark::DoNotOptimize(t.data());
    benchmark::DoNotOptimize(v.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kSamples));
}
BENCHMARK(BM_RawH5ReadFreshVectors)->Unit(benchmark::kMillisecond);

void BM_CsvParse(benchmark::State& state) {
  const Data& d = data();
  for (auto _ : state) {
    const auto set = labtwin::adapters::parse_telemetry_csv(d.csv, "bench.csv");
    benchmark::DoNotOptimize(set.series.data());
    if (set.samples() != kCsvRows) state.SkipWithError("wrong row count");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kCsvRows));
}
BENCHMARK(BM_CsvParse)->Unit(benchmark::kMillisecond);

void BM_WriterAppend(benchmark::State& state) {
  const Data& d = data();
  const fs::path file = d.dir / "append.h5";
  for (auto _ : state) write_results_file(file, d);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kSamples));
}
BENCHMARK(BM_WriterAppend)->Unit(benchmark::kMillisecond);

// The baseline: the same samples pushed into two plain vectors.
void BM_VectorPushBack(benchmark::State& state) {
  const Data& d = data();
  for (auto _ : state) {
    std::vector<std::int64_t> t;
    std::vector<double> v;
    for (std::size_t i = 0; i < kSamples; ++i) {
      t.push_back(d.t[i]);
      v.push_back(d.v[i]);
    }
    benchmark::DoNotOptimize(t.data());
    benchmark::DoNotOptimize(v.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kSamples));
}
BENCHMARK(BM_VectorPushBack)->Unit(benchmark::kMillisecond);

// The series layout written with the raw C API at deflate level `range(0)`: time and size.
void BM_DeflateLevel(benchmark::State& state) {
  const Data& d = data();
  const fs::path file = d.dir / "deflate.h5";
  const auto level = static_cast<unsigned>(state.range(0));
  for (auto _ : state) {
    const hid_t f = H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const hsize_t n = kSamples;
    const hsize_t chunk = 4096;
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 1, &chunk);
    H5Pset_shuffle(dcpl);
    H5Pset_deflate(dcpl, level);
    const hid_t td = H5Dcreate2(f, "time", H5T_STD_I64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    const hid_t vd = H5Dcreate2(f, "value", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Dwrite(td, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, d.t.data());
    H5Dwrite(vd, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, d.v.data());
    H5Dclose(vd);
    H5Dclose(td);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Fclose(f);
  }
  state.counters["bytes_per_sample"] =
      static_cast<double>(fs::file_size(file)) / static_cast<double>(kSamples);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kSamples));
}
BENCHMARK(BM_DeflateLevel)->DenseRange(1, 4)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  Data& d = data();
  d.dir = fs::temp_directory_path() / ("labtwin_telemetry_bench_" + std::to_string(::getpid()));
  fs::create_directories(d.dir);
  d.h5 = d.dir / "series.h5";
  make_samples(d);
  make_csv(d);
  write_results_file(d.h5, d);
  std::printf("series file: %zu samples, %.2f bytes/sample\n", kSamples,
              static_cast<double>(fs::file_size(d.h5)) / static_cast<double>(kSamples));

  labtwin::bench::CpuTimeReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  const auto rate = [&](const char* name, double items) {
    return items / (reporter.time(name) * 1e-3);  // times are in ms
  };
  const double ours = rate("BM_ReadTelemetryH5", kSamples);
  const double raw = rate("BM_RawH5Read", kSamples);
  std::printf(
      "\nread_telemetry_h5: %.3g samples/s, raw C API: %.3g samples/s, ratio %.3f "
      "(goal >= 0.7)\n",
      ours, raw, ours / raw);
  const double fresh = rate("BM_RawH5ReadFreshVectors", kSamples);
  std::printf(
      "raw C API into freshly allocated vectors: %.3g samples/s; read_telemetry_h5 / that: "
      "%.3f\n",
      fresh, ours / fresh);
  std::printf("CSV parse: %.3g rows/s (%.0f MB/s)\n", rate("BM_CsvParse", kCsvRows),
              rate("BM_CsvParse", static_cast<double>(d.csv.size())) / 1e6);
  const double append = rate("BM_WriterAppend", kSamples);
  const double push = rate("BM_VectorPushBack", kSamples);
  std::printf(
      "ResultsWriter append+commit: %.3g samples/s, vector push_back: %.3g samples/s, "
      "ratio %.3f\n",
      append, push, append / push);
  // Most of the writer's cost is the compression every results file pays.
  const double raw_write = rate("BM_DeflateLevel/1", kSamples);
  std::printf(
      "ResultsWriter append+commit vs a raw C-API write of the same layout (deflate 1): "
      "ratio %.3f\n",
      append / raw_write);
  std::error_code ec;
  fs::remove_all(d.dir, ec);
  return 0;
}
