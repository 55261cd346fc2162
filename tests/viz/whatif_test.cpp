// What-if: overrides are the edited values that differ from the base, one comparison runs at a
// time on its own thread with progress and cancel, a runner's failure becomes the result's
// error, and the panel (headless ImGui) draws the results side by side and starts a comparison
// from its button. The runner here is a fake with known answers; the real one (the sweep
// engine) is checked by the screenshot test through `labtwin gui --whatif`.
#include "labtwin/viz/whatif.hpp"

#include <gtest/gtest.h>
#include <imgui.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "labtwin/viz/headless.hpp"
#include "labtwin/viz/panels.hpp"
#include "labtwin/viz/theme.hpp"

namespace labtwin::viz {
namespace {

using namespace std::chrono_literals;

std::vector<WhatIfParam> params() {
  return {
      {"policies.dispatch", "policies", "dispatch rule", "priority_fifo", {"priority_fifo", "edf"}},
      {"technicians[t].count", "technicians", "t count", "2", {}},
      {"items[A].policy.s", "items", "A s", "3", {}}};
}

// A fake runner: "KPI" x = replications + number of overrides on the what-if side, 0 on the
// base; it reports every replication and honours stop.
WhatIfResult fake(const std::vector<Override>& ov, std::size_t n, const WhatIfProgress& progress,
                  const std::atomic<bool>& stop, std::chrono::milliseconds per_run) {
  WhatIfResult r;
  std::size_t done = 0;
  for (; done < 2 * n && !stop; ++done) {
    std::this_thread::sleep_for(per_run);
    progress(done + 1, 2 * n);
  }
  r.replications = done / 2;
  r.stopped = done < 2 * n;
  WhatIfKpi k;
  k.name = "x";
  k.unit = "count";
  k.base_mean = 0;
  k.alt_mean = static_cast<double>(n + ov.size());
  k.diff_mean = k.alt_mean;
  k.diff_hw = 0.5;
  k.significant = true;
  r.kpis.push_back(k);
  return r;
}

TEST(WhatIf, OverridesAreTheChangedValues) {
  WhatIf w(params(), [](auto&&...) { return WhatIfResult{}; });
  EXPECT_TRUE(w.overrides().empty());
  w.values()[0] = "edf";
  w.values()[1] = " 2 ";  // the base value with blanks: not a change
  w.values()[2] = "5";
  const auto ov = w.overrides();
  ASSERT_EQ(ov.size(), 2u);
  EXPECT_EQ(ov[0].path, "policies.dispatch");
  EXPECT_EQ(ov[0].value, "edf");
  EXPECT_EQ(ov[1].path, "items[A].policy.s");
  EXPECT_EQ(ov[1].value, "5");
}

TEST(WhatIf, RunsOnAWorkerWithProgressAndResult) {
  WhatIf w(params(), [](const auto& ov, std::size_t n, const auto& p, const auto& stop) {
    return fake(ov, n, p, stop, 2ms);
  });
  std::string why;
  EXPECT_FALSE(w.start(4, why));  // nothing changed
  EXPECT_NE(why.find("nothing changed"), std::string::npos);
  w.values()[0] = "edf";
  EXPECT_FALSE(w.start(1, why));  // a CI needs two replications
  ASSERT_TRUE(w.start(4, why)) << why;
  EXPECT_FALSE(w.start(4, why));  // one at a time
  EXPECT_NE(why.find("running"), std::string::npos);
  w.wait();
  EXPECT_FALSE(w.running());
  const auto r = w.result();
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->error.empty());
  EXPECT_FALSE(r->stopped);
  EXPECT_EQ(r->replications, 4u);
  ASSERT_EQ(r->overrides.size(), 1u);
  ASSERT_EQ(r->kpis.size(), 1u);
  EXPECT_EQ(r->kpis[0].alt_mean, 5.0);  // 4 replications + 1 override
  EXPECT_EQ(w.progress(), (std::pair<std::size_t, std::size_t>{8, 8}));
}

TEST(WhatIf, CancelStopsAndAThrowingRunnerReportsItsMessage) {
  WhatIf w(params(), [](const auto& ov, std::size_t n, const auto& p, const auto& stop) {
    return fake(ov, n, p, stop, 20ms);
  });
  w.values()[2] = "7";
  std::string why;
  ASSERT_TRUE(w.start(100, why));
  std::this_thread::sleep_for(50ms);
  EXPECT_TRUE(w.running());
  w.cancel();
  w.wait();
  ASSERT_TRUE(w.result());
  EXPECT_TRUE(w.result()->stopped);
  EXPECT_LT(w.result()->replications, 100u);

  WhatIf bad(params(), [](auto&&...) -> WhatIfResult {
    throw std::invalid_argument("variant path `x`: no such key");
  });
  bad.values()[0] = "edf";
  ASSERT_TRUE(bad.start(2, why));
  bad.wait();
  ASSERT_TRUE(bad.result());
  EXPECT_EQ(bad.result()->error, "variant path `x`: no such key");
}

TEST(WhatIf, DestroyingWhileRunningJoins) {
  std::atomic<int> calls{0};
  {
    WhatIf w(params(), [&](const auto& ov, std::size_t n, const auto& p, const auto& stop) {
      ++calls;
      return fake(ov, n, p, stop, 10ms);
    });
    w.values()[0] = "edf";
    std::string why;
    ASSERT_TRUE(w.start(1000, why));
    std::this_thread::sleep_for(20ms);
  }  // the destructor cancels and joins: no thread outlives the controller
  EXPECT_EQ(calls, 1);
}

// The panel in a headless frame: the button starts a comparison, the result table shows the
// significant difference in the alarm-limit colour.
class Headless : public ::testing::Test {
 protected:
  void frame(WhatIf& w) {
    ImGui::NewFrame();
    ImGui::SetNextWindowPos({0, 0});
    ImGui::SetNextWindowSize({900, 700});
    ImGui::Begin("w");
    draw_whatif_panel(w);
    button_ = ImGui::GetItemRectMin();
    ImGui::End();
    ImGui::Render();
  }
  static bool uses_color(std::uint32_t color) { return HeadlessContext::drew_color(color); }
  HeadlessContext ctx_;
  ImVec2 button_;
};

TEST_F(Headless, PanelStartsAComparisonAndShowsTheResult) {
  WhatIf w(params(), [](const auto& ov, std::size_t n, const auto& p, const auto& stop) {
    return fake(ov, n, p, stop, 1ms);
  });
  w.replications = 3;
  frame(w);
  EXPECT_FALSE(uses_color(colors::kAlarmLimit));  // no result yet
  w.values()[0] = "edf";
  // Click "Compare with base": it is the item after the replication count on the first row;
  // find it by clicking along that row until a comparison starts.
  ImGuiIO& io = ImGui::GetIO();
  bool started = false;
  for (float x = 200; x < 500 && !started; x += 20) {
    io.MousePos = {x, 28};
    io.MouseDown[0] = false;
    frame(w);
    io.MouseDown[0] = true;
    frame(w);
    io.MouseDown[0] = false;
    frame(w);
    started = w.running() || w.result() != nullptr;
  }
  ASSERT_TRUE(started);
  w.wait();
  io.MousePos = {-1, -1};
  frame(w);
  frame(w);
  ASSERT_TRUE(w.result());
  EXPECT_EQ(w.result()->replications, 3u);
  EXPECT_TRUE(uses_color(colors::kAlarmLimit));  // the significant difference
}

}  // namespace
}  // namespace labtwin::viz
