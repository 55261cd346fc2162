// `labtwin gui --screenshot` on the biobank incident before and after the alarm (run under
// Xvfb in CI: `xvfb-run -a ctest -L gui`). Checks the PNGs by pixel colour: the freezer plot's
// air-temperature line inside the plot rectangle the command reports, and the alarm colour
// (badge, site map square, alarm band) present after the alarm and absent before it.
#include <gtest/gtest.h>
#include <stb_image.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "labtwin/viz/panels.hpp"
#include "labtwin/viz/theme.hpp"

namespace labtwin::viz {
namespace {

struct Shot {
  int rc = -1;
  std::string out;
  Rect plot, badge;
};

// Runs a shell command; returns its exit status and output (stdout and stderr).
std::pair<int, std::string> shell(const std::string& cmd) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return {-1, out};
  char buf[512];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  const int rc = pclose(p);
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, out};
}

const std::string kBiobank =
    std::string(LABTWIN_SOURCE_DIR) + "/scenarios/biobank-freezer-failure.yaml";

// Runs labtwin gui INPUT --screenshot and parses the rectangles it prints.
Shot take(const std::string& png, const std::string& at, const std::string& input = kBiobank) {
  std::filesystem::create_directories(LABTWIN_SCREENSHOT_DIR);
  std::filesystem::remove(png);
  const std::string cmd = std::string(LABTWIN_BINARY) + " gui " + input + " --screenshot " + png +
                          " --at " + at + " 2>&1";
  Shot s;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return s;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p)) s.out += buf;
  s.rc = pclose(p);
  const auto at_plot = s.out.find("freezer_plot");
  if (at_plot != std::string::npos)
    std::sscanf(s.out.c_str() + at_plot, "freezer_plot %f %f %f %f alarm_badge %f %f %f %f",
                &s.plot.x, &s.plot.y, &s.plot.w, &s.plot.h, &s.badge.x, &s.badge.y, &s.badge.w,
                &s.badge.h);
  return s;
}

struct Image {
  int w = 0, h = 0;
  std::unique_ptr<unsigned char, void (*)(void*)> px{nullptr, stbi_image_free};
  // Pixels within `tol` per channel of `color` (0xAABBGGRR) inside the rectangle.
  int count(std::uint32_t color, Rect r, int tol) const {
    const int R = color & 0xFF, G = (color >> 8) & 0xFF, B = (color >> 16) & 0xFF;
    int n = 0;
    for (int y = std::max(0, static_cast<int>(r.y)); y < std::min(h, static_cast<int>(r.y + r.h));
         ++y)
      for (int x = std::max(0, static_cast<int>(r.x)); x < std::min(w, static_cast<int>(r.x + r.w));
           ++x) {
        const unsigned char* q = px.get() + (static_cast<std::size_t>(y) * w + x) * 3;
        if (std::abs(q[0] - R) <= tol && std::abs(q[1] - G) <= tol && std::abs(q[2] - B) <= tol)
          ++n;
      }
    return n;
  }
};

Image load(const std::string& png) {
  Image im;
  int n = 0;
  im.px.reset(stbi_load(png.c_str(), &im.w, &im.h, &n, 3));
  return im;
}

// The two screenshots of one input (a scenario run live, or a results.h5 played back).
void check_before_and_after(const std::string& input, const std::string& tag) {
  const std::string dir = LABTWIN_SCREENSHOT_DIR;
  // Before: 01:00 local on 7 March (an absolute time); after: 3 h later than the alarm
  // (raised around 03:26 local), given as an offset from the 18:00 start.
  const Shot a = take(dir + "/" + tag + "before.png", "2026-03-07T01:00:00+01:00", input);
  const Shot b = take(dir + "/" + tag + "after.png", "12h30min", input);
  ASSERT_EQ(a.rc, 0) << a.out;
  ASSERT_EQ(b.rc, 0) << b.out;
  EXPECT_NE(a.out.find("at 2026-03-07 01:00:00"), std::string::npos) << a.out;
  EXPECT_NE(b.out.find("at 2026-03-07 06:30:00"), std::string::npos) << b.out;
  EXPECT_GT(std::filesystem::file_size(dir + "/" + tag + "before.png"), 10000u);
  EXPECT_GT(std::filesystem::file_size(dir + "/" + tag + "after.png"), 10000u);

  const Image ia = load(dir + "/" + tag + "before.png");
  const Image ib = load(dir + "/" + tag + "after.png");
  ASSERT_TRUE(ia.px && ib.px) << stbi_failure_reason();
  EXPECT_EQ(ia.w, 1600);
  EXPECT_EQ(ia.h, 960);
  const Rect all{0, 0, 1600, 960};

  // The air line: at 1 min samples over 7 h on ~1,000 px the compressor cycles draw a dense
  // saw-tooth, so hundreds of line pixels; none outside the plot has that colour.
  ASSERT_GT(a.plot.w, 300);
  ASSERT_GT(a.plot.h, 200);
  const int line_a = ia.count(colors::kAirLine, a.plot, 12);
  const int line_b = ib.count(colors::kAirLine, b.plot, 12);
  std::printf("air-line pixels in the plot: before %d, after %d\n", line_a, line_b);
  EXPECT_GT(line_a, 500);
  EXPECT_GT(line_b, 500);

  // The alarm colour: nowhere before the alarm; after it the badge (mostly that colour), the
  // site map square of A-07 and the alarm band.
  const int alarm_a = ia.count(colors::kAlarm, all, 6);
  const int alarm_b = ib.count(colors::kAlarm, all, 6);
  std::printf("alarm-colour pixels: before %d, after %d (badge %.0fx%.0f)\n", alarm_a, alarm_b,
              b.badge.w, b.badge.h);
  EXPECT_EQ(alarm_a, 0);
  EXPECT_EQ(a.badge.w, 0);
  ASSERT_GT(b.badge.w, 20);
  EXPECT_GT(ib.count(colors::kAlarm, b.badge, 6), static_cast<int>(b.badge.w * b.badge.h / 3));
  EXPECT_GT(alarm_b, 1000);
}

TEST(Screenshot, BiobankBeforeAndAfterTheAlarm) { check_before_and_after(kBiobank, ""); }

// `labtwin gui results.h5`: the same two moments played back from the file a run wrote, with
// the same checks (the recorded series are sparser than the live 1-minute grid, but the
// saw-tooth and the alarm are there), and the file is said to be a playback.
TEST(Screenshot, RecordedRunPlaysBackFromResultsH5) {
  const std::string out = std::string(LABTWIN_SCREENSHOT_DIR) + "/run";
  std::filesystem::remove_all(out);
  const auto [rc, text] =
      shell(std::string(LABTWIN_BINARY) + " run " + kBiobank + " --out " + out + " --quiet");
  ASSERT_EQ(rc, 0) << text;
  check_before_and_after(out + "/results.h5", "recorded-");
}

// What-if on the real evaluation engine: making the empty spare unit a second backup (the
// scenario's own `two-backups` variant, whose `expect:` says 85 boxes rescued) rescues all 85
// boxes instead of 50, in every replication (the rescue is deterministic: CI half-width 0), and
// the What-if tab is what the screenshot shows (no freezer plot drawn).
TEST(Screenshot, WhatIfComparesOnTheSweepEngine) {
  const std::string dir = LABTWIN_SCREENSHOT_DIR;
  std::filesystem::create_directories(dir);
  const auto [rc, out] =
      shell(std::string(LABTWIN_BINARY) + " gui " + kBiobank + " --screenshot " + dir +
            "/whatif.png --at 12h30min" + " --whatif 'sites[0].freezers[SPARE-1].backup=true'" +
            " --replications 3");
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("whatif samples_rescued base 50 +/- 0 whatif 85 +/- 0 diff 35 +/- 0 "
                     "significant"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("whatif samples_stranded base 35 +/- 0 whatif 0 +/- 0"), std::string::npos)
      << out;
  EXPECT_NE(out.find("freezer_plot 0 0 0 0"), std::string::npos) << out;
  EXPECT_GT(std::filesystem::file_size(dir + "/whatif.png"), 10000u);
  // A path the scenario does not have: exit 2 naming it.
  const auto [rc2, out2] =
      shell(std::string(LABTWIN_BINARY) + " gui " + kBiobank + " --screenshot " + dir +
            "/x.png --at 1h" + " --whatif 'technicians[nobody].count=3' --replications 2");
  EXPECT_EQ(rc2, 2) << out2;
  EXPECT_NE(out2.find("nobody"), std::string::npos) << out2;
}

// Files that are not results of a run: exit 2 with a message naming the file and what is
// wrong, and no PNG written.
TEST(Screenshot, BadResultsFilesAreNamed) {
  const std::string dir = LABTWIN_SCREENSHOT_DIR;
  std::filesystem::create_directories(dir);
  {
    std::FILE* f = std::fopen((dir + "/text.h5").c_str(), "w");
    ASSERT_TRUE(f);
    std::fputs("not hdf5\n", f);
    std::fclose(f);
  }
  const auto [rc1, out1] = shell(std::string(LABTWIN_BINARY) + " gui " + dir +
                                 "/text.h5 --screenshot " + dir + "/x.png --at 1h");
  EXPECT_EQ(rc1, 2) << out1;
  EXPECT_NE(out1.find("text.h5: error: not an HDF5 file"), std::string::npos) << out1;
  // A telemetry file is HDF5 with /series only: no /meta.
  {
    std::FILE* f = std::fopen((dir + "/t.csv").c_str(), "w");
    ASSERT_TRUE(f);
    std::fputs("timestamp,sensor_id,value\n2026-03-07T00:00:00Z,F-1/air_temperature,-80\n", f);
    std::fclose(f);
  }
  const auto [rc2, out2] = shell(std::string(LABTWIN_BINARY) + " telemetry import " + dir +
                                 "/t.csv --out " + dir + "/telemetry.h5 --quiet");
  ASSERT_EQ(rc2, 0) << out2;
  const auto [rc3, out3] = shell(std::string(LABTWIN_BINARY) + " gui " + dir +
                                 "/telemetry.h5 --screenshot " + dir + "/x.png --at 1h");
  EXPECT_EQ(rc3, 2) << out3;
  EXPECT_NE(out3.find("telemetry.h5: error: /meta: no /meta group"), std::string::npos) << out3;
  const auto [rc4, out4] = shell(std::string(LABTWIN_BINARY) + " gui " + dir +
                                 "/missing.h5 --screenshot " + dir + "/x.png --at 1h");
  EXPECT_EQ(rc4, 2) << out4;
  EXPECT_NE(out4.find("missing.h5: error: no such file"), std::string::npos) << out4;
  EXPECT_FALSE(std::filesystem::exists(dir + "/x.png"));
}

// The text after `key` in a screenshot line ("" when absent), up to the end of the line.
std::string field(const std::string& out, const std::string& key) {
  const auto at = out.find(" " + key + " ");
  if (at == std::string::npos) return {};
  return out.substr(at + 1, out.find('\n', at) - at - 1);
}

// Lots and open orders of a played-back results.h5 (folded from its /ledger) are the live
// model's at the same times: before the rescue and after it (boxes moved to the backup unit).
TEST(Screenshot, RecordedLotsAreTheLiveLedgers) {
  const std::string dir = std::string(LABTWIN_SCREENSHOT_DIR) + "/lots";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto [rc, text] =
      shell(std::string(LABTWIN_BINARY) + " run " + kBiobank + " --out " + dir + " --quiet");
  ASSERT_EQ(rc, 0) << text;
  for (const char* at : {"7h", "12h30min", "2d"}) {
    const Shot live = take(dir + "/live.png", at);
    const Shot rec = take(dir + "/rec.png", at, dir + "/results.h5");
    ASSERT_EQ(live.rc, 0) << live.out;
    ASSERT_EQ(rec.rc, 0) << rec.out;
    const std::string want = field(live.out, "lots");
    std::printf("at %s: live %s | recorded %s\n", at, want.c_str(), field(rec.out, "lots").c_str());
    ASSERT_FALSE(want.empty()) << live.out;
    EXPECT_EQ(field(rec.out, "lots"), want) << at;
  }
}

std::string scenario(const char* name) {
  return std::string(LABTWIN_SOURCE_DIR) + "/scenarios/" + name;
}

// A played-back run's microgrid (from its <site>/microgrid_* series) is the live one: the state
// of charge, linear between recorded changes as the battery's energy is between events, to
// 1e-6; served and demanded power; islanded and shedding. Before, during and after the outage.
TEST(Screenshot, RecordedMicrogridIsTheLiveOne) {
  const std::string dir = std::string(LABTWIN_SCREENSHOT_DIR) + "/microgrid-rec";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string sc = scenario("grid-outage-islanding.yaml");
  const auto [rc, text] = shell(std::string(LABTWIN_BINARY) + " run " + sc +
                                " --variant battery-50kWh --out " + dir + " --quiet");
  ASSERT_EQ(rc, 0) << text;
  int islanded = 0, shedding = 0;
  for (const char* at : {"20h", "33h30min", "50h", "61h", "70h"}) {
    const auto shot = [&](const std::string& what) {
      return shell(std::string(LABTWIN_BINARY) + " gui " + what + " --tab microgrid --screenshot " +
                   dir + "/x.png --at " + at);
    };
    const auto [lrc, live] = shot(sc + " --variant battery-50kWh");
    const auto [rrc, rec] = shot(dir + "/results.h5");
    ASSERT_EQ(lrc, 0) << live;
    ASSERT_EQ(rrc, 0) << rec;
    const std::string a = field(live, "microgrid"), b = field(rec, "microgrid");
    std::printf("at %s: live %s | recorded %s\n", at, a.c_str(), b.c_str());
    char site_a[64], site_b[64];
    double soc[2], served[2], demand[2];
    int isl[2], shed[2];
    ASSERT_EQ(std::sscanf(a.c_str(),
                          "microgrid %63s soc %lf served_w %lf demand_w %lf islanded %d "
                          "shedding %d",
                          site_a, &soc[0], &served[0], &demand[0], &isl[0], &shed[0]),
              6)
        << live;
    ASSERT_EQ(std::sscanf(b.c_str(),
                          "microgrid %63s soc %lf served_w %lf demand_w %lf islanded %d "
                          "shedding %d",
                          site_b, &soc[1], &served[1], &demand[1], &isl[1], &shed[1]),
              6)
        << rec;
    EXPECT_STREQ(site_a, site_b);
    EXPECT_NEAR(soc[1], soc[0], 1e-6) << at;
    EXPECT_NEAR(served[1], served[0], 1e-3) << at;
    EXPECT_NEAR(demand[1], demand[0], 1e-3) << at;
    EXPECT_EQ(isl[1], isl[0]) << at;
    EXPECT_EQ(shed[1], shed[0]) << at;
    islanded += isl[0];
    shedding += shed[0];
  }
  EXPECT_GT(islanded, 0);  // the comparison covered the outage ...
  EXPECT_GT(shedding, 0);  // ... and load shedding
}

// The microgrid tab during the 36 h outage with the 50 kWh battery (50 h in: islanded, the
// battery low at night): the SoC line and the amber islanded band inside the reported plot.
TEST(Screenshot, MicrogridTabDuringTheOutage) {
  const std::string dir = LABTWIN_SCREENSHOT_DIR;
  std::filesystem::create_directories(dir);
  const auto [rc, out] = shell(
      std::string(LABTWIN_BINARY) + " gui " + scenario("grid-outage-islanding.yaml") +
      " --variant battery-50kWh --tab microgrid --screenshot " + dir + "/microgrid.png --at 50h");
  ASSERT_EQ(rc, 0) << out;
  Rect r;
  const std::string f = field(out, "microgrid_plot");
  ASSERT_EQ(std::sscanf(f.c_str(), "microgrid_plot %f %f %f %f", &r.x, &r.y, &r.w, &r.h), 4) << out;
  EXPECT_GT(r.w, 300);
  const Image im = load(dir + "/microgrid.png");
  ASSERT_TRUE(im.px);
  const int soc = im.count(colors::kBattery, r, 8);
  const int island = im.count(colors::kIslanded, r, 8);
  std::printf("microgrid plot %s: SoC-line pixels %d, islanded-band pixels %d\n", f.c_str(), soc,
              island);
  EXPECT_GT(soc, 200);
  EXPECT_GT(island, 200);
}

// The DTN tab inside a station -> relay pass (2 h + 8 h k): the open contacts' colour inside
// the reported timeline; outside any pass (6 h + 8 h k) none.
TEST(Screenshot, DtnTabShowsTheOpenContact) {
  const std::string dir = LABTWIN_SCREENSHOT_DIR;
  std::filesystem::create_directories(dir);
  int open_px[2] = {0, 0};
  const char* at[2] = {"10d2h05min", "10d6h"};
  for (int i = 0; i < 2; ++i) {
    const std::string png = dir + "/dtn" + std::to_string(i) + ".png";
    const auto [rc, out] =
        shell(std::string(LABTWIN_BINARY) + " gui " + scenario("polar-station-resupply.yaml") +
              " --tab dtn --screenshot " + png + " --at " + at[i]);
    ASSERT_EQ(rc, 0) << out;
    Rect r;
    const std::string f = field(out, "dtn_timeline");
    ASSERT_EQ(std::sscanf(f.c_str(), "dtn_timeline %f %f %f %f", &r.x, &r.y, &r.w, &r.h), 4) << out;
    const Image im = load(png);
    ASSERT_TRUE(im.px);
    open_px[i] = im.count(colors::kContactOpen, r, 8);
    EXPECT_GT(im.count(colors::kContact, r, 8), 50) << at[i];  // the planned passes
  }
  std::printf("open-contact pixels in the timeline: in a pass %d, between passes %d\n", open_px[0],
              open_px[1]);
  EXPECT_GT(open_px[0], 0);
  EXPECT_EQ(open_px[1], 0);
}

TEST(Screenshot, BadArgumentsAreNamed) {
  const Shot late = take(std::string(LABTWIN_SCREENSHOT_DIR) + "/late.png", "30d");
  EXPECT_NE(late.rc, 0);
  EXPECT_NE(late.out.find("horizon"), std::string::npos) << late.out;
  const Shot bad = take(std::string(LABTWIN_SCREENSHOT_DIR) + "/bad.png", "tomorrow");
  EXPECT_NE(bad.rc, 0);
  EXPECT_NE(bad.out.find("tomorrow"), std::string::npos) << bad.out;
}

}  // namespace
}  // namespace labtwin::viz
