// Frame build time (NewFrame..Render, headless ImGui) of the full UI over a synthetic snapshot
// of 2,000 freezers and 10,000 log events, beside an empty frame in the same run.
#include <benchmark/benchmark.h>
#include <imgui.h>

#include <cstdio>

#include "labtwin/viz/panels.hpp"
#include "labtwin/viz/synthetic.hpp"

namespace {

using labtwin::viz::Snapshot;
using labtwin::viz::UiState;

// A headless ImGui context: display size set, font atlas built, no renderer.
struct Headless {
  Headless() {
    ctx = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = {1600, 960};
    io.DeltaTime = 1.0f / 60.0f;
    unsigned char* px = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);
  }
  ~Headless() { ImGui::DestroyContext(ctx); }
  ImGuiContext* ctx;
};

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

// Collects the mean real time per iteration of each benchmark for the ratio.
class Collect : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& r : runs) {
      const double us = r.GetAdjustedRealTime();  // in the benchmark's unit (us)
      if (r.benchmark_name().find("Empty") != std::string::npos) empty_us = us;
      if (r.benchmark_name() == "BM_FullFrame") full_us = us;
      if (r.benchmark_name() == "BM_FullFrameNewSnapshot") fresh_us = us;
    }
    ConsoleReporter::ReportRuns(runs);
  }
  double empty_us = 0, full_us = 0, fresh_us = 0;
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
  return 0;
}
