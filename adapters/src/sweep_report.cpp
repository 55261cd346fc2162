// Sweep reports: terminal table, JSON and CSV.
#include "labtwin/adapters/sweep_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "labtwin/twin/run_result.hpp"

namespace labtwin::adapters {
namespace {

/// A display unit: values are divided by `scale` and followed by `suffix`.
struct Display {
  double scale = 1.0;
  std::string suffix;
  const char* format = "%.4g";
};

/// Picks one display unit per KPI row block so means, half-widths and differences line up.
Display display_for(const KpiColumn& k, double typical) {
  const double a = std::isfinite(typical) ? std::fabs(typical) : 0.0;
  if (k.unit == "s") {
    if (a >= 86400.0) return {86400.0, " d", "%.4g"};
    if (a >= 3600.0) return {3600.0, " h", "%.4g"};
    if (a >= 60.0) return {60.0, " min", "%.4g"};
    return {1.0, " s", "%.4g"};
  }
  if (k.unit == "J") return {3.6e6, " kWh", "%.5g"};
  if (k.unit == "ratio") return {0.01, " %", "%.4g"};
  if (k.unit == "count" || k.unit == "1" || k.unit.empty()) return {1.0, "", "%.5g"};
  return {1.0, " " + k.unit, "%.6g"};
}

std::string show(double x, const Display& d) {
  if (std::isnan(x)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, d.format, x / d.scale);
  return buf;
}

std::vector<std::size_t> columns_or_all(const SweepSummary& s, const std::vector<std::size_t>& k) {
  if (!k.empty()) return k;
  std::vector<std::size_t> all;
  for (std::size_t i = 0; i < s.kpis.size(); ++i) all.push_back(i);
  return all;
}

/// A JSON number, or null for NaN/inf (JSON has no NaN).
nlohmann::ordered_json num(double x) {
  if (!std::isfinite(x)) return nullptr;
  return x;
}

std::string csv_num(double x) {
  if (!std::isfinite(x)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string sweep_table(const SweepSummary& s, const std::vector<std::size_t>& kpis,
                        const SweepInfo& info) {
  std::ostringstream os;
  const int pct = static_cast<int>(std::lround(100.0 * s.confidence));
  os << info.scenario << "  seed " << info.seed << "  " << s.variants.size() << " variant(s) x "
     << s.replications << " replication(s)  " << pct << "% CI (Student t); diff = paired vs "
     << (s.variants.empty() ? std::string(kBaselineVariant) : s.variants.front())
     << " (common random numbers), * = CI excludes 0\n";
  if (info.precision > 0) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "precision %.3g%%: %s (widest %.3g%%: %s in %s)\n",
                  100.0 * info.precision,
                  info.precision_met ? "met"
                  : info.cap_hit     ? "NOT met, replication cap reached"
                                     : "not met",
                  100.0 * info.last_check.widest, info.last_check.widest_kpi.c_str(),
                  info.last_check.widest_variant.c_str());
    os << buf;
  }
  std::size_t wv = 7;
  for (const auto& v : s.variants) wv = std::max(wv, v.size());
  for (std::size_t k : columns_or_all(s, kpis)) {
    const KpiColumn& col = s.kpis[k];
    const Display d = display_for(col, s.cells.empty() ? 0.0 : s.cells[0][k].mean);
    os << "\n"
       << col.name << (d.suffix.empty() ? "" : " [" + d.suffix.substr(1) + "]") << "  "
       << col.description << "\n";
    char line[512];
    std::snprintf(line, sizeof line, "  %-*s  %12s %-12s  %12s %-14s  %s\n", static_cast<int>(wv),
                  "variant", "mean", "95% CI", "diff", "95% CI", "n");
    os << line;
    for (std::size_t v = 0; v < s.variants.size(); ++v) {
      const KpiSummary& c = s.cells[v][k];
      std::string n = std::to_string(c.n);
      if (c.excluded > 0) n += " (" + std::to_string(c.excluded) + " n/a)";
      std::string diff = "", dhw = "";
      if (v > 0) {
        diff = show(c.diff_mean, d);
        dhw = "+- " + show(c.diff_half_width, d) + (c.diff_excludes_zero ? " *" : "");
      }
      const std::string hw = "+- " + show(c.half_width, d);
      std::snprintf(line, sizeof line, "  %-*s  %12s %-12s  %12s %-14s  %s\n", static_cast<int>(wv),
                    s.variants[v].c_str(), show(c.mean, d).c_str(), hw.c_str(), diff.c_str(),
                    dhw.c_str(), n.c_str());
      os << line;
    }
  }
  return os.str();
}

std::string sweep_json(const SweepSummary& s, const SweepResults& results,
                       const std::vector<std::size_t>& kpis, const SweepInfo& info) {
  nlohmann::ordered_json j;
  j["scenario"] = info.scenario;
  j["seed"] = info.seed;
  j["horizon_seconds"] = info.horizon_seconds;
  j["replications"] = s.replications;
  j["confidence"] = s.confidence;
  j["baseline"] = s.variants.empty() ? std::string(kBaselineVariant) : s.variants.front();
  if (info.precision > 0) {
    j["precision"] = {{"target", info.precision},
                      {"met", info.precision_met},
                      {"cap_hit", info.cap_hit},
                      {"widest", num(info.last_check.widest)},
                      {"widest_kpi", info.last_check.widest_kpi},
                      {"widest_variant", info.last_check.widest_variant}};
  }
  const auto cols = columns_or_all(s, kpis);
  nlohmann::ordered_json variants = nlohmann::ordered_json::array();
  for (std::size_t v = 0; v < s.variants.size(); ++v) {
    nlohmann::ordered_json jv;
    jv["name"] = s.variants[v];
    nlohmann::ordered_json jk;
    for (std::size_t k : cols) {
      const KpiSummary& c = s.cells[v][k];
      nlohmann::ordered_json e;
      e["unit"] = s.kpis[k].unit;
      e["n"] = c.n;
      e["excluded_nan"] = c.excluded;
      e["mean"] = num(c.mean);
      e["sd"] = num(c.sd);
      e["ci_half_width"] = num(c.half_width);
      if (v > 0) {
        e["diff"] = {{"n", c.diff_n},
                     {"mean", num(c.diff_mean)},
                     {"ci_half_width", num(c.diff_half_width)},
                     {"excludes_zero", c.diff_excludes_zero},
                     {"unpaired_ci_half_width", num(c.welch_half_width)}};
      }
      jk[s.kpis[k].name] = std::move(e);
    }
    jv["kpis"] = std::move(jk);
    nlohmann::ordered_json fps = nlohmann::ordered_json::array();
    if (v < results.runs.size()) {
      for (const auto& r : results.runs[v]) {
        fps.push_back(r.done ? nlohmann::ordered_json(twin::fingerprint_hex(r.fingerprint))
                             : nlohmann::ordered_json(nullptr));
      }
    }
    jv["fingerprints"] = std::move(fps);
    variants.push_back(std::move(jv));
  }
  j["variants"] = std::move(variants);
  return j.dump(2) + "\n";
}

std::string sweep_csv(const SweepSummary& s, const std::vector<std::size_t>& kpis) {
  std::ostringstream os;
  os << "variant,kpi,unit,n,excluded_nan,mean,sd,ci_low,ci_high,ci_half_width,diff_mean,"
        "diff_ci_low,diff_ci_high,diff_excludes_zero\n";
  for (std::size_t v = 0; v < s.variants.size(); ++v) {
    for (std::size_t k : columns_or_all(s, kpis)) {
      const KpiSummary& c = s.cells[v][k];
      os << csv_field(s.variants[v]) << "," << s.kpis[k].name << "," << s.kpis[k].unit << "," << c.n
         << "," << c.excluded << "," << csv_num(c.mean) << "," << csv_num(c.sd) << ","
         << csv_num(c.mean - c.half_width) << "," << csv_num(c.mean + c.half_width) << ","
         << csv_num(c.half_width) << ",";
      if (v > 0) {
        os << csv_num(c.diff_mean) << "," << csv_num(c.diff_mean - c.diff_half_width) << ","
           << csv_num(c.diff_mean + c.diff_half_width) << ","
           << (c.diff_excludes_zero ? "true" : "false");
      } else {
        os << ",,,";
      }
      os << "\n";
    }
  }
  return os.str();
}

}  // namespace labtwin::adapters
