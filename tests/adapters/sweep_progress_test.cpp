// Sweep progress output: a redrawn bar on a terminal, periodic plain lines otherwise, silence
// when quiet.
#include "labtwin/adapters/sweep_progress.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <thread>

namespace ad = labtwin::adapters;

namespace {

/// Everything written to a temporary FILE*.
std::string contents(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string s;
  char buf[256];
  while (std::fgets(buf, sizeof buf, f) != nullptr) s += buf;
  return s;
}

}  // namespace

TEST(SweepProgress, TtyBarIsRedrawnInPlaceAndEndsWithANewline) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  ad::SweepProgress p(ad::SweepProgress::Mode::tty, f);
  p.update(1, 4, [] { return 0.05; });
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  p.update(4, 4, [] { return 0.0125; });
  p.finish();
  const std::string s = contents(f);
  EXPECT_EQ(s.front(), '\r');
  EXPECT_NE(s.find("1/4"), std::string::npos) << s;
  EXPECT_NE(s.find("[########################] 4/4"), std::string::npos) << s;
  EXPECT_NE(s.find("widest CI +-1.25%"), std::string::npos) << s;
  EXPECT_NE(s.find("runs/s"), std::string::npos);
  EXPECT_NE(s.find("ETA"), std::string::npos);
  EXPECT_EQ(s.back(), '\n');
  std::fclose(f);
}

TEST(SweepProgress, PlainLinesArePeriodicAndQuietPrintsNothing) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  ad::SweepProgress p(ad::SweepProgress::Mode::lines, f, std::chrono::milliseconds(50));
  p.update(1, 10, nullptr);
  p.update(2, 10, nullptr);  // within the period: no line
  std::this_thread::sleep_for(std::chrono::milliseconds(70));
  p.update(3, 10, [] { return std::nan(""); });
  p.finish();
  const std::string s = contents(f);
  EXPECT_EQ(s, s.substr(0, s.find('\n') + 1)) << "exactly one line: " << s;
  EXPECT_NE(s.find("sweep: 3/10 replications"), std::string::npos) << s;
  EXPECT_NE(s.find("widest CI +-n/a"), std::string::npos) << s;
  EXPECT_EQ(s.find('\r'), std::string::npos);
  std::fclose(f);

  std::FILE* q = std::tmpfile();
  ad::SweepProgress quiet(ad::SweepProgress::Mode::quiet, q);
  quiet.update(5, 5, [] { return 0.1; });
  quiet.finish();
  EXPECT_EQ(contents(q), "");
  std::fclose(q);
  EXPECT_EQ(ad::SweepProgress::detect(true), ad::SweepProgress::Mode::quiet);
}
