#include "labtwin/adapters/scenario_tree.hpp"

#include <yaml-cpp/yaml.h>

#include <exception>

namespace labtwin::adapters {

const TreeNode* TreeNode::find(std::string_view key) const {
  for (const auto& e : entries) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

TreeNode* TreeNode::find(std::string_view key) {
  for (auto& e : entries) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

namespace {

/// Converts yaml-cpp nodes, counting nodes (aliases are expanded) and depth.
class Converter {
 public:
  Converter(const std::string& file, const TreeLimits& limits, std::vector<Diagnostic>& diags)
      : file_(file), limits_(limits), diags_(diags) {}

  bool failed() const { return failed_; }

  SourceLocation locate(const YAML::Mark& m, const SourceLocation& fallback) const {
    if (m.is_null() || m.line < 0) return fallback;
    return SourceLocation{file_, m.line + 1, m.column + 1};
  }

  void convert(const YAML::Node& in, TreeNode& out, const SourceLocation& fallback, int depth) {
    if (failed_) return;
    out.location = locate(in.Mark(), fallback);
    if (++nodes_ > limits_.max_nodes) {
      fail(out.location, "document too large: more than " + std::to_string(limits_.max_nodes) +
                             " nodes after expanding aliases");
      return;
    }
    if (depth > limits_.max_depth) {
      fail(out.location, "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
      return;
    }
    switch (in.Type()) {
      case YAML::NodeType::Scalar:
        out.type = TreeNode::Type::scalar;
        out.scalar = in.Scalar();
        break;
      case YAML::NodeType::Sequence:
        out.type = TreeNode::Type::seq;
        out.items.reserve(in.size());
        for (const auto& item : in) {
          out.items.emplace_back();
          convert(item, out.items.back(), out.location, depth + 1);
          if (failed_) return;
        }
        break;
      case YAML::NodeType::Map:
        out.type = TreeNode::Type::map;
        for (const auto& kv : in) {
          TreeEntry e;
          e.key_location = locate(kv.first.Mark(), out.location);
          if (!kv.first.IsScalar()) {
            diags_.push_back(
                Diagnostic{e.key_location, Severity::error, "", "map keys must be plain text"});
            continue;
          }
          e.key = kv.first.Scalar();
          bool duplicate = false;
          for (const auto& prev : out.entries) {
            if (prev.key == e.key) {
              diags_.push_back(Diagnostic{e.key_location, Severity::error, "",
                                          "duplicate key `" + e.key + "` (first defined at line " +
                                              std::to_string(prev.key_location.line) + ")"});
              duplicate = true;
              break;
            }
          }
          ++nodes_;
          convert(kv.second, e.value, e.key_location, depth + 1);
          if (failed_) return;
          if (!duplicate) out.entries.push_back(std::move(e));
        }
        break;
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        out.type = TreeNode::Type::null;
        break;
    }
  }

 private:
  void fail(const SourceLocation& at, std::string message) {
    failed_ = true;
    diags_.push_back(Diagnostic{at, Severity::error, "", std::move(message)});
  }

  const std::string& file_;
  const TreeLimits& limits_;
  std::vector<Diagnostic>& diags_;
  std::size_t nodes_ = 0;
  bool failed_ = false;
};

void append_flow(const TreeNode& n, std::string& out) {
  switch (n.type) {
    case TreeNode::Type::null:
      out += "null";
      break;
    case TreeNode::Type::scalar: {
      YAML::Emitter e;
      e << YAML::DoubleQuoted << n.scalar;
      const bool plain = !n.scalar.empty() &&
                         n.scalar.find_first_of(":#,[]{}&*!|>'\"%@`\n\t") == std::string::npos &&
                         n.scalar.front() != ' ' && n.scalar.back() != ' ' &&
                         n.scalar.front() != '-' && n.scalar.front() != '?';
      out += plain ? n.scalar : std::string(e.c_str());
      break;
    }
    case TreeNode::Type::seq: {
      out += '[';
      for (std::size_t i = 0; i < n.items.size(); ++i) {
        if (i > 0) out += ", ";
        append_flow(n.items[i], out);
      }
      out += ']';
      break;
    }
    case TreeNode::Type::map: {
      out += '{';
      for (std::size_t i = 0; i < n.entries.size(); ++i) {
        if (i > 0) out += ", ";
        append_flow(TreeNode{TreeNode::Type::scalar, n.entries[i].key, {}, {}, {}}, out);
        out += ": ";
        append_flow(n.entries[i].value, out);
      }
      out += '}';
      break;
    }
  }
}

}  // namespace

TreeNode parse_yaml(std::string_view text, const std::string& file,
                    std::vector<Diagnostic>& diagnostics, const TreeLimits& limits) {
  TreeNode root;
  root.location = SourceLocation{file, 1, 1};
  if (text.size() > limits.max_bytes) {
    diagnostics.push_back(
        Diagnostic{root.location, Severity::error, "",
                   "file too large: more than " + std::to_string(limits.max_bytes) + " bytes"});
    return root;
  }
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    SourceLocation at{file, e.mark.is_null() ? 0 : e.mark.line + 1,
                      e.mark.is_null() ? 0 : e.mark.column + 1};
    diagnostics.push_back(
        Diagnostic{at, Severity::error, "", "YAML syntax error: " + std::string(e.msg)});
    return root;
  } catch (const std::exception& e) {
    diagnostics.push_back(Diagnostic{root.location, Severity::error, "",
                                     std::string("cannot parse YAML: ") + e.what()});
    return root;
  }
  Converter conv(file, limits, diagnostics);
  try {
    conv.convert(doc, root, root.location, 0);
  } catch (const std::exception& e) {
    diagnostics.push_back(Diagnostic{root.location, Severity::error, "",
                                     std::string("cannot read YAML: ") + e.what()});
    return TreeNode{TreeNode::Type::null, {}, {}, {}, SourceLocation{file, 1, 1}};
  }
  if (conv.failed()) return TreeNode{TreeNode::Type::null, {}, {}, {}, SourceLocation{file, 1, 1}};
  return root;
}

void deep_merge(TreeNode& base, const TreeNode& over) {
  if (base.is_map() && over.is_map()) {
    for (const auto& e : over.entries) {
      TreeNode* existing = base.find(e.key);
      if (existing != nullptr) {
        deep_merge(*existing, e.value);
      } else {
        base.entries.push_back(e);
      }
    }
    return;
  }
  base = over;
}

std::string to_yaml_text(const TreeNode& node) {
  std::string out;
  append_flow(node, out);
  return out;
}

}  // namespace labtwin::adapters
