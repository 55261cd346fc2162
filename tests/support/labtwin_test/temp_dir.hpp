#pragma once
// A fresh directory per test (named after the test and the process), removed afterwards.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace labtwin::test {

/// Creates temp_directory_path()/<prefix>_<pid>_<test name>, empty; removes it on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "labtwin_test") {
    path_ = std::filesystem::temp_directory_path() /
            (prefix + "_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  /// A path inside the directory.
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  /// The directory.
  const std::filesystem::path& path() const { return path_; }
  /// Names of what the directory holds, in directory order.
  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(path_))
      out.push_back(e.path().filename());
    return out;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace labtwin::test
