// Telemetry in HDF5: the reader (walks /series recursively, validates every series), the
// writer of a whole TelemetrySet, and the by-content dispatch between HDF5 and CSV.
#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "h5_util.hpp"
#include "labtwin/adapters/atomic_file.hpp"
#include "labtwin/adapters/telemetry.hpp"

namespace labtwin::adapters {
namespace {

// Sizes a vector the reader is about to fill with n samples. A large one (a long series: tens of
// MB) asks for transparent huge pages before its memory is first touched: 2 MiB page faults
// instead of 4 KiB ones, which otherwise cost as much as decompressing the samples.
template <class T>
void sized_for_reading(std::vector<T>& v, std::size_t n) {
  constexpr std::size_t kHuge = std::size_t{2} << 20;
  v.reserve(n);
#ifdef MADV_HUGEPAGE
  if (n * sizeof(T) >= 2 * kHuge) {
    const auto begin = reinterpret_cast<std::uintptr_t>(v.data());
    const std::uintptr_t first = (begin + kHuge - 1) & ~(kHuge - 1);
    const std::uintptr_t last = (begin + n * sizeof(T)) & ~(kHuge - 1);
    if (last > first)
      ::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);  // a hint only
  }
#endif
  v.resize(n);
}

using detail::checked;
using detail::Hid;

// Deeper nesting than this is taken as a link cycle (a group hard-linked below itself).
constexpr int kMaxDepth = 64;

// True when the file starts with the HDF5 signature at 0, 512, 1024, 2048, ... (a user block
// shifts it to a power of two >= 512).
bool has_hdf5_signature(const std::filesystem::path& path) {
  static constexpr std::array<char, 8> kSig{'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::array<char, 8> buf{};
  for (std::streamoff at = 0; at <= (std::streamoff{1} << 20); at = at == 0 ? 512 : at * 2) {
    in.clear();
    in.seekg(at);
    if (!in.read(buf.data(), buf.size())) return false;
    if (buf == kSig) return true;
  }
  return false;
}

void require_exists(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw TelemetryError(path.string(), 0, "", "no such file");
  }
  if (std::filesystem::is_directory(path, ec)) {
    throw TelemetryError(path.string(), 0, "", "is a directory, not a telemetry file");
  }
}

// A string attribute (fixed or variable length, scalar or one element), nullopt when absent.
std::optional<std::string> read_string_attr(hid_t obj, const char* name, const std::string& file,
                                            const std::string& object) {
  const htri_t exists = H5Aexists(obj, name);
  if (exists < 0)
    detail::h5_fail(file, object, std::string("cannot query attribute '") + name + "'");
  if (exists == 0) return std::nullopt;
  const std::string what = std::string("attribute '") + name + "'";
  const Hid attr = checked(H5Aopen(obj, name, H5P_DEFAULT), file, object, "cannot open " + what);
  const Hid type =
      checked(H5Aget_type(attr.get()), file, object, "cannot read the type of " + what);
  if (H5Tget_class(type.get()) != H5T_STRING) {
    throw TelemetryError(file, 0, object, what + " is not a string");
  }
  const Hid space = checked(H5Aget_space(attr.get()), file, object, "cannot read " + what);
  if (H5Sget_simple_extent_npoints(space.get()) != 1) {
    throw TelemetryError(file, 0, object, what + " is not a single string");
  }
  const Hid mem(H5Tcopy(H5T_C_S1));
  H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
  if (H5Tis_variable_str(type.get()) > 0) {
    H5Tset_size(mem.get(), H5T_VARIABLE);
    char* p = nullptr;
    if (H5Aread(attr.get(), mem.get(), &p) < 0)
      detail::h5_fail(file, object, "cannot read " + what);
    std::string out = p != nullptr ? std::string(p) : std::string();
    H5free_memory(p);
    return out;
  }
  const std::size_t size = H5Tget_size(type.get());
  if (size == 0 || size > (1u << 20)) throw TelemetryError(file, 0, object, what + " is too long");
  H5Tset_size(mem.get(), size);
  H5Tset_strpad(mem.get(), H5T_STR_NULLPAD);  // no room lost to a terminator
  std::string out(size, '\0');
  if (H5Aread(attr.get(), mem.get(), out.data()) < 0) {
    detail::h5_fail(file, object, "cannot read " + what);
  }
  // Fixed-length strings are NUL- or space-padded.
  out.resize(std::min(out.find('\0'), out.size()));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

class H5Reader {
 public:
  explicit H5Reader(std::filesystem::path path) : path_(std::move(path)), file_(path_.string()) {}

  TelemetrySet run() {
    require_exists(path_);
    if (!has_hdf5_signature(path_)) {
      throw TelemetryError(file_, 0, "", "not an HDF5 file (no HDF5 signature)");
    }
    const detail::QuietErrors quiet;
    const Hid fid = checked(H5Fopen(file_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), file_, "",
                            "cannot open the HDF5 file (truncated or corrupt?)");
    const htri_t has_series = H5Lexists(fid.get(), "series", H5P_DEFAULT);
    if (has_series <= 0) {
      throw TelemetryError(file_, 0, "/series",
                           "no /series group (not a telemetry or results file)");
    }
    const Hid series =
        checked(H5Oopen(fid.get(), "series", H5P_DEFAULT), file_, "/series", "cannot open /series");
    if (H5Iget_type(series.get()) != H5I_GROUP) {
      throw TelemetryError(file_, 0, "/series", "is not a group");
    }
    walk(series.get(), "", 0);
    std::sort(
        set_.series.begin(), set_.series.end(),
        [](const TelemetrySeries& a, const TelemetrySeries& b) { return a.sensor < b.sensor; });
    return std::move(set_);
  }

 private:
  static std::string object_path(const std::string& rel) {
    return rel.empty() ? "/series" : "/series/" + rel;
  }

  // The names of the hard links of a group, in name order (collected first: nothing may throw
  // through HDF5's C callback).
  std::vector<std::string> hard_links(hid_t group, const std::string& where) {
    std::vector<std::string> names;
    hsize_t idx = 0;
    const herr_t rc = H5Literate(
        group, H5_INDEX_NAME, H5_ITER_INC, &idx,
        [](hid_t, const char* name, const H5L_info_t* info, void* data) -> herr_t {
          if (info != nullptr && info->type == H5L_TYPE_HARD) {
            static_cast<std::vector<std::string>*>(data)->emplace_back(name);
          }
          return 0;
        },
        &names);
    if (rc < 0) detail::h5_fail(file_, where, "cannot list the group");
    return names;
  }

  void walk(hid_t group, const std::string& rel, int depth) {
    const std::string where = object_path(rel);
    if (depth > kMaxDepth) {
      throw TelemetryError(
          file_, 0, where,
          "groups nested deeper than " + std::to_string(kMaxDepth) + " levels (a link cycle?)");
    }
    bool has_time = false;
    bool has_value = false;
    std::vector<std::string> subgroups;
    for (const std::string& name : hard_links(group, where)) {
      const std::string child = where + "/" + name;
      const Hid obj =
          checked(H5Oopen(group, name.c_str(), H5P_DEFAULT), file_, child, "cannot open");
      const H5I_type_t type = H5Iget_type(obj.get());
      if (type == H5I_GROUP) {
        subgroups.push_back(name);
      } else if (type == H5I_DATASET) {
        has_time = has_time || name == "time";
        has_value = has_value || name == "value";
      }
    }
    if (has_time || has_value) {
      if (rel.empty()) {
        throw TelemetryError(file_, 0, where,
                             "holds 'time'/'value' itself; a series is a group /series/<id>");
      }
      if (!has_value) {
        throw TelemetryError(file_, 0, where + "/value",
                             "series has 'time' but no 'value' dataset");
      }
      if (!has_time) {
        throw TelemetryError(file_, 0, where + "/time", "series has 'value' but no 'time' dataset");
      }
      read_series(group, rel);
    }
    for (const std::string& name : subgroups) {
      const std::string child_rel = rel.empty() ? name : rel + "/" + name;
      const Hid child = checked(H5Gopen2(group, name.c_str(), H5P_DEFAULT), file_,
                                object_path(child_rel), "cannot open the group");
      walk(child.get(), child_rel, depth + 1);
    }
  }

  // The length of a 1-D dataset.
  hsize_t length_of(hid_t ds, const std::string& path) {
    const Hid space = checked(H5Dget_space(ds), file_, path, "cannot read the dataspace");
    if (H5Sget_simple_extent_ndims(space.get()) != 1) {
      throw TelemetryError(file_, 0, path, "expected a 1-D dataset");
    }
    hsize_t n = 0;
    H5Sget_simple_extent_dims(space.get(), &n, nullptr);
    // A corrupt header could claim more samples than fit in memory: compressed telemetry is
    // never 4096 times smaller than its samples.
    const hsize_t stored = H5Dget_storage_size(ds);
    if (n > (hsize_t{1} << 24) && n / 4096 > stored) {
      throw TelemetryError(file_, 0, path,
                           "claims " + std::to_string(n) + " samples in " + std::to_string(stored) +
                               " bytes (corrupt?)");
    }
    return n;
  }

  void read_series(hid_t group, const std::string& rel) {
    const std::string where = object_path(rel);
    const std::string tpath = where + "/time";
    const std::string vpath = where + "/value";
    const Hid tds = checked(H5Dopen2(group, "time", H5P_DEFAULT), file_, tpath, "cannot open");
    const Hid vds = checked(H5Dopen2(group, "value", H5P_DEFAULT), file_, vpath, "cannot open");
    {
      const Hid tt = checked(H5Dget_type(tds.get()), file_, tpath, "cannot read the dtype");
      if (H5Tget_class(tt.get()) != H5T_INTEGER ||
          (H5Tget_sign(tt.get()) == H5T_SGN_NONE && H5Tget_size(tt.get()) >= 8)) {
        throw TelemetryError(file_, 0, tpath,
                             "expected a signed integer dataset (int64 us since the epoch)");
      }
      const Hid vt = checked(H5Dget_type(vds.get()), file_, vpath, "cannot read the dtype");
      const H5T_class_t vc = H5Tget_class(vt.get());
      if (vc != H5T_FLOAT && vc != H5T_INTEGER) {
        throw TelemetryError(file_, 0, vpath, "expected a numeric dataset (float64)");
      }
    }
    if (const auto unit = read_string_attr(tds.get(), "unit", file_, tpath);
        unit && *unit != detail::kTimeUnit) {
      throw TelemetryError(file_, 0, tpath,
                           "unit '" + *unit + "' is not supported (expected '" +
                               std::string(detail::kTimeUnit) + "')");
    }
    const hsize_t n = length_of(tds.get(), tpath);
    const hsize_t m = length_of(vds.get(), vpath);
    if (n != m) {
      throw TelemetryError(file_, 0, where,
                           "length mismatch: 'time' has " + std::to_string(n) +
                               " samples, 'value' has " + std::to_string(m));
    }
    TelemetrySeries s;
    s.sensor = rel;
    s.unit = read_string_attr(vds.get(), "unit", file_, vpath).value_or("");
    sized_for_reading(s.t_us, n);
    sized_for_reading(s.value, n);
    if (n > 0) {
      if (H5Dread(tds.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, s.t_us.data()) < 0) {
        detail::h5_fail(file_, tpath, "cannot read the samples");
      }
      if (H5Dread(vds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, s.value.data()) <
          0) {
        detail::h5_fail(file_, vpath, "cannot read the samples");
      }
    }
    for (std::size_t i = 0; i < s.value.size(); ++i) {
      if (!std::isfinite(s.value[i])) {
        throw TelemetryError(file_, 0, vpath,
                             "sample " + std::to_string(i) + " is not a finite number (" +
                                 std::to_string(s.value[i]) + ")");
      }
    }
    for (std::size_t i = 1; i < s.t_us.size(); ++i) {
      if (s.t_us[i] < s.t_us[i - 1]) {
        throw TelemetryError(file_, 0, tpath,
                             "time decreases at sample " + std::to_string(i) + " (" +
                                 std::to_string(s.t_us[i]) + " after " +
                                 std::to_string(s.t_us[i - 1]) + ")");
      }
    }
    set_.series.push_back(std::move(s));
  }

  std::filesystem::path path_;
  std::string file_;
  TelemetrySet set_;
};

// Throws unless `s` is valid telemetry (what the reader would accept back).
void check_series(const TelemetrySeries& s, const std::string& file) {
  if (const std::string why = detail::series_id_problem(s.sensor); !why.empty()) {
    throw TelemetryError(file, 0, "/series/" + s.sensor, why);
  }
  const std::string where = "/series/" + s.sensor;
  if (s.t_us.size() != s.value.size()) {
    throw TelemetryError(file, 0, where,
                         "length mismatch: " + std::to_string(s.t_us.size()) + " times, " +
                             std::to_string(s.value.size()) + " values");
  }
  for (std::size_t i = 0; i < s.value.size(); ++i) {
    if (!std::isfinite(s.value[i])) {
      throw TelemetryError(file, 0, where + "/value",
                           "sample " + std::to_string(i) + " is not a finite number");
    }
    if (i > 0 && s.t_us[i] < s.t_us[i - 1]) {
      throw TelemetryError(file, 0, where + "/time",
                           "time decreases at sample " + std::to_string(i));
    }
  }
}

}  // namespace

TelemetrySet read_telemetry_h5(const std::filesystem::path& path) { return H5Reader(path).run(); }

TelemetrySet read_telemetry(const std::filesystem::path& path, const TelemetryReadOptions& options,
                            TelemetryReadReport* report) {
  require_exists(path);
  if (has_hdf5_signature(path)) return read_telemetry_h5(path);
  return read_telemetry_csv(path, options, report);
}

void write_telemetry_h5(const std::filesystem::path& path, const TelemetrySet& set) {
  const std::string file = path.string();
  for (std::size_t i = 0; i < set.series.size(); ++i) {
    check_series(set.series[i], file);
    if (i > 0 && set.series[i].sensor == set.series[i - 1].sensor) {
      throw TelemetryError(file, 0, "/series/" + set.series[i].sensor, "sensor id appears twice");
    }
  }
  produce_file_atomic(path, [&](const std::filesystem::path& tmp) {
    const detail::QuietErrors quiet;
    Hid fid = checked(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), file, "",
                      "cannot create the HDF5 file");
    {
      const Hid group =
          checked(H5Gcreate2(fid.get(), "series", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), file,
                  "/series", "cannot create the group");
    }
    for (const TelemetrySeries& s : set.series) {
      const detail::SeriesDatasets d =
          detail::create_series(fid.get(), s.sensor, s.unit, {}, s.t_us.size(), file);
      detail::write_series_block(d, 0, s.t_us.size(), s.t_us.data(), s.value.data(), file,
                                 s.sensor);
    }
    if (fid.close() < 0) detail::h5_fail(file, "", "cannot close the HDF5 file");
  });
}

}  // namespace labtwin::adapters
