// The site map's graph and its Fruchterman-Reingold layout on Boost.Graph.
#include "labtwin/viz/map_layout.hpp"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/fruchterman_reingold.hpp>
#include <boost/graph/random_layout.hpp>
#include <boost/graph/topology.hpp>
#include <boost/random/linear_congruential.hpp>
#include <cmath>
#include <map>

namespace labtwin::viz {

MapGraph lab_graph(const Snapshot& snap) {
  MapGraph g;
  std::map<std::string, std::size_t, std::less<>> index;
  const auto add = [&](MapNode n) {
    const auto [it, fresh] = index.emplace(n.id, g.nodes.size());
    if (fresh) g.nodes.push_back(std::move(n));
    return it->second;
  };
  for (const auto& s : snap.sites) {
    const std::size_t site = add({s.id, "site", s.name.empty() ? s.id : s.name, -1, 0});
    for (const auto& r : s.rooms) {
      const std::size_t room = add({s.id + "/" + r, "room", r, -1, 0});
      g.edges.push_back({site, room, "contains"});
    }
  }
  for (std::size_t i = 0; i < snap.freezers.size(); ++i) {
    const auto& f = snap.freezers[i];
    const std::size_t n = add({f.id, "freezer", f.id, static_cast<long>(i), 0});
    const auto room = index.find(f.site + "/" + f.room);
    const auto site = index.find(f.site);
    if (room != index.end())
      g.edges.push_back({room->second, n, "contains"});
    else if (site != index.end())
      g.edges.push_back({site->second, n, "contains"});
  }
  for (const auto& x : snap.map_nodes)
    g.extra_nodes.push_back(add({x.id, x.kind, x.label, -1, x.status}));
  for (const auto& e : snap.map_edges) {
    const auto a = index.find(e.a), b = index.find(e.b);
    long at = -1;
    if (a != index.end() && b != index.end() && a->second != b->second) {
      at = static_cast<long>(g.edges.size());
      g.edges.push_back({a->second, b->second, e.kind});
    }
    g.extra_edges.push_back(at);
  }
  return g;
}

void refresh_graph(MapGraph& g, const Snapshot& snap) {
  for (std::size_t i = 0; i < snap.map_nodes.size() && i < g.extra_nodes.size(); ++i)
    g.nodes[g.extra_nodes[i]].status = snap.map_nodes[i].status;
  for (std::size_t i = 0; i < snap.map_edges.size() && i < g.extra_edges.size(); ++i)
    if (g.extra_edges[i] >= 0)
      g.edges[static_cast<std::size_t>(g.extra_edges[i])].kind = snap.map_edges[i].kind;
}

std::vector<MapPoint> layout_graph(const MapGraph& g, std::uint32_t seed) {
  using Topology = boost::square_topology<boost::minstd_rand>;
  using Point = Topology::point_type;
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
  const std::size_t n = g.nodes.size();
  std::vector<MapPoint> out(n);
  if (n == 0) return out;
  if (n == 1) {
    out[0] = {0.5f, 0.5f};
    return out;
  }
  Graph graph(n);
  for (const auto& e : g.edges)
    if (e.a < n && e.b < n) boost::add_edge(e.a, e.b, graph);
  boost::minstd_rand gen(seed == 0 ? 1 : seed);  // minstd must not start from 0
  Topology topo(gen, 1000.0);
  std::vector<Point> pos(n);
  auto pmap =
      boost::make_iterator_property_map(pos.begin(), boost::get(boost::vertex_index, graph));
  boost::random_graph_layout(graph, pmap, topo);
  boost::fruchterman_reingold_force_directed_layout(
      graph, pmap, topo, boost::cooling(boost::linear_cooling<double>(200)));
  double x0 = pos[0][0], x1 = x0, y0 = pos[0][1], y1 = y0;
  for (const auto& p : pos) {
    x0 = std::min(x0, p[0]), x1 = std::max(x1, p[0]);
    y0 = std::min(y0, p[1]), y1 = std::max(y1, p[1]);
  }
  const double w = std::max(x1 - x0, 1e-9), h = std::max(y1 - y0, 1e-9);
  for (std::size_t i = 0; i < n; ++i)
    out[i] = {static_cast<float>((pos[i][0] - x0) / w), static_cast<float>((pos[i][1] - y0) / h)};
  return out;
}

namespace {

struct Box {
  float x0, y0, x1, y1;
};

float overlap(const Box& a, const Box& b) {
  const float w = std::min(a.x1, b.x1) - std::max(a.x0, b.x0);
  const float h = std::min(a.y1, b.y1) - std::max(a.y0, b.y0);
  return w > 0 && h > 0 ? w * h : 0.0f;
}

}  // namespace

std::vector<LabelSpot> place_labels(const std::vector<LabelRequest>& labels,
                                    const std::vector<LabelRequest>& obstacles, float left,
                                    float top, float right, float bottom) {
  constexpr float kPad = 3.0f;
  std::vector<Box> taken;
  taken.reserve(labels.size());
  std::vector<LabelSpot> out;
  out.reserve(labels.size());
  for (const auto& l : labels) {
    // Candidates in order of preference (top-left corners).
    LabelSpot cand[12];
    int n = 0;
    const float cy = l.y - l.h * 0.5f;
    const float rx = l.x + l.r + kPad, lx = l.x - l.r - kPad - l.w;
    cand[n++] = {rx, cy};
    cand[n++] = {lx, cy};
    cand[n++] = {l.x - l.w * 0.5f, l.y - l.r - kPad - l.h};
    cand[n++] = {l.x - l.w * 0.5f, l.y + l.r + kPad};
    for (int k = 1; k <= 2; ++k) {
      const float d = static_cast<float>(k) * l.h;
      cand[n++] = {rx, cy + d};
      cand[n++] = {rx, cy - d};
      cand[n++] = {lx, cy + d};
      cand[n++] = {lx, cy - d};
    }
    int best = 0;
    float best_cost = -1.0f;
    for (int i = 0; i < n; ++i) {
      const Box b{cand[i].x, cand[i].y, cand[i].x + l.w, cand[i].y + l.h};
      // Leaving the area costs as much as covering its own size twice.
      float cost = b.x0 < left || b.x1 > right || b.y0 < top || b.y1 > bottom ? 2 * l.w * l.h : 0;
      for (const auto& t : taken) cost += overlap(b, t);
      for (const auto& o : obstacles) {
        if (o.x == l.x && o.y == l.y) continue;  // its own node (kept clear by the offsets)
        cost += overlap(b, {o.x - o.r, o.y - o.r, o.x + o.r, o.y + o.r});
      }
      if (best_cost < 0 || cost < best_cost) {
        best = i;
        best_cost = cost;
      }
      if (cost == 0) break;
    }
    out.push_back(cand[best]);
    taken.push_back({cand[best].x, cand[best].y, cand[best].x + l.w, cand[best].y + l.h});
  }
  return out;
}

}  // namespace labtwin::viz
