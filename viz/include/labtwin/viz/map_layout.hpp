#pragma once
/// @file The site map as a generic graph (sites, rooms, storage units, and whatever other twins
/// add: suppliers, hubs, microgrids, DTN nodes) and its force-directed layout (Boost.Graph).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "labtwin/viz/snapshot.hpp"

namespace labtwin::viz {

/// A node of the map.
struct MapNode {
  std::string id;           ///< unique id
  std::string kind;         ///< "site", "room", "freezer", "supplier", "hub", "dtn_node", ...
  std::string label;        ///< shown next to it (may be empty)
  long freezer = -1;        ///< index into Snapshot::freezers for storage units (status colour)
  std::uint8_t status = 0;  ///< other kinds: 0 ok, 1 degraded, 2 down
};

/// An edge of the map.
struct MapEdge {
  std::size_t a = 0, b = 0;  ///< node indices
  std::string kind;          ///< "contains", "lane", "link", ...
};

/// The map's graph.
struct MapGraph {
  std::vector<MapNode> nodes;            ///< nodes
  std::vector<MapEdge> edges;            ///< edges
  std::vector<std::size_t> extra_nodes;  ///< per Snapshot::map_nodes entry: its node index
  std::vector<long> extra_edges;         ///< per Snapshot::map_edges entry: edge index or -1
};

/// The lab's graph from a snapshot: sites, their rooms and freezers ("contains" edges), then
/// Snapshot::map_nodes / map_edges that other twins add (edges name nodes by id; unknown ids
/// are skipped).
MapGraph lab_graph(const Snapshot& snap);

/// Copies what changes with time (other twins' node status, edge kinds such as an open DTN
/// contact) from a snapshot of the same graph shape into `g`, leaving the layout alone.
void refresh_graph(MapGraph& g, const Snapshot& snap);

/// A 2-D position in [0, 1] x [0, 1].
struct MapPoint {
  float x = 0, y = 0;  ///< coordinates
};

/// Force-directed layout (Fruchterman-Reingold on Boost.Graph, from a random start drawn from
/// a generator seeded with `seed`: deterministic), scaled into the unit square.
std::vector<MapPoint> layout_graph(const MapGraph& g, std::uint32_t seed = 1);

/// A label to place beside a node on the map, in pixels.
struct LabelRequest {
  float x = 0, y = 0;  ///< node centre
  float r = 0;         ///< node half size (the label keeps clear of it)
  float w = 0, h = 0;  ///< text size
};

/// A placed label: its top-left corner.
struct LabelSpot {
  float x = 0, y = 0;  ///< top-left corner of the text
};

/// Places labels in order, each at the first candidate (right of its node, left, above,
/// below, then right and left further down or up by a line at a time) that stays inside
/// [left, right] x [top, bottom] and overlaps neither a label placed before it nor any node's
/// box (`obstacles`, node centres with their half sizes); when none is free, the candidate
/// with the least overlap. Deterministic: the same input gives the same spots.
std::vector<LabelSpot> place_labels(const std::vector<LabelRequest>& labels,
                                    const std::vector<LabelRequest>& obstacles, float left,
                                    float top, float right, float bottom);

}  // namespace labtwin::viz
