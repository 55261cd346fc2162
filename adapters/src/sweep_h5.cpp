// results.h5 of a sweep, through the HDF5 C API with RAII handles.
#include "labtwin/adapters/sweep_h5.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "labtwin/adapters/atomic_file.hpp"
#include "labtwin/twin/run_result.hpp"

namespace labtwin::adapters {
namespace {

/// An HDF5 identifier closed by its own close function.
class H5Id {
 public:
  H5Id(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
    if (id_ < 0) throw std::runtime_error("HDF5: cannot " + what);
  }
  H5Id(const H5Id&) = delete;
  H5Id& operator=(const H5Id&) = delete;
  H5Id(H5Id&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  H5Id& operator=(H5Id&&) = delete;
  ~H5Id() {
    if (id_ >= 0) close_(id_);
  }
  /// The raw id.
  hid_t get() const { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

void check(herr_t status, const std::string& what) {
  if (status < 0) throw std::runtime_error("HDF5: cannot " + what);
}

/// A fixed-length, NUL-padded string type of `size` bytes (at least 1).
H5Id string_type(std::size_t size) {
  H5Id t(H5Tcopy(H5T_C_S1), H5Tclose, "copy the string type");
  check(H5Tset_size(t.get(), std::max<std::size_t>(size, 1)), "size a string type");
  check(H5Tset_strpad(t.get(), H5T_STR_NULLPAD), "pad a string type");
  return t;
}

/// A growing row buffer for a packed compound type.
struct RowWriter {
  std::vector<unsigned char> bytes;
  std::size_t row_size = 0;
  std::size_t pos = 0;
  void begin_row() {
    pos = bytes.size();
    bytes.resize(bytes.size() + row_size, 0);
  }
  void put(std::size_t offset, const void* p, std::size_t n) {
    std::memcpy(bytes.data() + pos + offset, p, n);
  }
  void put_string(std::size_t offset, const std::string& s, std::size_t width) {
    std::memcpy(bytes.data() + pos + offset, s.data(), std::min(s.size(), width));
  }
};

/// Writes a one-dimensional compound dataset of `rows` rows.
void write_table(hid_t group, const char* name, hid_t type, std::size_t rows,
                 const RowWriter& data) {
  const hsize_t dims[1] = {static_cast<hsize_t>(rows)};
  H5Id space(H5Screate_simple(1, dims, nullptr), H5Sclose, "create a dataspace");
  H5Id ds(H5Dcreate2(group, name, type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
          H5Dclose, std::string("create dataset ") + name);
  if (rows > 0) {
    check(H5Dwrite(ds.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.bytes.data()),
          std::string("write dataset ") + name);
  }
}

void write_string_attribute(hid_t obj, const char* name, const std::string& value) {
  H5Id type = string_type(value.size());
  H5Id space(H5Screate(H5S_SCALAR), H5Sclose, "create a scalar dataspace");
  H5Id attr(H5Acreate2(obj, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
            std::string("create attribute ") + name);
  std::string padded = value;
  if (padded.empty()) padded.push_back('\0');
  check(H5Awrite(attr.get(), type.get(), padded.data()), std::string("write attribute ") + name);
}

std::size_t longest(const std::vector<std::string>& xs) {
  std::size_t n = 1;
  for (const auto& x : xs) n = std::max(n, x.size());
  return n;
}

void write_file(const std::filesystem::path& tmp, const SweepSummary& summary,
                const SweepResults& results, const std::string& scenario_text, std::uint64_t seed) {
  H5Id file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
            "create " + tmp.string());
  H5Id sweep(H5Gcreate2(file.get(), "sweep", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
             "create group /sweep");
  const std::size_t nk = results.kpis.size();

  // /sweep/replications: variant, replication, fingerprint, one float64 per KPI.
  {
    const std::size_t wv = longest(results.variants);
    H5Id vtype = string_type(wv);
    H5Id ftype = string_type(16);
    const std::size_t off_rep = wv, off_fp = wv + 8, off_k = wv + 8 + 16;
    const std::size_t row = off_k + 8 * nk;
    H5Id type(H5Tcreate(H5T_COMPOUND, row), H5Tclose, "create the replications type");
    check(H5Tinsert(type.get(), "variant", 0, vtype.get()), "add column variant");
    check(H5Tinsert(type.get(), "replication", off_rep, H5T_NATIVE_UINT64),
          "add column replication");
    check(H5Tinsert(type.get(), "fingerprint", off_fp, ftype.get()), "add column fingerprint");
    for (std::size_t k = 0; k < nk; ++k) {
      check(H5Tinsert(type.get(), results.kpis[k].name.c_str(), off_k + 8 * k, H5T_NATIVE_DOUBLE),
            "add column " + results.kpis[k].name);
    }
    RowWriter w;
    w.row_size = row;
    std::size_t rows = 0;
    for (std::size_t v = 0; v < results.runs.size(); ++v) {
      for (std::size_t r = 0; r < results.runs[v].size(); ++r) {
        const Replication& rep = results.runs[v][r];
        if (!rep.done) continue;
        w.begin_row();
        w.put_string(0, results.variants[v], wv);
        const std::uint64_t r64 = r;
        w.put(off_rep, &r64, 8);
        w.put_string(off_fp, twin::fingerprint_hex(rep.fingerprint), 16);
        for (std::size_t k = 0; k < nk; ++k) w.put(off_k + 8 * k, &rep.values[k], 8);
        ++rows;
      }
    }
    write_table(sweep.get(), "replications", type.get(), rows, w);
  }

  // /sweep/summary: one row per (variant, KPI).
  {
    std::vector<std::string> knames, units;
    for (const auto& k : summary.kpis) {
      knames.push_back(k.name);
      units.push_back(k.unit);
    }
    const std::size_t wv = longest(summary.variants), wk = longest(knames), wu = longest(units);
    H5Id vtype = string_type(wv), ktype = string_type(wk), utype = string_type(wu);
    const char* dnames[] = {"mean",
                            "sd",
                            "ci_half_width",
                            "diff_mean",
                            "diff_ci_half_width",
                            "unpaired_diff_ci_half_width"};
    const std::size_t off_k = wv, off_u = wv + wk, off_n = off_u + wu, off_x = off_n + 8,
                      off_d = off_x + 8, off_z = off_d + 8 * 6, row = off_z + 1;
    H5Id type(H5Tcreate(H5T_COMPOUND, row), H5Tclose, "create the summary type");
    check(H5Tinsert(type.get(), "variant", 0, vtype.get()), "add column variant");
    check(H5Tinsert(type.get(), "kpi", off_k, ktype.get()), "add column kpi");
    check(H5Tinsert(type.get(), "unit", off_u, utype.get()), "add column unit");
    check(H5Tinsert(type.get(), "n", off_n, H5T_NATIVE_UINT64), "add column n");
    check(H5Tinsert(type.get(), "excluded_nan", off_x, H5T_NATIVE_UINT64), "add column excluded");
    for (std::size_t i = 0; i < 6; ++i) {
      check(H5Tinsert(type.get(), dnames[i], off_d + 8 * i, H5T_NATIVE_DOUBLE),
            std::string("add column ") + dnames[i]);
    }
    check(H5Tinsert(type.get(), "diff_excludes_zero", off_z, H5T_NATIVE_UINT8),
          "add column diff_excludes_zero");
    RowWriter w;
    w.row_size = row;
    std::size_t rows = 0;
    for (std::size_t v = 0; v < summary.cells.size(); ++v) {
      for (std::size_t k = 0; k < summary.kpis.size(); ++k) {
        const KpiSummary& c = summary.cells[v][k];
        w.begin_row();
        w.put_string(0, summary.variants[v], wv);
        w.put_string(off_k, knames[k], wk);
        w.put_string(off_u, units[k], wu);
        const std::uint64_t n = c.n, x = c.excluded;
        w.put(off_n, &n, 8);
        w.put(off_x, &x, 8);
        const double d[6] = {c.mean,
                             c.sd,
                             c.half_width,
                             v > 0 ? c.diff_mean : 0.0,
                             v > 0 ? c.diff_half_width : 0.0,
                             v > 0 ? c.welch_half_width : 0.0};
        w.put(off_d, d, sizeof d);
        const std::uint8_t z = c.diff_excludes_zero ? 1 : 0;
        w.put(off_z, &z, 1);
        ++rows;
      }
    }
    write_table(sweep.get(), "summary", type.get(), rows, w);
  }

  // /meta: the scenario text and the seed, so the file explains itself.
  H5Id meta(H5Gcreate2(file.get(), "meta", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
            "create group /meta");
  write_string_attribute(meta.get(), "scenario", scenario_text);
  H5Id space(H5Screate(H5S_SCALAR), H5Sclose, "create a scalar dataspace");
  H5Id attr(
      H5Acreate2(meta.get(), "seed", H5T_NATIVE_UINT64, space.get(), H5P_DEFAULT, H5P_DEFAULT),
      H5Aclose, "create attribute seed");
  check(H5Awrite(attr.get(), H5T_NATIVE_UINT64, &seed), "write attribute seed");
}

}  // namespace

void write_sweep_h5(const std::filesystem::path& path, const SweepSummary& summary,
                    const SweepResults& results, const std::string& scenario_text,
                    std::uint64_t seed) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become exceptions, not stderr noise
  try {
    produce_file_atomic(path, [&](const std::filesystem::path& tmp) {
      write_file(tmp, summary, results, scenario_text, seed);
    });
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path.string() + ": " + e.what());
  }
}

SweepH5Contents read_sweep_h5(const std::filesystem::path& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  SweepH5Contents out;
  try {
    H5Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open the file");
    H5Id ds(H5Dopen2(file.get(), "/sweep/replications", H5P_DEFAULT), H5Dclose,
            "open /sweep/replications");
    H5Id ftype(H5Dget_type(ds.get()), H5Tclose, "get the replications type");
    H5Id mtype(H5Tget_native_type(ftype.get(), H5T_DIR_DEFAULT), H5Tclose, "get a native type");
    H5Id space(H5Dget_space(ds.get()), H5Sclose, "get the dataspace");
    const auto rows = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
    const std::size_t row = H5Tget_size(mtype.get());
    std::vector<unsigned char> buf(rows * row);
    if (rows > 0) {
      check(H5Dread(ds.get(), mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()),
            "read /sweep/replications");
    }
    const int members = H5Tget_nmembers(mtype.get());
    std::vector<std::string> names;
    std::vector<std::size_t> offsets, sizes;
    for (int i = 0; i < members; ++i) {
      char* n = H5Tget_member_name(mtype.get(), static_cast<unsigned>(i));
      names.emplace_back(n);
      H5free_memory(n);
      offsets.push_back(H5Tget_member_offset(mtype.get(), static_cast<unsigned>(i)));
      H5Id mt(H5Tget_member_type(mtype.get(), static_cast<unsigned>(i)), H5Tclose,
              "get a member type");
      sizes.push_back(H5Tget_size(mt.get()));
    }
    if (members < 3 || names[0] != "variant" || names[1] != "replication" ||
        names[2] != "fingerprint") {
      throw std::runtime_error("/sweep/replications has unexpected columns");
    }
    out.kpis.assign(names.begin() + 3, names.end());
    auto str = [&](const unsigned char* p, std::size_t n) {
      std::string s(reinterpret_cast<const char*>(p), n);
      return s.substr(0, s.find('\0'));
    };
    for (std::size_t r = 0; r < rows; ++r) {
      const unsigned char* p = buf.data() + r * row;
      out.variant.push_back(str(p + offsets[0], sizes[0]));
      std::uint64_t rep = 0;
      std::memcpy(&rep, p + offsets[1], 8);
      out.replication.push_back(rep);
      out.fingerprint.push_back(str(p + offsets[2], sizes[2]));
      std::vector<double> vals(out.kpis.size());
      for (std::size_t k = 0; k < vals.size(); ++k) std::memcpy(&vals[k], p + offsets[3 + k], 8);
      out.values.push_back(std::move(vals));
    }
    H5Id sds(H5Dopen2(file.get(), "/sweep/summary", H5P_DEFAULT), H5Dclose, "open /sweep/summary");
    H5Id sspace(H5Dget_space(sds.get()), H5Sclose, "get the dataspace");
    out.summary_rows = static_cast<std::size_t>(H5Sget_simple_extent_npoints(sspace.get()));

    H5Id meta(H5Gopen2(file.get(), "/meta", H5P_DEFAULT), H5Gclose, "open /meta");
    H5Id sattr(H5Aopen(meta.get(), "scenario", H5P_DEFAULT), H5Aclose, "open /meta scenario");
    H5Id stype(H5Aget_type(sattr.get()), H5Tclose, "get the scenario type");
    std::vector<char> text(H5Tget_size(stype.get()));
    check(H5Aread(sattr.get(), stype.get(), text.data()), "read /meta scenario");
    out.scenario_text = std::string(text.data(), text.size());
    out.scenario_text = out.scenario_text.substr(0, out.scenario_text.find('\0'));
    H5Id seed(H5Aopen(meta.get(), "seed", H5P_DEFAULT), H5Aclose, "open /meta seed");
    check(H5Aread(seed.get(), H5T_NATIVE_UINT64, &out.seed), "read /meta seed");
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path.string() + ": " + e.what());
  }
  return out;
}

}  // namespace labtwin::adapters
