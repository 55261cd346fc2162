// Loading: files -> located trees -> includes composed -> version -> build_scenario.
#include "labtwin/adapters/scenario_loader.hpp"

#include <algorithm>
#include <fstream>
#include <ostream>
#include <stdexcept>
#include <system_error>

#include "labtwin/adapters/schema.hpp"
#include "scenario_detail.hpp"

namespace labtwin::adapters {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxIncludeDepth = 16;
constexpr std::size_t kMaxIncludedFiles = 256;

/// Reads a regular file of bounded size; nullopt plus a message otherwise.
std::optional<std::string> read_file(const std::string& path, std::size_t max_bytes,
                                     std::string& error) {
  std::error_code ec;
  const fs::path p(path);
  if (!fs::exists(p, ec)) {
    error = "file not found";
    return std::nullopt;
  }
  if (!fs::is_regular_file(p, ec)) {
    error = "not a regular file";
    return std::nullopt;
  }
  const auto size = fs::file_size(p, ec);
  if (ec) {
    error = "cannot read file: " + ec.message();
    return std::nullopt;
  }
  if (size > max_bytes) {
    error = "file too large: more than " + std::to_string(max_bytes) + " bytes";
    return std::nullopt;
  }
  // Read at most max_bytes + 1: some special files (/proc) report size 0 but are not empty.
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    error = "cannot open file";
    return std::nullopt;
  }
  std::string out;
  char chunk[1 << 16];
  while (out.size() <= max_bytes && in.read(chunk, sizeof chunk).gcount() > 0) {
    out.append(chunk, static_cast<std::size_t>(in.gcount()));
  }
  if (out.size() > max_bytes) {
    error = "file too large: more than " + std::to_string(max_bytes) + " bytes";
    return std::nullopt;
  }
  return out;
}

std::string identity(const std::string& display) {
  std::error_code ec;
  const fs::path c = fs::weakly_canonical(fs::path(display), ec);
  return ec ? fs::path(display).lexically_normal().generic_string() : c.generic_string();
}

/// Composes included files. Fragments (`key: {include: f}`) are replaced by the file's root;
/// a root-level `include:` merges base documents under the including file.
class Composer {
 public:
  explicit Composer(std::vector<Diagnostic>& diags) : diags_(diags) {}

  /// Composes a tree parsed from `file` (already on the chain).
  void compose(TreeNode& root, const std::string& file) {
    if (root.is_map()) {
      for (auto& e : root.entries) {
        if (e.key != "include") resolve_fragments(e.value, file);
      }
      merge_bases(root, file);
    } else {
      resolve_fragments(root, file);
    }
  }

  /// Parses and composes `display`, included from `from` (chain checked).
  std::optional<TreeNode> load(const std::string& display, const SourceLocation& from) {
    const std::string id = identity(display);
    std::string chain_text;
    for (const auto& c : chain_) chain_text += c.display + " -> ";
    chain_text += display;
    if (std::any_of(chain_.begin(), chain_.end(), [&](const Link& l) { return l.id == id; })) {
      error(from, "include cycle: " + chain_text);
      return std::nullopt;
    }
    if (chain_.size() >= kMaxIncludeDepth) {
      error(from,
            "includes nested deeper than " + std::to_string(kMaxIncludeDepth) + ": " + chain_text);
      return std::nullopt;
    }
    if (++files_ > kMaxIncludedFiles) {
      error(from, "more than " + std::to_string(kMaxIncludedFiles) + " included files");
      return std::nullopt;
    }
    std::string why;
    const auto text = read_file(display, TreeLimits{}.max_bytes, why);
    if (!text) {
      error(from,
            "cannot include `" + display + "`: " + why + " (include chain: " + chain_text + ")");
      return std::nullopt;
    }
    std::size_t before = diags_.size();
    TreeNode tree = parse_yaml(*text, display, diags_);
    if (has_errors({diags_.begin() + static_cast<std::ptrdiff_t>(before), diags_.end()})) {
      return std::nullopt;
    }
    chain_.push_back(Link{display, id});
    compose(tree, display);
    chain_.pop_back();
    return tree;
  }

  void push(const std::string& display) { chain_.push_back(Link{display, identity(display)}); }

 private:
  struct Link {
    std::string display;
    std::string id;
  };

  void error(const SourceLocation& at, std::string msg) {
    diags_.push_back(Diagnostic{at, Severity::error, "", std::move(msg)});
  }

  static std::string relative_to(const std::string& including, const std::string& name) {
    const fs::path p(name);
    if (p.is_absolute()) return p.lexically_normal().generic_string();
    return (fs::path(including).parent_path() / p).lexically_normal().generic_string();
  }

  static bool is_fragment(const TreeNode& n) {
    return n.is_map() && n.entries.size() == 1 && n.entries[0].key == "include";
  }

  void resolve_fragments(TreeNode& node, const std::string& file) {
    if (is_fragment(node)) {
      const TreeNode& target = node.entries[0].value;
      if (!target.is_scalar() || target.scalar.empty()) {
        error(target.location, "`include:` of a value needs one file name");
        node = TreeNode{TreeNode::Type::null, {}, {}, {}, node.location};
        return;
      }
      auto loaded = load(relative_to(file, target.scalar), target.location);
      node =
          loaded ? std::move(*loaded) : TreeNode{TreeNode::Type::null, {}, {}, {}, node.location};
      return;
    }
    if (node.is_map()) {
      for (auto& e : node.entries) resolve_fragments(e.value, file);
    } else if (node.is_seq()) {
      for (auto& item : node.items) resolve_fragments(item, file);
    }
  }

  void merge_bases(TreeNode& root, const std::string& file) {
    const auto it = std::find_if(root.entries.begin(), root.entries.end(),
                                 [](const TreeEntry& e) { return e.key == "include"; });
    if (it == root.entries.end()) return;
    std::vector<const TreeNode*> names;
    if (it->value.is_scalar()) {
      names.push_back(&it->value);
    } else if (it->value.is_seq()) {
      for (const auto& item : it->value.items) names.push_back(&item);
    } else {
      error(it->value.location, "`include:` expects a file name or a list of file names");
    }
    TreeNode merged{TreeNode::Type::map, {}, {}, {}, root.location};
    for (const TreeNode* n : names) {
      if (!n->is_scalar() || n->scalar.empty()) {
        error(n->location, "`include:` expects file names, got a non-text value");
        continue;
      }
      auto base = load(relative_to(file, n->scalar), n->location);
      if (!base) continue;
      if (!base->is_map()) {
        error(n->location, "included base document `" + n->scalar + "` is not a map");
        continue;
      }
      deep_merge(merged, *base);
    }
    root.entries.erase(it);
    // The includer wins: merge it over the bases, keeping its own locations.
    deep_merge(merged, root);
    merged.location = root.location;
    root = std::move(merged);
  }

  std::vector<Diagnostic>& diags_;
  std::vector<Link> chain_;
  std::size_t files_ = 0;
};

/// Version check, then build. `labtwin:` missing is reported and validation continues;
/// another version stops (its schema may differ).
LoadResult finish(TreeNode tree, std::vector<Diagnostic> diags) {
  LoadResult result;
  if (has_errors(diags)) {
    sort_diagnostics(diags);
    result.diagnostics = std::move(diags);
    return result;
  }
  if (!tree.is_map()) {
    diags.push_back(Diagnostic{tree.location, Severity::error, "",
                               "expected a map of scenario sections at the top of the file"});
    result.diagnostics = std::move(diags);
    return result;
  }
  const TreeNode* version = tree.find("labtwin");
  if (version != nullptr) {
    if (!version->is_scalar() || version->scalar != std::to_string(kScenarioFormatVersion)) {
      const std::string got = version->is_scalar() ? "\"" + version->scalar + "\"" : "a non-value";
      diags.push_back(Diagnostic{version->location, Severity::error, "labtwin",
                                 "unsupported scenario format version " + got +
                                     "; this labtwin reads version " +
                                     std::to_string(kScenarioFormatVersion)});
      result.diagnostics = std::move(diags);
      return result;
    }
  }
  LoadResult built = build_scenario(tree);
  for (auto& d : built.diagnostics) diags.push_back(std::move(d));
  sort_diagnostics(diags);
  built.diagnostics = std::move(diags);
  return built;
}

}  // namespace

LoadResult build_scenario(const TreeNode& input) {
  LoadResult result;
  std::vector<Diagnostic> diags;
  TreeNode tree = input;
  validate_node(tree, scenario_schema(), "", diags);
  for (auto& d : diags) {
    if (d.path.empty() && d.message == "missing required key `labtwin`") {
      d.message =
          "missing required key `labtwin` (the scenario format version: write "
          "`labtwin: " +
          std::to_string(kScenarioFormatVersion) + "` at the top)";
    }
  }
  detail::expand_counts(tree);
  detail::check_references(tree, diags);
  detail::check_variants(tree, diags);
  sort_diagnostics(diags);
  if (!has_errors(diags)) result.scenario = detail::extract_scenario(tree);
  result.diagnostics = std::move(diags);
  result.tree = std::move(tree);
  return result;
}

LoadResult load_scenario_string(std::string_view text, const std::string& pretend_file) {
  std::vector<Diagnostic> diags;
  TreeNode tree = parse_yaml(text, pretend_file, diags);
  if (has_errors(diags)) return finish(std::move(tree), std::move(diags));
  Composer composer(diags);
  composer.push(pretend_file);
  composer.compose(tree, pretend_file);
  return finish(std::move(tree), std::move(diags));
}

LoadResult load_scenario(const fs::path& file) {
  const std::string display = file.generic_string();
  std::string why;
  const auto text = read_file(display, TreeLimits{}.max_bytes, why);
  if (!text) {
    LoadResult r;
    r.diagnostics.push_back(
        Diagnostic{SourceLocation{display, 0, 0}, Severity::error, "", "cannot read: " + why});
    return r;
  }
  return load_scenario_string(*text, display);
}

LoadResult load_variant(const fs::path& file, std::string_view variant_name) {
  LoadResult base = load_scenario(file);
  if (!base.ok() || !base.tree) return base;
  for (const auto& v : variants_of(*base.tree)) {
    if (v.name == variant_name) return build_scenario(apply_variant(*base.tree, v));
  }
  base.scenario.reset();
  base.diagnostics.push_back(Diagnostic{SourceLocation{file.generic_string(), 0, 0},
                                        Severity::error, "variants",
                                        "no variant named `" + std::string(variant_name) + "`"});
  return base;
}

int validate_command(const std::vector<std::string>& paths, std::ostream& out, std::ostream& err) {
  int rc = 0;
  for (const auto& p : paths) {
    const LoadResult r = load_scenario(p);
    for (const auto& d : r.diagnostics) err << format(d) << '\n';
    if (r.ok()) {
      out << p << ": ok\n";
    } else {
      rc = 2;
    }
  }
  return rc;
}

}  // namespace labtwin::adapters
