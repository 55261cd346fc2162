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
  bool replay = false;                ///< `labtwin replay`: drive the twin by telemetry
  std::string telemetry;              ///< --telemetry FILE (replay)
  bool lenient = false;               ///< --lenient: skip bad telemetry rows (replay)
};

/// `labtwin run` and `labtwin replay`.
int run_command(const RunFlags& flags);

/// `labtwin telemetry import` inputs.
struct TelemetryImportFlags {
  std::string input;              ///< CSV file
  std::string output;             ///< --out FILE.h5
  bool lenient = false;           ///< --lenient
  std::string disorder = "sort";  ///< --disorder sort|reject
  bool quiet = false;             ///< --quiet
};
/// `labtwin telemetry import`: CSV to the HDF5 series layout.
int telemetry_import_command(const TelemetryImportFlags& flags);

/// `labtwin telemetry synth` inputs.
struct TelemetrySynthFlags {
  std::string scenario;               ///< scenario file
  std::string output;                 ///< --out FILE (.h5 or .csv)
  std::string every = "1min";         ///< --every: temperature sampling period
  double noise_k = 0.1;               ///< --noise: sd of the temperature noise (K)
  std::optional<std::uint64_t> seed;  ///< --seed
  std::string until;                  ///< --until
  bool quiet = false;                 ///< --quiet
};
/// `labtwin telemetry synth`: a scenario's run as a monitoring system would record it.
int telemetry_synth_command(const TelemetrySynthFlags& flags);

/// `labtwin calibrate` inputs.
struct CalibrateFlags {
  std::string scenario;          ///< scenario file
  std::string telemetry;         ///< --telemetry FILE
  std::string entity;            ///< --entity FREEZER
  std::vector<std::string> fit;  ///< --fit KEY ... (default: calibration's default set)
  std::string output;            ///< --out FILE (YAML snippet)
  bool quiet = false;            ///< --quiet
};
/// `labtwin calibrate`: fit a freezer's thermal parameters to recorded temperatures.
int calibrate_command(const CalibrateFlags& flags);

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
