// Variants: named sets of overrides addressed by dotted paths, checked and applied on the tree.
#include <stdexcept>

#include "labtwin/adapters/scenario_loader.hpp"
#include "labtwin/adapters/schema.hpp"
#include "scenario_detail.hpp"

namespace labtwin::adapters {
namespace detail {

const TreeNode* find_by_id(const TreeNode& seq, const std::string& selector) {
  for (const auto& item : seq.items) {
    for (const char* key : {"id", "name", "sku"}) {
      const TreeNode* v = item.find(key);
      if (v != nullptr && v->is_scalar() && v->scalar == selector) return &item;
    }
  }
  return nullptr;
}

namespace {

/// Follows a path in the tree; the error names the first step that does not exist. A missing
/// final map key is fine (the variant creates it).
std::string check_tree_path(const TreeNode& root, const std::vector<PathStep>& steps) {
  const TreeNode* cur = &root;
  std::string walked;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const PathStep& st = steps[i];
    if (cur == nullptr) return "";  // below a key the variant creates: schema already checked
    if (st.bracket) {
      const std::string list = walked;
      walked += "[" + st.selector + "]";
      if (!cur->is_seq()) return "`" + list + "` has no elements in this scenario";
      if (st.numeric) {
        if (st.index >= cur->items.size()) {
          return "index " + st.selector + " is out of range: `" + list + "` has " +
                 std::to_string(cur->items.size()) + " element(s)";
        }
        cur = &cur->items[st.index];
      } else {
        cur = find_by_id(*cur, st.selector);
        if (cur == nullptr) return "no element with id `" + st.selector + "` in `" + list + "`";
      }
      continue;
    }
    walked = walked.empty() ? st.key : walked + "." + st.key;
    cur = cur->is_map() ? cur->find(st.key) : nullptr;
  }
  return "";
}

TreeNode* walk_for_update(TreeNode& root, const std::vector<PathStep>& steps,
                          const std::string& path) {
  TreeNode* cur = &root;
  for (const auto& st : steps) {
    if (st.bracket) {
      if (!cur->is_seq()) throw std::invalid_argument("variant path `" + path + "`: not a list");
      if (st.numeric) {
        if (st.index >= cur->items.size()) {
          throw std::invalid_argument("variant path `" + path + "`: index out of range");
        }
        cur = &cur->items[st.index];
      } else {
        const TreeNode* found = find_by_id(*cur, st.selector);
        if (found == nullptr) {
          throw std::invalid_argument("variant path `" + path + "`: no element with id `" +
                                      st.selector + "`");
        }
        cur = const_cast<TreeNode*>(found);  // found points into *cur, which we own
      }
      continue;
    }
    if (cur->type == TreeNode::Type::null) cur->type = TreeNode::Type::map;
    if (!cur->is_map()) throw std::invalid_argument("variant path `" + path + "`: not a map");
    TreeNode* next = cur->find(st.key);
    if (next == nullptr) {
      cur->entries.push_back(TreeEntry{st.key, cur->location, TreeNode{}});
      cur->entries.back().value.location = cur->location;
      next = &cur->entries.back().value;
    }
    cur = next;
  }
  return cur;
}

}  // namespace

void check_variants(const TreeNode& root, std::vector<Diagnostic>& out) {
  const TreeNode* variants = root.find("variants");
  if (variants == nullptr || !variants->is_seq()) return;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < variants->items.size(); ++i) {
    const TreeNode& v = variants->items[i];
    const std::string vpath = "variants[" + std::to_string(i) + "]";
    if (const TreeNode* name = v.find("name"); name != nullptr && name->is_scalar()) {
      for (const auto& n : names) {
        if (n == name->scalar) {
          out.push_back(Diagnostic{name->location, Severity::error, vpath + ".name",
                                   "duplicate variant name `" + n + "`"});
        }
      }
      names.push_back(name->scalar);
    }
    const TreeNode* set = v.find("set");
    if (set == nullptr || !set->is_map()) continue;
    for (const auto& e : set->entries) {
      const std::string epath = vpath + ".set." + e.key;
      const auto steps = parse_path(e.key);
      if (!steps.ok()) {
        out.push_back(Diagnostic{e.key_location, Severity::error, epath, steps.error});
        continue;
      }
      const std::string& first = steps.value.front().key;
      if (first == "labtwin" || first == "include" || first == "variants") {
        out.push_back(Diagnostic{e.key_location, Severity::error, epath,
                                 "a variant cannot change `" + first + "`"});
        continue;
      }
      std::string err;
      const SchemaNode* target = resolve_schema_path(scenario_schema(), steps.value, err);
      if (target == nullptr) {
        out.push_back(Diagnostic{e.key_location, Severity::error, epath,
                                 "variant path does not exist: " + err});
        continue;
      }
      err = check_tree_path(root, steps.value);
      if (!err.empty()) {
        out.push_back(Diagnostic{e.key_location, Severity::error, epath,
                                 "variant path does not exist: " + err});
        continue;
      }
      validate_node(e.value, *target, epath, out);
    }
  }
}

}  // namespace detail

std::vector<VariantSpec> variants_of(const TreeNode& tree) {
  std::vector<VariantSpec> out;
  const TreeNode* variants = tree.find("variants");
  if (variants == nullptr || !variants->is_seq()) return out;
  for (const auto& v : variants->items) {
    VariantSpec spec;
    if (const TreeNode* n = v.find("name"); n != nullptr && n->is_scalar()) spec.name = n->scalar;
    if (const TreeNode* d = v.find("description"); d != nullptr && d->is_scalar()) {
      spec.description = d->scalar;
    }
    if (const TreeNode* set = v.find("set"); set != nullptr && set->is_map()) {
      for (const auto& e : set->entries) spec.set.push_back(VariantSetting{e.key, e.value});
    }
    out.push_back(std::move(spec));
  }
  return out;
}

TreeNode apply_variant(const TreeNode& tree, const VariantSpec& variant) {
  TreeNode out = tree;
  for (const auto& s : variant.set) {
    const auto steps = parse_path(s.path);
    if (!steps.ok()) throw std::invalid_argument(steps.error);
    TreeNode* target = detail::walk_for_update(out, steps.value, s.path);
    *target = s.value;
  }
  return out;
}

}  // namespace labtwin::adapters
