#pragma once
/// @file Run reports: the KPI table, summary.json and JUnit XML.
#include <string>
#include <vector>

#include "labtwin/twin/run_result.hpp"

namespace labtwin::adapters {

/// The outcome of one `expect:` assertion of a scenario.
struct AssertionOutcome {
  std::string kpi;         ///< the KPI (or "fingerprint") it checks
  std::string expression;  ///< as written in the scenario, e.g. ">= 0.98"
  bool passed = false;     ///< whether it held
  std::string message;     ///< "expected >= 0.98, got 0.95" (or why it could not be checked)
};

/// A KPI value for people: durations as "2h 05min", energy in kWh, ratios as percent.
std::string format_kpi_value(const twin::Kpi& kpi);

/// The KPI table printed by `labtwin run` (plus fingerprint, events and wall time).
std::string format_kpi_table(const twin::RunResult& result);

/// The assertion lines printed after the table ("PASS samples_lost == 0 (got 0)").
std::string format_assertions(const std::vector<AssertionOutcome>& outcomes);

/// summary.json: scenario, seed, version, KPIs, fingerprint, events, wall time, assertions.
std::string summary_json(const twin::RunResult& result,
                         const std::vector<AssertionOutcome>& outcomes,
                         const std::string& labtwin_version);

/// JUnit XML with one testcase per assertion (a failed one carries a <failure>).
std::string junit_xml(const std::string& suite, const std::vector<AssertionOutcome>& outcomes,
                      double wall_seconds);

}  // namespace labtwin::adapters
