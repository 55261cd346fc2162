// The results.h5 writer: per-series buffers appended chunk by chunk to extendible datasets in a
// temporary file, compound tables for KPIs, events and the inventory ledger, an atomic commit.
#include "labtwin/adapters/results_h5.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <variant>

#include "h5_util.hpp"
#include "labtwin/adapters/telemetry.hpp"
#include "labtwin/core/inventory/events.hpp"
#include "labtwin/core/inventory/lot.hpp"
#include "labtwin/core/ports.hpp"
#include "labtwin/twin/run_result.hpp"

namespace labtwin::adapters {

using detail::checked;
using detail::Hid;

namespace {

namespace inv = core::inventory;

// Rows per chunk (and per write) of the compound tables.
constexpr std::size_t kTableBlock = 4096;

std::filesystem::path temp_for(const std::filesystem::path& target) {
  static std::atomic<unsigned> counter{0};
  auto tmp = target;
  tmp += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  return tmp;
}

void fsync_path(const std::filesystem::path& p, int flags) {
  const int fd = ::open(p.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return;  // directories are not openable everywhere: best effort
  ::fsync(fd);
  ::close(fd);
}

// Shortest round-trip text of a double.
std::string num(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// "2026-03-14T03:12:00Z" (with ".ffffff" when not a whole second).
std::string iso_time(std::int64_t us) {
  using namespace std::chrono;
  constexpr std::int64_t kDay = 86'400'000'000;
  std::int64_t days = us / kDay;
  std::int64_t rest = us % kDay;
  if (rest < 0) {
    rest += kDay;
    --days;
  }
  const year_month_day ymd{sys_days{std::chrono::days{days}}};
  const std::int64_t secs = rest / 1'000'000;
  const std::int64_t frac = rest % 1'000'000;
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld",
                        static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                        static_cast<unsigned>(ymd.day()), static_cast<long long>(secs / 3600),
                        static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  if (frac != 0) {
    n += std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), ".%06lld",
                       static_cast<long long>(frac));
  }
  return std::string(buf, static_cast<std::size_t>(n)) + "Z";
}

// Builds the ledger's entity/detail text: handles to codes, learned from the log as it goes.
class LedgerNames {
 public:
  std::string sku(inv::SkuId id) const { return name(skus_, inv::index(id), "sku#"); }
  std::string loc(inv::LocId id) const { return name(locs_, inv::index(id), "loc#"); }
  std::string lot(inv::LotId id) const { return name(lots_, inv::index(id), "lot#"); }
  static std::string po(inv::PoId id) { return "PO-" + std::to_string(inv::index(id)); }

  void learn_sku(inv::SkuId id, const std::string& code) { set(skus_, inv::index(id), code); }
  void learn_loc(inv::LocId id, const std::string& code) { set(locs_, inv::index(id), code); }
  void learn_lot(inv::LotId id, const std::string& code) { set(lots_, inv::index(id), code); }

 private:
  static std::string name(const std::vector<std::string>& v, std::uint32_t i, const char* prefix) {
    if (i < v.size() && !v[i].empty()) return v[i];
    return prefix + std::to_string(i);
  }
  static void set(std::vector<std::string>& v, std::uint32_t i, const std::string& code) {
    // Handles are dense; a log resumed from a snapshot starts beyond 0 (unknown names stay
    // as "lot#N"). A corrupt huge handle is not worth a huge table.
    if (i >= (1u << 26)) return;
    if (i >= v.size()) v.resize(i + 1);
    v[i] = code;
  }
  std::vector<std::string> skus_, locs_, lots_;
};

// Appends " key=value" (the value in double quotes when it has blanks, quotes or '=').
void kv(std::string& out, std::string_view key, std::string_view value) {
  if (!out.empty()) out += ' ';
  out += key;
  out += '=';
  if (value.find_first_of(" \t\"=") == std::string_view::npos && !value.empty()) {
    out += value;
    return;
  }
  out += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

struct LedgerText {
  std::string entity;
  std::string detail;
  double quantity = std::numeric_limits<double>::quiet_NaN();
};

LedgerText describe(const inv::Event& e, LedgerNames& names) {
  LedgerText r;
  std::string& d = r.detail;
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, inv::ItemRegistered>) {
          names.learn_sku(b.sku, b.item.sku);
          r.entity = b.item.sku;
          kv(d, "unit", b.item.unit);
          kv(d, "storage", inv::to_string(b.item.storage));
          kv(d, "unit_value", num(b.item.unit_value));
        } else if constexpr (std::is_same_v<T, inv::LocationAdded>) {
          names.learn_loc(b.location, b.code);
          r.entity = b.code;
          kv(d, "kind", inv::to_string(b.kind));
          if (b.parent != inv::kNoLoc) kv(d, "parent", names.loc(b.parent));
          if (b.capacity) kv(d, "capacity", std::to_string(*b.capacity));
          if (b.storage) kv(d, "storage", inv::to_string(*b.storage));
        } else if constexpr (std::is_same_v<T, inv::Received>) {
          names.learn_lot(b.lot, b.code);
          r.entity = b.code;
          r.quantity = b.quantity;
          kv(d, "sku", names.sku(b.sku));
          kv(d, "location", names.loc(b.location));
          if (b.expiry) kv(d, "expiry", iso_time(b.expiry->us));
          if (b.po != inv::kNoPo) kv(d, "po", LedgerNames::po(b.po));
        } else if constexpr (std::is_same_v<T, inv::QcReleased> ||
                             std::is_same_v<T, inv::QcRejected>) {
          r.entity = names.lot(b.lot);
        } else if constexpr (std::is_same_v<T, inv::Reserved>) {
          r.entity = names.lot(b.lot);
          r.quantity = b.quantity;
          kv(d, "reservation", std::to_string(inv::index(b.reservation)));
          kv(d, "sku", names.sku(b.sku));
        } else if constexpr (std::is_same_v<T, inv::ReservationReleased>) {
          r.entity = names.lot(b.lot);
          r.quantity = b.quantity;
          kv(d, "reservation", std::to_string(inv::index(b.reservation)));
        } else if constexpr (std::is_same_v<T, inv::Issued>) {
          r.entity = names.lot(b.lot);
          r.quantity = b.quantity;
          if (b.reservation != inv::kNoRes) {
            kv(d, "reservation", std::to_string(inv::index(b.reservation)));
          }
        } else if constexpr (std::is_same_v<T, inv::Transferred>) {
          const std::string source = names.lot(b.lot);
          if (b.moved != b.lot) names.learn_lot(b.moved, inv::split_lot_code(source, b.moved));
          r.entity = names.lot(b.moved);
          r.quantity = b.quantity;
          if (b.moved != b.lot) kv(d, "split_from", source);
          kv(d, "from", names.loc(b.from));
          kv(d, "to", names.loc(b.to));
        } else if constexpr (std::is_same_v<T, inv::Adjusted>) {
          r.entity = names.lot(b.lot);
          r.quantity = b.delta;
          kv(d, "note", b.note);
        } else if constexpr (std::is_same_v<T, inv::WrittenOff>) {
          r.entity = names.lot(b.lot);
          r.quantity = b.quantity;
          kv(d, "reason", inv::to_string(b.reason));
        } else if constexpr (std::is_same_v<T, inv::PoRequested>) {
          r.entity = LedgerNames::po(b.po);
          r.quantity = b.quantity;
          kv(d, "sku", names.sku(b.sku));
          if (b.site != inv::kNoLoc) kv(d, "site", names.loc(b.site));
          kv(d, "supplier", b.supplier);
        } else if constexpr (std::is_same_v<T, inv::PoAdvanced>) {
          r.entity = LedgerNames::po(b.po);
          kv(d, "to", inv::to_string(b.to));
          if (b.lot != inv::kNoLot) kv(d, "lot", names.lot(b.lot));
        }
      },
      e.body);
  if (!e.key.empty()) kv(d, "key", e.key);
  if (e.batch > 1) kv(d, "batch", std::to_string(e.batch));
  return r;
}

// Compound type builder: the memory layout of a row struct; the file type is the packed copy.
class Compound {
 public:
  explicit Compound(std::size_t size) : mem_(H5Tcreate(H5T_COMPOUND, size)) {}
  Compound& add(const char* name, std::size_t offset, hid_t type) {
    H5Tinsert(mem_.get(), name, offset, type);
    return *this;
  }
  hid_t mem() const { return mem_.get(); }
  Hid packed() const {
    Hid f(H5Tcopy(mem_.get()));
    H5Tpack(f.get());
    return f;
  }

 private:
  Hid mem_;
};

struct KpiRow {
  const char* name;
  double value;
  const char* unit;
  const char* description;
};

struct EventRow {
  std::int64_t time;
  const char* kind;
  const char* entity;
  const char* detail;
};

struct LedgerRow {
  std::uint64_t seq;
  std::int64_t time;
  const char* kind;
  const char* entity;
  double quantity;
  const char* detail;
};

}  // namespace

struct ResultsWriter::Impl {
  struct Series {
    std::string id, unit, description;
    bool created = false;  // datasets exist (created at the first full buffer, else at commit)
    detail::SeriesDatasets d;
    std::vector<std::int64_t> t;  // pending samples, capacity kSeriesChunk
    std::vector<double> v;
    hsize_t written = 0;
    std::int64_t last_t = std::numeric_limits<std::int64_t>::min();
  };

  std::filesystem::path target;
  std::filesystem::path tmp;
  std::string file;  // target, for messages
  Hid fid;
  std::vector<Series> series;
  std::map<std::string, SeriesId, std::less<>> ids;
  std::set<std::string, std::less<>> groups;  // group paths created so far (create_series)
  std::size_t samples = 0;
  bool committed = false;
  bool meta_done = false, kpi_done = false, events_done = false, ledger_done = false;

  void require_open(const char* what) const {
    if (!fid.valid()) {
      throw std::logic_error(std::string("ResultsWriter::") + what + ": the writer of " + file +
                             " is already committed");
    }
  }

  void once(bool& flag, const char* what) {
    require_open(what);
    if (flag) {
      throw std::logic_error(std::string("ResultsWriter::") + what + ": called twice for " + file);
    }
    flag = true;
  }

  // Appends n samples to a series' datasets (creating them first): HDF5 work, done on the
  // writer thread while a run goes on, or on the caller's after drain().
  void write_block(Series& s, const std::int64_t* t, const double* v, hsize_t n) {
    if (n == 0) return;
    const detail::QuietErrors quiet;
    if (!s.created) {
      s.d = detail::create_series(fid.get(), s.id, s.unit, s.description, 0, file, false, &groups);
      s.created = true;
    }
    const hsize_t size[1] = {s.written + n};
    if (H5Dset_extent(s.d.time.get(), size) < 0 || H5Dset_extent(s.d.value.get(), size) < 0) {
      detail::h5_fail(file, "/series/" + s.id, "cannot extend the series");
    }
    detail::write_series_block(s.d, s.written, n, t, v, file, s.id);
    s.written += n;
  }

  // [SECTION] Background writer. Full buffers go to one writer thread, which compresses and
  // writes them while the run goes on (deflate is most of a recording's cost). HDF5 here is
  // not thread-safe: only one thread calls it at a time. While blocks are in flight that is
  // the writer; every other HDF5 call first waits for the queue to drain. Buffers circulate
  // through a fixed pool: a full buffer is swapped for an empty one, and when the writer
  // falls behind the run waits for one (no allocation per flush).
  struct Block {
    std::uint32_t series = 0;
    std::vector<std::int64_t> t;
    std::vector<double> v;
  };
  static constexpr std::size_t kPool = 8;
  std::mutex mu;
  std::condition_variable work_cv, done_cv;
  std::vector<Block> ring;  // kPool slots
  std::size_t head = 0, queued = 0;
  std::vector<Block> spare;  // empty buffers with capacity
  bool busy = false, stopping = false;
  // Background work for idle moments: series whose group is not created yet (their
  // datasets come later), so the commit of a thousand short series finds their groups ready.
  // drain() ends it for good: afterwards the caller's thread uses HDF5 between writes.
  std::vector<std::uint32_t> pending_groups;
  bool background = true;
  std::exception_ptr failure;
  std::thread writer;

  void start_writer() {
    ring.resize(kPool);
    spare.resize(kPool);
    for (auto& b : spare) {
      b.t.reserve(detail::kSeriesChunk);
      b.v.reserve(detail::kSeriesChunk);
    }
    writer = std::thread([this] { writer_loop(); });
  }

  void writer_loop() {
    std::unique_lock lock(mu);
    for (;;) {
      work_cv.wait(
          lock, [&] { return queued > 0 || stopping || (background && !pending_groups.empty()); });
      if (queued == 0 && !stopping) {  // idle: prepare a series' group
        const std::uint32_t id = pending_groups.back();
        pending_groups.pop_back();
        busy = true;
        lock.unlock();
        try {
          if (!failure) create_group(series[id].id);
        } catch (...) {
          lock.lock();
          failure = std::current_exception();
          lock.unlock();
        }
        lock.lock();
        busy = false;
        done_cv.notify_all();
        continue;
      }
      if (queued == 0) return;  // stopping and drained
      Block b = std::move(ring[head]);
      head = (head + 1) % kPool;
      --queued;
      busy = true;
      lock.unlock();
      try {
        if (!failure) write_block(series[b.series], b.t.data(), b.v.data(), b.t.size());
      } catch (...) {
        lock.lock();
        failure = std::current_exception();
        lock.unlock();
      }
      b.t.clear();
      b.v.clear();
      lock.lock();
      busy = false;
      spare.push_back(std::move(b));  // capacity kPool: never reallocates
      done_cv.notify_all();
    }
  }

  // Hands a full buffer to the writer and gives the series an empty one.
  void flush(std::uint32_t id) {
    Series& s = series[id];
    std::unique_lock lock(mu);
    done_cv.wait(lock, [&] { return !spare.empty() || failure; });
    if (failure) std::rethrow_exception(failure);
    Block b = std::move(spare.back());
    spare.pop_back();
    b.series = id;
    b.t.swap(s.t);
    b.v.swap(s.v);
    ring[(head + queued) % kPool] = std::move(b);
    ++queued;
    work_cv.notify_one();
  }

  // Waits until every queued block is written; rethrows the writer's failure.
  void drain() {
    std::unique_lock lock(mu);
    background = false;
    done_cv.wait(lock, [&] { return (queued == 0 && !busy) || failure; });
    if (failure) std::rethrow_exception(failure);
  }

  // Creates /series/<id> (and its parents) unless this writer created it already.
  void create_group(const std::string& id) {
    const std::string path = "/series/" + id;
    if (groups.count(path)) return;
    const detail::QuietErrors quiet;
    const Hid lcpl(H5Pcreate(H5P_LINK_CREATE));
    H5Pset_create_intermediate_group(lcpl.get(), 1);
    H5Pset_char_encoding(lcpl.get(), H5T_CSET_UTF8);
    const hid_t g = H5Gcreate2(fid.get(), path.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0) return;  // e.g. a dataset of that name: create_series reports it later
    H5Gclose(g);
    for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
      groups.insert(path.substr(0, slash));
      if (slash == std::string::npos) break;
    }
  }

  void stop_writer() {
    if (!writer.joinable()) return;
    {
      std::lock_guard lock(mu);
      stopping = true;
    }
    work_cv.notify_all();
    writer.join();
  }

  // Writes a 1-D compound table `name` of n rows; fill(first, count, rows) prepares a block.
  template <class Row, class Fill>
  void write_table(const char* name, const Compound& type, std::size_t n, Fill fill) {
    const detail::QuietErrors quiet;
    const std::string path = std::string("/") + name;
    const Hid ftype = type.packed();
    const hsize_t dims[1] = {n};
    const hsize_t maxdims[1] = {H5S_UNLIMITED};
    const Hid space(H5Screate_simple(1, dims, maxdims));
    const Hid dcpl(H5Pcreate(H5P_DATASET_CREATE));
    const hsize_t chunk[1] = {std::clamp<hsize_t>(n, 1, kTableBlock)};
    H5Pset_chunk(dcpl.get(), 1, chunk);
    H5Pset_deflate(dcpl.get(), detail::kDeflateLevel);
    const Hid ds = checked(
        H5Dcreate2(fid.get(), name, ftype.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
        file, path, "cannot create the table");
    std::vector<Row> rows;
    rows.reserve(std::min(n, kTableBlock));
    for (std::size_t first = 0; first < n; first += kTableBlock) {
      const std::size_t count = std::min(kTableBlock, n - first);
      rows.assign(count, Row{});
      fill(first, count, rows.data());
      const hsize_t start[1] = {first};
      const hsize_t cnt[1] = {count};
      const Hid mem(H5Screate_simple(1, cnt, nullptr));
      const Hid fspace(H5Dget_space(ds.get()));
      H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, cnt, nullptr);
      if (H5Dwrite(ds.get(), type.mem(), mem.get(), fspace.get(), H5P_DEFAULT, rows.data()) < 0) {
        detail::h5_fail(file, path, "cannot write the table");
      }
    }
  }
};

ResultsWriter::ResultsWriter(std::filesystem::path target) : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.target = std::move(target);
  m.tmp = temp_for(m.target);
  m.file = m.target.string();
  const detail::QuietErrors quiet;
  // HDF5 1.10 object formats: compact object headers and chunk indexes made for appending
  // (readable by HDF5 >= 1.10, as in Debian 12's h5py).
  const Hid fapl(H5Pcreate(H5P_FILE_ACCESS));
  H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V110, H5F_LIBVER_V110);
  m.fid = checked(H5Fcreate(m.tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), m.file, "",
                  "cannot create the temporary results file " + m.tmp.string());
  const hid_t g = H5Gcreate2(m.fid.get(), "series", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (g < 0) {
    const std::string reason = detail::h5_error_text();
    m.fid.reset();
    std::error_code ec;
    std::filesystem::remove(m.tmp, ec);
    throw TelemetryError(m.file, 0, "/series", "cannot create the group (HDF5: " + reason + ")");
  }
  H5Gclose(g);
  m.start_writer();
}

ResultsWriter::~ResultsWriter() {
  if (!impl_) return;
  impl_->stop_writer();  // writes what is queued (into the temporary), then ends
  if (impl_->committed) return;
  const detail::QuietErrors quiet;
  impl_->series.clear();
  impl_->fid.reset();
  std::error_code ec;
  std::filesystem::remove(impl_->tmp, ec);
}

ResultsWriter::SeriesId ResultsWriter::add_series(std::string_view id, std::string_view unit,
                                                  std::string_view description) {
  Impl& m = *impl_;
  m.require_open("add_series");
  if (const std::string why = detail::series_id_problem(id); !why.empty()) {
    throw std::invalid_argument("ResultsWriter::add_series: " + why + ": '" + std::string(id) +
                                "'");
  }
  if (m.ids.find(id) != m.ids.end()) {
    throw std::invalid_argument("ResultsWriter::add_series: series '" + std::string(id) +
                                "' added twice");
  }
  Impl::Series s;
  s.id = std::string(id);
  s.unit = std::string(unit);
  s.description = std::string(description);
  SeriesId sid = 0;
  {
    // The writer thread reads `series` while busy: grow it only when the writer is idle.
    std::unique_lock lock(m.mu);
    m.done_cv.wait(lock, [&] { return (m.queued == 0 && !m.busy) || m.failure; });
    if (m.failure) std::rethrow_exception(m.failure);
    sid = static_cast<SeriesId>(m.series.size());
    m.series.push_back(std::move(s));
    if (m.background) m.pending_groups.push_back(sid);
  }
  m.work_cv.notify_one();
  m.ids.emplace(std::string(id), sid);
  return sid;
}

void ResultsWriter::append(SeriesId s, std::int64_t t_us, double value) {
  Impl& m = *impl_;
  if (s >= m.series.size()) [[unlikely]] {
    m.require_open("append");
    throw std::out_of_range("ResultsWriter::append: no series #" + std::to_string(s) + " in " +
                            m.file);
  }
  Impl::Series& x = m.series[s];
  if (t_us < x.last_t || !std::isfinite(value)) [[unlikely]] {
    throw std::invalid_argument("ResultsWriter::append: series '" + x.id + "': " +
                                (t_us < x.last_t ? "time " + std::to_string(t_us) +
                                                       " us is before the previous sample (" +
                                                       std::to_string(x.last_t) + " us)"
                                                 : "value is not a finite number"));
  }
  x.last_t = t_us;
  x.t.push_back(t_us);
  x.v.push_back(value);
  ++m.samples;
  if (x.t.size() == detail::kSeriesChunk) m.flush(s);
}

void ResultsWriter::write_meta(const ResultsMeta& meta) {
  Impl& m = *impl_;
  m.drain();
  m.once(m.meta_done, "write_meta");
  const detail::QuietErrors quiet;
  const std::string p = "/meta";
  const Hid g = checked(H5Gcreate2(m.fid.get(), "meta", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                        m.file, p, "cannot create the group");
  const hid_t gid = g.get();
  detail::write_string_attr(gid, "scenario_name", meta.scenario_name, m.file, p);
  detail::write_string_attr(gid, "scenario_path", meta.scenario_path, m.file, p);
  detail::write_string_attr(gid, "variant", meta.variant, m.file, p);
  detail::write_string_attr(gid, "labtwin_version", meta.labtwin_version, m.file, p);
  detail::write_string_attr(gid, "fingerprint", twin::fingerprint_hex(meta.fingerprint), m.file, p);
  detail::write_scalar_attr(gid, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, meta.seed, m.file, p);
  detail::write_scalar_attr(gid, "replication", H5T_STD_U64LE, H5T_NATIVE_UINT64, meta.replication,
                            m.file, p);
  detail::write_scalar_attr(gid, "start_us", H5T_STD_I64LE, H5T_NATIVE_INT64, meta.start_us, m.file,
                            p);
  detail::write_scalar_attr(gid, "horizon_s", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, meta.horizon_s,
                            m.file, p);
  const Hid type = detail::vlen_string_type();
  const Hid space(H5Screate(H5S_SCALAR));
  const Hid ds = checked(H5Dcreate2(gid, "scenario_text", type.get(), space.get(), H5P_DEFAULT,
                                    H5P_DEFAULT, H5P_DEFAULT),
                         m.file, p + "/scenario_text", "cannot create the dataset");
  const char* text = meta.scenario_text.c_str();
  if (H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &text) < 0) {
    detail::h5_fail(m.file, p + "/scenario_text", "cannot write the dataset");
  }
}

void ResultsWriter::write_kpis(const std::vector<twin::Kpi>& kpis) {
  Impl& m = *impl_;
  m.drain();
  m.once(m.kpi_done, "write_kpis");
  const Hid str = detail::vlen_string_type();
  Compound type(sizeof(KpiRow));
  type.add("name", offsetof(KpiRow, name), str.get())
      .add("value", offsetof(KpiRow, value), H5T_NATIVE_DOUBLE)
      .add("unit", offsetof(KpiRow, unit), str.get())
      .add("description", offsetof(KpiRow, description), str.get());
  m.write_table<KpiRow>(
      "kpi", type, kpis.size(), [&](std::size_t first, std::size_t count, KpiRow* rows) {
        for (std::size_t i = 0; i < count; ++i) {
          const twin::Kpi& k = kpis[first + i];
          rows[i] = {k.name.c_str(), k.value, k.unit.c_str(), k.description.c_str()};
        }
      });
}

void ResultsWriter::write_events(const std::vector<core::DomainEvent>& events) {
  Impl& m = *impl_;
  m.drain();
  m.once(m.events_done, "write_events");
  const Hid str = detail::vlen_string_type();
  Compound type(sizeof(EventRow));
  type.add("time", offsetof(EventRow, time), H5T_NATIVE_INT64)
      .add("kind", offsetof(EventRow, kind), str.get())
      .add("entity", offsetof(EventRow, entity), str.get())
      .add("detail", offsetof(EventRow, detail), str.get());
  m.write_table<EventRow>(
      "events", type, events.size(), [&](std::size_t first, std::size_t count, EventRow* rows) {
        for (std::size_t i = 0; i < count; ++i) {
          const core::DomainEvent& e = events[first + i];
          rows[i] = {e.at.us, e.kind.c_str(), e.entity.c_str(), e.detail.c_str()};
        }
      });
}

void ResultsWriter::write_ledger(const std::vector<core::inventory::Event>& events) {
  Impl& m = *impl_;
  m.drain();
  m.once(m.ledger_done, "write_ledger");
  const Hid str = detail::vlen_string_type();
  Compound type(sizeof(LedgerRow));
  type.add("seq", offsetof(LedgerRow, seq), H5T_NATIVE_UINT64)
      .add("time", offsetof(LedgerRow, time), H5T_NATIVE_INT64)
      .add("kind", offsetof(LedgerRow, kind), str.get())
      .add("entity", offsetof(LedgerRow, entity), str.get())
      .add("quantity", offsetof(LedgerRow, quantity), H5T_NATIVE_DOUBLE)
      .add("detail", offsetof(LedgerRow, detail), str.get());
  LedgerNames names;
  std::vector<LedgerText> text;  // the block's strings, alive until its rows are written
  std::vector<std::string> kinds;
  m.write_table<LedgerRow>("ledger", type, events.size(),
                           [&](std::size_t first, std::size_t count, LedgerRow* rows) {
                             text.clear();
                             kinds.clear();
                             for (std::size_t i = 0; i < count; ++i) {
                               const core::inventory::Event& e = events[first + i];
                               text.push_back(describe(e, names));
                               kinds.emplace_back(core::inventory::kind_of(e.body));
                             }
                             for (std::size_t i = 0; i < count; ++i) {
                               const core::inventory::Event& e = events[first + i];
                               rows[i] = {e.seq,
                                          e.at.us,
                                          kinds[i].c_str(),
                                          text[i].entity.c_str(),
                                          text[i].quantity,
                                          text[i].detail.c_str()};
                             }
                           });
}

void ResultsWriter::commit() {
  Impl& m = *impl_;
  m.require_open("commit");
  m.drain();
  m.stop_writer();
  {
    const detail::QuietErrors quiet;
    for (auto& s : m.series) {
      if (s.created) {
        m.write_block(s, s.t.data(), s.v.data(), s.t.size());
        continue;
      }
      // Never filled a buffer: written whole, compact, in one go.
      s.d = detail::create_series(m.fid.get(), s.id, s.unit, s.description, s.t.size(), m.file,
                                  true, &m.groups);
      s.created = true;
      detail::write_series_block(s.d, 0, s.t.size(), s.t.data(), s.v.data(), m.file, s.id);
      s.d = {};
    }
    m.series.clear();  // closes every dataset
    if (m.fid.close() < 0) detail::h5_fail(m.file, "", "cannot close the results file");
  }
  fsync_path(m.tmp, O_RDONLY);
  if (::rename(m.tmp.c_str(), m.target.c_str()) != 0) {
    throw TelemetryError(
        m.file, 0, "",
        std::string("cannot rename the temporary onto the target: ") + std::strerror(errno));
  }
  m.committed = true;
  const auto dir = m.target.has_parent_path() ? m.target.parent_path() : std::filesystem::path(".");
  fsync_path(dir, O_RDONLY | O_DIRECTORY);
}

std::size_t ResultsWriter::samples() const { return impl_->samples; }

void ResultsWriter::drain() { impl_->drain(); }

}  // namespace labtwin::adapters
