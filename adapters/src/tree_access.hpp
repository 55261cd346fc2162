#pragma once
// Internal: accessors for a schema-validated scenario tree and cross-reference checks, shared by
// scenario_extract.cpp and the per-block files (scenario_<block>.cpp).
#include <charconv>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "labtwin/adapters/diagnostics.hpp"
#include "labtwin/adapters/scenario_tree.hpp"
#include "labtwin/adapters/schema.hpp"
#include "labtwin/sim/time.hpp"
#include "labtwin/sim/units.hpp"

namespace labtwin::adapters::detail {

// ---- Accessors for a validated tree (absent or null -> default) -----------------------------

inline const TreeNode* get(const TreeNode* map, std::string_view key) {
  if (map == nullptr || !map->is_map()) return nullptr;
  const TreeNode* v = map->find(key);
  return (v != nullptr && v->type != TreeNode::Type::null) ? v : nullptr;
}

inline std::string text(const TreeNode* map, std::string_view key, std::string fallback = {}) {
  const TreeNode* v = get(map, key);
  return (v != nullptr && v->is_scalar()) ? v->scalar : fallback;
}

inline std::optional<std::string> opt_text(const TreeNode* map, std::string_view key) {
  const TreeNode* v = get(map, key);
  if (v == nullptr || !v->is_scalar()) return std::nullopt;
  return v->scalar;
}

inline std::optional<double> opt_q(const TreeNode* map, std::string_view key,
                                   sim::units::Quantity q) {
  const TreeNode* v = get(map, key);
  if (v == nullptr || !v->is_scalar()) return std::nullopt;
  const auto r = sim::units::parse_quantity(q, v->scalar);
  if (!r.ok()) return std::nullopt;
  return r.value;
}

inline double q(const TreeNode* map, std::string_view key, sim::units::Quantity qk,
                double fallback) {
  return opt_q(map, key, qk).value_or(fallback);
}

inline std::optional<sim::Time> opt_duration(const TreeNode* map, std::string_view key) {
  const TreeNode* v = get(map, key);
  if (v == nullptr || !v->is_scalar()) return std::nullopt;
  const auto r = sim::units::parse_duration_ticks(v->scalar);
  if (!r.ok()) return std::nullopt;
  return sim::Time{r.value};
}

inline sim::Time duration(const TreeNode* map, std::string_view key, sim::Time fallback) {
  return opt_duration(map, key).value_or(fallback);
}

inline std::optional<std::int64_t> opt_int(const TreeNode* map, std::string_view key) {
  const TreeNode* v = get(map, key);
  if (v == nullptr || !v->is_scalar()) return std::nullopt;
  std::string_view t = v->scalar;
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  std::int64_t out = 0;
  const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
  if (ec != std::errc{} || p != t.data() + t.size()) return std::nullopt;
  return out;
}

inline int integer(const TreeNode* map, std::string_view key, int fallback) {
  const auto v = opt_int(map, key);
  return v ? static_cast<int>(*v) : fallback;
}

inline bool boolean(const TreeNode* map, std::string_view key, bool fallback) {
  const TreeNode* v = get(map, key);
  if (v == nullptr || !v->is_scalar()) return fallback;
  const std::string& s = v->scalar;
  return s == "true" || s == "True" || s == "TRUE" || s == "yes" || s == "on";
}

inline std::vector<std::string> strings(const TreeNode* map, std::string_view key) {
  std::vector<std::string> out;
  const TreeNode* v = get(map, key);
  if (v == nullptr) return out;
  if (v->is_scalar()) out.push_back(v->scalar);
  for (const auto& item : v->items) {
    if (item.is_scalar()) out.push_back(item.scalar);
  }
  return out;
}

inline const std::vector<TreeNode>& items(const TreeNode* map, std::string_view key) {
  static const std::vector<TreeNode> kEmpty;
  const TreeNode* v = get(map, key);
  return (v != nullptr && v->is_seq()) ? v->items : kEmpty;
}

template <class E>
E enum_value(const TreeNode* map, std::string_view key,
             std::initializer_list<std::pair<std::string_view, E>> values, E fallback) {
  const std::string s = text(map, key);
  for (const auto& [name, e] : values) {
    if (s == name) return e;
  }
  return fallback;
}

/// A file name at `key`, relative to the scenario file that names it (absolute names kept).
inline std::string resolve_path(const TreeNode* map, std::string_view key) {
  const TreeNode* v = get(map, key);
  if (v == nullptr || !v->is_scalar()) return {};
  const std::filesystem::path p(v->scalar);
  if (p.is_absolute() || v->location.file.empty()) return p.generic_string();
  return (std::filesystem::path(v->location.file).parent_path() / p)
      .lexically_normal()
      .generic_string();
}

inline std::string pad(std::size_t i, std::size_t width) {
  std::string s = std::to_string(i);
  if (s.size() < width) s.insert(0, width - s.size(), '0');
  return s;
}

/// Reports an id already seen in `seen` (first location kept).
inline void unique_id(const TreeNode& item, std::string_view key, const std::string& path,
                      std::string_view what, std::map<std::string, int>& seen,
                      std::vector<Diagnostic>& out) {
  const TreeNode* v = get(&item, key);
  if (v == nullptr || !v->is_scalar()) return;
  const auto [it, inserted] = seen.emplace(v->scalar, v->location.line);
  if (!inserted) {
    out.push_back(Diagnostic{v->location, Severity::error, path + "." + std::string(key),
                             "duplicate " + std::string(what) + " id `" + v->scalar +
                                 "` (first at line " + std::to_string(it->second) + ")"});
  }
}

inline void unknown_ref(const TreeNode* v, const std::string& path, const std::string& what,
                        const std::set<std::string>& known, std::vector<Diagnostic>& out,
                        const std::string& where = {}) {
  if (v == nullptr || !v->is_scalar() || known.count(v->scalar) != 0) return;
  std::string msg = "unknown " + what + " `" + v->scalar + "`";
  if (!where.empty()) msg += " (not in " + where + ")";
  const std::string near =
      closest_match(v->scalar, std::vector<std::string>(known.begin(), known.end()));
  if (!near.empty()) msg += "; did you mean `" + near + "`?";
  out.push_back(Diagnostic{v->location, Severity::error, path, std::move(msg)});
}

}  // namespace labtwin::adapters::detail
