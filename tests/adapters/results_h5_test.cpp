// The results.h5 writer: long series across buffers and chunks, the meta/kpi/events/ledger
// tables read back field by field with the raw C API, atomic commit and abandon, and a committed
// file read back as telemetry.
#include <gtest/gtest.h>

#if __has_include(<hdf5.h>)
#include <hdf5.h>
#else
#include <hdf5/serial/hdf5.h>  // Debian's layout; the tests do not get HDF5's include path
#endif

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <new>
#include <string>
#include <vector>

#include "labtwin/adapters/results_h5.hpp"
#include "labtwin/adapters/telemetry.hpp"
#include "labtwin/core/inventory/ledger.hpp"
#include "labtwin/core/ports.hpp"
#include "labtwin/twin/run_result.hpp"
#include "labtwin_test/count_new.hpp"
#include "labtwin_test/temp_dir.hpp"

namespace labtwin::adapters {
namespace {

using labtwin::test::g_counting;
using labtwin::test::g_news;

namespace fs = std::filesystem;
namespace inv = core::inventory;

// One temporary directory per test.
struct TempDir : labtwin::test::TempDir {
  TempDir() : labtwin::test::TempDir("labtwin_results_test") {}
};

// A tiny C-API reader for the checks below.
struct File {
  explicit File(const fs::path& p) : id(H5Fopen(p.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT)) {}
  ~File() {
    if (id >= 0) H5Fclose(id);
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  hid_t id;
};

std::string read_vlen_attr(hid_t obj, const char* name) {
  const hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
  EXPECT_GE(attr, 0) << name;
  if (attr < 0) return "(missing)";
  const hid_t ftype = H5Aget_type(attr);
  EXPECT_EQ(H5Tget_class(ftype), H5T_STRING) << name;
  EXPECT_GT(H5Tis_variable_str(ftype), 0) << name;
  EXPECT_EQ(H5Tget_cset(ftype), H5T_CSET_UTF8) << name;
  const hid_t mtype = H5Tcopy(H5T_C_S1);
  H5Tset_size(mtype, H5T_VARIABLE);
  H5Tset_cset(mtype, H5T_CSET_UTF8);
  char* p = nullptr;
  H5Aread(attr, mtype, &p);
  std::string s = p != nullptr ? p : "";
  H5free_memory(p);
  H5Tclose(mtype);
  H5Tclose(ftype);
  H5Aclose(attr);
  return s;
}

template <class T>
T read_scalar_attr(hid_t obj, const char* name, hid_t mem_type, H5T_class_t expected_class) {
  T v{};
  const hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
  EXPECT_GE(attr, 0) << name;
  if (attr < 0) return v;
  const hid_t ftype = H5Aget_type(attr);
  EXPECT_EQ(H5Tget_class(ftype), expected_class) << name;
  EXPECT_EQ(H5Tget_size(ftype), sizeof(T)) << name;
  H5Aread(attr, mem_type, &v);
  H5Tclose(ftype);
  H5Aclose(attr);
  return v;
}

hid_t vlen_str() {
  const hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return t;
}

// Rows of /events and /ledger as read with event_mem() / ledger_mem().
struct EventIn {
  std::int64_t time;
  char* kind;
  char* entity;
  char* detail;
};
struct LedgerIn {
  std::uint64_t seq;
  std::int64_t time;
  char* kind;
  char* entity;
  double quantity;
  char* detail;
};

hid_t event_mem(hid_t str) {
  const hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(EventIn));
  H5Tinsert(t, "time", offsetof(EventIn, time), H5T_NATIVE_INT64);
  H5Tinsert(t, "kind", offsetof(EventIn, kind), str);
  H5Tinsert(t, "entity", offsetof(EventIn, entity), str);
  H5Tinsert(t, "detail", offsetof(EventIn, detail), str);
  return t;
}

hid_t ledger_mem(hid_t str) {
  const hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(LedgerIn));
  H5Tinsert(t, "seq", offsetof(LedgerIn, seq), H5T_NATIVE_UINT64);
  H5Tinsert(t, "time", offsetof(LedgerIn, time), H5T_NATIVE_INT64);
  H5Tinsert(t, "kind", offsetof(LedgerIn, kind), str);
  H5Tinsert(t, "entity", offsetof(LedgerIn, entity), str);
  H5Tinsert(t, "quantity", offsetof(LedgerIn, quantity), H5T_NATIVE_DOUBLE);
  H5Tinsert(t, "detail", offsetof(LedgerIn, detail), str);
  return t;
}

// Reads a whole compound table into rows with `mem` (a compound type naming the fields to read),
// and checks every string field of the file type is a variable-length UTF-8 string.
template <class Row>
std::vector<Row> read_table(hid_t file, const char* name, hid_t mem, std::size_t n_fields) {
  const hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
  EXPECT_GE(ds, 0) << name;
  if (ds < 0) return {};
  const hid_t ftype = H5Dget_type(ds);
  EXPECT_EQ(H5Tget_class(ftype), H5T_COMPOUND);
  EXPECT_EQ(static_cast<std::size_t>(H5Tget_nmembers(ftype)), n_fields) << name;
  for (int i = 0; i < H5Tget_nmembers(ftype); ++i) {
    const hid_t mt = H5Tget_member_type(ftype, static_cast<unsigned>(i));
    if (H5Tget_class(mt) == H5T_STRING) {
      EXPECT_GT(H5Tis_variable_str(mt), 0) << name << " field " << i;
      EXPECT_EQ(H5Tget_cset(mt), H5T_CSET_UTF8) << name << " field " << i;
    }
    H5Tclose(mt);
  }
  const hid_t space = H5Dget_space(ds);
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space, &n, nullptr);
  std::vector<Row> rows(n);
  if (n > 0) {
    EXPECT_GE(H5Dread(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()), 0) << name;
  }
  H5Sclose(space);
  H5Tclose(ftype);
  H5Dclose(ds);
  return rows;
}

// Frees the strings HDF5 allocated for rows read with `mem`.
template <class Row>
void reclaim(hid_t mem, std::vector<Row>& rows) {
  if (rows.empty()) return;
  const hsize_t n = rows.size();
  const hid_t space = H5Screate_simple(1, &n, nullptr);
  H5Dvlen_reclaim(mem, space, H5P_DEFAULT, rows.data());
  H5Sclose(space);
}

TEST(ResultsH5, LongSeriesAcrossBuffersAndChunksReadBackExact) {
  TempDir dir;
  const fs::path target = dir / "results.h5";
  constexpr int kN = 100'003;  // 24 full buffers of 4096 and a partial one
  std::vector<std::int64_t> t;
  std::vector<double> v;
  {
    ResultsWriter w(target);
    const auto temp = w.add_series("F-01/air_temperature", "C", "air temperature of F-01");
    const auto door = w.add_series("F-01/door", "1");
    for (int i = 0; i < kN; ++i) {
      t.push_back(1'773'457'920'000'000 + std::int64_t{i} * 15'000'000 + (i % 7 == 0 ? 0 : 3));
      v.push_back(-80.0 + 0.001 * i + std::sin(i * 1e-3));
      w.append(temp, t.back(), v.back());
      if (i % 1000 == 0) w.append(door, t.back(), (i / 1000) % 2);
    }
    EXPECT_EQ(w.samples(), static_cast<std::size_t>(kN + 101));
    w.commit();
    EXPECT_EQ(w.samples(), static_cast<std::size_t>(kN + 101));
  }
  ASSERT_TRUE(fs::exists(target));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"results.h5"});
  const TelemetrySet set = read_telemetry_h5(target);
  ASSERT_EQ(set.series.size(), 2u);
  const auto* temp = set.find("F-01/air_temperature");
  ASSERT_NE(temp, nullptr);
  EXPECT_EQ(temp->unit, "C");
  EXPECT_EQ(temp->t_us, t);
  EXPECT_EQ(temp->value, v);  // exact: float64 all the way
  const auto* door = set.find("F-01/door");
  ASSERT_NE(door, nullptr);
  EXPECT_EQ(door->unit, "1");
  ASSERT_EQ(door->value.size(), 101u);
  EXPECT_EQ(door->value[3], 1.0);
  EXPECT_EQ(door->t_us[100], t[100'000]);

  // The layout as documented: chunked, shuffle + deflate, extendible, unit and description.
  File f(target);
  ASSERT_GE(f.id, 0);
  const hid_t ds = H5Dopen2(f.id, "/series/F-01/air_temperature/value", H5P_DEFAULT);
  ASSERT_GE(ds, 0);
  const hid_t dcpl = H5Dget_create_plist(ds);
  EXPECT_EQ(H5Pget_layout(dcpl), H5D_CHUNKED);
  hsize_t chunk = 0;
  H5Pget_chunk(dcpl, 1, &chunk);
  EXPECT_EQ(chunk, 4096u);
  unsigned flags = 0;
  EXPECT_GE(
      H5Pget_filter_by_id2(dcpl, H5Z_FILTER_SHUFFLE, &flags, nullptr, nullptr, 0, nullptr, nullptr),
      0);
  EXPECT_GE(
      H5Pget_filter_by_id2(dcpl, H5Z_FILTER_DEFLATE, &flags, nullptr, nullptr, 0, nullptr, nullptr),
      0);
  const hid_t space = H5Dget_space(ds);
  hsize_t dims = 0;
  hsize_t maxdims = 0;
  H5Sget_simple_extent_dims(space, &dims, &maxdims);
  EXPECT_EQ(dims, static_cast<hsize_t>(kN));
  EXPECT_EQ(maxdims, H5S_UNLIMITED);
  EXPECT_EQ(read_vlen_attr(ds, "unit"), "C");
  EXPECT_EQ(read_vlen_attr(ds, "description"), "air temperature of F-01");
  const hid_t tds = H5Dopen2(f.id, "/series/F-01/air_temperature/time", H5P_DEFAULT);
  EXPECT_EQ(read_vlen_attr(tds, "unit"), "us since 1970-01-01T00:00:00Z");
  const hid_t ttype = H5Dget_type(tds);
  EXPECT_EQ(H5Tequal(ttype, H5T_STD_I64LE), 1);
  const hid_t vtype = H5Dget_type(ds);
  EXPECT_EQ(H5Tequal(vtype, H5T_IEEE_F64LE), 1);
  H5Tclose(vtype);
  H5Tclose(ttype);
  H5Dclose(tds);
  H5Sclose(space);
  H5Pclose(dcpl);
  H5Dclose(ds);
}

TEST(ResultsH5, MetaKpiEventsAndLedgerTablesReadBackFieldByField) {
  TempDir dir;
  const fs::path target = dir / "results.h5";

  // A tiny ledger for real inventory events.
  core::ManualClock clock(core::Instant{1'773'457'920'000'000});
  inv::Ledger ledger(clock);
  ASSERT_TRUE(ledger
                  .execute(inv::RegisterItem{
                      inv::Item{"SKU-PLASMA", "vial", inv::StorageClass::Minus80C, 12.5}})
                  .ok());
  ASSERT_TRUE(ledger.execute(inv::AddLocation{"SITE-A", inv::LocationKind::Site}).ok());
  ASSERT_TRUE(ledger
                  .execute(inv::AddLocation{"F-01", inv::LocationKind::StorageUnit, inv::LocId{0},
                                            100, inv::StorageClass::Minus80C})
                  .ok());
  ASSERT_TRUE(ledger
                  .execute(inv::AddLocation{"F-02", inv::LocationKind::StorageUnit, inv::LocId{0},
                                            std::nullopt, inv::StorageClass::Minus80C})
                  .ok());
  clock.advance(core::Span::hours(1));
  ASSERT_TRUE(ledger
                  .execute(inv::Receive{inv::SkuId{0}, "LOT-1", 10.0, inv::LocId{1},
                                        core::Instant{1'775'000'000'500'000}})
                  .ok());
  ASSERT_TRUE(ledger.execute(inv::ReleaseQc{inv::LotId{0}}).ok());
  ASSERT_TRUE(ledger.execute(inv::IssueLot{inv::LotId{0}, 2.5, "issue-1"}).ok());
  ASSERT_TRUE(ledger.execute(inv::Transfer{inv::LotId{0}, inv::LocId{2}, 3.0}).ok());
  ASSERT_TRUE(ledger.execute(inv::Adjust{inv::LotId{0}, -0.5, "recount after spill"}).ok());
  ASSERT_TRUE(
      ledger.execute(inv::WriteOff{inv::LotId{1}, inv::WriteOffReason::TemperatureExcursion}).ok());
  ASSERT_TRUE(ledger.execute(inv::RequestPo{inv::SkuId{0}, 20.0, inv::LocId{0}, "Acme Bio"}).ok());
  ASSERT_TRUE(ledger.execute(inv::AdvancePo{inv::PoId{0}, inv::PoState::Approved}).ok());
  const auto& log = ledger.events();
  ASSERT_EQ(log.size(), 12u);

  ResultsMeta meta;
  meta.scenario_name = "biobank";
  meta.scenario_path = "scenarios/biobank.yaml";
  meta.scenario_text =
      "labtwin: 1\nname: biobank # \xC2\xB0"
      "C\n";
  meta.variant = "power_cut";
  meta.labtwin_version = "0.6.0";
  meta.seed = 18'446'744'073'709'551'615u;  // all 64 bits
  meta.replication = 3;
  meta.fingerprint = 0x00ab'cdef'0123'4567;
  meta.start_us = -5;
  meta.horizon_s = 86400.5;
  const std::vector<twin::Kpi> kpis = {{"write_offs", 3.0, "1", "lots written off"},
                                       {"energy", 1.5e9, "J", ""}};
  const std::vector<core::DomainEvent> events = {
      {core::Instant{10}, "freezer.alarm", "F-01", "air above -70 C"},
      {core::Instant{20}, "dispatch.assigned", "tech-2", ""}};
  {
    ResultsWriter w(target);
    w.write_meta(meta);
    w.write_kpis(kpis);
    w.write_events(events);
    w.write_ledger(log);
    EXPECT_THROW(w.write_kpis(kpis), std::logic_error);
    w.commit();
  }
  File f(target);
  ASSERT_GE(f.id, 0);

  // /meta
  const hid_t g = H5Gopen2(f.id, "/meta", H5P_DEFAULT);
  ASSERT_GE(g, 0);
  EXPECT_EQ(read_vlen_attr(g, "scenario_name"), "biobank");
  EXPECT_EQ(read_vlen_attr(g, "scenario_path"), "scenarios/biobank.yaml");
  EXPECT_EQ(read_vlen_attr(g, "variant"), "power_cut");
  EXPECT_EQ(read_vlen_attr(g, "labtwin_version"), "0.6.0");
  EXPECT_EQ(read_vlen_attr(g, "fingerprint"), "00abcdef01234567");
  EXPECT_EQ(read_scalar_attr<std::uint64_t>(g, "seed", H5T_NATIVE_UINT64, H5T_INTEGER), meta.seed);
  EXPECT_EQ(read_scalar_attr<std::uint64_t>(g, "replication", H5T_NATIVE_UINT64, H5T_INTEGER), 3u);
  EXPECT_EQ(read_scalar_attr<std::int64_t>(g, "start_us", H5T_NATIVE_INT64, H5T_INTEGER), -5);
  EXPECT_EQ(read_scalar_attr<double>(g, "horizon_s", H5T_NATIVE_DOUBLE, H5T_FLOAT), 86400.5);
  {
    const hid_t ds = H5Dopen2(g, "scenario_text", H5P_DEFAULT);
    ASSERT_GE(ds, 0);
    const hid_t t = vlen_str();
    char* p = nullptr;
    ASSERT_GE(H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &p), 0);
    EXPECT_EQ(std::string(p), meta.scenario_text);
    H5free_memory(p);
    H5Tclose(t);
    H5Dclose(ds);
  }
  H5Gclose(g);

  const hid_t str = vlen_str();
  // /kpi
  struct KpiIn {
    char* name;
    double value;
    char* unit;
    char* description;
  };
  const hid_t kmem = H5Tcreate(H5T_COMPOUND, sizeof(KpiIn));
  H5Tinsert(kmem, "name", offsetof(KpiIn, name), str);
  H5Tinsert(kmem, "value", offsetof(KpiIn, value), H5T_NATIVE_DOUBLE);
  H5Tinsert(kmem, "unit", offsetof(KpiIn, unit), str);
  H5Tinsert(kmem, "description", offsetof(KpiIn, description), str);
  auto krows = read_table<KpiIn>(f.id, "/kpi", kmem, 4);
  ASSERT_EQ(krows.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(std::string(krows[i].name), kpis[i].name);
    EXPECT_EQ(krows[i].value, kpis[i].value);
    EXPECT_EQ(std::string(krows[i].unit), kpis[i].unit);
    EXPECT_EQ(std::string(krows[i].description), kpis[i].description);
  }
  reclaim(kmem, krows);
  H5Tclose(kmem);

  // /events
  const hid_t emem = event_mem(str);
  auto erows = read_table<EventIn>(f.id, "/events", emem, 4);
  ASSERT_EQ(erows.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(erows[i].time, events[i].at.us);
    EXPECT_EQ(std::string(erows[i].kind), events[i].kind);
    EXPECT_EQ(std::string(erows[i].entity), events[i].entity);
    EXPECT_EQ(std::string(erows[i].detail), events[i].detail);
  }
  reclaim(emem, erows);
  H5Tclose(emem);

  // /ledger
  const hid_t lmem = ledger_mem(str);
  auto lrows = read_table<LedgerIn>(f.id, "/ledger", lmem, 6);
  ASSERT_EQ(lrows.size(), log.size());
  for (std::size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(lrows[i].seq, log[i].seq);
    EXPECT_EQ(lrows[i].time, log[i].at.us);
    EXPECT_EQ(std::string(lrows[i].kind), inv::kind_of(log[i].body));
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  struct Expect {
    const char* entity;
    double quantity;
    const char* detail;
  };
  const Expect expected[] = {
      {"SKU-PLASMA", nan, "unit=vial storage=-80C unit_value=12.5"},
      {"SITE-A", nan, "kind=site"},
      {"F-01", nan, "kind=storage_unit parent=SITE-A capacity=100 storage=-80C"},
      {"F-02", nan, "kind=storage_unit parent=SITE-A storage=-80C"},
      {"LOT-1", 10.0, "sku=SKU-PLASMA location=F-01 expiry=2026-03-31T23:33:20.500000Z"},
      {"LOT-1", nan, ""},
      {"LOT-1", 2.5, "key=issue-1"},
      {"LOT-1.1", 3.0, "split_from=LOT-1 from=F-01 to=F-02"},
      {"LOT-1", -0.5, "note=\"recount after spill\""},
      {"LOT-1.1", 3.0, "reason=temperature_excursion"},
      {"PO-0", 20.0, "sku=SKU-PLASMA site=SITE-A supplier=\"Acme Bio\""},
      {"PO-0", nan, "to=approved"},
  };
  for (std::size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(std::string(lrows[i].entity), expected[i].entity) << "row " << i;
    if (std::isnan(expected[i].quantity)) {
      EXPECT_TRUE(std::isnan(lrows[i].quantity)) << "row " << i;
    } else {
      EXPECT_EQ(lrows[i].quantity, expected[i].quantity) << "row " << i;
    }
    EXPECT_EQ(std::string(lrows[i].detail), expected[i].detail) << "row " << i;
  }
  reclaim(lmem, lrows);
  H5Tclose(lmem);
  H5Tclose(str);

  // No /series written: still valid telemetry, with no series.
  EXPECT_EQ(read_telemetry_h5(target).series.size(), 0u);
}

TEST(ResultsH5, DestroyedWithoutCommitLeavesNoTargetAndNoTemporary) {
  TempDir dir;
  {
    ResultsWriter w(dir / "results.h5");
    const auto s = w.add_series("a", "C");
    for (int i = 0; i < 10'000; ++i) w.append(s, i, i);
    w.write_kpis({});
    EXPECT_EQ(dir.entries().size(), 1u);  // the temporary exists while the run goes on
  }
  EXPECT_TRUE(dir.entries().empty());
  // An exception unwinding through the writer does the same.
  try {
    ResultsWriter w(dir / "results.h5");
    const auto s = w.add_series("a", "C");
    w.append(s, 10, 1.0);
    w.append(s, 5, 1.0);  // earlier than the previous sample
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "ResultsWriter::append: series 'a': time 5 us is before the previous sample (10 us)");
  }
  EXPECT_TRUE(dir.entries().empty());
}

TEST(ResultsH5, CommitReplacesAnExistingFile) {
  TempDir dir;
  const fs::path target = dir / "results.h5";
  std::ofstream(target) << "an older results file";
  ResultsWriter w(target);
  const auto s = w.add_series("site/ambient", "C");
  w.append(s, 1, 20.5);
  w.append(s, 2, 21.0);
  // Until commit the old file is untouched.
  EXPECT_EQ(fs::file_size(target), std::string("an older results file").size());
  w.commit();
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"results.h5"});
  const TelemetrySet set = read_telemetry_h5(target);
  ASSERT_EQ(set.series.size(), 1u);
  EXPECT_EQ(set.series[0].sensor, "site/ambient");
  EXPECT_EQ(set.series[0].value, (std::vector<double>{20.5, 21.0}));
  EXPECT_THROW(w.append(s, 3, 1.0), std::logic_error);
  EXPECT_THROW(w.commit(), std::logic_error);
}

TEST(ResultsH5, MisuseIsReportedClearly) {
  TempDir dir;
  ResultsWriter w(dir / "r.h5");
  const auto a = w.add_series("a/b", "C");
  // A series may be the parent group of another, in either order of creation.
  const auto parent = w.add_series("a", "W");
  w.append(parent, 7, 70.0);
  EXPECT_THROW(w.add_series("a/b", "C"), std::invalid_argument);
  EXPECT_THROW(w.add_series("", "C"), std::invalid_argument);
  EXPECT_THROW(w.add_series("a//c", "C"), std::invalid_argument);
  EXPECT_THROW(w.add_series("../x", "C"), std::invalid_argument);
  EXPECT_THROW(w.append(parent + 1, 0, 1.0), std::out_of_range);
  EXPECT_THROW(w.append(a, 0, std::numeric_limits<double>::infinity()), std::invalid_argument);
  EXPECT_EQ(w.samples(), 1u);
  w.append(a, 8, 80.0);
  w.commit();
  const TelemetrySet set = read_telemetry_h5(dir / "r.h5");
  ASSERT_EQ(set.series.size(), 2u);
  EXPECT_EQ(set.series[0].sensor, "a");
  EXPECT_EQ(set.series[0].unit, "W");
  EXPECT_EQ(set.series[0].value, std::vector<double>{70.0});
  EXPECT_EQ(set.series[1].sensor, "a/b");
  EXPECT_EQ(set.series[1].value, std::vector<double>{80.0});
  // A writer whose directory does not exist fails up front, naming the target.
  try {
    ResultsWriter bad(dir / "no_such_dir" / "r.h5");
    FAIL();
  } catch (const TelemetryError& e) {
    EXPECT_EQ(e.file(), (dir / "no_such_dir" / "r.h5").string());
  }
}

TEST(ResultsH5, AppendDoesNotAllocate) {
  TempDir dir;
  ResultsWriter w(dir / "r.h5");
  const auto a = w.add_series("a", "C");
  const auto b = w.add_series("b", "C");
  // A series' datasets are created when its first buffer fills (a short series is written
  // whole at commit): one-time work, done before the counted window. The count covers the
  // writer thread too (operator new is global), which writes full chunks during the window.
  int i = 0;
  for (; i < 4096; ++i) {
    w.append(a, i, 0.5 * i);
    w.append(b, i, -0.5 * i);
  }
  w.drain();  // the writer thread has created both series' datasets
  g_news = 0;
  g_counting = true;
  // 50,000 samples each: twelve chunk flushes per series happen inside this window too.
  for (; i < 4096 + 50'000; ++i) {
    w.append(a, i, 0.5 * i);
    w.append(b, i, -0.5 * i);
  }
  g_counting = false;
  EXPECT_EQ(g_news.load(), 0);
  EXPECT_EQ(w.samples(), 2u * (4096u + 50'000u));
}

TEST(ResultsH5, BlocksTakeTheOffsetAndAreCheckedOnTheWriter) {
  TempDir dir;
  ResultsWriter w(dir / "r.h5");
  const auto a = w.add_series("a", "C");
  const auto b = w.add_series("b", "C");
  std::vector<SampleRecord> block;
  block.reserve(10'000);
  for (std::int64_t i = 0; i < 10'000; ++i)
    block.push_back({static_cast<std::uint32_t>(i % 2), i / 2, static_cast<double>(i)});
  w.append_block(block, 1'000'000);
  EXPECT_TRUE(block.empty());  // the storage went to the writer, an empty block came back
  EXPECT_GE(block.capacity(), 8192u);
  block.push_back({a, 5'000, -1.0});  // a sample one by one before and after a block
  w.append(b, 1'000'000 + 5'000, -2.0);
  w.append_block(block, 1'000'000);
  w.commit();
  const TelemetrySet set = read_telemetry_h5(dir / "r.h5");
  ASSERT_EQ(set.series.size(), 2u);
  ASSERT_EQ(set.series[0].value.size(), 5'001u);
  ASSERT_EQ(set.series[1].value.size(), 5'001u);
  for (std::size_t k = 0; k < 5'000; ++k) {
    EXPECT_EQ(set.series[0].t_us[k], 1'000'000 + static_cast<std::int64_t>(k));
    EXPECT_EQ(set.series[0].value[k], static_cast<double>(2 * k));
    EXPECT_EQ(set.series[1].value[k], static_cast<double>(2 * k + 1));
  }
  EXPECT_EQ(set.series[0].value[5'000], -1.0);
  EXPECT_EQ(set.series[1].value[5'000], -2.0);
  EXPECT_EQ(w.samples(), 10'002u);

  // A bad sample in a block fails the writer; the next call says which series and why, and
  // nothing is left behind.
  {
    ResultsWriter bad(dir / "bad.h5");
    const auto x = bad.add_series("x/y", "C");
    std::vector<SampleRecord> blk{{x, 10, 1.0}, {x, 5, 2.0}};
    bad.append_block(blk, 0);
    try {
      bad.commit();
      FAIL() << "no exception";
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()),
                "ResultsWriter::append_block: series 'x/y': time 5 us is before the previous "
                "sample (10 us)");
    }
  }
  {
    ResultsWriter bad(dir / "bad.h5");
    const auto x = bad.add_series("x", "C");
    std::vector<SampleRecord> blk{{x, 10, std::numeric_limits<double>::quiet_NaN()}};
    bad.append_block(blk, 0);
    EXPECT_THROW(bad.drain(), std::invalid_argument);
    std::vector<SampleRecord> unknown{{x + 7, 1, 1.0}};
    EXPECT_THROW(bad.append_block(unknown, 0), std::invalid_argument);  // the first failure
  }
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"r.h5"});
}

// /events and /ledger streamed in pieces while a run goes on (pieces across the 4096-row blocks,
// empty pieces, the rest at the end) read back exactly as the same tables written at once.
TEST(ResultsH5, StreamedTablesEqualTablesWrittenAtOnce) {
  TempDir dir;
  core::ManualClock clock(core::Instant{1'773'457'920'000'000});
  inv::Ledger ledger(clock);
  ASSERT_TRUE(
      ledger
          .execute(inv::RegisterItem{inv::Item{"SKU-1", "vial", inv::StorageClass::Minus80C, 1.0}})
          .ok());
  ASSERT_TRUE(ledger.execute(inv::AddLocation{"SITE", inv::LocationKind::Site}).ok());
  ASSERT_TRUE(ledger
                  .execute(inv::AddLocation{"F-01", inv::LocationKind::StorageUnit, inv::LocId{0},
                                            std::nullopt, inv::StorageClass::Minus80C})
                  .ok());
  std::vector<core::DomainEvent> events;
  std::vector<std::size_t> ledger_cuts, event_cuts;
  for (int i = 0; i < 3'000; ++i) {
    clock.advance(core::Span::minutes(1));
    ASSERT_TRUE(
        ledger.execute(inv::Receive{inv::SkuId{0}, "LOT-" + std::to_string(i), 2.0, inv::LocId{1}})
            .ok());
    ASSERT_TRUE(ledger.execute(inv::ReleaseQc{inv::LotId{static_cast<std::uint32_t>(i)}}).ok());
    ASSERT_TRUE(ledger.execute(inv::IssueLot{inv::LotId{static_cast<std::uint32_t>(i)}, 0.5}).ok());
    events.push_back({clock.now(), "freezer.alarm", "F-" + std::to_string(i % 7),
                      "air " + std::to_string(i) + " C"});
    events.push_back({clock.now(), "dispatch.assigned", "T-1", ""});
    if (i == 0 || i == 1'364 || i == 1'366 || i == 2'730) {
      ledger_cuts.push_back(ledger.events().size());
      event_cuts.push_back(events.size());
    }
  }
  const auto& log = ledger.events();
  ASSERT_EQ(log.size(), 9'003u);

  const auto write = [&](const fs::path& path, bool stream) {
    ResultsWriter w(path);
    if (stream) {
      std::vector<core::DomainEvent> ev;
      std::vector<inv::Event> lg;
      for (std::size_t k = 0; k < ledger_cuts.size(); ++k) {
        ev.assign(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(event_cuts[k]));
        lg.assign(log.begin(), log.begin() + static_cast<std::ptrdiff_t>(ledger_cuts[k]));
        w.stream_events(ev);
        w.stream_ledger(lg);
        w.stream_ledger(lg);  // nothing new: nothing happens
      }
    }
    w.write_events(events);
    w.write_ledger(log);
    EXPECT_THROW(w.stream_ledger(log), std::logic_error);
    w.commit();
  };
  write(dir / "once.h5", false);
  write(dir / "streamed.h5", true);

  const hid_t str = vlen_str();
  const hid_t lmem = ledger_mem(str);
  const hid_t emem = event_mem(str);
  const File once(dir / "once.h5"), streamed(dir / "streamed.h5");
  auto l1 = read_table<LedgerIn>(once.id, "/ledger", lmem, 6);
  auto l2 = read_table<LedgerIn>(streamed.id, "/ledger", lmem, 6);
  ASSERT_EQ(l1.size(), log.size());
  ASSERT_EQ(l2.size(), log.size());
  for (std::size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(l2[i].seq, log[i].seq);
    EXPECT_EQ(l2[i].time, l1[i].time);
    EXPECT_STREQ(l2[i].kind, l1[i].kind);
    EXPECT_STREQ(l2[i].entity, l1[i].entity);
    EXPECT_EQ(std::isnan(l2[i].quantity), std::isnan(l1[i].quantity));
    if (!std::isnan(l1[i].quantity)) {
      EXPECT_EQ(l2[i].quantity, l1[i].quantity);
    }
    EXPECT_STREQ(l2[i].detail, l1[i].detail);
  }
  EXPECT_STREQ(l2[3].entity, "LOT-0");
  EXPECT_STREQ(l2[9'002].entity, "LOT-2999");  // names learned across the pieces
  auto e1 = read_table<EventIn>(once.id, "/events", emem, 4);
  auto e2 = read_table<EventIn>(streamed.id, "/events", emem, 4);
  ASSERT_EQ(e1.size(), events.size());
  ASSERT_EQ(e2.size(), events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(e2[i].time, events[i].at.us);
    EXPECT_EQ(std::string(e2[i].kind), events[i].kind);
    EXPECT_EQ(std::string(e2[i].entity), events[i].entity);
    EXPECT_EQ(std::string(e2[i].detail), events[i].detail);
  }
  reclaim(lmem, l1);
  reclaim(lmem, l2);
  reclaim(emem, e1);
  reclaim(emem, e2);
  H5Tclose(lmem);
  H5Tclose(emem);
  H5Tclose(str);
}

}  // namespace
}  // namespace labtwin::adapters
