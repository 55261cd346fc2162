#pragma once
// The console reporter every labtwin bench uses to print ratios against a baseline measured in
// the same run: it keeps each benchmark's CPU time per iteration (the machines are shared, so
// wall time would include other processes' load), keyed "BM_Name/arg" without decorations.
#include <benchmark/benchmark.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace labtwin::bench {

class CpuTimeReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& r : runs) {
      if (r.run_type != Run::RT_Iteration) continue;
      std::string key = r.benchmark_name();
      if (const auto cut = key.find("/min_time"); cut != std::string::npos) key.resize(cut);
      times_[key] = r.GetAdjustedCPUTime();
    }
    ConsoleReporter::ReportRuns(runs);
  }
  /// CPU time per iteration of benchmark `name` (in its time unit), NaN if it did not run.
  double time(const std::string& name) const {
    const auto it = times_.find(name);
    return it == times_.end() ? NAN : it->second;
  }

 private:
  std::map<std::string, double> times_;
};

}  // namespace labtwin::bench
