#include "labtwin/adapters/report.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "labtwin/adapters/atomic_file.hpp"

namespace fs = std::filesystem;
using labtwin::adapters::AssertionOutcome;
using labtwin::twin::Kpi;
using labtwin::twin::RunResult;

namespace {
RunResult sample_result() {
  RunResult r;
  r.scenario = "demo";
  r.seed = 7;
  r.fingerprint = 0x9f2c00000000beefULL;
  r.events = 1234;
  r.kpis = {{"samples_lost", 3, "count", "boxes written off"},
            {"time_to_alarm", 3725, "s", "failure to alarm"},
            {"energy", 7.2e6, "J", "electricity"},
            {"fill_rate", 0.975, "ratio", "demand met from stock"},
            {"undefined", std::nan(""), "s", "never happened"}};
  return r;
}
}  // namespace

TEST(Report, FormatsValuesForPeople) {
  const auto r = sample_result();
  EXPECT_EQ(labtwin::adapters::format_kpi_value(r.kpis[0]), "3");
  EXPECT_EQ(labtwin::adapters::format_kpi_value(r.kpis[1]), "1h 02min");
  EXPECT_EQ(labtwin::adapters::format_kpi_value(r.kpis[2]), "2.0 kWh");
  EXPECT_EQ(labtwin::adapters::format_kpi_value(r.kpis[3]), "97.50 %");
  EXPECT_EQ(labtwin::adapters::format_kpi_value(r.kpis[4]), "n/a");
  const auto table = labtwin::adapters::format_kpi_table(r);
  EXPECT_NE(table.find("fingerprint 9f2c00000000beef"), std::string::npos) << table;
  EXPECT_NE(table.find("samples_lost"), std::string::npos);
}

TEST(Report, SummaryJsonHasEveryKpiAndAssertion) {
  const auto r = sample_result();
  std::vector<AssertionOutcome> a{{"samples_lost", "== 0", false, "expected == 0, got 3"}};
  const auto j = nlohmann::json::parse(labtwin::adapters::summary_json(r, a, "0.1.0"));
  EXPECT_EQ(j["scenario"], "demo");
  EXPECT_EQ(j["seed"], 7);
  EXPECT_EQ(j["fingerprint"], "9f2c00000000beef");
  EXPECT_EQ(j["kpis"]["samples_lost"]["value"], 3);
  EXPECT_TRUE(j["kpis"]["undefined"]["value"].is_null());
  EXPECT_EQ(j["assertions"][0]["passed"], false);
  EXPECT_EQ(j["labtwin_version"], "0.1.0");
}

TEST(Report, JunitNamesTheFailedAssertionAndEscapes) {
  std::vector<AssertionOutcome> a{{"fill_rate", ">= 0.98", false, "expected >= 0.98, got 0.95"},
                                  {"samples_lost", "== 0", true, "got 0"}};
  const auto xml = labtwin::adapters::junit_xml("demo<&>", a, 1.5);
  EXPECT_NE(xml.find("tests=\"2\" failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("name=\"fill_rate &gt;= 0.98\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<failure message=\"expected &gt;= 0.98, got 0.95\">"), std::string::npos);
  EXPECT_NE(xml.find("demo&lt;&amp;&gt;"), std::string::npos);
  EXPECT_EQ(xml.find("demo<&>"), std::string::npos);
}

TEST(AtomicFile, WritesCompletelyAndLeavesNoTemporary) {
  const fs::path dir = fs::temp_directory_path() / "labtwin_atomic_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto target = dir / "out.txt";
  labtwin::adapters::write_file_atomic(target, "old");
  labtwin::adapters::write_file_atomic(target, std::string(100000, 'x'));
  EXPECT_EQ(fs::file_size(target), 100000u);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1u);
  fs::remove_all(dir);
}

TEST(AtomicFile, FailedWriterKeepsTheOldFile) {
  const fs::path dir = fs::temp_directory_path() / "labtwin_atomic_test2";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto target = dir / "out.txt";
  labtwin::adapters::write_file_atomic(target, "old");
  EXPECT_THROW(labtwin::adapters::produce_file_atomic(target,
                                                      [](const fs::path& tmp) {
                                                        labtwin::adapters::write_file_atomic(
                                                            tmp, "half");
                                                        throw std::runtime_error("killed");
                                                      }),
               std::runtime_error);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1u);
  EXPECT_EQ(fs::file_size(target), 3u);
  EXPECT_THROW(labtwin::adapters::write_file_atomic(dir / "no/such/dir/x", "y"),
               std::runtime_error);
  fs::remove_all(dir);
}
