// The sweep resume journal: text lines, one per finished replication, fsync'd per line.
#include "labtwin/adapters/sweep_journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "labtwin/adapters/atomic_file.hpp"
#include "labtwin/sim/random.hpp"
#include "labtwin/twin/run_result.hpp"

namespace labtwin::adapters {
namespace {

constexpr const char* kMagic = "labtwin-sweep-journal 1";

std::string header_line(std::uint64_t hash) {
  return std::string(kMagic) + " " + twin::fingerprint_hex(hash) + "\n";
}

void write_all(int fd, const std::string& text, const std::filesystem::path& path) {
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("cannot write the journal " + path.string() + ": " +
                               std::strerror(errno));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

int open_append(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) {
    throw std::runtime_error("cannot open the journal " + path.string() + ": " +
                             std::strerror(errno));
  }
  return fd;
}

std::string record_line(std::size_t variant, std::size_t replication, const Replication& run) {
  std::string line = std::to_string(variant) + " " + std::to_string(replication) + " " +
                     twin::fingerprint_hex(run.fingerprint);
  char buf[64];
  for (double v : run.values) {
    std::snprintf(buf, sizeof buf, " %a", v);
    line += buf;
  }
  line += "\n";
  return line;
}

}  // namespace

std::uint64_t sweep_plan_hash(std::string_view scenario_text, std::uint64_t seed,
                              std::int64_t until_ticks, const std::vector<std::string>& variants,
                              const std::vector<KpiColumn>& kpis) {
  std::string key(scenario_text);
  key += "\nseed=" + std::to_string(seed) + "\nuntil=" + std::to_string(until_ticks) + "\n";
  for (const auto& v : variants) key += "variant=" + v + "\n";
  for (const auto& k : kpis) key += "kpi=" + k.name + "\n";
  return sim::fnv1a64(key);
}

SweepJournal SweepJournal::create(const std::filesystem::path& path, std::uint64_t hash) {
  write_file_atomic(path, header_line(hash));
  return SweepJournal(open_append(path), path);
}

SweepJournal SweepJournal::resume(const std::filesystem::path& path, std::uint64_t hash,
                                  std::size_t kpi_count, std::vector<JournalRecord>& records) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("--resume: no journal at " + path.string() +
                             " (run the sweep with --out first)");
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  const auto eol = text.find('\n');
  const std::string header = eol == std::string::npos ? text : text.substr(0, eol);
  if (header.rfind(kMagic, 0) != 0) {
    throw std::runtime_error("--resume: " + path.string() + " is not a labtwin sweep journal");
  }
  if (header != header_line(hash).substr(0, header_line(hash).size() - 1)) {
    throw std::runtime_error(
        "--resume: the journal " + path.string() +
        " was written for another scenario, seed, horizon, variant list or KPI set "
        "(plan hash " +
        header.substr(std::strlen(kMagic) + 1) + ", now " + twin::fingerprint_hex(hash) +
        "); run without --resume to start over");
  }
  // Keep complete lines only: a line without its newline was torn by a kill.
  std::string kept = header + "\n";
  std::size_t pos = eol == std::string::npos ? text.size() : eol + 1;
  std::size_t line_no = 1;
  while (pos < text.size()) {
    const auto end = text.find('\n', pos);
    if (end == std::string::npos) break;
    const std::string line = text.substr(pos, end - pos);
    ++line_no;
    pos = end + 1;
    std::istringstream ls(line);
    JournalRecord rec;
    std::string fp;
    if (!(ls >> rec.variant >> rec.replication >> fp) || fp.size() != 16) {
      throw std::runtime_error("--resume: " + path.string() + ":" + std::to_string(line_no) +
                               ": malformed journal line");
    }
    rec.run.fingerprint = std::strtoull(fp.c_str(), nullptr, 16);
    std::string tok;
    while (ls >> tok) rec.run.values.push_back(std::strtod(tok.c_str(), nullptr));
    if (rec.run.values.size() != kpi_count) {
      throw std::runtime_error("--resume: " + path.string() + ":" + std::to_string(line_no) +
                               ": expected " + std::to_string(kpi_count) + " KPI values, found " +
                               std::to_string(rec.run.values.size()));
    }
    rec.run.done = true;
    records.push_back(std::move(rec));
    kept += line + "\n";
  }
  // Rewrite without a torn tail so appends start on a fresh line.
  if (kept.size() != text.size()) write_file_atomic(path, kept);
  return SweepJournal(open_append(path), path);
}

SweepJournal::SweepJournal(SweepJournal&& other) noexcept
    : fd_(other.fd_), path_(std::move(other.path_)) {
  other.fd_ = -1;
}

SweepJournal& SweepJournal::operator=(SweepJournal&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    other.fd_ = -1;
  }
  return *this;
}

SweepJournal::~SweepJournal() {
  if (fd_ >= 0) ::close(fd_);
}

void SweepJournal::write(std::size_t variant, std::size_t replication, const Replication& run) {
  // One write per line (O_APPEND): a kill leaves at most one torn line.
  write_all(fd_, record_line(variant, replication, run), path_);
}

void SweepJournal::sync() {
  if (::fdatasync(fd_) != 0) {
    throw std::runtime_error("cannot sync the journal " + path_.string() + ": " +
                             std::strerror(errno));
  }
}

void absorb_records(SweepResults& results, const std::vector<JournalRecord>& records) {
  for (const auto& rec : records) {
    if (rec.variant >= results.runs.size()) continue;
    auto& runs = results.runs[rec.variant];
    if (rec.replication >= runs.size() || runs[rec.replication].done) continue;
    runs[rec.replication] = rec.run;
  }
}

}  // namespace labtwin::adapters
