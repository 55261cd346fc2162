// The results.h5 writer: per-series buffers appended chunk by chunk to extendible datasets in a
// temporary file, compound tables for KPIs, events and the inventory ledger, an atomic commit.
#include "labtwin/adapters/results_h5.hpp"

#include <fcntl.h>
#include <libdeflate.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <iterator>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <variant>

#include "h5_util.hpp"
#include "labtwin/adapters/chunk_deflate.hpp"
#include "labtwin/adapters/telemetry.hpp"
#include "labtwin/core/inventory/events.hpp"
#include "labtwin/core/inventory/lot.hpp"
#include "labtwin/core/ports.hpp"
#include "labtwin/twin/run_result.hpp"
#include "thread_cpu.hpp"

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

// [SECTION] The writer. All HDF5 work of a ResultsWriter runs on one writer thread (HDF5 here
// is not thread-safe, and the run owns the other core): the caller's thread validates samples
// and stages them in blocks; full blocks, series declarations and table jobs go through one
// queue, in order. The writer sorts samples into per-series chunks, compresses each chunk
// itself (shuffle, then a zlib stream from chunk_deflate.hpp: byte planes of noise stored, the
// rest deflated with libdeflate; a last partial chunk's zero padding as cheap runs) and hands it
// to HDF5 as a raw chunk (H5Dwrite_chunk): the file is an ordinary shuffled and deflated HDF5
// file, read by any HDF5 deflate filter. When the queue is empty it creates the datasets of the
// series declared so far, so the commit finds nearly everything in place.
namespace {

static_assert(std::endian::native == std::endian::little,
              "raw chunk writes assume little-endian samples (the datasets are LE)");

using Sample = SampleRecord;

constexpr std::size_t kBlock = 8192;  // samples per staged block (192 KiB)
constexpr std::size_t kRing = 16;     // queued jobs at most (then the caller waits)
constexpr std::size_t kChunkBytes = detail::kSeriesChunk * 8;
constexpr std::size_t kWriteback = 8u << 20;  // start writing back every 8 MiB of chunks

/// HDF5's shuffle filter for 8-byte elements over a whole chunk: byte b of element i goes to
/// b * chunk + i; elements n..chunk-1 (a partial last chunk) are zero, HDF5's fill value.
void shuffle8(const unsigned char* in, std::size_t n, unsigned char* out) {
  constexpr std::size_t kC = detail::kSeriesChunk;
  for (std::size_t b = 0; b < 8; ++b) {
    unsigned char* o = out + b * kC;
    for (std::size_t i = 0; i < n; ++i) o[i] = in[i * 8 + b];
    std::memset(o + n, 0, kC - n);
  }
}

}  // namespace

struct ResultsWriter::Impl {
  // ---- Caller's thread ----
  std::filesystem::path target;
  std::filesystem::path tmp;
  std::string file;  // target, for messages
  std::map<std::string, SeriesId, std::less<>> ids;
  std::vector<std::int64_t> last_t;  // per series: time of its last sample
  std::vector<std::string> names;    // per series: id, for messages
  std::vector<Sample> staging;       // capacity kBlock
  std::size_t samples = 0;
  bool committed = false, closed = false;
  bool meta_done = false, kpi_done = false, events_done = false, ledger_done = false;
  std::size_t events_taken = 0, ledger_taken = 0;  // rows of the logs handed over so far

  // ---- Shared (under mu) ----
  struct Decl {
    std::string id, unit, description;
  };
  struct Job {
    std::vector<Sample> samples;  // a block (when task is empty)
    std::int64_t offset = 0;      // added to the block's times
    std::function<void()> task;   // HDF5 work in order with the blocks
  };
  std::mutex mu;
  std::condition_variable work_cv, done_cv;
  std::vector<Decl> decls;  // declared series (append-only)
  std::vector<Job> ring;    // kRing slots
  std::size_t head = 0, queued = 0;
  std::vector<std::vector<Sample>> spare;  // empty blocks with capacity kBlock
  bool busy = false, stopping = false, discard = false;
  std::exception_ptr failure;
  std::atomic<double> writer_cpu{0.0};
  std::thread writer;

  // ---- Writer thread ----
  Hid fid;
  struct Series {
    std::string id, unit, description;
    bool created = false;
    detail::SeriesDatasets d;
    std::unique_ptr<std::int64_t[]> t;  // the chunk being filled (kSeriesChunk samples)
    std::unique_ptr<double[]> v;
    hsize_t written = 0;
  };
  // What sort_in touches per sample, 32 bytes a series (apart from the strings and handles
  // above): a thousand series stay in cache while samples are sorted in.
  struct Fill {
    std::int64_t* t = nullptr;
    double* v = nullptr;
    std::int64_t last_t = std::numeric_limits<std::int64_t>::min();
    std::uint32_t n = 0;      // samples in the chunk being filled
    std::uint32_t count = 0;  // sort_in: samples of the block, then the next slot in `order`
  };
  std::vector<Series> series;
  std::vector<Fill> fills;             // parallel to series
  std::vector<std::uint32_t> order;    // sort_in: block indices grouped by series
  std::vector<std::uint32_t> touched;  // sort_in: the series in the block, first seen first
  std::size_t next_create = 0;         // idle work: series below this have their datasets
  bool finished = false;               // finish() ran: the file is closed
  std::size_t unsynced = 0;            // chunk bytes written since the last start_writeback
  std::set<std::string, std::less<>> groups;
  // A table streamed while the run goes on: rows wait here until a whole block (kTableBlock
  // rows, one chunk) is there, the rest goes at the end.
  struct EventText {
    std::int64_t time;
    std::string kind, entity, detail;
  };
  struct LedgerTextRow {
    std::uint64_t seq;
    std::int64_t time;
    std::string kind;
    LedgerText text;
  };
  struct Stream {
    Hid ds;
    hsize_t rows = 0;  // written
  };
  std::vector<EventText> events_pending;
  std::vector<LedgerTextRow> ledger_pending;
  LedgerNames ledger_names;  // learned from the ledger rows so far, in order
  Stream events_stream, ledger_stream;
  libdeflate_compressor* compressor = nullptr;
  std::vector<unsigned char> shuffled, packed;

  ~Impl() {
    if (compressor != nullptr) libdeflate_free_compressor(compressor);
  }

  void require_open(const char* what) const {
    if (closed) {
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

  void rethrow_failure() {
    std::lock_guard lock(mu);
    if (failure) std::rethrow_exception(failure);
  }

  void start_writer() {
    compressor = libdeflate_alloc_compressor(static_cast<int>(detail::kDeflateLevel));
    if (compressor == nullptr) throw std::bad_alloc();
    shuffled.resize(kChunkBytes);
    packed.reserve(libdeflate_zlib_compress_bound(compressor, kChunkBytes) + 64);
    ring.resize(kRing);
    spare.resize(kRing + 1);
    for (auto& b : spare) b.reserve(kBlock);
    staging.reserve(kBlock);
    writer = std::thread([this] { writer_loop(); });
  }

  // Queues a job (a full block or a task); waits while the queue is full.
  void enqueue(Job job) {
    std::unique_lock lock(mu);
    done_cv.wait(lock, [&] { return queued < kRing || failure; });
    if (failure) std::rethrow_exception(failure);
    ring[(head + queued) % kRing] = std::move(job);
    ++queued;
    work_cv.notify_one();
  }

  // Hands the staged samples to the writer and takes an empty block.
  void hand_off() {
    if (staging.empty()) return;
    hand_off(staging, 0);
  }

  // Hands `block` to the writer (its times + offset) and leaves an empty block in its place.
  void hand_off(std::vector<Sample>& block, std::int64_t offset) {
    std::vector<Sample> empty;
    {
      std::unique_lock lock(mu);
      done_cv.wait(lock, [&] { return (!spare.empty() && queued < kRing) || failure; });
      if (failure) std::rethrow_exception(failure);
      empty = std::move(spare.back());
      spare.pop_back();
      ring[(head + queued) % kRing] = Job{std::move(block), offset, {}};
      ++queued;
    }
    work_cv.notify_one();
    block = std::move(empty);
  }

  void task(std::function<void()> fn) {
    hand_off();  // samples staged before the task are written before it
    enqueue(Job{{}, 0, std::move(fn)});
  }

  // Waits until every queued job is done; rethrows the writer's failure.
  void drain() {
    hand_off();
    std::unique_lock lock(mu);
    done_cv.wait(lock, [&] { return (queued == 0 && !busy) || failure; });
    if (failure) std::rethrow_exception(failure);
  }

  void writer_loop() {
    struct CpuClock {  // the writer thread's CPU time, kept when it ends (benches report it)
      std::atomic<double>& out;
      ~CpuClock() { out = detail::thread_cpu_seconds(); }
    } cpu{writer_cpu};
    std::unique_lock lock(mu);
    for (;;) {
      work_cv.wait(lock, [&] {
        return queued > 0 || stopping || (!failure && !finished && next_create < decls.size());
      });
      // New declarations become writer-side series (blocks never name a later one).
      while (!finished && series.size() < decls.size()) {
        const Decl& d = decls[series.size()];
        series.push_back(Series{d.id, d.unit, d.description, false, {}, {}, {}, 0});
        fills.emplace_back();
      }
      if (queued == 0) {
        if (stopping || finished || failure) {
          if (stopping) return;
          continue;
        }
        // Idle: create the next series' datasets.
        const std::size_t k = next_create++;
        busy = true;
        lock.unlock();
        run_guarded([&] {
          ensure_created(series[k]);
          // Every series declared so far exists: write their headers now, so the commit does
          // not serialize a thousand group and dataset headers that have not changed since.
          if (k + 1 == series.size()) flush_metadata();
        });
        lock.lock();
        busy = false;
        done_cv.notify_all();
        continue;
      }
      Job job = std::move(ring[head]);
      head = (head + 1) % kRing;
      --queued;
      busy = true;
      const bool skip = discard || failure != nullptr;
      const bool block = !job.task;
      lock.unlock();
      if (!skip) {
        if (job.task) {
          run_guarded(job.task);
        } else {
          run_guarded([&] { sort_in(job.samples, job.offset); });
        }
      }
      job.task = nullptr;
      lock.lock();
      if (block) {
        job.samples.clear();
        spare.push_back(std::move(job.samples));
      }
      busy = false;
      done_cv.notify_all();
    }
  }

  template <class Fn>
  void run_guarded(Fn&& fn) {
    try {
      fn();
    } catch (...) {
      std::lock_guard lock(mu);
      if (!failure) failure = std::current_exception();
    }
  }

  // Writer: samples into their series' chunks; a full chunk is written at once. Checks what
  // append() checks on the caller's side, for blocks that skipped it (append_block).
  void sort_in(const std::vector<Sample>& block, std::int64_t offset) {
    // Grouped by series first (a counting sort of the block's indices, in cache), so each
    // series' samples are appended in one sequential run instead of the block scattering over
    // a thousand chunk buffers sample by sample.
    const std::size_t n = block.size();
    order.resize(n);
    touched.clear();
    for (const Sample& x : block) {
      if (x.series >= fills.size()) [[unlikely]]
        throw std::out_of_range("ResultsWriter::append_block: no series #" +
                                std::to_string(x.series) + " in " + file);
      Fill& f = fills[x.series];
      if (f.count++ == 0) touched.push_back(x.series);
    }
    std::uint32_t at = 0;
    for (std::uint32_t k : touched) {  // from here on: the next free slot of k in `order`
      const std::uint32_t c = fills[k].count;
      fills[k].count = at;
      at += c;
    }
    for (std::uint32_t i = 0; i < n; ++i) order[fills[block[i].series].count++] = i;
    std::uint32_t from = 0;
    for (std::uint32_t k : touched) {
      Fill& f = fills[k];
      const std::uint32_t to = f.count;
      f.count = 0;
      append_run(k, block, from, to, offset);
      from = to;
    }
  }

  // Writer: the samples block[order[from..to)] of series k, in order.
  void append_run(std::uint32_t k, const std::vector<Sample>& block, std::uint32_t from,
                  std::uint32_t to, std::int64_t offset) {
    Fill& f = fills[k];
    if (f.t == nullptr) start_chunk(k);
    for (std::uint32_t j = from; j < to; ++j) {
      const Sample& x = block[order[j]];
      const std::int64_t t = x.t_us + offset;
      if (t < f.last_t || !std::isfinite(x.value)) [[unlikely]] {
        // A failure ends the writer's work (later jobs are skipped): no state to restore.
        throw std::invalid_argument("ResultsWriter::append_block: series '" + series[k].id + "': " +
                                    (t < f.last_t ? "time " + std::to_string(t) +
                                                        " us is before the previous sample (" +
                                                        std::to_string(f.last_t) + " us)"
                                                  : "value is not a finite number"));
      }
      f.last_t = t;
      f.t[f.n] = t;
      f.v[f.n] = x.value;
      if (++f.n == detail::kSeriesChunk) write_chunk(k);
    }
  }

  // Writer: the chunk buffers of series k, at its first sample (most series never fill one).
  void start_chunk(std::size_t k) {
    Series& s = series[k];
    s.t.reset(new std::int64_t[detail::kSeriesChunk]);
    s.v.reset(new double[detail::kSeriesChunk]);
    fills[k].t = s.t.get();
    fills[k].v = s.v.get();
  }

  void ensure_created(Series& s) {
    if (s.created) return;
    const detail::QuietErrors quiet;
    s.d = detail::create_series(fid.get(), s.id, s.unit, s.description, 0, file, false, &groups);
    s.created = true;
  }

  // Writer: writes the dirty metadata (object headers, chunk indexes) while the run goes on.
  void flush_metadata() {
    const detail::QuietErrors quiet;
    if (H5Fflush(fid.get(), H5F_SCOPE_LOCAL) < 0)
      detail::h5_fail(file, "", "cannot flush the results file");
  }

  // Writer: asks the kernel to start writing the file's dirty pages back now, once every
  // kWriteback bytes of chunks, so the fsync of the commit finds little left to wait for.
  void start_writeback(std::size_t bytes) {
#ifdef __linux__
    unsynced += bytes;
    if (unsynced < kWriteback) return;
    unsynced = 0;
    void* handle = nullptr;
    if (H5Fget_vfd_handle(fid.get(), H5P_DEFAULT, &handle) < 0 || handle == nullptr) return;
    ::sync_file_range(*static_cast<int*>(handle), 0, 0, SYNC_FILE_RANGE_WRITE);
#else
    (void)bytes;
#endif
  }

  // Writer: series k's pending samples as one (possibly partial, last) chunk of each dataset.
  void write_chunk(std::size_t k_series) {
    Series& s = series[k_series];
    Fill& f = fills[k_series];
    const std::size_t n = f.n;
    if (n == 0) return;
    ensure_created(s);
    const detail::QuietErrors quiet;
    const hsize_t size[1] = {s.written + n};
    const hsize_t offset[1] = {s.written};
    for (int k = 0; k < 2; ++k) {
      const hid_t ds = k == 0 ? s.d.time.get() : s.d.value.get();
      const auto* src = k == 0 ? reinterpret_cast<const unsigned char*>(f.t)
                               : reinterpret_cast<const unsigned char*>(f.v);
      shuffle8(src, n, shuffled.data());
      const std::size_t bytes = n == detail::kSeriesChunk ? deflate_full() : deflate_tail(n);
      if (H5Dset_extent(ds, size) < 0 ||
          H5Dwrite_chunk(ds, H5P_DEFAULT, 0, offset, bytes, packed.data()) < 0) {
        detail::h5_fail(file, "/series/" + s.id + (k == 0 ? "/time" : "/value"),
                        "cannot write samples");
      }
      if (!finished) start_writeback(bytes);
    }
    s.written += n;
    f.n = 0;
  }

  // Writer: a full shuffled chunk into `packed`: noise planes stored, the rest deflated.
  std::size_t deflate_full() {
    return deflate_planes(compressor, shuffled.data(), 8, detail::kSeriesChunk, packed);
  }

  // Writer: a last, partial chunk of n samples: each plane's data as runs or stored, its zero
  // padding one fixed-Huffman run; no deflate search (these are written at the commit, where
  // every millisecond shows in the run's wall time).
  std::size_t deflate_tail(std::size_t n) {
    return deflate_padded_planes(shuffled.data(), 8, detail::kSeriesChunk, n, packed);
  }

  // Writer: the end: every series' datasets and last chunk, then the file is closed.
  void finish() {
    finished = true;
    for (std::size_t k = 0; k < series.size(); ++k) {
      ensure_created(series[k]);
      write_chunk(k);
    }
    series.clear();  // closes every dataset
    fills.clear();
    const detail::QuietErrors quiet;
    events_stream = {};
    ledger_stream = {};
    if (fid.close() < 0) detail::h5_fail(file, "", "cannot close the results file");
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

  // Writer: creates the 1-D compound table `name` (chunks of up to kTableBlock rows, deflated,
  // extendible), empty.
  Stream create_table(const char* name, const Compound& type, std::size_t rows_hint) {
    const detail::QuietErrors quiet;
    const Hid ftype = type.packed();
    const hsize_t dims[1] = {0};
    const hsize_t maxdims[1] = {H5S_UNLIMITED};
    const Hid space(H5Screate_simple(1, dims, maxdims));
    const Hid dcpl(H5Pcreate(H5P_DATASET_CREATE));
    const hsize_t chunk[1] = {std::clamp<hsize_t>(rows_hint, 1, kTableBlock)};
    H5Pset_chunk(dcpl.get(), 1, chunk);
    H5Pset_deflate(dcpl.get(), detail::kDeflateLevel);
    H5Pset_obj_track_times(dcpl.get(), 0);
    Stream st;
    st.ds = checked(
        H5Dcreate2(fid.get(), name, ftype.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
        file, std::string("/") + name, "cannot create the table");
    return st;
  }

  // Writer: appends n rows to a table; fill(first, count, rows) prepares a block of rows.
  template <class Row, class Fill>
  void append_table(Stream& st, const char* name, const Compound& type, std::size_t n, Fill fill) {
    if (n == 0) return;
    const detail::QuietErrors quiet;
    const std::string path = std::string("/") + name;
    const hsize_t size[1] = {st.rows + n};
    if (H5Dset_extent(st.ds.get(), size) < 0)
      detail::h5_fail(file, path, "cannot extend the table");
    std::vector<Row> rows;
    rows.reserve(std::min(n, kTableBlock));
    for (std::size_t first = 0; first < n; first += kTableBlock) {
      const std::size_t count = std::min(kTableBlock, n - first);
      rows.assign(count, Row{});
      fill(first, count, rows.data());
      const hsize_t start[1] = {st.rows + first};
      const hsize_t cnt[1] = {count};
      const Hid mem(H5Screate_simple(1, cnt, nullptr));
      const Hid fspace(H5Dget_space(st.ds.get()));
      H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, cnt, nullptr);
      if (H5Dwrite(st.ds.get(), type.mem(), mem.get(), fspace.get(), H5P_DEFAULT, rows.data()) <
          0) {
        detail::h5_fail(file, path, "cannot write the table");
      }
    }
    st.rows += n;
  }

  // Writer: a whole table at once.
  template <class Row, class Fill>
  void write_table(const char* name, const Compound& type, std::size_t n, Fill fill) {
    Stream st = create_table(name, type, n);
    append_table<Row>(st, name, type, n, fill);
  }

  static Compound event_type(const Hid& str) {
    Compound type(sizeof(EventRow));
    type.add("time", offsetof(EventRow, time), H5T_NATIVE_INT64)
        .add("kind", offsetof(EventRow, kind), str.get())
        .add("entity", offsetof(EventRow, entity), str.get())
        .add("detail", offsetof(EventRow, detail), str.get());
    return type;
  }

  static Compound ledger_type(const Hid& str) {
    Compound type(sizeof(LedgerRow));
    type.add("seq", offsetof(LedgerRow, seq), H5T_NATIVE_UINT64)
        .add("time", offsetof(LedgerRow, time), H5T_NATIVE_INT64)
        .add("kind", offsetof(LedgerRow, kind), str.get())
        .add("entity", offsetof(LedgerRow, entity), str.get())
        .add("quantity", offsetof(LedgerRow, quantity), H5T_NATIVE_DOUBLE)
        .add("detail", offsetof(LedgerRow, detail), str.get());
    return type;
  }

  // Writer: the pending rows of a streamed table, whole blocks only unless `last` (then the
  // rest, and the table exists even when empty); to_row(text) makes a row that points into it.
  template <class Row, class Text, class ToRow>
  void flush_table(Stream& st, const char* name, Compound (*type)(const Hid&),
                   std::vector<Text>& pending, bool last, ToRow to_row) {
    const std::size_t n = last ? pending.size() : pending.size() / kTableBlock * kTableBlock;
    if (!st.ds.valid()) {
      if (n == 0 && !last) return;
      st = create_table(name, type(detail::vlen_string_type()), last ? n : kTableBlock);
    }
    if (n == 0) return;
    const Hid str = detail::vlen_string_type();
    append_table<Row>(st, name, type(str), n, [&](std::size_t first, std::size_t count, Row* rows) {
      for (std::size_t i = 0; i < count; ++i) rows[i] = to_row(pending[first + i]);
    });
    pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(n));
  }

  void flush_events(bool last) {
    flush_table<EventRow>(
        events_stream, "events", &event_type, events_pending, last, [](const EventText& e) {
          return EventRow{e.time, e.kind.c_str(), e.entity.c_str(), e.detail.c_str()};
        });
  }

  void flush_ledger(bool last) {
    flush_table<LedgerRow>(ledger_stream, "ledger", &ledger_type, ledger_pending, last,
                           [](const LedgerTextRow& e) {
                             return LedgerRow{e.seq,           e.time,
                                              e.kind.c_str(),  e.text.entity.c_str(),
                                              e.text.quantity, e.text.detail.c_str()};
                           });
  }

  // Caller: hands the event log's new rows (from events_taken on) to the writer.
  void take_events(const std::vector<core::DomainEvent>& log, bool last) {
    auto rows = std::make_shared<std::vector<EventText>>();
    const std::size_t from = std::min(events_taken, log.size());
    rows->reserve(log.size() - from);
    for (std::size_t i = from; i < log.size(); ++i) {
      const core::DomainEvent& e = log[i];
      rows->push_back({e.at.us, e.kind, e.entity, e.detail});
    }
    events_taken = log.size();
    if (rows->empty() && !last) return;
    task([this, rows, last] {
      std::move(rows->begin(), rows->end(), std::back_inserter(events_pending));
      flush_events(last);
    });
  }

  // Caller: the ledger's new events, copied (the log grows on this thread), handed to the
  // writer, which turns them into text in order (the names are learned from the log as it
  // goes) while the run goes on.
  void take_ledger(const std::vector<core::inventory::Event>& log, bool last) {
    const std::size_t from = std::min(ledger_taken, log.size());
    auto events = std::make_shared<std::vector<core::inventory::Event>>(
        log.begin() + static_cast<std::ptrdiff_t>(from), log.end());
    ledger_taken = log.size();
    if (events->empty() && !last) return;
    task([this, events, last] {
      for (const core::inventory::Event& e : *events)
        ledger_pending.push_back({e.seq, e.at.us, std::string(core::inventory::kind_of(e.body)),
                                  describe(e, ledger_names)});
      flush_ledger(last);
    });
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
  m.start_writer();  // from here on only the writer thread calls HDF5
}

ResultsWriter::~ResultsWriter() {
  if (!impl_) return;
  {
    std::lock_guard lock(impl_->mu);
    impl_->discard = !impl_->committed;  // queued work is moot: the temporary goes
  }
  impl_->stop_writer();
  if (impl_->committed) return;
  const detail::QuietErrors quiet;
  impl_->series.clear();
  impl_->events_stream = {};
  impl_->ledger_stream = {};
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
  SeriesId sid = 0;
  {
    std::lock_guard lock(m.mu);
    if (m.failure) std::rethrow_exception(m.failure);
    sid = static_cast<SeriesId>(m.decls.size());
    m.decls.push_back(Impl::Decl{std::string(id), std::string(unit), std::string(description)});
  }
  m.work_cv.notify_one();
  m.ids.emplace(std::string(id), sid);
  m.last_t.push_back(std::numeric_limits<std::int64_t>::min());
  m.names.emplace_back(id);
  return sid;
}

void ResultsWriter::append(SeriesId s, std::int64_t t_us, double value) {
  Impl& m = *impl_;
  if (s >= m.last_t.size()) [[unlikely]] {
    m.require_open("append");
    throw std::out_of_range("ResultsWriter::append: no series #" + std::to_string(s) + " in " +
                            m.file);
  }
  std::int64_t& last = m.last_t[s];
  if (t_us < last || !std::isfinite(value)) [[unlikely]] {
    m.require_open("append");  // after commit every last_t is the maximum: lands here
    throw std::invalid_argument("ResultsWriter::append: series '" + m.names[s] + "': " +
                                (t_us < last ? "time " + std::to_string(t_us) +
                                                   " us is before the previous sample (" +
                                                   std::to_string(last) + " us)"
                                             : "value is not a finite number"));
  }
  last = t_us;
  m.staging.push_back(Sample{s, t_us, value});
  ++m.samples;
  if (m.staging.size() == kBlock) [[unlikely]] {
    m.require_open("append");
    m.hand_off();
  }
}

void ResultsWriter::append_block(std::vector<SampleRecord>& block, std::int64_t offset_us) {
  Impl& m = *impl_;
  m.require_open("append_block");
  if (block.empty()) return;
  m.samples += block.size();
  m.hand_off();  // samples appended one by one before this block go first
  m.hand_off(block, offset_us);
  if (block.capacity() < kBlock) block.reserve(kBlock);
}

void ResultsWriter::write_meta(const ResultsMeta& meta) {
  Impl& m = *impl_;
  m.once(m.meta_done, "write_meta");
  m.task([&m, meta] {
    const detail::QuietErrors quiet;
    const std::string p = "/meta";
    const Hid g = checked(H5Gcreate2(m.fid.get(), "meta", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                          m.file, p, "cannot create the group");
    const hid_t gid = g.get();
    detail::write_string_attr(gid, "scenario_name", meta.scenario_name, m.file, p);
    detail::write_string_attr(gid, "scenario_path", meta.scenario_path, m.file, p);
    detail::write_string_attr(gid, "variant", meta.variant, m.file, p);
    detail::write_string_attr(gid, "labtwin_version", meta.labtwin_version, m.file, p);
    detail::write_string_attr(gid, "fingerprint", twin::fingerprint_hex(meta.fingerprint), m.file,
                              p);
    detail::write_scalar_attr(gid, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, meta.seed, m.file, p);
    detail::write_scalar_attr(gid, "replication", H5T_STD_U64LE, H5T_NATIVE_UINT64,
                              meta.replication, m.file, p);
    detail::write_scalar_attr(gid, "start_us", H5T_STD_I64LE, H5T_NATIVE_INT64, meta.start_us,
                              m.file, p);
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
  });
}

void ResultsWriter::write_kpis(const std::vector<twin::Kpi>& kpis) {
  Impl& m = *impl_;
  m.once(m.kpi_done, "write_kpis");
  m.task([&m, kpis] {
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
  });
}

void ResultsWriter::write_events(const std::vector<core::DomainEvent>& events) {
  Impl& m = *impl_;
  m.once(m.events_done, "write_events");
  m.take_events(events, true);
}

void ResultsWriter::stream_events(const std::vector<core::DomainEvent>& events) {
  Impl& m = *impl_;
  m.require_open("stream_events");
  if (m.events_done) throw std::logic_error("ResultsWriter::stream_events: after write_events");
  m.take_events(events, false);
}

void ResultsWriter::write_ledger(const std::vector<core::inventory::Event>& events) {
  Impl& m = *impl_;
  m.once(m.ledger_done, "write_ledger");
  m.take_ledger(events, true);
}

void ResultsWriter::stream_ledger(const std::vector<core::inventory::Event>& events) {
  Impl& m = *impl_;
  m.require_open("stream_ledger");
  if (m.ledger_done) throw std::logic_error("ResultsWriter::stream_ledger: after write_ledger");
  m.take_ledger(events, false);
}

void ResultsWriter::commit() {
  Impl& m = *impl_;
  m.require_open("commit");
  m.task([&m] { m.finish(); });
  m.drain();
  m.closed = true;
  std::fill(m.last_t.begin(), m.last_t.end(), std::numeric_limits<std::int64_t>::max());
  m.stop_writer();
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

double ResultsWriter::writer_cpu_seconds() const { return impl_->writer_cpu; }

void ResultsWriter::drain() { impl_->drain(); }

}  // namespace labtwin::adapters
