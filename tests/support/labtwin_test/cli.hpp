#pragma once
// A gtest fixture that runs the `labtwin` binary (LABTWIN_BINARY) in a fresh temporary
// directory and captures its exit code, stdout and stderr.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace labtwin::test {

/// What one command did.
struct Outcome {
  int code = -1;         ///< exit code (-1: did not exit normally)
  std::string out, err;  ///< captured streams
};

/// The whole text of a file ("" when missing).
inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Fixture: dir_ is an empty directory per test, removed afterwards.
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("labtwin_cli_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_suite()->name()) + "_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  /// Runs `labtwin ARGS` (shell syntax) and captures everything.
  Outcome run(const std::string& args) {
    const auto out = dir_ / "stdout.txt", err = dir_ / "stderr.txt";
    const std::string cmd =
        std::string(LABTWIN_BINARY) + " " + args + " >" + out.string() + " 2>" + err.string();
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
  }
  /// Writes `text` to dir_/name and returns the path.
  std::filesystem::path write(const std::string& name, const std::string& text) {
    const auto p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  std::filesystem::path dir_;
};

}  // namespace labtwin::test
