// `labtwin dtn routes`: exit codes, table and JSON output on plan files of both formats.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "labtwin_test/cli.hpp"

namespace fs = std::filesystem;

namespace {

using Cli = labtwin::test::CliTest;

const fs::path kTutorial = fs::path(LABTWIN_SHARED_DATA_DIR) / "dtn" / "hdtn-cgrTutorial.json";

// 1->2->3 by hand: 1->2 [10,20) owlt 2, 2->3 [5,15) owlt 1 -> leaves 10, at 2 at 12, at 3 at 13.
const char* kIon =
    "a contact +10 +20 1 2 100\na contact +5 +15 2 3 100\n"
    "a range +0 +100 1 2 2\na range +0 +100 2 3 1\n";

TEST_F(Cli, DtnRoutesJsonOnTheTutorialPlan) {
  if (!fs::exists(kTutorial)) GTEST_SKIP() << "shared data absent: " << kTutorial;
  const auto r =
      run("dtn routes " + kTutorial.string() + " --from 1 --to 5 --at 0 --k 3 --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["routes"].size(), 3u);
  const auto& best = j["routes"][0];
  EXPECT_EQ(best["contacts"], nlohmann::json::parse("[4, 6, 10]"));
  EXPECT_EQ(best["hops"], nlohmann::json::parse("[1, 3, 4, 5]"));
  EXPECT_EQ(best["next_hop"], 3);
  EXPECT_EQ(best["delivery_time"], 3.0);
  EXPECT_EQ(j["routes"][1]["delivery_time"], 4.0);
  EXPECT_EQ(j["routes"][2]["contacts"], nlohmann::json::parse("[8]"));
  // 1.2 MB no longer fits contact 10 (from departure at 3: 7 s * 125 kB/s = 875 kB); the
  // direct contact 8 (10 s * 125 kB/s = 1.25 MB) does: delivery at 11.
  auto big = run("dtn routes " + kTutorial.string() +
                 " --from 1 --to 5 --size 1.2e6 "
                 "--format json");
  ASSERT_EQ(big.code, 0) << big.err;
  auto jb = nlohmann::json::parse(big.out);
  ASSERT_EQ(jb["routes"].size(), 1u);
  EXPECT_EQ(jb["routes"][0]["contacts"], nlohmann::json::parse("[8]"));
  EXPECT_EQ(jb["routes"][0]["delivery_time"], 11.0);
  // 2 MB fits no contact that reaches 5 (each holds at most 1.25 MB): no route, exit 0.
  big = run("dtn routes " + kTutorial.string() + " --from 1 --to 5 --size 2e6 --format json");
  ASSERT_EQ(big.code, 0) << big.err;
  EXPECT_TRUE(nlohmann::json::parse(big.out)["routes"].empty());
}

TEST_F(Cli, DtnRoutesTableOnAnIonPlan) {
  const auto plan = write("p.ion", kIon);
  auto r = run("dtn routes " + plan.string() + " --from 1 --to 3");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("routes 1 -> 3 at t=0 s"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1>2>3 / 0,1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("13 "), std::string::npos) << r.out;
  // Ready at 15: the second contact is over by the time the bundle reaches node 2.
  r = run("dtn routes " + plan.string() + " --from 1 --to 3 --at 15");
  ASSERT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("no route"), std::string::npos) << r.out;
  r = run("dtn routes " + plan.string() + " --from 1 --to 3 --at 15 --format json");
  EXPECT_EQ(nlohmann::json::parse(r.out)["routes"].size(), 0u);
  // --at as a duration: 0.1min = 6 s, still before contact 0 starts: same answer.
  r = run("dtn routes " + plan.string() + " --from 1 --to 3 --at 0.1min --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["routes"][0]["delivery_time"], 13.0);
}

TEST_F(Cli, DtnRoutesBadInputExitsTwo) {
  const auto bad = write("bad.ion", "a contact +0 +10 1 2 100\na contact +0 +10 1 2 fast\n");
  auto r = run("dtn routes " + bad.string() + " --from 1 --to 2");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("bad.ion:2: error: a contact: rate: 'fast' is not a number"),
            std::string::npos)
      << r.err;
  const auto badj = write("bad.json", R"({"contacts": [{"contact": 0}]})");
  r = run("dtn routes " + badj.string() + " --from 1 --to 2");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("bad.json: error: contacts[0].source: missing"), std::string::npos) << r.err;
  const auto plan = write("p.ion", kIon);
  r = run("dtn routes " + plan.string() + " --from 1 --to 9");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--to: node 9 is not in"), std::string::npos) << r.err;
  EXPECT_EQ(run("dtn routes " + plan.string() + " --from 1 --to 3 --at soon").code, 2);
  EXPECT_EQ(run("dtn routes " + plan.string() + " --from 1 --to 3 --k 0").code, 2);
  EXPECT_EQ(run("dtn routes " + plan.string() + " --from 1 --to 3 --format xml").code, 2);
  EXPECT_EQ(run("dtn routes " + plan.string() + " --to 3").code, 2);
  EXPECT_EQ(run("dtn routes " + (dir_ / "missing.json").string() + " --from 1 --to 3").code, 2);
}

}  // namespace
