// End-to-end tests of the `labtwin` binary: exit codes, outputs, JUnit, atomic files.
#include "labtwin_test/cli.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

using Cli = labtwin::test::CliTest;
using labtwin::test::slurp;

const char* kSmall = R"(labtwin: 1
meta: {name: small}
seed: 3
clock: {start: "2026-03-07T00:00:00Z", horizon: 12h}
sites:
  - id: s
    rooms: [{id: r}]
    freezers:
      - {id: F, count: 2, room: r, capacity_boxes: 10, fill: 0.5}
      - {id: BK, room: r, capacity_boxes: 10, fill: 0, backup: true}
technicians:
  - {id: t, site: s, skills: [freezer, refrigeration]}
incidents:
  - {at: "+1h", kind: compressor_failure, target: F-01}
)";

}  // namespace

TEST_F(Cli, VersionAndHelp) {
  auto r = run("version");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("labtwin "), std::string::npos);
  r = run("run --help");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("--until"), std::string::npos);
  EXPECT_NE(r.out.find("Exit codes"), std::string::npos);
}

TEST_F(Cli, BadFlagsExitTwo) {
  const auto sc = write("s.yaml", kSmall);
  EXPECT_EQ(run("run " + sc.string() + " --until soon").code, 2);
  EXPECT_NE(run("run " + sc.string() + " --until soon").err.find("--until"), std::string::npos);
  EXPECT_EQ(run("run " + sc.string() + " --format xml").code, 2);
  EXPECT_EQ(run("run " + sc.string() + " --no-such-flag").code, 2);
  EXPECT_EQ(run("frobnicate").code, 2);
  EXPECT_EQ(run("run " + (dir_ / "missing.yaml").string()).code, 2);
  // Unwritable outputs are bad input named by their flag, and leave nothing behind.
  write("file", "x");
  auto r = run("run " + sc.string() + " --out " + (dir_ / "file" / "sub").string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--out"), std::string::npos) << r.err;
  r = run("run " + sc.string() + " --junit " + (dir_ / "nodir" / "j.xml").string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--junit"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "nodir"));
}

TEST_F(Cli, RunPrintsKpisAndWritesSummaryAtomically) {
  const auto sc = write("s.yaml", kSmall);
  const auto out = dir_ / "out";
  auto r = run("run " + sc.string() + " --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("samples_lost"), std::string::npos);
  EXPECT_NE(r.out.find("fingerprint "), std::string::npos);
  const auto j = nlohmann::json::parse(slurp(out / "summary.json"));
  EXPECT_EQ(j["scenario"], "small");
  EXPECT_EQ(j["seed"], 3);
  EXPECT_EQ(j["fingerprint"].get<std::string>().size(), 16u);
  EXPECT_GT(j["events"].get<long>(), 0);
  EXPECT_TRUE(j["kpis"].contains("time_to_alarm"));
  std::set<std::string> files;
  for (const auto& e : fs::directory_iterator(out)) files.insert(e.path().filename().string());
  // The summary and the recorded signals, no temporary left behind.
  EXPECT_EQ(files, (std::set<std::string>{"results.h5", "summary.json"}));
}

TEST_F(Cli, SameSeedSameFingerprintOtherSeedDiffers) {
  const auto sc = write("s.yaml", kSmall);
  auto fp = [&](const std::string& extra) {
    auto r = run("run " + sc.string() + " --format json " + extra);
    EXPECT_EQ(r.code, 0) << r.err;
    return nlohmann::json::parse(r.out)["fingerprint"].get<std::string>();
  };
  EXPECT_EQ(fp(""), fp(""));
  EXPECT_NE(fp(""), fp("--seed 4"));
}

TEST_F(Cli, FailingExpectExitsOneAndJunitNamesIt) {
  const auto sc = write("s.yaml", std::string(kSmall) + R"(expect:
  alarms: ">= 1"
  samples_lost: "== 99"
  fingerprint: "0123456789abcdef"
  samples_lots: "== 0"
)");
  const auto junit = dir_ / "junit.xml";
  auto r = run("run " + sc.string() + " --junit " + junit.string());
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.out.find("FAIL samples_lost == 99"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("PASS alarms >= 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("did you mean 'samples_lost'"), std::string::npos) << r.out;
  const auto xml = slurp(junit);
  EXPECT_NE(xml.find("tests=\"4\" failures=\"3\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("name=\"samples_lost == 99\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("expected == 99, got 0"), std::string::npos) << xml;
  // --quiet prints only the failures.
  r = run("run " + sc.string() + " --quiet");
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("FAIL samples_lost"), std::string::npos);
}

TEST_F(Cli, UntilShortensTheRun) {
  const auto sc = write("s.yaml", kSmall);
  auto r = run("run " + sc.string() + " --until 30min --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_DOUBLE_EQ(j["simulated_seconds"].get<double>(), 1800.0);
  EXPECT_EQ(j["kpis"]["alarms"]["value"], 0);  // the failure at +1h has not happened yet
}

TEST_F(Cli, PolicySsMatchesZhengFedergruen) {
  // Zheng & Federgruen (1991), mean 10, h=1, p=9, K=64: (s,S) = (6,40), cost 35.022.
  auto r =
      run("policy ss --demand poisson:10 --holding 1 --penalty 9 --order-cost 64 --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["s"], 6);
  EXPECT_EQ(j["S"], 40);
  EXPECT_NEAR(j["cost"].get<double>(), 35.022, 5e-4);
  EXPECT_EQ(run("policy ss --demand normal:10 --holding 1 --penalty 9 --order-cost 64").code, 2);
  EXPECT_EQ(run("policy ss --demand poisson:10 --holding -1 --penalty 9 --order-cost 64").code, 2);
}
