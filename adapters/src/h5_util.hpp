#pragma once
/// @file Private HDF5 helpers shared by telemetry_h5.cpp and results_h5.cpp: RAII handles,
/// silenced error stacks turned into messages, string attributes and the series datasets.
#include <hdf5.h>

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "labtwin/adapters/telemetry.hpp"

namespace labtwin::adapters::detail {

/// Samples per chunk of a series dataset (32 KiB of int64 / float64).
inline constexpr hsize_t kSeriesChunk = 4096;
/// Deflate level of series and tables (1 compresses telemetry nearly as well as 4, faster;
/// figures in docs/results-format.md).
inline constexpr unsigned kDeflateLevel = 1;
/// The `unit` attribute of every `time` dataset.
inline constexpr std::string_view kTimeUnit = "us since 1970-01-01T00:00:00Z";

/// Owns one hid_t and closes it with the matching H5*close on every path.
class Hid {
 public:
  Hid() = default;
  /// Takes ownership of `id` (a negative id is "none").
  explicit Hid(hid_t id) : id_(id) {}
  ~Hid() { reset(); }
  Hid(Hid&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)) {}
  Hid& operator=(Hid&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  /// The raw id.
  hid_t get() const { return id_; }
  /// True when it holds an id.
  bool valid() const { return id_ >= 0; }
  /// Closes the id (if any) by its type; the H5*close result (0 when there was nothing).
  herr_t close() {
    if (id_ < 0) return 0;
    herr_t rc = 0;
    switch (H5Iget_type(id_)) {
      case H5I_FILE:
        rc = H5Fclose(id_);
        break;
      case H5I_GROUP:
        rc = H5Gclose(id_);
        break;
      case H5I_DATASET:
        rc = H5Dclose(id_);
        break;
      case H5I_DATASPACE:
        rc = H5Sclose(id_);
        break;
      case H5I_DATATYPE:
        rc = H5Tclose(id_);
        break;
      case H5I_ATTR:
        rc = H5Aclose(id_);
        break;
      case H5I_GENPROP_LST:
        rc = H5Pclose(id_);
        break;
      default:
        rc = H5Idec_ref(id_) < 0 ? -1 : 0;
        break;
    }
    id_ = H5I_INVALID_HID;
    return rc;
  }
  /// Closes the id (if any), ignoring failure (destructors, error paths).
  void reset() { (void)close(); }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

/// Turns HDF5's automatic error printing off for its lifetime (restored afterwards).
class QuietErrors {
 public:
  QuietErrors() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietErrors() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  QuietErrors(const QuietErrors&) = delete;
  QuietErrors& operator=(const QuietErrors&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

/// The most specific message of HDF5's current error stack ("" when empty).
inline std::string h5_error_text() {
  std::string out;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned n, const H5E_error2_t* e, void* data) -> herr_t {
        if (n == 0 && e != nullptr && e->desc != nullptr) {
          *static_cast<std::string*>(data) = e->desc;
        }
        return 0;
      },
      &out);
  return out;
}

/// Throws a TelemetryError about `object` in `file`, appending HDF5's own reason if any.
[[noreturn]] inline void h5_fail(const std::string& file, const std::string& object,
                                 const std::string& what) {
  const std::string reason = h5_error_text();
  throw TelemetryError(file, 0, object, reason.empty() ? what : what + " (HDF5: " + reason + ")");
}

/// `id` if valid, else h5_fail.
inline Hid checked(hid_t id, const std::string& file, const std::string& object,
                   const std::string& what) {
  if (id < 0) h5_fail(file, object, what);
  return Hid(id);
}

/// A variable-length UTF-8 string type.
inline Hid vlen_string_type() {
  Hid t(H5Tcopy(H5T_C_S1));
  H5Tset_size(t.get(), H5T_VARIABLE);
  H5Tset_cset(t.get(), H5T_CSET_UTF8);
  return t;
}

/// Writes a scalar variable-length UTF-8 string attribute `name` on `obj`.
inline void write_string_attr(hid_t obj, const char* name, const std::string& value,
                              const std::string& file, const std::string& object) {
  const Hid type = vlen_string_type();
  const Hid space(H5Screate(H5S_SCALAR));
  const Hid attr = checked(H5Acreate2(obj, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                           file, object, std::string("cannot create attribute '") + name + "'");
  const char* p = value.c_str();
  if (H5Awrite(attr.get(), type.get(), &p) < 0) {
    h5_fail(file, object, std::string("cannot write attribute '") + name + "'");
  }
}

/// Writes a scalar numeric attribute (`mem_type` e.g. H5T_NATIVE_UINT64, `file_type` e.g.
/// H5T_STD_U64LE).
template <class T>
void write_scalar_attr(hid_t obj, const char* name, hid_t file_type, hid_t mem_type, const T& v,
                       const std::string& file, const std::string& object) {
  const Hid space(H5Screate(H5S_SCALAR));
  const Hid attr = checked(H5Acreate2(obj, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                           file, object, std::string("cannot create attribute '") + name + "'");
  if (H5Awrite(attr.get(), mem_type, &v) < 0) {
    h5_fail(file, object, std::string("cannot write attribute '") + name + "'");
  }
}

/// The two open datasets of one series.
struct SeriesDatasets {
  Hid time;   ///< int64 `time`
  Hid value;  ///< float64 `value`
};

/// Checks a series id for use as an HDF5 path below /series: non-empty, no empty, "." or ".."
/// component. Returns "" when fine, else the reason.
inline std::string series_id_problem(std::string_view id) {
  if (id.empty()) return "empty sensor id";
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = id.find('/', start);
    const std::string_view part =
        id.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty()) return "sensor id has an empty path component (leading, trailing or '//')";
    if (part == "." || part == "..") return "sensor id has a '.' or '..' path component";
    if (slash == std::string_view::npos) return {};
    start = slash + 1;
  }
}

/// Creates `/series/<id>` with extendible, chunked, shuffled and deflated `time` and `value`
/// datasets of initial length `n` and their attributes.
/// `groups`, when given, holds every group path this writer created so far (and gets the new
/// ones): a known group is opened, an unknown one created, without a failing H5Gopen2 (HDF5
/// builds an error stack for every failure: the dominant cost for a thousand short series).
inline SeriesDatasets create_series(hid_t file_id, std::string_view id, std::string_view unit,
                                    std::string_view description, hsize_t n,
                                    const std::string& file, bool fixed = false,
                                    std::set<std::string, std::less<>>* groups = nullptr) {
  const std::string path = "/series/" + std::string(id);
  const Hid lcpl(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  H5Pset_char_encoding(lcpl.get(), H5T_CSET_UTF8);
  // The group may exist already as the parent of an earlier series ("a" after "a/b").
  hid_t existing = -1;
  if (groups == nullptr || groups->count(path))
    existing = H5Gopen2(file_id, path.c_str(), H5P_DEFAULT);
  if (existing < 0)
    existing = H5Gcreate2(file_id, path.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT);
  if (groups != nullptr && existing >= 0)
    for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
      groups->insert(path.substr(0, slash));
      if (slash == std::string::npos) break;
    }
  const Hid group = checked(existing, file, path, "cannot create the series group");
  const hsize_t dims[1] = {n};
  const hsize_t maxdims[1] = {H5S_UNLIMITED};
  // `fixed`: a complete short series (at most one chunk) stored compactly in its object header:
  // a chunk index, filters and a separate data block would cost more than the samples.
  const Hid space(H5Screate_simple(1, dims, fixed ? dims : maxdims));
  const Hid dcpl(H5Pcreate(H5P_DATASET_CREATE));
  if (fixed) {
    H5Pset_layout(dcpl.get(), n > 0 ? H5D_COMPACT : H5D_CONTIGUOUS);
  } else {
    const hsize_t chunk[1] = {kSeriesChunk};
    H5Pset_chunk(dcpl.get(), 1, chunk);
    H5Pset_shuffle(dcpl.get());
    H5Pset_deflate(dcpl.get(), kDeflateLevel);
  }
  H5Pset_obj_track_times(dcpl.get(), 0);  // no timestamps: identical runs, identical files
  // No chunk cache: the writer always writes whole chunks, so each is compressed and written
  // at once (on the writer thread) instead of piling up until the dataset is closed.
  const Hid dapl(H5Pcreate(H5P_DATASET_ACCESS));
  H5Pset_chunk_cache(dapl.get(), 0, 0, 1.0);
  SeriesDatasets d;
  d.time = checked(H5Dcreate2(group.get(), "time", H5T_STD_I64LE, space.get(), H5P_DEFAULT,
                              dcpl.get(), dapl.get()),
                   file, path + "/time", "cannot create dataset");
  d.value = checked(H5Dcreate2(group.get(), "value", H5T_IEEE_F64LE, space.get(), H5P_DEFAULT,
                               dcpl.get(), dapl.get()),
                    file, path + "/value", "cannot create dataset");
  write_string_attr(d.time.get(), "unit", std::string(kTimeUnit), file, path + "/time");
  write_string_attr(d.value.get(), "unit", std::string(unit), file, path + "/value");
  if (!description.empty()) {
    write_string_attr(d.value.get(), "description", std::string(description), file,
                      path + "/value");
  }
  return d;
}

/// Writes `n` samples at offset `at` of both datasets (which must already be that long).
inline void write_series_block(const SeriesDatasets& d, hsize_t at, hsize_t n,
                               const std::int64_t* t, const double* v, const std::string& file,
                               std::string_view id) {
  if (n == 0) return;
  const hsize_t start[1] = {at};
  const hsize_t count[1] = {n};
  const Hid mem(H5Screate_simple(1, count, nullptr));
  for (int k = 0; k < 2; ++k) {
    const hid_t ds = k == 0 ? d.time.get() : d.value.get();
    const Hid fspace(H5Dget_space(ds));
    H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, count, nullptr);
    const herr_t rc =
        k == 0 ? H5Dwrite(ds, H5T_NATIVE_INT64, mem.get(), fspace.get(), H5P_DEFAULT, t)
               : H5Dwrite(ds, H5T_NATIVE_DOUBLE, mem.get(), fspace.get(), H5P_DEFAULT, v);
    if (rc < 0) {
      h5_fail(file, "/series/" + std::string(id) + (k == 0 ? "/time" : "/value"),
              "cannot write samples");
    }
  }
}

}  // namespace labtwin::adapters::detail
