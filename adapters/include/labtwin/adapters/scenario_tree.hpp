#pragma once
/// @file The scenario document tree: YAML converted to our own nodes that remember the file,
/// line and column each node came from (so includes and overrides keep their locations).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "labtwin/adapters/diagnostics.hpp"

namespace labtwin::adapters {

struct TreeEntry;

/// One YAML node: null, scalar, map (ordered entries) or sequence.
struct TreeNode {
  /// The node type.
  enum class Type { null, scalar, map, seq };
  Type type = Type::null;          ///< node type
  std::string scalar;              ///< scalar text (type == scalar)
  std::vector<TreeEntry> entries;  ///< map entries in document order (type == map)
  std::vector<TreeNode> items;     ///< sequence items (type == seq)
  SourceLocation location;         ///< where the node starts

  /// The value of `key` in a map node, or nullptr.
  const TreeNode* find(std::string_view key) const;
  /// The value of `key` in a map node, or nullptr.
  TreeNode* find(std::string_view key);
  /// True for a map node.
  bool is_map() const { return type == Type::map; }
  /// True for a sequence node.
  bool is_seq() const { return type == Type::seq; }
  /// True for a scalar node.
  bool is_scalar() const { return type == Type::scalar; }
};

/// One key: value pair of a map node.
struct TreeEntry {
  std::string key;              ///< the key text
  SourceLocation key_location;  ///< where the key is
  TreeNode value;               ///< the value
};

/// Limits that keep hostile input from exhausting time or memory.
struct TreeLimits {
  std::size_t max_bytes = 4u << 20;  ///< file size
  std::size_t max_nodes = 200000;    ///< nodes after alias expansion ("billion laughs")
  int max_depth = 64;                ///< nesting depth
};

/// Parses YAML text into a tree; syntax errors and limit violations become diagnostics
/// (FILE:LINE:COL) and the result is then a null node.
TreeNode parse_yaml(std::string_view text, const std::string& file,
                    std::vector<Diagnostic>& diagnostics, const TreeLimits& limits = {});

/// Merges `over` onto `base`: maps merge recursively (over wins), everything else is replaced.
void deep_merge(TreeNode& base, const TreeNode& over);

/// Writes a node back as compact flow-style YAML text (for reports and VariantDef::set).
std::string to_yaml_text(const TreeNode& node);

}  // namespace labtwin::adapters
