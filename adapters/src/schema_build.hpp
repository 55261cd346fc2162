#pragma once
// Internal: small builders for the scenario schema table, shared by scenario_schema.cpp and the
// per-block schema files (scenario_<block>.cpp).
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "labtwin/adapters/schema.hpp"

namespace labtwin::adapters::schema_build {

using K = SchemaKind;

inline SchemaNode kind(K k) {
  SchemaNode n;
  n.kind = k;
  return n;
}

/// A kind with an inclusive range [lo, hi] in SI units; `text` is shown in messages.
inline SchemaNode ranged(K k, std::optional<double> lo, std::optional<double> hi, std::string text,
                         bool lo_exclusive = false) {
  SchemaNode n = kind(k);
  n.min = lo;
  n.max = hi;
  n.min_exclusive = lo_exclusive;
  n.range_text = std::move(text);
  return n;
}

inline SchemaNode positive(K k, std::string zero_text) {
  return ranged(k, 0.0, std::nullopt, "> " + zero_text, true);
}
inline SchemaNode non_negative(K k, std::string zero_text) {
  return ranged(k, 0.0, std::nullopt, ">= " + zero_text);
}

inline SchemaNode map_of(std::vector<SchemaField> fields) {
  SchemaNode n = kind(K::map);
  n.fields = std::move(fields);
  return n;
}

inline SchemaNode seq_of(SchemaNode element) {
  SchemaNode n = kind(K::seq);
  n.element = std::make_shared<const SchemaNode>(std::move(element));
  return n;
}

inline SchemaNode dict_of(std::string key_name, SchemaNode element) {
  SchemaNode n = kind(K::dict);
  n.key_name = std::move(key_name);
  n.element = std::make_shared<const SchemaNode>(std::move(element));
  return n;
}

inline SchemaNode enum_of(std::vector<std::string> values) {
  SchemaNode n = kind(K::enumeration);
  n.enum_values = std::move(values);
  return n;
}

inline SchemaField req(std::string name, SchemaNode node, std::string doc, std::string example) {
  return SchemaField{std::move(name), std::move(node),   true, "",
                     std::move(doc),  std::move(example)};
}

inline SchemaField opt(std::string name, SchemaNode node, std::string default_text, std::string doc,
                       std::string example) {
  return SchemaField{std::move(name),         std::move(node), false,
                     std::move(default_text), std::move(doc),  std::move(example)};
}

}  // namespace labtwin::adapters::schema_build
