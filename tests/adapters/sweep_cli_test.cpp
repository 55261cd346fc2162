// `labtwin sweep` end to end in a child process: -j independence of every output byte,
// interrupt + resume equivalence (hidden --stop-after and a real SIGINT), bad input.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "labtwin/adapters/sweep_h5.hpp"

namespace fs = std::filesystem;
namespace ad = labtwin::adapters;

extern char** environ;

namespace {

const std::string kBin = LABTWIN_BINARY;
const std::string kPoisson = std::string(LABTWIN_SOURCE_DIR) + "/tests/data/sweep/poisson.yaml";

fs::path temp_dir(const std::string& name) {
  const fs::path p =
      fs::temp_directory_path() / ("labtwin_sweepcli_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Run {
  int code = -1;
  std::string out;
  std::string err;
};

/// Runs `labtwin sweep ARGS` with stdout/stderr captured in files.
Run sweep(const std::string& args, const fs::path& scratch) {
  const auto out = scratch / "stdout.txt", err = scratch / "stderr.txt";
  const std::string cmd = kBin + " sweep " + args + " >" + out.string() + " 2>" + err.string();
  const int status = std::system(cmd.c_str());
  Run r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

std::size_t lines(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += c == '\n' ? 1 : 0;
  return n;
}

}  // namespace

// Every output byte is the same for one and two threads.
TEST(SweepCli, OutputsAreIdenticalForJ1AndJ2) {
  const auto dir = temp_dir("j");
  const auto a = sweep(kPoisson + " -n 6 -j 1 --quiet --out " + (dir / "a").string(), dir);
  ASSERT_EQ(a.code, 0) << a.err;
  const auto b = sweep(kPoisson + " -n 6 -j 2 --quiet --out " + (dir / "b").string(), dir);
  ASSERT_EQ(b.code, 0) << b.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_NE(a.out.find("stockout_time"), std::string::npos);
  const std::string ja = slurp(dir / "a" / "sweep.json");
  EXPECT_FALSE(ja.empty());
  EXPECT_EQ(ja, slurp(dir / "b" / "sweep.json"));
  EXPECT_EQ(slurp(dir / "a" / "sweep.csv"), slurp(dir / "b" / "sweep.csv"));
  const auto ha = ad::read_sweep_h5(dir / "a" / "results.h5");
  const auto hb = ad::read_sweep_h5(dir / "b" / "results.h5");
  ASSERT_EQ(ha.variant.size(), 12u);
  EXPECT_EQ(ha.variant, hb.variant);
  EXPECT_EQ(ha.fingerprint, hb.fingerprint);
  ASSERT_EQ(ha.values.size(), hb.values.size());
  for (std::size_t i = 0; i < ha.values.size(); ++i) {  // bitwise: NaN columns included
    ASSERT_EQ(ha.values[i].size(), hb.values[i].size());
    EXPECT_EQ(0, std::memcmp(ha.values[i].data(), hb.values[i].data(),
                             ha.values[i].size() * sizeof(double)));
  }
  EXPECT_EQ(ha.seed, 5u);
  EXPECT_NE(ha.scenario_text.find("sweep-poisson"), std::string::npos);
  // JSON output on stdout is the same document as sweep.json.
  const auto j = sweep(kPoisson + " -n 6 -j 2 --quiet --format json", dir);
  ASSERT_EQ(j.code, 0) << j.err;
  EXPECT_EQ(j.out, ja);
  fs::remove_all(dir);
}

// Interrupted after 5 replications (hidden --stop-after: the Ctrl-C path), then resumed: the
// final sweep.json equals an uninterrupted run byte for byte and nothing ran twice.
TEST(SweepCli, ResumeAfterInterruptEqualsUninterruptedRun) {
  const auto dir = temp_dir("resume");
  const auto full = sweep(kPoisson + " -n 8 -j 2 --quiet --out " + (dir / "full").string(), dir);
  ASSERT_EQ(full.code, 0) << full.err;
  const std::string out = (dir / "part").string();
  const auto cut = sweep(kPoisson + " -n 8 -j 2 --quiet --stop-after 5 --out " + out, dir);
  EXPECT_EQ(cut.code, 130);
  EXPECT_NE(cut.err.find("interrupted: "), std::string::npos) << cut.err;
  EXPECT_NE(cut.err.find(" of 16 done; --resume to continue"), std::string::npos) << cut.err;
  EXPECT_FALSE(fs::exists(dir / "part" / "sweep.json"));  // nothing partial
  const std::size_t done = lines(slurp(dir / "part" / "sweep.journal")) - 1;
  EXPECT_GE(done, 5u);
  EXPECT_LT(done, 16u);
  const auto res = sweep(kPoisson + " -n 8 -j 2 --quiet --resume --out " + out, dir);
  ASSERT_EQ(res.code, 0) << res.err;
  EXPECT_EQ(slurp(dir / "part" / "sweep.json"), slurp(dir / "full" / "sweep.json"));
  EXPECT_EQ(slurp(dir / "part" / "sweep.csv"), slurp(dir / "full" / "sweep.csv"));
  EXPECT_EQ(lines(slurp(dir / "part" / "sweep.journal")), 1u + 16u);  // none re-run
  // A resume with more replications runs only the new ones.
  const auto more = sweep(kPoisson + " -n 10 -j 2 --quiet --resume --out " + out, dir);
  ASSERT_EQ(more.code, 0) << more.err;
  EXPECT_EQ(lines(slurp(dir / "part" / "sweep.journal")), 1u + 20u);
  // A changed plan (another seed) is refused with a clear message.
  const auto changed = sweep(kPoisson + " -n 8 --seed 6 --quiet --resume --out " + out, dir);
  EXPECT_EQ(changed.code, 2);
  EXPECT_NE(changed.err.find("was written for another scenario"), std::string::npos) << changed.err;
  fs::remove_all(dir);
}

// A real SIGINT mid-sweep: in-flight replications finish, exit code 130, resume completes.
TEST(SweepCli, SigintStopsCleanlyAndResumes) {
  const auto dir = temp_dir("sigint");
  const std::string out = (dir / "o").string();
  std::vector<std::string> args = {kBin, "sweep", kPoisson,  "-n",    "400",
                                   "-j", "1",     "--quiet", "--out", out};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  const std::string err_path = (dir / "err.txt").string();
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, kBin.c_str(), &fa, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  // Wait until a few replications are journaled, then interrupt.
  const auto journal = dir / "o" / "sweep.journal";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline &&
         (!fs::exists(journal) || lines(slurp(journal)) < 4)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(pid, SIGINT);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  const std::string err = slurp(err_path);
  if (WEXITSTATUS(status) == 0) GTEST_SKIP() << "the sweep finished before the signal";
  EXPECT_EQ(WEXITSTATUS(status), 130) << err;
  EXPECT_NE(err.find("of 800 done; --resume to continue"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(dir / "o" / "sweep.json"));
  const auto res = sweep(kPoisson + " -n 400 -j 2 --quiet --resume --out " + out, dir);
  ASSERT_EQ(res.code, 0) << res.err;
  EXPECT_EQ(lines(slurp(journal)), 801u);
  fs::remove_all(dir);
}

TEST(SweepCli, BadInputExitsTwoWithAMessage) {
  const auto dir = temp_dir("bad");
  auto r = sweep(kPoisson + " --precision lots", dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--precision"), std::string::npos) << r.err;
  r = sweep(kPoisson + " --kpi stockout_tme", dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("did you mean 'stockout_time'"), std::string::npos) << r.err;
  r = sweep(kPoisson + " --variant nope", dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("no variant named `nope`"), std::string::npos) << r.err;
  r = sweep(kPoisson + " --resume", dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--resume needs --out"), std::string::npos) << r.err;
  r = sweep(kPoisson + " -n 0", dir);
  EXPECT_EQ(r.code, 2);
  // A broken scenario: the loader's file:line:column message.
  const auto broken = dir / "broken.yaml";
  std::ofstream(broken) << "labtwin: 1\nclock:\n  horizon: 7d\n  horizn: 3d\n";
  r = sweep(broken.string(), dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(broken.string() + ":4:"), std::string::npos) << r.err;
  r = sweep((dir / "missing.yaml").string(), dir);
  EXPECT_EQ(r.code, 2);
  fs::remove_all(dir);
}

TEST(SweepCli, PrecisionCapIsReported) {
  const auto dir = temp_dir("cap");
  const auto r = sweep(kPoisson +
                           " -n 3 -j 2 --quiet --kpi demand_units --precision 0.001% "
                           "--max-replications 5 --format json",
                       dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("not reached within 5 replications"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("\"cap_hit\": true"), std::string::npos);
  EXPECT_NE(r.out.find("\"replications\": 5"), std::string::npos);
  const auto ok = sweep(kPoisson + " -n 4 -j 2 --quiet --kpi demand_units --precision 5%", dir);
  ASSERT_EQ(ok.code, 0) << ok.err;
  EXPECT_NE(ok.out.find("precision 5%: met"), std::string::npos) << ok.out;
  fs::remove_all(dir);
}

TEST(SweepCli, WelchHelperPrintsTheMovingAverage) {
  const auto dir = temp_dir("welch");
  const auto r = sweep(
      kPoisson + " -n 5 -j 2 --welch demand_units --windows 7 --out " + (dir / "w").string(), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Welch's method: demand_units"), std::string::npos) << r.out;
  EXPECT_EQ(lines(slurp(dir / "w" / "welch.csv")), 1u + 7u);
  fs::remove_all(dir);
}
