// The site map's graph and layout: the lab's containment tree plus other twins' nodes and
// edges by id; the layout is deterministic for a seed, inside the unit square, and
// force-directed (Fruchterman-Reingold: connected nodes end up nearer than unconnected ones).
#include "labtwin/viz/map_layout.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace labtwin::viz {
namespace {

Snapshot lab() {
  Snapshot s;
  s.sites = {{"main", "Main", {"hall-1", "hall-2"}}, {"annex", "Annex", {}}};
  const char* rooms[] = {"hall-1", "hall-2", ""};
  for (int i = 0; i < 12; ++i) {
    FreezerState f;
    f.id = "F-" + std::to_string(i);
    f.site = i < 8 ? "main" : "annex";
    f.room = rooms[i < 4 ? 0 : i < 8 ? 1 : 2];
    s.freezers.push_back(f);
  }
  s.map_nodes = {{"sup-1", "supplier", "Supplier 1", 0}, {"hub-1", "hub", "Hub", 2}};
  s.map_edges = {{"sup-1", "hub-1", "lane"}, {"hub-1", "main", "lane"}, {"hub-1", "nowhere", "x"}};
  return s;
}

TEST(MapLayout, GraphHoldsTheLabAndOtherTwinsNodes) {
  const MapGraph g = lab_graph(lab());
  // 2 sites + 2 rooms + 12 freezers + 2 extra nodes.
  ASSERT_EQ(g.nodes.size(), 18u);
  // 2 site-room + 12 freezer edges + 2 lanes (the edge to an unknown id is skipped).
  EXPECT_EQ(g.edges.size(), 16u);
  std::size_t freezers = 0;
  for (const auto& n : g.nodes) freezers += n.freezer >= 0;
  EXPECT_EQ(freezers, 12u);
  EXPECT_EQ(g.nodes.back().kind, "hub");
  EXPECT_EQ(g.nodes.back().status, 2);
}

TEST(MapLayout, DeterministicBoundedAndForceDirected) {
  const MapGraph g = lab_graph(lab());
  const auto a = layout_graph(g, 7);
  const auto b = layout_graph(g, 7);
  ASSERT_EQ(a.size(), g.nodes.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].x, b[i].x);
    EXPECT_EQ(a[i].y, b[i].y);
    EXPECT_TRUE(a[i].x >= 0.0f && a[i].x <= 1.0f && a[i].y >= 0.0f && a[i].y <= 1.0f);
  }
  const auto dist = [&](std::size_t i, std::size_t j) {
    return std::hypot(a[i].x - a[j].x, a[i].y - a[j].y);
  };
  double linked = 0, unlinked = 0;
  std::size_t nl = 0, nu = 0;
  std::vector<std::vector<bool>> adj(a.size(), std::vector<bool>(a.size(), false));
  for (const auto& e : g.edges) adj[e.a][e.b] = adj[e.b][e.a] = true;
  for (std::size_t i = 0; i < a.size(); ++i)
    for (std::size_t j = i + 1; j < a.size(); ++j)
      (adj[i][j] ? linked : unlinked) += dist(i, j), ++(adj[i][j] ? nl : nu);
  EXPECT_LT(linked / static_cast<double>(nl), 0.75 * unlinked / static_cast<double>(nu));
  EXPECT_TRUE(layout_graph(MapGraph{}, 1).empty());
}

}  // namespace
}  // namespace labtwin::viz

namespace labtwin::viz {
namespace {

bool boxes_overlap(const LabelSpot& a, const LabelRequest& la, const LabelSpot& b,
                   const LabelRequest& lb) {
  return a.x < b.x + lb.w && b.x < a.x + la.w && a.y < b.y + lb.h && b.y < a.y + la.h;
}

// Two nodes 10 px apart on a line with long labels: right of the first would cover the second
// node and the second's label, so the labels end up apart and off the other node.
TEST(PlaceLabels, NeighboursDoNotOverlap) {
  const std::vector<LabelRequest> labels = {{100, 100, 5, 60, 14}, {100, 110, 5, 60, 14}};
  const std::vector<LabelRequest> nodes = {{100, 100, 5, 0, 0}, {100, 110, 5, 0, 0}};
  const auto spots = place_labels(labels, nodes, 0, 0, 400, 400);
  ASSERT_EQ(spots.size(), 2u);
  EXPECT_EQ(spots[0].x, 108);  // the first takes its first choice: right of its node
  EXPECT_EQ(spots[0].y, 93);
  EXPECT_FALSE(boxes_overlap(spots[0], labels[0], spots[1], labels[1]));
  // Neither label covers the other node's box.
  for (int i = 0; i < 2; ++i) {
    const auto& o = nodes[static_cast<std::size_t>(1 - i)];
    const auto& s = spots[static_cast<std::size_t>(i)];
    const bool covers = s.x < o.x + o.r && o.x - o.r < s.x + labels[i].w && s.y < o.y + o.r &&
                        o.y - o.r < s.y + labels[i].h;
    EXPECT_FALSE(covers) << i;
  }
}

TEST(PlaceLabels, StaysInsideTheArea) {
  const std::vector<LabelRequest> labels = {{390, 200, 5, 80, 14}};
  const auto spots = place_labels(labels, {}, 0, 0, 400, 400);
  EXPECT_EQ(spots[0].x, 390 - 5 - 3 - 80);  // left of the node: the right side leaves the area
}

// A crowded row of nodes 20 px apart with 50 px labels: the pass is deterministic and leaves
// no two labels overlapping (there is room above, below and to the sides).
TEST(PlaceLabels, CrowdedRowIsDeterministicAndClear) {
  std::vector<LabelRequest> labels, nodes;
  for (int i = 0; i < 8; ++i) {
    labels.push_back({100.0f + 20.0f * static_cast<float>(i), 200, 4, 50, 14});
    nodes.push_back({100.0f + 20.0f * static_cast<float>(i), 200, 4, 0, 0});
  }
  const auto a = place_labels(labels, nodes, 0, 0, 600, 400);
  const auto b = place_labels(labels, nodes, 0, 0, 600, 400);
  ASSERT_EQ(a.size(), labels.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].x, b[i].x);
    EXPECT_EQ(a[i].y, b[i].y);
    for (std::size_t j = 0; j < i; ++j)
      EXPECT_FALSE(boxes_overlap(a[i], labels[i], a[j], labels[j])) << i << " " << j;
  }
}

}  // namespace
}  // namespace labtwin::viz
