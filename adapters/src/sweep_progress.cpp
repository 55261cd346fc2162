// Sweep progress: terminal bar or periodic lines.
#include "labtwin/adapters/sweep_progress.hpp"

#include <unistd.h>

#include <cmath>
#include <string>

namespace labtwin::adapters {

SweepProgress::Mode SweepProgress::detect(bool quiet) {
  if (quiet) return Mode::quiet;
  return ::isatty(STDERR_FILENO) != 0 ? Mode::tty : Mode::lines;
}

SweepProgress::SweepProgress(Mode mode, std::FILE* out, std::chrono::duration<double> line_period)
    : mode_(mode), out_(out), period_(line_period) {}

void SweepProgress::update(std::size_t done, std::size_t total,
                           const std::function<double()>& widest) {
  if (mode_ == Mode::quiet) return;
  const auto now = std::chrono::steady_clock::now();
  if (!started_) {
    // Replications read from a journal do not count towards the rate.
    started_ = true;
    start_ = now;
    last_ = now;
    first_done_ = done > 0 ? done - 1 : 0;
  }
  const auto since_last = std::chrono::duration<double>(now - last_);
  const bool last_one = done >= total;
  if (mode_ == Mode::tty && since_last.count() < 0.1 && !last_one && drawn_) return;
  if (mode_ == Mode::lines && since_last < period_ && !(last_one && drawn_)) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done - first_done_) / elapsed : 0.0;
  const double eta = rate > 0 ? static_cast<double>(total - std::min(done, total)) / rate : 0.0;
  const double w = widest ? widest() : std::nan("");
  char ci[32];
  if (std::isfinite(w)) {
    std::snprintf(ci, sizeof ci, "%.2f%%", 100.0 * w);
  } else {
    std::snprintf(ci, sizeof ci, "n/a");
  }
  const double frac = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  if (mode_ == Mode::tty) {
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(std::lround(frac * kWidth));
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kWidth, '.');
    std::fprintf(out_, "\r[%s] %zu/%zu  %.1f runs/s  ETA %.0f s  widest CI +-%s   ", bar.c_str(),
                 done, total, rate, eta, ci);
  } else {
    std::fprintf(out_, "sweep: %zu/%zu replications  %.1f runs/s  ETA %.0f s  widest CI +-%s\n",
                 done, total, rate, eta, ci);
  }
  std::fflush(out_);
  drawn_ = true;
}

void SweepProgress::finish() {
  if (mode_ == Mode::tty && drawn_) {
    std::fprintf(out_, "\n");
    std::fflush(out_);
  }
}

}  // namespace labtwin::adapters
