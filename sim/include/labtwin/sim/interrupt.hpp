#pragma once
/// @file Interrupts delivered to waiting processes.
#include <cstdint>
#include <exception>

namespace labtwin::sim {

/// Why a process was interrupted.
enum class InterruptKind : std::uint8_t {
  kUser = 0,       ///< ProcessHandle::interrupt() called by model code
  kPreempted = 1,  ///< a higher-priority preemptive Resource request took the unit away
};

/// Cause carried by an interrupt: a kind plus a model-defined code (for kPreempted: the
/// process id of the preempting process, see ProcessHandle::id()).
struct InterruptCause {
  InterruptKind kind = InterruptKind::kUser;  ///< user or preemption
  std::int64_t code = 0;                      ///< model-defined detail
};

/// Thrown out of the `co_await` a process was suspended in when it is interrupted.
class Interrupted : public std::exception {
 public:
  /// Wraps a cause.
  explicit Interrupted(InterruptCause cause) : cause_(cause) {}
  /// The cause passed to interrupt().
  const InterruptCause& cause() const { return cause_; }
  /// True when the interrupt is a Resource preemption.
  bool preempted() const { return cause_.kind == InterruptKind::kPreempted; }
  /// "process interrupted" or "process preempted".
  const char* what() const noexcept override {
    return preempted() ? "process preempted" : "process interrupted";
  }

 private:
  InterruptCause cause_;
};

}  // namespace labtwin::sim
