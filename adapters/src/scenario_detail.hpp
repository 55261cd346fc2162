#pragma once
// Internal steps of the scenario loader shared between its source files.
#include <string>
#include <vector>

#include "labtwin/adapters/diagnostics.hpp"
#include "labtwin/adapters/scenario_tree.hpp"
#include "labtwin/twin/scenario_def.hpp"

namespace labtwin::adapters::detail {

/// Replaces freezers with `count` > 1 by count copies with ids id-01 .. id-NN.
void expand_counts(TreeNode& root);
/// Cross-reference checks on a schema-valid tree (duplicate ids, unknown rooms, shifts...).
void check_references(const TreeNode& root, std::vector<Diagnostic>& out);
/// Checks that each variant path exists and its value fits the field.
void check_variants(const TreeNode& root, std::vector<Diagnostic>& out);
/// Builds the typed model from a valid, expanded tree.
twin::ScenarioDef extract_scenario(const TreeNode& root);
/// The element of a sequence whose id (or name, or sku) equals `selector`, or nullptr.
const TreeNode* find_by_id(const TreeNode& seq, const std::string& selector);

}  // namespace labtwin::adapters::detail
