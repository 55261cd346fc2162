#pragma once
// CPU time of the calling thread, in seconds (the results writer and run_recorded report it).
#include <time.h>

namespace labtwin::adapters::detail {

inline double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

}  // namespace labtwin::adapters::detail
