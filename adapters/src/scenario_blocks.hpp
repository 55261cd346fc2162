#pragma once
// Internal: scenario blocks that live in their own source file (scenario_<block>.cpp). Each block
// has three hooks: its schema (registered in scenario_schema.cpp's root table), its
// cross-reference checks (called from check_references) and its extraction (called from
// extract_scenario). Declare a new block's hooks here.
#include <set>
#include <string>
#include <vector>

#include "labtwin/adapters/diagnostics.hpp"
#include "labtwin/adapters/scenario_tree.hpp"
#include "labtwin/adapters/schema.hpp"
#include "labtwin/twin/scenario_def.hpp"

namespace labtwin::adapters::detail {

/// Ids declared by the core blocks, for the cross-reference checks of the other blocks.
struct KnownIds {
  std::set<std::string> sites;     ///< `sites[].id`
  std::set<std::string> freezers;  ///< `sites[].freezers[].id` (after count expansion)
  std::set<std::string> shifts;    ///< `shifts` names
  std::set<std::string> skus;      ///< `items[].sku`
  std::set<std::string> all;       ///< every id above, rooms and technicians
};

// `instruments:` (scenario_instruments.cpp, docs/instruments.md)
/// The schema of the `instruments:` block.
SchemaNode instruments_schema();
/// Cross-reference checks of `instruments:` (sites, rooms, shifts, SKUs, ids).
void check_instruments(const TreeNode& root, const KnownIds& known, std::vector<Diagnostic>& out);
/// Extracts `instruments:` into `sc.instruments`.
void extract_instruments(const TreeNode& root, twin::ScenarioDef& sc);

// `microgrid:` (scenario_microgrid.cpp, docs/twins/microgrid.md)
/// The schema of the `microgrid:` block.
SchemaNode microgrid_schema();
/// Cross-reference checks of `microgrid:` (sites, freezers, SoC limits, job windows).
void check_microgrid(const TreeNode& root, const KnownIds& known, std::vector<Diagnostic>& out);
/// Extracts `microgrid:` into `sc.microgrid`.
void extract_microgrid(const TreeNode& root, twin::ScenarioDef& sc);

// `supply:` (scenario_supply.cpp, docs/twins/supply-chain.md)
/// The schema of the `supply:` block.
SchemaNode supply_schema();
/// Cross-reference checks of `supply:` (nodes, lanes, SKUs, routes, disruption targets).
void check_supply(const TreeNode& root, const KnownIds& known, std::vector<Diagnostic>& out);
/// Extracts `supply:` into `sc.supply`.
void extract_supply(const TreeNode& root, twin::ScenarioDef& sc);

// `dtn:` (scenario_dtn.cpp, docs/twins/dtn.md)
/// The schema of the `dtn:` block.
SchemaNode dtn_schema();
/// Cross-reference checks of `dtn:` (sites, nodes, passes).
void check_dtn(const TreeNode& root, const KnownIds& known, std::vector<Diagnostic>& out);
/// Extracts `dtn:` into `sc.dtn`.
void extract_dtn(const TreeNode& root, twin::ScenarioDef& sc);

}  // namespace labtwin::adapters::detail
