// The telemetry HDF5 reader and writer: bit-exact round trip, nested ids and units, a file in the
// h5py layout written with the raw C API, and every bad-input case as a TelemetryError naming
// the file and the dataset (never a crash).
#include <gtest/gtest.h>

#if __has_include(<hdf5.h>)
#include <hdf5.h>
#else
#include <hdf5/serial/hdf5.h>  // Debian's layout; the tests do not get HDF5's include path
#endif

#include <unistd.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "labtwin/adapters/telemetry.hpp"
#include "labtwin_test/temp_dir.hpp"

namespace labtwin::adapters {
namespace {

namespace fs = std::filesystem;

// One temporary directory per test.
struct TempDir : labtwin::test::TempDir {
  TempDir() : labtwin::test::TempDir("labtwin_h5_test") {}
};

// Raw C-API writer of the layout as h5py would write it (contiguous datasets, no chunking or
// filters, variable-length UTF-8 string attributes), with knobs to break it.
struct RawSeries {
  std::string path;             // e.g. "/series/bldg2/ult-12/temp"
  std::vector<std::int64_t> t;  // written as int64 unless time_as_float
  std::vector<double> v;        // written as float64 unless value_as_string
  std::string unit = "C";
  bool write_time = true;
  bool write_value = true;
  bool time_as_float = false;
  bool value_as_string = false;
  bool fixed_length_unit = false;  // numpy bytes instead of str
};

void write_string_attr(hid_t obj, const char* name, const std::string& s, bool fixed) {
  const hid_t type = H5Tcopy(H5T_C_S1);
  if (fixed) {
    H5Tset_size(type, s.size());
    H5Tset_strpad(type, H5T_STR_NULLPAD);
  } else {
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
  }
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  const char* p = s.c_str();
  if (fixed) {
    H5Awrite(attr, type, s.data());
  } else {
    H5Awrite(attr, type, &p);
  }
  H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
}

void write_raw(const fs::path& file, const std::vector<RawSeries>& series,
               bool with_series = true) {
  const hid_t f = H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  const hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  if (with_series) H5Gclose(H5Gcreate2(f, "/series", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  for (const RawSeries& s : series) {
    const hid_t g = H5Gcreate2(f, s.path.c_str(), lcpl, H5P_DEFAULT, H5P_DEFAULT);
    ASSERT_GE(g, 0) << s.path;
    if (s.write_time) {
      const hsize_t n = s.t.size();
      const hid_t space = H5Screate_simple(1, &n, nullptr);
      if (s.time_as_float) {
        std::vector<double> tf(s.t.begin(), s.t.end());
        const hid_t d =
            H5Dcreate2(g, "time", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, tf.data());
        H5Dclose(d);
      } else {
        const hid_t d =
            H5Dcreate2(g, "time", H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        H5Dwrite(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, s.t.data());
        write_string_attr(d, "unit", "us since 1970-01-01T00:00:00Z", false);
        H5Dclose(d);
      }
      H5Sclose(space);
    }
    if (s.write_value) {
      const hsize_t n = s.v.size();
      const hid_t space = H5Screate_simple(1, &n, nullptr);
      if (s.value_as_string) {
        const hid_t type = H5Tcopy(H5T_C_S1);
        H5Tset_size(type, H5T_VARIABLE);
        std::vector<std::string> text;
        for (double x : s.v) text.push_back(std::to_string(x));
        std::vector<const char*> ptrs;
        for (const auto& x : text) ptrs.push_back(x.c_str());
        const hid_t d = H5Dcreate2(g, "value", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data());
        H5Dclose(d);
        H5Tclose(type);
      } else {
        const hid_t d =
            H5Dcreate2(g, "value", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, s.v.data());
        write_string_attr(d, "unit", s.unit, s.fixed_length_unit);
        H5Dclose(d);
      }
      H5Sclose(space);
    }
    H5Gclose(g);
  }
  H5Pclose(lcpl);
  ASSERT_GE(H5Fclose(f), 0);
}

RawSeries good(const std::string& path) {
  RawSeries s;
  s.path = path;
  s.t = {1'000'000, 2'000'000, 2'000'000, 5'000'000};
  s.v = {-80.0, -79.5, -79.25, -60.0};
  return s;
}

// The what() of the TelemetryError read_telemetry_h5 throws ("(no error)" when none).
std::string h5_error(const fs::path& file) {
  try {
    (void)read_telemetry_h5(file);
  } catch (const TelemetryError& e) {
    EXPECT_EQ(e.file(), file.string());
    return e.what();
  }
  return "(no error)";
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

TEST(TelemetryH5, WriteReadRoundTripIsBitExact) {
  TempDir dir;
  TelemetrySet set;
  // Values chosen to catch any conversion: subnormal, -0.0, huge, pi, extremes of int64 time.
  TelemetrySeries a;
  a.sensor = "F-01/air_temperature";
  a.unit = "C";
  a.t_us = {std::numeric_limits<std::int64_t>::min() / 2, -1, 0, 1, 1'773'457'920'000'001,
            std::numeric_limits<std::int64_t>::max()};
  a.value = {
      std::numeric_limits<double>::denorm_min(), -0.0, 1e308, 3.141592653589793, -1.0 / 3.0, 0.1};
  TelemetrySeries b;
  b.sensor = "bldg2/ult-12/temp";
  b.unit = "K";
  for (int i = 0; i < 10'007; ++i) {  // more than two chunks of 4096
    b.t_us.push_back(1'773'457'920'000'000 + std::int64_t{i} * 250'000);
    b.value.push_back(193.15 + std::sin(i * 0.01));
  }
  TelemetrySeries c;
  c.sensor = "empty";
  c.unit = "";
  set.series = {a, b, c};
  const fs::path file = dir / "t.h5";
  write_telemetry_h5(file, set);
  const TelemetrySet back = read_telemetry_h5(file);
  ASSERT_EQ(back.series.size(), 3u);
  for (std::size_t k = 0; k < 3; ++k) {
    const auto& w = set.series[k];
    const auto& r = back.series[k];
    EXPECT_EQ(r.sensor, w.sensor);
    EXPECT_EQ(r.unit, w.unit);
    EXPECT_EQ(r.t_us, w.t_us);
    ASSERT_EQ(r.value.size(), w.value.size());
    for (std::size_t i = 0; i < w.value.size(); ++i) {
      ASSERT_EQ(std::bit_cast<std::uint64_t>(r.value[i]), std::bit_cast<std::uint64_t>(w.value[i]))
          << w.sensor << " sample " << i;
    }
  }
  // By-content dispatch finds the HDF5 signature.
  EXPECT_EQ(read_telemetry(file).samples(), set.samples());
  // Nothing left beside the target (atomic write).
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) files += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 1u);
}

TEST(TelemetryH5, WriterRejectsWhatTheReaderWouldReject) {
  TempDir dir;
  TelemetrySet set;
  set.series.push_back({"a", "C", {2, 1}, {0.0, 1.0}});
  EXPECT_THROW(write_telemetry_h5(dir / "x.h5", set), TelemetryError);
  set.series[0] = {"a", "C", {1, 2}, {0.0, std::nan("")}};
  EXPECT_THROW(write_telemetry_h5(dir / "x.h5", set), TelemetryError);
  set.series[0] = {"/a", "C", {1}, {0.0}};
  EXPECT_THROW(write_telemetry_h5(dir / "x.h5", set), TelemetryError);
  EXPECT_FALSE(fs::exists(dir / "x.h5"));
}

TEST(TelemetryH5, ReadsTheH5pyLayoutWrittenWithTheRawCApi) {
  TempDir dir;
  const fs::path file = dir / "h5py.h5";
  RawSeries temp = good("/series/bldg2/ult-12/temp");
  RawSeries power = good("/series/site/grid_feed");
  power.unit = "W";
  power.fixed_length_unit = true;  // numpy bytes attribute
  power.v = {1500, 1600, 1700, 0};
  write_raw(file, {temp, power});
  // Unrelated objects are ignored: a dataset beside the series, an empty group.
  {
    const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    H5Gclose(H5Gcreate2(f, "/series/empty_group", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    const hsize_t n = 2;
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    const int flags[2] = {1, 0};
    const hid_t d = H5Dcreate2(f, "/series/bldg2/ult-12/temp/quality", H5T_STD_I32LE, space,
                               H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, flags);
    H5Dclose(d);
    H5Sclose(space);
    H5Fclose(f);
  }
  const TelemetrySet set = read_telemetry_h5(file);
  ASSERT_EQ(set.series.size(), 2u);
  const auto* t = set.find("bldg2/ult-12/temp");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->unit, "C");
  EXPECT_EQ(t->t_us, temp.t);
  EXPECT_EQ(t->value, temp.v);
  const auto* p = set.find("site/grid_feed");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->unit, "W");
  EXPECT_EQ(p->value, power.v);
}

TEST(TelemetryH5, MissingNonHdf5AndTruncatedFiles) {
  TempDir dir;
  EXPECT_EQ(h5_error(dir / "missing.h5"), (dir / "missing.h5").string() + ": error: no such file");
  { std::ofstream(dir / "text.h5") << "timestamp,sensor_id,value\n"; }
  EXPECT_EQ(h5_error(dir / "text.h5"),
            (dir / "text.h5").string() + ": error: not an HDF5 file (no HDF5 signature)");
  // The first half of a valid file.
  TelemetrySet set;
  TelemetrySeries s;
  s.sensor = "a";
  for (int i = 0; i < 20'000; ++i) {
    s.t_us.push_back(i);
    s.value.push_back(i * 0.5);
  }
  set.series.push_back(s);
  write_telemetry_h5(dir / "full.h5", set);
  const auto size = fs::file_size(dir / "full.h5");
  ASSERT_GT(size, 4096u);
  fs::copy_file(dir / "full.h5", dir / "half.h5");
  fs::resize_file(dir / "half.h5", size / 2);
  const std::string e = h5_error(dir / "half.h5");
  EXPECT_TRUE(starts_with(e, (dir / "half.h5").string() + ": error: ")) << e;
  EXPECT_NE(e.find("truncated or corrupt"), std::string::npos) << e;
  // read_telemetry names a missing file too.
  try {
    (void)read_telemetry(dir / "missing.h5");
    FAIL();
  } catch (const TelemetryError& err) {
    EXPECT_EQ(std::string(err.what()), (dir / "missing.h5").string() + ": error: no such file");
  }
}

TEST(TelemetryH5, StructuralErrorsNameTheDataset) {
  TempDir dir;
  const auto err = [&](const std::string& name, const std::vector<RawSeries>& series,
                       bool with_series = true) {
    const fs::path f = dir / name;
    write_raw(f, series, with_series);
    return h5_error(f);
  };
  const std::string d = dir.path().string() + "/";
  EXPECT_EQ(err("noseries.h5", {}, false),
            d + "noseries.h5: error: /series: no /series group (not a telemetry or results file)");

  RawSeries no_value = good("/series/F-01/temp");
  no_value.write_value = false;
  EXPECT_EQ(err("novalue.h5", {good("/series/a"), no_value}),
            d + "novalue.h5: error: /series/F-01/temp/value: series has 'time' but no 'value' "
                "dataset");

  RawSeries no_time = good("/series/b");
  no_time.write_time = false;
  EXPECT_EQ(err("notime.h5", {no_time}),
            d + "notime.h5: error: /series/b/time: series has 'value' but no 'time' dataset");

  RawSeries mismatch = good("/series/m");
  mismatch.v.pop_back();
  EXPECT_EQ(err("mismatch.h5", {mismatch}),
            d + "mismatch.h5: error: /series/m: length mismatch: 'time' has 4 samples, 'value' "
                "has 3");

  RawSeries float_time = good("/series/ft");
  float_time.time_as_float = true;
  EXPECT_EQ(err("floattime.h5", {float_time}),
            d + "floattime.h5: error: /series/ft/time: expected a signed integer dataset (int64 "
                "us since the epoch)");

  RawSeries string_value = good("/series/sv");
  string_value.value_as_string = true;
  EXPECT_EQ(err("stringvalue.h5", {string_value}),
            d + "stringvalue.h5: error: /series/sv/value: expected a numeric dataset (float64)");

  RawSeries nan = good("/series/n");
  nan.v[2] = std::nan("");
  EXPECT_EQ(err("nan.h5", {nan}),
            d + "nan.h5: error: /series/n/value: sample 2 is not a finite number (nan)");

  RawSeries decreasing = good("/series/dec");
  decreasing.t = {5, 6, 4, 7};
  EXPECT_EQ(err("decreasing.h5", {decreasing}),
            d + "decreasing.h5: error: /series/dec/time: time decreases at sample 2 (4 after 6)");
}

}  // namespace
}  // namespace labtwin::adapters
