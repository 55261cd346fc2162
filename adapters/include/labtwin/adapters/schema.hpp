#pragma once
/// @file The scenario schema: one declarative tree, in code once, that drives validation,
/// typed extraction defaults and the documentation test (docs/scenario-format.md).
///
/// To add a section: add a field to the root map in scenario_schema.cpp (and its Def struct in
/// twin/scenario_def.hpp, its extraction in scenario_extract.cpp, its rows in the doc).
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "labtwin/adapters/diagnostics.hpp"
#include "labtwin/adapters/scenario_tree.hpp"
#include "labtwin/sim/units.hpp"

namespace labtwin::adapters {

/// What a schema node accepts.
enum class SchemaKind {
  map,                ///< mapping with declared fields
  seq,                ///< sequence of `element`
  dict,               ///< mapping from free-form names to `element`
  any,                ///< anything (validated elsewhere)
  string,             ///< any scalar text
  identifier,         ///< [A-Za-z0-9_.-]+ starting with a letter or digit
  integer,            ///< whole number
  number,             ///< plain number
  boolean,            ///< true/false (also yes/no/on/off)
  duration,           ///< "15min"
  datetime,           ///< "2026-03-07T02:10:00"
  time_point,         ///< offset "+2h10min" or absolute date-time
  temperature,        ///< "-80C"
  temperature_delta,  ///< "2K"
  power,              ///< "1.2kW"
  energy,             ///< "40kWh"
  conductance,        ///< "2.5W/K"
  heat_capacity,      ///< "50kJ/K"
  rate,               ///< "12/d"
  fraction,           ///< "95%" or 0.95
  distribution,       ///< "exp(2h)" (values in `unit`: durations)
  enumeration,        ///< one of `enum_values`
  expression,         ///< expect expression
  weekday,            ///< "mon"
  clock_time,         ///< "07:30"
  utc_offset,         ///< "+01:00"
  variant_path,       ///< dotted path into the schema, e.g. "sites[0].freezers[F-12].backup"
};

struct SchemaField;

/// One node of the schema tree.
struct SchemaNode {
  SchemaKind kind = SchemaKind::string;       ///< what is accepted
  std::vector<SchemaField> fields;            ///< map: declared keys in doc order
  std::shared_ptr<const SchemaNode> element;  ///< seq/dict: the element schema
  std::string key_name = "name";              ///< dict: placeholder for the key in paths
  std::vector<std::string> enum_values;       ///< enumeration: allowed values
  std::optional<double> min;                  ///< inclusive minimum (SI units)
  std::optional<double> max;                  ///< inclusive maximum (SI units)
  bool min_exclusive = false;                 ///< minimum is exclusive
  std::string range_text;                     ///< the range for messages, e.g. "0..1"
  bool scalar_or_list = false;                ///< seq: a single scalar is accepted too
};

/// A named key of a map node.
struct SchemaField {
  std::string name;          ///< the YAML key
  SchemaNode node;           ///< the value schema
  bool required = false;     ///< must be present
  std::string default_text;  ///< default as YAML text ("" = none / absent)
  std::string doc;           ///< one-line description
  std::string example;       ///< example value as YAML text
};

/// The schema of a scenario file (built once, thread-safe).
const SchemaNode& scenario_schema();

/// The doc name of a kind ("duration", "temperature", "list of X" is added by callers).
std::string_view kind_name(SchemaKind kind);

/// One documented key path, e.g. `sites[].freezers[].setpoint`, `shifts.<name>.days`,
/// `expect.<kpi>` (the entries of a dict have no field of their own).
struct SchemaKeyPath {
  std::string path;                    ///< documented path
  const SchemaNode* node = nullptr;    ///< the value schema (never null)
  const SchemaField* field = nullptr;  ///< the declaring field; null for dict entries
};

/// Every key path of the schema in depth-first document order.
std::vector<SchemaKeyPath> schema_key_paths(const SchemaNode& root);

/// The type description used in the docs: "duration", "list of map", "map name -> map"...
std::string describe_type(const SchemaNode& node);

/// Validates a tree against a schema node; appends one diagnostic per problem (unknown keys
/// with did-you-mean, missing required keys, wrong types, ranges, enum values).
void validate_node(const TreeNode& node, const SchemaNode& schema, const std::string& path,
                   std::vector<Diagnostic>& out);

/// The closest candidate within a small edit distance, or "" (for "did you mean").
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

/// One step of a dotted path: `key`, `[3]` (index) or `[F-12]` (element with that id/name).
struct PathStep {
  std::string key;        ///< map key (empty for [..] steps)
  bool bracket = false;   ///< a [..] step
  bool numeric = false;   ///< [..] holds a non-negative integer index
  std::size_t index = 0;  ///< the index when numeric
  std::string selector;   ///< the text inside [..]
};

/// Splits "sites[0].freezers[F-12].backup" into steps; error text on bad syntax.
sim::units::Result<std::vector<PathStep>> parse_path(std::string_view text);

/// Follows a parsed path through the schema (keys through maps and dicts, [..] through
/// sequences); nullptr and a message naming the first wrong step when it does not exist.
const SchemaNode* resolve_schema_path(const SchemaNode& root, const std::vector<PathStep>& steps,
                                      std::string& error);

/// Edit distance (optimal string alignment: adjacent transpositions cost 1).
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace labtwin::adapters
