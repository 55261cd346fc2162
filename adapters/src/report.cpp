#include "labtwin/adapters/report.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

namespace labtwin::adapters {
namespace {

std::string printf_string(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

std::string format_duration(double s) {
  if (!std::isfinite(s)) return "n/a";
  const bool neg = s < 0;
  double a = std::fabs(s);
  std::string out = neg ? "-" : "";
  if (a < 60) return out + printf_string("%.1f s", a);
  const auto total_min = static_cast<long long>(std::llround(a / 60.0));
  const long long d = total_min / 1440, h = (total_min / 60) % 24, m = total_min % 60;
  char buf[64];
  if (d > 0)
    std::snprintf(buf, sizeof buf, "%lldd %02lldh %02lldmin", d, h, m);
  else if (h > 0)
    std::snprintf(buf, sizeof buf, "%lldh %02lldmin", h, m);
  else
    std::snprintf(buf, sizeof buf, "%lld min", m);
  return out + buf;
}

std::string xml_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string format_kpi_value(const twin::Kpi& k) {
  if (!std::isfinite(k.value)) return "n/a";
  if (k.unit == "s") return format_duration(k.value);
  if (k.unit == "J") return printf_string("%.1f kWh", k.value / 3.6e6);
  if (k.unit == "ratio") return printf_string("%.2f %%", 100.0 * k.value);
  if (k.unit == "count") return printf_string("%.0f", k.value);
  if (k.unit.empty() || k.unit == "1") return printf_string("%.4g", k.value);
  return printf_string("%.2f", k.value) + " " + k.unit;
}

std::string format_kpi_table(const twin::RunResult& r) {
  std::size_t wname = 3, wval = 5;
  std::vector<std::string> vals;
  for (const auto& k : r.kpis) {
    vals.push_back(format_kpi_value(k));
    wname = std::max(wname, k.name.size());
    wval = std::max(wval, vals.back().size());
  }
  std::ostringstream os;
  os << r.scenario << (r.variant.empty() ? "" : " [" + r.variant + "]") << "  seed " << r.seed
     << "  simulated " << format_duration(r.simulated_seconds) << "\n";
  auto rule = [&] { os << std::string(wname + wval + 6, '-') << "\n"; };
  rule();
  char line[512];
  std::snprintf(line, sizeof line, "%-*s  %*s\n", static_cast<int>(wname), "KPI",
                static_cast<int>(wval), "value");
  os << line;
  rule();
  for (std::size_t i = 0; i < r.kpis.size(); ++i) {
    std::snprintf(line, sizeof line, "%-*s  %*s   %s\n", static_cast<int>(wname),
                  r.kpis[i].name.c_str(), static_cast<int>(wval), vals[i].c_str(),
                  r.kpis[i].description.c_str());
    os << line;
  }
  rule();
  os << "fingerprint " << twin::fingerprint_hex(r.fingerprint) << "  events " << r.events
     << "  wall " << printf_string("%.3f s", r.wall_seconds) << "\n";
  return os.str();
}

std::string format_assertions(const std::vector<AssertionOutcome>& outcomes) {
  std::ostringstream os;
  for (const auto& a : outcomes)
    os << (a.passed ? "PASS " : "FAIL ") << a.kpi << " " << a.expression << "  (" << a.message
       << ")\n";
  return os.str();
}

std::string summary_json(const twin::RunResult& r, const std::vector<AssertionOutcome>& outcomes,
                         const std::string& version) {
  nlohmann::ordered_json j;
  j["scenario"] = r.scenario;
  if (!r.variant.empty()) j["variant"] = r.variant;
  j["seed"] = r.seed;
  j["replication"] = r.replication;
  j["labtwin_version"] = version;
  j["fingerprint"] = twin::fingerprint_hex(r.fingerprint);
  j["events"] = r.events;
  j["simulated_seconds"] = r.simulated_seconds;
  j["wall_seconds"] = r.wall_seconds;
  auto& kpis = j["kpis"];
  kpis = nlohmann::ordered_json::object();
  for (const auto& k : r.kpis) {
    nlohmann::ordered_json kj;
    if (std::isfinite(k.value))
      kj["value"] = k.value;
    else
      kj["value"] = nullptr;
    kj["unit"] = k.unit;
    kj["description"] = k.description;
    kpis[k.name] = kj;
  }
  auto& as = j["assertions"];
  as = nlohmann::ordered_json::array();
  for (const auto& a : outcomes)
    as.push_back({{"kpi", a.kpi},
                  {"expression", a.expression},
                  {"passed", a.passed},
                  {"message", a.message}});
  return j.dump(2) + "\n";
}

std::string junit_xml(const std::string& suite, const std::vector<AssertionOutcome>& outcomes,
                      double wall_seconds) {
  std::size_t failures = 0;
  for (const auto& a : outcomes) failures += a.passed ? 0 : 1;
  std::ostringstream os;
  os << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  os << "<testsuites tests=\"" << outcomes.size() << "\" failures=\"" << failures << "\">\n";
  os << "  <testsuite name=\"" << xml_escape(suite) << "\" tests=\"" << outcomes.size()
     << "\" failures=\"" << failures << "\" errors=\"0\" time=\""
     << printf_string("%.3f", wall_seconds) << "\">\n";
  for (const auto& a : outcomes) {
    os << "    <testcase classname=\"" << xml_escape(suite) << "\" name=\""
       << xml_escape(a.kpi + " " + a.expression) << "\" time=\"0\"";
    if (a.passed) {
      os << "/>\n";
    } else {
      os << ">\n      <failure message=\"" << xml_escape(a.message) << "\">"
         << xml_escape(a.kpi + " " + a.expression + ": " + a.message) << "</failure>\n"
         << "    </testcase>\n";
    }
  }
  os << "  </testsuite>\n</testsuites>\n";
  return os.str();
}

}  // namespace labtwin::adapters
