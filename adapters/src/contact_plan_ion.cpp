// ION-DTN text contact plans (ionadmin `a contact`, `a range`, `@`).
#include <charconv>
#include <chrono>
#include <cmath>
#include <optional>
#include <vector>

#include "labtwin/adapters/contact_plan_io.hpp"

namespace labtwin::adapters {
namespace {

using twin::dtn::Contact;
using twin::dtn::ContactPlan;
using twin::dtn::NodeId;
using twin::dtn::Range;

std::vector<std::string_view> split_ws(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    const std::size_t b = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > b) out.push_back(line.substr(b, i - b));
  }
  return out;
}

std::optional<double> parse_number(std::string_view s) {
  double v = 0;
  const auto* end = s.data() + s.size();
  const auto [p, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || p != end || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<NodeId> parse_node(std::string_view s) {
  NodeId v = 0;
  const auto* end = s.data() + s.size();
  const auto [p, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || p != end) return std::nullopt;
  return v;
}

/// Unix seconds of `yyyy/mm/dd-hh:mm:ss` (UTC), or nullopt.
std::optional<double> parse_absolute(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  auto field = [&s](std::size_t pos, std::size_t len, int& out) {
    if (pos + len > s.size()) return false;
    const auto* b = s.data() + pos;
    const auto [p, ec] = std::from_chars(b, b + len, out);
    return ec == std::errc() && p == b + len;
  };
  if (s.size() != 19 || s[4] != '/' || s[7] != '/' || s[10] != '-' || s[13] != ':' || s[16] != ':')
    return std::nullopt;
  if (!field(0, 4, y) || !field(5, 2, mo) || !field(8, 2, d) || !field(11, 2, h) ||
      !field(14, 2, mi) || !field(17, 2, se))
    return std::nullopt;
  using namespace std::chrono;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)},
                           day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || se > 60) return std::nullopt;
  const auto days_since = sys_days{ymd}.time_since_epoch().count();
  return static_cast<double>(days_since) * 86400.0 + h * 3600.0 + mi * 60.0 + se;
}

struct IonParser {
  std::string file;
  std::size_t line = 0;
  std::optional<double> epoch;

  [[noreturn]] void fail(const std::string& msg) const {
    throw ContactPlanError(file, line, "", msg);
  }

  double time(std::string_view tok, const char* what) {
    if (!tok.empty() && tok[0] == '+') {
      const auto v = parse_number(tok.substr(1));
      if (!v || *v < 0)
        fail(std::string(what) + ": '" + std::string(tok) +
             "' is not +SECONDS (a non-negative number)");
      return *v;
    }
    const auto abs = parse_absolute(tok);
    if (!abs)
      fail(std::string(what) + ": '" + std::string(tok) +
           "' is neither +SECONDS nor yyyy/mm/dd-hh:mm:ss");
    if (!epoch) epoch = *abs;
    return *abs - *epoch;
  }
  NodeId node(std::string_view tok, const char* what) const {
    const auto v = parse_node(tok);
    if (!v) fail(std::string(what) + ": '" + std::string(tok) + "' is not a node number");
    return *v;
  }
  double number(std::string_view tok, const char* what) const {
    const auto v = parse_number(tok);
    if (!v) fail(std::string(what) + ": '" + std::string(tok) + "' is not a number");
    return *v;
  }
};

}  // namespace

ContactPlan parse_ion_contact_plan(std::string_view text, std::string_view source) {
  IonParser p{std::string(source), 0, std::nullopt};
  ContactPlan plan;
  std::size_t pos = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++p.line;
    if (const auto hash = line.find('#'); hash != std::string_view::npos)
      line = line.substr(0, hash);
    const auto tok = split_ws(line);
    if (tok.empty()) continue;
    if (tok[0] == "@") {
      if (tok.size() != 2) p.fail("@: expected '@ yyyy/mm/dd-hh:mm:ss'");
      const auto abs = parse_absolute(tok[1]);
      if (!abs) p.fail("@: '" + std::string(tok[1]) + "' is not yyyy/mm/dd-hh:mm:ss");
      if (p.epoch && *p.epoch != *abs)
        p.fail("@: the epoch is already set (an earlier absolute time or '@' line)");
      p.epoch = *abs;
      continue;
    }
    if (tok[0] == "a" && tok.size() >= 2 && tok[1] == "contact") {
      if (tok.size() != 7 && tok.size() != 8)
        p.fail("a contact: expected 'a contact START END FROM TO RATE [CONFIDENCE]', got " +
               std::to_string(tok.size() - 2) + " arguments");
      Contact c;
      c.id = plan.contacts.size();
      c.start = p.time(tok[2], "a contact: start");
      c.end = p.time(tok[3], "a contact: end");
      c.from = p.node(tok[4], "a contact: from");
      c.to = p.node(tok[5], "a contact: to");
      c.rate = p.number(tok[6], "a contact: rate");
      if (tok.size() == 8) c.confidence = p.number(tok[7], "a contact: confidence");
      if (c.end <= c.start) p.fail("a contact: end must be after start");
      if (c.rate < 0) p.fail("a contact: rate must be >= 0 bytes/s");
      if (!(c.confidence > 0 && c.confidence <= 1))
        p.fail("a contact: confidence must be in (0, 1]");
      plan.contacts.push_back(c);
      continue;
    }
    if (tok[0] == "a" && tok.size() >= 2 && tok[1] == "range") {
      if (tok.size() != 7)
        p.fail("a range: expected 'a range START END FROM TO OWLT', got " +
               std::to_string(tok.size() - 2) + " arguments");
      Range r;
      r.start = p.time(tok[2], "a range: start");
      r.end = p.time(tok[3], "a range: end");
      r.from = p.node(tok[4], "a range: from");
      r.to = p.node(tok[5], "a range: to");
      r.owlt = p.number(tok[6], "a range: owlt");
      if (r.end <= r.start) p.fail("a range: end must be after start");
      if (r.owlt < 0) p.fail("a range: owlt must be >= 0 s");
      plan.ranges.push_back(r);
      continue;
    }
    ++plan.ignored_commands;
  }
  // Ranges: the direct range covering the contact's start wins, else the reverse one.
  for (auto& c : plan.contacts) {
    const Range* direct = nullptr;
    const Range* reverse = nullptr;
    for (const auto& r : plan.ranges) {
      if (!(r.start <= c.start && c.start < r.end)) continue;
      if (r.from == c.from && r.to == c.to) direct = &r;
      if (r.from == c.to && r.to == c.from) reverse = &r;
    }
    c.owlt = direct != nullptr ? direct->owlt : reverse != nullptr ? reverse->owlt : 0.0;
  }
  plan.epoch_unix = p.epoch.value_or(0.0);
  plan.finalize();
  return plan;
}

}  // namespace labtwin::adapters
