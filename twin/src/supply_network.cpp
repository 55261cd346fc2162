// [SECTION] The supply-chain network on Boost.Graph: nodes, lanes, cached shortest-path trees.
#include "labtwin/twin/supply_network.hpp"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/property_map/function_property_map.hpp>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

namespace labtwin::twin {
namespace {

// Edge bundle: what Dijkstra reads, kept in the edge itself (no lookup per relaxation), and the
// lane index (parallel lanes between two nodes are allowed).
struct EdgeProps {
  double time = 0.0;
  double cost = 0.0;
  std::uint32_t lane = 0;
  bool cold = false;
  bool open = true;
};
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property,
                                    EdgeProps>;
using Edge = boost::graph_traits<Graph>::edge_descriptor;
constexpr std::uint32_t kNoLane = std::numeric_limits<std::uint32_t>::max();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Records, per vertex, the lane through which its tentative distance was last improved.
struct PredecessorLane : boost::default_dijkstra_visitor {
  std::uint32_t* pred = nullptr;
  template <class E, class G>
  void edge_relaxed(E e, const G& g) const {
    pred[boost::target(e, g)] = g[e].lane;
  }
};

// A shortest-path tree of one (source, objective, cold-only) key.
struct Tree {
  std::size_t key = SupplyNetwork::npos;
  std::vector<double> dist;
  std::vector<std::uint32_t> pred;  // lane into each vertex (kNoLane: source / unreachable)
};

}  // namespace

struct SupplyNetwork::Impl {
  Graph g;
  std::vector<std::string> node_ids;
  std::vector<SupplyNodeKind> kinds;
  std::map<std::string, std::size_t, std::less<>> node_index;
  std::vector<NetworkLane> lanes;
  std::map<std::string, std::size_t, std::less<>> lane_index;
  // Tree cache: slot per key (or -1), trees in a ring evicted oldest first.
  std::size_t capacity;
  std::vector<std::int32_t> slot_of;
  std::vector<Tree> trees;
  std::size_t next_victim = 0;
  std::uint64_t runs = 0, queries = 0;

  explicit Impl(std::size_t cap) : capacity(std::max<std::size_t>(1, cap)) {}

  std::size_t key(std::size_t from, RouteObjective o, bool cold) const {
    return from * 4 + static_cast<std::size_t>(o) * 2 + (cold ? 1 : 0);
  }

  void invalidate() {
    std::fill(slot_of.begin(), slot_of.end(), -1);
    trees.clear();
    next_victim = 0;
  }

  const Tree& tree(std::size_t from, RouteObjective o, bool cold) {
    ++queries;
    if (from >= node_ids.size()) throw std::out_of_range("supply network: unknown node index");
    const std::size_t k = key(from, o, cold);
    if (slot_of.size() < node_ids.size() * 4) slot_of.resize(node_ids.size() * 4, -1);
    if (slot_of[k] >= 0) return trees[static_cast<std::size_t>(slot_of[k])];
    std::size_t slot;
    if (trees.size() < capacity) {
      slot = trees.size();
      trees.emplace_back();
    } else {
      slot = next_victim;
      next_victim = (next_victim + 1) % capacity;
      slot_of[trees[slot].key] = -1;
    }
    Tree& t = trees[slot];
    t.key = k;
    slot_of[k] = static_cast<std::int32_t>(slot);
    compute(t, from, o, cold);
    return t;
  }

  void compute(Tree& t, std::size_t from, RouteObjective o, bool cold) {
    ++runs;
    const std::size_t n = node_ids.size();
    t.dist.assign(n, kInf);
    t.pred.assign(n, kNoLane);
    // Closed lanes (and, for frozen shipments, lanes without cold chain) weigh +infinity, so
    // Dijkstra never relaxes them.
    auto weight = boost::make_function_property_map<Edge, double>([this, o, cold](Edge e) {
      const EdgeProps& p = g[e];
      if (!p.open || (cold && !p.cold)) return kInf;
      return o == RouteObjective::time ? p.time : p.cost;
    });
    PredecessorLane vis;
    vis.pred = t.pred.data();
    boost::dijkstra_shortest_paths(g, boost::vertex(from, g),
                                   boost::weight_map(weight)
                                       .distance_map(boost::make_iterator_property_map(
                                           t.dist.begin(), boost::get(boost::vertex_index, g)))
                                       .distance_inf(kInf)
                                       .visitor(vis));
    // Vertices left at infinity keep no predecessor.
    for (std::size_t v = 0; v < n; ++v)
      if (!(t.dist[v] < kInf)) t.pred[v] = kNoLane;
    t.pred[from] = kNoLane;
  }
};

SupplyNetwork::SupplyNetwork(std::size_t cap) : impl_(std::make_unique<Impl>(cap)) {}
SupplyNetwork::~SupplyNetwork() = default;
SupplyNetwork::SupplyNetwork(SupplyNetwork&&) noexcept = default;
SupplyNetwork& SupplyNetwork::operator=(SupplyNetwork&&) noexcept = default;

std::size_t SupplyNetwork::add_node(std::string id, SupplyNodeKind kind) {
  if (id.empty()) throw std::invalid_argument("supply network: a node needs an id");
  if (impl_->node_index.count(id))
    throw std::invalid_argument("supply network: duplicate node id '" + id + "'");
  const std::size_t n = boost::add_vertex(impl_->g);
  impl_->node_index.emplace(id, n);
  impl_->node_ids.push_back(std::move(id));
  impl_->kinds.push_back(kind);
  impl_->invalidate();
  return n;
}

std::size_t SupplyNetwork::add_lane(NetworkLane lane) {
  const std::string where = "supply network: lane '" + lane.id + "'";
  if (lane.id.empty()) throw std::invalid_argument("supply network: a lane needs an id");
  if (impl_->lane_index.count(lane.id)) throw std::invalid_argument(where + ": duplicate id");
  if (lane.from >= node_count() || lane.to >= node_count())
    throw std::invalid_argument(where + ": unknown node index");
  if (lane.from == lane.to) throw std::invalid_argument(where + ": from and to are the same node");
  if (!(lane.time_weight >= 0) || !std::isfinite(lane.time_weight))
    throw std::invalid_argument(where + ": time weight must be finite and >= 0");
  if (!(lane.cost_weight >= 0) || !std::isfinite(lane.cost_weight))
    throw std::invalid_argument(where + ": cost weight must be finite and >= 0");
  const std::size_t l = impl_->lanes.size();
  const auto [e, added] =
      boost::add_edge(lane.from, lane.to,
                      EdgeProps{lane.time_weight, lane.cost_weight, static_cast<std::uint32_t>(l),
                                lane.cold_chain, lane.open},
                      impl_->g);
  (void)e;
  (void)added;
  impl_->lane_index.emplace(lane.id, l);
  impl_->lanes.push_back(std::move(lane));
  impl_->invalidate();
  return l;
}

std::optional<std::size_t> SupplyNetwork::node(std::string_view id) const {
  const auto it = impl_->node_index.find(id);
  if (it == impl_->node_index.end()) return std::nullopt;
  return it->second;
}

std::optional<std::size_t> SupplyNetwork::lane(std::string_view id) const {
  const auto it = impl_->lane_index.find(id);
  if (it == impl_->lane_index.end()) return std::nullopt;
  return it->second;
}

std::size_t SupplyNetwork::node_count() const { return impl_->node_ids.size(); }
std::size_t SupplyNetwork::lane_count() const { return impl_->lanes.size(); }
const std::string& SupplyNetwork::node_id(std::size_t n) const { return impl_->node_ids.at(n); }
SupplyNodeKind SupplyNetwork::node_kind(std::size_t n) const { return impl_->kinds.at(n); }
const NetworkLane& SupplyNetwork::lane_at(std::size_t l) const { return impl_->lanes.at(l); }

bool SupplyNetwork::set_open(std::size_t l, bool open) {
  NetworkLane& lane = impl_->lanes.at(l);
  if (lane.open == open) return false;
  lane.open = open;
  for (auto [it, end] = boost::out_edges(lane.from, impl_->g); it != end; ++it)
    if (impl_->g[*it].lane == l) impl_->g[*it].open = open;
  impl_->invalidate();
  return true;
}

bool SupplyNetwork::route(std::size_t from, std::size_t to, RouteObjective objective,
                          bool cold_only, std::vector<std::size_t>& out) const {
  out.clear();
  if (to >= node_count()) throw std::out_of_range("supply network: unknown node index");
  const Tree& t = impl_->tree(from, objective, cold_only);
  if (from == to) return true;
  if (!(t.dist[to] < kInf)) return false;
  for (std::size_t v = to; v != from;) {
    const std::uint32_t l = t.pred[v];
    out.push_back(l);
    v = impl_->lanes[l].from;
  }
  std::reverse(out.begin(), out.end());
  return true;
}

std::size_t SupplyNetwork::next_lane(std::size_t from, std::size_t to, RouteObjective objective,
                                     bool cold_only) const {
  if (to >= node_count()) throw std::out_of_range("supply network: unknown node index");
  const Tree& t = impl_->tree(from, objective, cold_only);
  if (from == to || !(t.dist[to] < kInf)) return npos;
  std::size_t first = npos;
  for (std::size_t v = to; v != from;) {
    first = t.pred[v];
    v = impl_->lanes[first].from;
  }
  return first;
}

double SupplyNetwork::distance(std::size_t from, std::size_t to, RouteObjective objective,
                               bool cold_only) const {
  if (to >= node_count()) throw std::out_of_range("supply network: unknown node index");
  return impl_->tree(from, objective, cold_only).dist[to];
}

std::uint64_t SupplyNetwork::dijkstra_runs() const { return impl_->runs; }
std::uint64_t SupplyNetwork::queries() const { return impl_->queries; }

}  // namespace labtwin::twin
