// Telemetry CSV reader: `timestamp,sensor_id,value[,unit]` rows into per-sensor series.
//
// One pass over the text, fields as string_views into it (a quoted field with doubled quotes is
// unescaped into a reused buffer), numbers by std::from_chars and a hand-written ISO-8601
// parser, so a row costs no allocation beyond the growth of the series' vectors.
#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <numeric>
#include <system_error>

#include "h5_util.hpp"
#include "labtwin/adapters/telemetry.hpp"

namespace labtwin::adapters {

namespace {

// "FILE:LINE: error: FIELD: MESSAGE", appended piece by piece.
std::string error_text(const std::string& file, std::size_t line, const std::string& field,
                       const std::string& msg) {
  std::string s;
  s.reserve(file.size() + field.size() + msg.size() + 32);
  s.append(file);
  if (line > 0) s.append(":").append(std::to_string(line));
  s.append(": error: ");
  if (!field.empty()) s.append(field).append(": ");
  s.append(msg);
  return s;
}

}  // namespace

TelemetryError::TelemetryError(std::string file, std::size_t line, std::string field,
                               const std::string& msg)
    : std::runtime_error(error_text(file, line, field, msg)),
      file_(std::move(file)),
      line_(line),
      field_(std::move(field)) {}

const TelemetrySeries* TelemetrySet::find(std::string_view sensor) const {
  const auto it =
      std::lower_bound(series.begin(), series.end(), sensor,
                       [](const TelemetrySeries& s, std::string_view id) { return s.sensor < id; });
  return it != series.end() && it->sensor == sensor ? &*it : nullptr;
}

std::size_t TelemetrySet::samples() const {
  std::size_t n = 0;
  for (const auto& s : series) n += s.t_us.size();
  return n;
}

namespace {

constexpr std::string_view kExpectedHeader = "timestamp,sensor_id,value[,unit]";
constexpr std::size_t kMaxSkippedMessages = 20;

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_blank(s.front()) || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (is_blank(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Quotes text for a message, cut to a readable length (fuzzed input can be huge).
std::string shown(std::string_view s) {
  constexpr std::size_t kMax = 60;
  std::string out = "'";
  out += s.substr(0, kMax);
  if (s.size() > kMax) out += "...";
  out += "'";
  return out;
}

// n decimal digits at s[i..i+n), or -1.
int digits(std::string_view s, std::size_t i, std::size_t n) {
  if (i + n > s.size()) return -1;
  int v = 0;
  for (std::size_t k = i; k < i + n; ++k) {
    if (s[k] < '0' || s[k] > '9') return -1;
    v = v * 10 + (s[k] - '0');
  }
  return v;
}

// ISO-8601 "YYYY-MM-DD[(T|t| )HH:MM[:SS[(.|,)f+]]][Z|z|(+|-)HH[:MM]|(+|-)HHMM]" to us since the
// epoch. No zone means UTC. Digits beyond microseconds are truncated. Returns nullptr on
// success, else a static reason.
const char* parse_timestamp(std::string_view s, std::int64_t& us) {
  static const char* const kForm = "";
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return kForm;
  const int y = digits(s, 0, 4);
  const int mo = digits(s, 5, 2);
  const int d = digits(s, 8, 2);
  if (y < 0 || mo < 0 || d < 0) return kForm;
  const std::chrono::year_month_day ymd{std::chrono::year{y},
                                        std::chrono::month{static_cast<unsigned>(mo)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return " (no such calendar date)";
  const std::int64_t days = std::chrono::sys_days{ymd}.time_since_epoch().count();
  us = days * 86'400'000'000;
  std::size_t i = 10;
  if (i == s.size()) return nullptr;
  if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') return kForm;
  ++i;
  const int hh = digits(s, i, 2);
  if (hh < 0 || i + 2 >= s.size() || s[i + 2] != ':') return kForm;
  const int mi = digits(s, i + 3, 2);
  if (mi < 0) return kForm;
  i += 5;
  int ss = 0;
  std::int64_t frac = 0;
  if (i < s.size() && s[i] == ':') {
    ss = digits(s, i + 1, 2);
    if (ss < 0) return kForm;
    i += 3;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
      ++i;
      const std::size_t start = i;
      std::int64_t scale = 100000;
      for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
        frac += (s[i] - '0') * scale;
        scale /= 10;
      }
      if (i == start) return kForm;
    }
  }
  if (hh > 23 || mi > 59 || ss > 59) return " (time of day out of range)";
  us += (static_cast<std::int64_t>(hh) * 3600 + mi * 60 + ss) * 1'000'000 + frac;
  if (i == s.size()) return nullptr;
  if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) return nullptr;
  if (s[i] != '+' && s[i] != '-') return kForm;
  const int sign = s[i] == '-' ? -1 : 1;
  ++i;
  const int oh = digits(s, i, 2);
  if (oh < 0) return kForm;
  i += 2;
  int om = 0;
  if (i < s.size()) {
    if (s[i] == ':') ++i;
    om = digits(s, i, 2);
    if (om < 0 || i + 2 != s.size()) return kForm;
  }
  if (oh > 23 || om > 59) return " (UTC offset out of range)";
  // local = UTC + offset
  us -= sign * (static_cast<std::int64_t>(oh) * 3600 + om * 60) * 1'000'000;
  return nullptr;
}

// Column roles.
enum Column : std::uint8_t { kTimestamp, kSensor, kValue, kUnit, kColumns };
constexpr std::array<std::string_view, kColumns> kColumnNames{"timestamp", "sensor_id", "value",
                                                              "unit"};

// Splits records into fields (views into the text, or into scratch when unescaped). A quoted
// field must end on the line it starts on, so a stray quote costs one row, not the file.
class RecordReader {
 public:
  static constexpr std::size_t kMaxFields = 8;

  explicit RecordReader(std::string_view text) : text_(text) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // UTF-8 byte order mark
  }

  // The next non-blank, non-comment record; false at the end. On a malformed record
  // `error` is set (and `error_field` is the 0-based field index) and the line is consumed.
  bool next() {
    error_ = nullptr;
    count_ = 0;
    while (pos_ < text_.size()) {
      line_ = next_line_;
      std::size_t p = pos_;
      while (p < text_.size() && (is_blank(text_[p]) || text_[p] == '\r')) ++p;
      if (p == text_.size() || text_[p] == '\n' || text_[p] == '#') {
        skip_line(p);
        continue;
      }
      split();
      return true;
    }
    return false;
  }

  std::size_t line() const { return line_; }
  std::size_t count() const { return count_; }
  std::string_view field(std::size_t i) const { return fields_[i]; }
  const char* error() const { return error_; }
  std::size_t error_field() const { return error_field_; }

 private:
  void skip_line(std::size_t p) {
    const void* nl = std::memchr(text_.data() + p, '\n', text_.size() - p);
    pos_ = nl == nullptr
               ? text_.size()
               : static_cast<std::size_t>(static_cast<const char*>(nl) - text_.data()) + 1;
    ++next_line_;
  }

  void set_error(const char* what, std::size_t p) {
    if (error_ == nullptr) {
      error_ = what;
      error_field_ = count_;
    }
    skip_line(p);
  }

  void store(std::string_view f) {
    if (count_ < kMaxFields) fields_[count_] = trim(f);
    ++count_;
  }

  void split() {
    const std::size_t n = text_.size();
    std::size_t p = pos_;
    while (true) {
      std::size_t q = p;
      while (q < n && is_blank(text_[q])) ++q;
      if (q < n && text_[q] == '"') {
        // Quoted: up to the closing quote, "" is a literal quote.
        ++q;
        const std::size_t start = q;
        bool escaped = false;
        while (true) {
          while (q < n && text_[q] != '"' && text_[q] != '\n') ++q;
          if (q >= n || text_[q] == '\n') return set_error("unterminated quoted field", p);
          if (q + 1 < n && text_[q + 1] == '"') {
            escaped = true;
            q += 2;
            continue;
          }
          break;
        }
        std::string_view f = text_.substr(start, q - start);
        if (escaped && count_ < kMaxFields) {
          std::string& buf = scratch_[count_];
          buf.clear();
          for (std::size_t k = 0; k < f.size(); ++k) {
            buf += f[k];
            if (f[k] == '"') ++k;
          }
          f = buf;
        }
        ++q;  // closing quote
        while (q < n && (is_blank(text_[q]) || text_[q] == '\r')) ++q;
        if (q < n && text_[q] != ',' && text_[q] != '\n') {
          return set_error("unexpected text after a closing quote", p);
        }
        store(f);
        p = q;
      } else {
        while (q < n && text_[q] != ',' && text_[q] != '\n') ++q;
        store(text_.substr(p, q - p));
        p = q;
      }
      if (p < n && text_[p] == ',') {
        ++p;
        continue;
      }
      // End of the record: '\n' or the end of the text.
      pos_ = p < n ? p + 1 : n;
      ++next_line_;
      return;
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 0;
  std::size_t next_line_ = 1;
  std::size_t count_ = 0;
  std::array<std::string_view, kMaxFields> fields_{};
  std::array<std::string, kMaxFields> scratch_{};
  const char* error_ = nullptr;
  std::size_t error_field_ = 0;
};

// A series being collected.
struct Building {
  TelemetrySeries s;
  std::size_t unit_line = 0;  // line that fixed the unit
  std::size_t last_line = 0;  // line of the last accepted row
  bool disordered = false;
};

// A row error before it becomes an exception or a skipped-row message.
struct RowError {
  std::string field;
  std::string message;
};

class CsvParser {
 public:
  CsvParser(std::string_view text, const std::string& file, const TelemetryReadOptions& options,
            TelemetryReadReport& report)
      : reader_(text), file_(file), options_(options), report_(report) {}

  TelemetrySet run() {
    read_header();
    while (reader_.next()) {
      ++report_.rows;
      RowError e;
      if (!row(e)) {
        if (!options_.lenient) throw TelemetryError(file_, reader_.line(), e.field, e.message);
        ++report_.skipped;
        if (report_.skipped_messages.size() < kMaxSkippedMessages) {
          report_.skipped_messages.push_back(
              TelemetryError(file_, reader_.line(), e.field, e.message).what());
        }
      }
    }
    return finish();
  }

 private:
  void read_header() {
    if (!reader_.next()) {
      throw TelemetryError(file_, 0, "header",
                           "no header row (expected " + std::string(kExpectedHeader) + ")");
    }
    if (reader_.error() != nullptr) {
      throw TelemetryError(file_, reader_.line(), "header", reader_.error());
    }
    col_of_.fill(kColumns);
    std::string unknown;
    const std::size_t named = std::min(reader_.count(), RecordReader::kMaxFields);
    for (std::size_t i = 0; i < named; ++i) {
      const std::string_view name = reader_.field(i);
      std::size_t c = 0;
      while (c < kColumns && !iequals(name, kColumnNames[c])) ++c;
      if (c == kColumns) {
        unknown += (unknown.empty() ? "" : ", ") + shown(name);
        continue;
      }
      if (index_of_[c] != kNone) {
        throw TelemetryError(file_, reader_.line(), "header",
                             "column '" + std::string(kColumnNames[c]) + "' appears twice");
      }
      index_of_[c] = i;
      col_of_[i] = static_cast<Column>(c);
    }
    if (reader_.count() > named) {
      unknown += " and " + std::to_string(reader_.count() - named) + " more";
    }
    if (!unknown.empty()) {
      throw TelemetryError(
          file_, reader_.line(), "header",
          "unknown column(s) " + unknown + " (expected " + std::string(kExpectedHeader) + ")");
    }
    std::string missing;
    for (std::size_t c = 0; c < kUnit; ++c) {
      if (index_of_[c] == kNone) {
        missing += (missing.empty() ? "'" : ", '") + std::string(kColumnNames[c]) + "'";
      }
    }
    if (!missing.empty()) {
      throw TelemetryError(
          file_, reader_.line(), "header",
          "missing column(s) " + missing + " (expected " + std::string(kExpectedHeader) + ")");
    }
    columns_ = reader_.count();
  }

  std::string column_name(std::size_t i) const {
    return i < col_of_.size() && col_of_[i] != kColumns ? std::string(kColumnNames[col_of_[i]])
                                                        : "row";
  }

  // Parses and stores one data row; false (and `e`) when it is bad. Nothing is stored then.
  bool row(RowError& e) {
    if (reader_.error() != nullptr) {
      e = {column_name(reader_.error_field()), reader_.error()};
      return false;
    }
    if (reader_.count() != columns_) {
      e = {"row", "expected " + std::to_string(columns_) + " fields, got " +
                      std::to_string(reader_.count())};
      return false;
    }
    const std::string_view ts = reader_.field(index_of_[kTimestamp]);
    std::int64_t t = 0;
    if (const char* why = parse_timestamp(ts, t); why != nullptr) {
      e = {"timestamp",
           "expected an ISO-8601 date-time like 2026-03-14T03:12:00Z, got " + shown(ts) + why};
      return false;
    }
    const std::string_view sensor = reader_.field(index_of_[kSensor]);
    if (sensor.empty()) {
      e = {"sensor_id", "empty sensor id"};
      return false;
    }
    const std::string_view vtext = reader_.field(index_of_[kValue]);
    double v = 0;
    if (!parse_value(vtext, v, e)) return false;
    const std::string_view unit =
        index_of_[kUnit] != kNone ? reader_.field(index_of_[kUnit]) : std::string_view{};

    std::size_t k = find(sensor);
    if (k != kNone) {
      Building& b = building_[k];
      if (unit != b.s.unit) {
        e = {"unit", "sensor " + shown(sensor) + " changes unit from " + shown(b.s.unit) +
                         " (line " + std::to_string(b.unit_line) + ") to " + shown(unit)};
        return false;
      }
      if (!b.s.t_us.empty() && t < b.s.t_us.back()) {
        if (options_.disorder == Disorder::reject) {
          e = {"timestamp", "time " + shown(ts) + " is earlier than the previous row of sensor " +
                                shown(sensor) + " (line " + std::to_string(b.last_line) + ")"};
          return false;
        }
        b.disordered = true;
        ++report_.reordered;
      }
    } else {
      if (std::string why = detail::series_id_problem(sensor); !why.empty()) {
        e = {"sensor_id", why + ": " + shown(sensor)};
        return false;
      }
      k = building_.size();
      building_.emplace_back();
      building_.back().s.sensor = std::string(sensor);
      building_.back().s.unit = std::string(unit);
      building_.back().unit_line = reader_.line();
      index_.emplace(building_.back().s.sensor, k);
    }
    Building& b = building_[k];
    b.s.t_us.push_back(t);
    b.s.value.push_back(v);
    b.last_line = reader_.line();
    last_ = k;
    return true;
  }

  static bool parse_value(std::string_view text, double& v, RowError& e) {
    if (text.empty()) {
      e = {"value", "empty value"};
      return false;
    }
    std::string_view s = text;
    if (s.size() > 1 && s.front() == '+' && s[1] != '-' && s[1] != '+') s.remove_prefix(1);
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc::result_out_of_range) {
      e = {"value", "number out of range: " + shown(text)};
      return false;
    }
    if (ec != std::errc{} || ptr != s.data() + s.size()) {
      e = {"value", "not a number: " + shown(text)};
      return false;
    }
    if (!std::isfinite(v)) {
      e = {"value", "not a finite number: " + shown(text)};
      return false;
    }
    return true;
  }

  std::size_t find(std::string_view sensor) {
    // Rows of one sensor often come in runs: try the last one before the map.
    if (last_ != kNone && building_[last_].s.sensor == sensor) return last_;
    const auto it = index_.find(sensor);
    return it == index_.end() ? kNone : it->second;
  }

  TelemetrySet finish() {
    TelemetrySet set;
    set.series.reserve(building_.size());
    // The map iterates in sensor order: the set comes out sorted.
    for (const auto& [id, k] : index_) {
      Building& b = building_[k];
      if (b.disordered) stable_sort_by_time(b.s);
      set.series.push_back(std::move(b.s));
    }
    return set;
  }

  static void stable_sort_by_time(TelemetrySeries& s) {
    std::vector<std::size_t> order(s.t_us.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return s.t_us[a] < s.t_us[b]; });
    std::vector<std::int64_t> t(order.size());
    std::vector<double> v(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
      t[i] = s.t_us[order[i]];
      v[i] = s.value[order[i]];
    }
    s.t_us = std::move(t);
    s.value = std::move(v);
  }

  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

  RecordReader reader_;
  const std::string& file_;
  const TelemetryReadOptions& options_;
  TelemetryReadReport& report_;
  std::array<std::size_t, kColumns> index_of_{kNone, kNone, kNone, kNone};
  std::array<Column, RecordReader::kMaxFields> col_of_{};
  std::size_t columns_ = 0;
  std::vector<Building> building_;
  std::map<std::string, std::size_t, std::less<>> index_;
  std::size_t last_ = kNone;
};

}  // namespace

TelemetrySet parse_telemetry_csv(std::string_view text, const std::string& file_name,
                                 const TelemetryReadOptions& options, TelemetryReadReport* report) {
  TelemetryReadReport local;
  TelemetryReadReport& r = report != nullptr ? *report : local;
  r = TelemetryReadReport{};
  return CsvParser(text, file_name, options, r).run();
}

TelemetrySet read_telemetry_csv(const std::filesystem::path& path,
                                const TelemetryReadOptions& options, TelemetryReadReport* report) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw TelemetryError(path.string(), 0, "", "is a directory, not a telemetry file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int e = errno;
    throw TelemetryError(path.string(), 0, "",
                         std::string("cannot open telemetry file: ") +
                             (e != 0 ? std::strerror(e) : "unknown error"));
  }
  // One read into a string of the file's size (no stream-buffer copy).
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  std::string text(size > 0 ? static_cast<std::size_t>(size) : 0, '\0');
  if (size < 0 || !in.read(text.data(), size)) {
    throw TelemetryError(path.string(), 0, "", "cannot read telemetry file");
  }
  return parse_telemetry_csv(text, path.string(), options, report);
}

}  // namespace labtwin::adapters
