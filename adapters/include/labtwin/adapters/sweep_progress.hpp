#pragma once
/// @file Sweep progress on stderr: a one-line bar redrawn with \r on a terminal, a plain line
/// every few seconds otherwise, nothing when quiet.
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <functional>

namespace labtwin::adapters {

/// Progress of a sweep (not thread-safe: call it from the serialized completion callback).
class SweepProgress {
 public:
  /// How progress is shown.
  enum class Mode { quiet, tty, lines };
  /// The mode for stderr: quiet when asked, tty when stderr is a terminal, lines otherwise.
  static Mode detect(bool quiet);
  /// Reports to `out` in `mode`; lines mode prints at most every `line_period`.
  SweepProgress(Mode mode, std::FILE* out,
                std::chrono::duration<double> line_period = std::chrono::seconds(5));
  /// Replications `done` of `total`; `widest` computes the current widest relative CI
  /// half-width (called only when a line is drawn; may return +inf when undefined).
  void update(std::size_t done, std::size_t total, const std::function<double()>& widest);
  /// Ends the bar (a newline on a terminal).
  void finish();

 private:
  Mode mode_;
  std::FILE* out_;
  std::chrono::duration<double> period_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
  std::size_t first_done_ = 0;
  bool started_ = false;
  bool drawn_ = false;
};

}  // namespace labtwin::adapters
