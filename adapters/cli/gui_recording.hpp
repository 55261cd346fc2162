#pragma once
/// @file `labtwin gui results.h5`: a finished run's results file read into viz's plain
/// Recording (the viz layer never sees HDF5 or the adapters).
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "labtwin/adapters/scenario_tree.hpp"
#include "labtwin/twin/scenario_def.hpp"
#include "labtwin/viz/recording.hpp"

namespace labtwin::cli {

/// A results file that cannot be shown; what() names the file and the object.
class RecordingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What read_recording returns.
struct LoadedRecording {
  std::shared_ptr<const viz::Recording> recording;  ///< the run, as plain viz data
  std::optional<twin::ScenarioDef> scenario;        ///< the scenario stored in /meta, if it loads
  std::optional<adapters::TreeNode> tree;           ///< its composed tree (variant applied)
  std::vector<std::string> warnings;                ///< e.g. the stored scenario did not load
};

/// True when `path` starts with the HDF5 signature (false when unreadable).
bool is_hdf5_file(const std::filesystem::path& path);

/// Reads a results.h5 (`labtwin run --out` / `labtwin replay`): /meta, /kpi, /events and the
/// /series, with the configuration from the scenario text stored in /meta (limits, sites,
/// technicians' sites, item policies). Throws RecordingError naming the file and the object.
LoadedRecording read_recording(const std::filesystem::path& path);

}  // namespace labtwin::cli
