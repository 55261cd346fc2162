// Frame build time (NewFrame..Render, headless ImGui) of the full UI over a synthetic snapshot
// of 2,000 freezers and 10,000 log events, beside an empty frame in the same run.
#include <benchmark/benchmark.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "labtwin/viz/headless.hpp"
#include "labtwin/viz/panels.hpp"
#include "labtwin/viz/synthetic.hpp"

namespace {

using labtwin::viz::Snapshot;
using labtwin::viz::UiState;

using Headless = labtwin::viz::HeadlessContext;

const Snapshot& big() {
  static const Snapshot s = labtwin::viz::synthetic_snapshot(2000, 10000, 4320);
  return s;
}

void BM_EmptyFrame(benchmark::State& state) {
  Headless h;
  for (auto _ : state) {
    ImGui::NewFrame();
    ImGui::Render();
    benchmark::DoNotOptimize(ImGui::GetDrawData());
  }
}
BENCHMARK(BM_EmptyFrame)->Unit(benchmark::kMicrosecond);

void BM_FullFrame(benchmark::State& state) {
  Headless h;
  UiState ui;
  const Snapshot& s = big();
  std::size_t vertices = 0;
  for (auto _ : state) {
    ImGui::NewFrame();
    labtwin::viz::draw_frame(s, ui, 1600, 960);
    ui.outbox.clear();
    ImGui::Render();
    vertices = static_cast<std::size_t>(ImGui::GetDrawData()->TotalVtxCount);
  }
  state.counters["vertices"] = static_cast<double>(vertices);
}
BENCHMARK(BM_FullFrame)->Unit(benchmark::kMicrosecond);

// As in the live app, where a new snapshot arrives on most frames: the event log refilters.
void BM_FullFrameNewSnapshot(benchmark::State& state) {
  Headless h;
  UiState ui;
  const Snapshot& s = big();
  for (auto _ : state) {
    ui.event_rows_key.clear();
    ImGui::NewFrame();
    labtwin::viz::draw_frame(s, ui, 1600, 960);
    ui.outbox.clear();
    ImGui::Render();
    benchmark::DoNotOptimize(ImGui::GetDrawData());
  }
}
BENCHMARK(BM_FullFrameNewSnapshot)->Unit(benchmark::kMicrosecond);

// The big snapshot plus 4 site microgrids (3 days of 1-minute history each) and a DTN plan of
// 3 nodes with 720 contacts: the frame with the Microgrid (arg 0) or DTN (arg 1) tab shown.
const Snapshot& big_twins() {
  static const Snapshot s = [] {
    Snapshot x = big();
    for (int g = 0; g < 4; ++g) {
      labtwin::viz::MicrogridState m;
      m.site = "site-" + std::to_string(g);
      m.grid_up = g != 1;
      m.capacity_wh = 200'000;
      for (int i = 0; i < 4320; ++i) {
        const double t = 60.0 * i;
        m.t_s.push_back(t);
        m.soc_hist.push_back(0.5 + 0.4 * std::sin(t / 20000.0 + g));
        m.pv_hist.push_back(std::max(0.0, 20000.0 * std::sin(t / 13751.0)));
        m.demand_hist.push_back(15000.0 + 1000.0 * (i % 7));
        m.served_hist.push_back(15000.0 + 1000.0 * (i % 5));
      }
      m.islanded = {{30000, 90000}};
      m.shedding = {{60000, 90000}};
      x.microgrids.push_back(std::move(m));
    }
    x.dtn.enabled = true;
    x.dtn.hq = "site-0";
    x.dtn.nodes = {{1, "site-0", 4e5, 1e4, 5e3}, {2, "site-1", 4e5, 5e4, 4e3}, {3, "", 4e5, 0, 0}};
    auto plan = std::make_shared<std::vector<labtwin::viz::DtnContact>>();
    for (int k = 0; k < 180; ++k)
      for (const auto& [a, b] : {std::pair{2, 3}, {3, 2}, {3, 1}, {1, 3}})
        plan->push_back({static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(b),
                         7200.0 + 28800.0 * k, 7800.0 + 28800.0 * k, 2000.0});
    x.dtn.contacts = std::move(plan);
    return x;
  }();
  return s;
}

void BM_FullFrameTwinTab(benchmark::State& state) {
  Headless h;
  UiState ui;
  const Snapshot& s = big_twins();
  for (auto _ : state) {
    ui.show_tab = state.range(0) == 0 ? "microgrid" : "dtn";  // selected again every frame
    ImGui::NewFrame();
    labtwin::viz::draw_frame(s, ui, 1600, 960);
    ui.outbox.clear();
    ImGui::Render();
    benchmark::DoNotOptimize(ImGui::GetDrawData());
  }
  state.SetLabel(state.range(0) == 0 ? "microgrid tab" : "dtn tab");
}
BENCHMARK(BM_FullFrameTwinTab)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// Collects the mean real time per iteration of each benchmark for the ratio.
class Collect : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& r : runs) {
      const double us = r.GetAdjustedRealTime();  // in the benchmark's unit (us)
      if (r.benchmark_name().find("Empty") != std::string::npos) empty_us = us;
      if (r.benchmark_name() == "BM_FullFrame") full_us = us;
      if (r.benchmark_name() == "BM_FullFrameNewSnapshot") fresh_us = us;
      if (r.benchmark_name() == "BM_FullFrameTwinTab/0") microgrid_us = us;
      if (r.benchmark_name() == "BM_FullFrameTwinTab/1") dtn_us = us;
    }
    ConsoleReporter::ReportRuns(runs);
  }
  double empty_us = 0, full_us = 0, fresh_us = 0, microgrid_us = 0, dtn_us = 0;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  Collect reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  if (reporter.empty_us > 0 && reporter.full_us > 0)
    std::printf(
        "gui frame: full %.3f ms (2,000 freezers, 10,000 events), empty %.4f ms, "
        "ratio %.1fx; goal full <= 4 ms: %s\n",
        reporter.full_us / 1e3, reporter.empty_us / 1e3, reporter.full_us / reporter.empty_us,
        reporter.full_us <= 4000.0 ? "met" : "NOT met");
  if (reporter.empty_us > 0 && reporter.fresh_us > 0)
    std::printf(
        "gui frame with a new snapshot (event log refiltered): %.3f ms, ratio %.1fx; "
        "goal <= 4 ms: %s\n",
        reporter.fresh_us / 1e3, reporter.fresh_us / reporter.empty_us,
        reporter.fresh_us <= 4000.0 ? "met" : "NOT met");
  for (const auto& [name, us] :
       {std::pair{"microgrid", reporter.microgrid_us}, std::pair{"dtn", reporter.dtn_us}})
    if (reporter.empty_us > 0 && us > 0)
      std::printf(
          "gui frame with the %s tab (4 microgrids, 720 contacts): %.3f ms, ratio %.1fx; "
          "goal <= 4 ms: %s\n",
          name, us / 1e3, us / reporter.empty_us, us <= 4000.0 ? "met" : "NOT met");
  return 0;
}
