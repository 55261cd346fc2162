#pragma once
/// @file The `labtwin` subcommands. Each returns the process exit code (docs/cli.md).
#include <optional>
#include <string>
#include <vector>

namespace labtwin::cli {

/// Exit codes shared by every subcommand.
enum ExitCode : int {
  kOk = 0,               ///< success
  kAssertionFailed = 1,  ///< an `expect:` assertion failed
  kBadInput = 2,         ///< bad scenario, telemetry or flags
  kInternalError = 3,    ///< a bug: please report
};

/// Flags common to the commands that run scenarios.
struct RunFlags {
  std::string scenario;               ///< scenario file
  std::optional<std::uint64_t> seed;  ///< --seed
  std::string until;                  ///< --until DURATION (empty = horizon)
  std::string out_dir;                ///< --out DIR
  std::string format = "table";       ///< --format table|json
  std::string junit;                  ///< --junit FILE
  std::string variant;                ///< --variant NAME
  bool quiet = false;                 ///< --quiet
};

/// `labtwin run`.
int run_command(const RunFlags& flags);

/// `labtwin policy ss` inputs.
struct PolicySsFlags {
  std::string demand;     ///< "poisson:MEAN"
  double holding = 0;     ///< h
  double penalty = 0;     ///< p
  double order_cost = 0;  ///< K
  int lead_time = 0;      ///< L (periods)
  std::string format = "table";
};

/// `labtwin policy ss`.
int policy_ss_command(const PolicySsFlags& flags);

}  // namespace labtwin::cli
