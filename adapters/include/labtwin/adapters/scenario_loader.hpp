#pragma once
/// @file Loading scenario files: YAML -> located tree -> includes -> schema validation ->
/// variants check -> typed twin::ScenarioDef. Every problem is reported, not just the first.
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "labtwin/adapters/diagnostics.hpp"
#include "labtwin/adapters/scenario_tree.hpp"
#include "labtwin/twin/scenario_def.hpp"

namespace labtwin::adapters {

/// The only scenario format version this build reads (`labtwin: 1`).
inline constexpr int kScenarioFormatVersion = 1;

/// The outcome of loading a scenario.
struct LoadResult {
  std::optional<twin::ScenarioDef> scenario;  ///< set when there are no errors
  std::vector<Diagnostic> diagnostics;        ///< sorted by file, line, column
  std::optional<TreeNode> tree;  ///< the composed tree (includes resolved, counts expanded)
  /// True when the scenario was built.
  bool ok() const { return scenario.has_value(); }
};

/// Loads a scenario file; includes are resolved relative to the including file.
LoadResult load_scenario(const std::filesystem::path& file);

/// Loads a scenario from text; `pretend_file` is used in messages and as the base for
/// relative includes.
LoadResult load_scenario_string(std::string_view text, const std::string& pretend_file);

/// Validates a composed tree and builds the ScenarioDef (what load_scenario does after
/// composing; use it after apply_variant).
LoadResult build_scenario(const TreeNode& tree);

/// One override of a variant: a dotted path and the new value (with its location).
struct VariantSetting {
  std::string path;  ///< e.g. "sites[0].freezers[F-12].backup"
  TreeNode value;    ///< the value to put there
};

/// A `variants[]` entry.
struct VariantSpec {
  std::string name;                 ///< unique name
  std::string description;          ///< free text
  std::vector<VariantSetting> set;  ///< overrides in file order
};

/// The variants declared in a composed tree (file order).
std::vector<VariantSpec> variants_of(const TreeNode& tree);

/// The tree with the variant's overrides applied (missing map keys are created). Throws
/// std::invalid_argument naming the path when a path cannot be resolved in this tree.
TreeNode apply_variant(const TreeNode& tree, const VariantSpec& variant);

/// Loads, applies the named variant and builds; an unknown variant name is a diagnostic.
LoadResult load_variant(const std::filesystem::path& file, std::string_view variant_name);

/// `labtwin validate FILE...`: prints "FILE: ok" to out per valid file and every diagnostic
/// to err; returns 0 when all files are valid, 2 otherwise.
int validate_command(const std::vector<std::string>& paths, std::ostream& out, std::ostream& err);

}  // namespace labtwin::adapters
