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
  std::vector<MapNode> nodes;  ///< nodes
  std::vector<MapEdge> edges;  ///< edges
};

/// The lab's graph from a snapshot: sites, their rooms and freezers ("contains" edges), then
/// Snapshot::map_nodes / map_edges that other twins add (edges name nodes by id; unknown ids
/// are skipped).
MapGraph lab_graph(const Snapshot& snap);

/// A 2-D position in [0, 1] x [0, 1].
struct MapPoint {
  float x = 0, y = 0;  ///< coordinates
};

/// Force-directed layout (Fruchterman-Reingold on Boost.Graph, from a random start drawn from
/// a generator seeded with `seed`: deterministic), scaled into the unit square.
std::vector<MapPoint> layout_graph(const MapGraph& g, std::uint32_t seed = 1);

}  // namespace labtwin::viz
