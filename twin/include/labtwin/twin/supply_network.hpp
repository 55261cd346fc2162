#pragma once
/// @file The supply-chain network: suppliers, hubs and sites joined by directed lanes, held in a
/// Boost.Graph adjacency_list (behind a pimpl, so this header stays light).
///
/// Routes are shortest paths by expected transit time or by cost
/// (boost::dijkstra_shortest_paths over the open lanes; a frozen shipment's query also drops the
/// lanes without cold chain). A query computes the whole shortest-path tree of its source; the
/// tree is cached per (source, objective, cold-only) and every cached tree is invalidated when a
/// lane closes or reopens. At most `tree_cache_capacity` trees are kept (oldest evicted first).
/// Not thread-safe (queries fill the cache).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace labtwin::twin {

/// What a network node is.
enum class SupplyNodeKind : std::uint8_t { supplier, hub, site };

/// What a route minimises.
enum class RouteObjective : std::uint8_t { time, cost };

/// One directed lane as the network sees it.
struct NetworkLane {
  std::string id;            ///< unique lane id
  std::size_t from = 0;      ///< source node
  std::size_t to = 0;        ///< target node
  double time_weight = 0.0;  ///< expected time from ready to arrival, s (>= 0)
  double cost_weight = 0.0;  ///< cost of a reference shipment (>= 0)
  bool cold_chain = false;   ///< may carry frozen shipments
  bool open = true;          ///< usable now
};

/// The network graph and its cached routes (see the file comment).
class SupplyNetwork {
 public:
  /// Sentinel: no lane / no node.
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  /// Empty network caching at most `tree_cache_capacity` (>= 1) shortest-path trees.
  explicit SupplyNetwork(std::size_t tree_cache_capacity = 256);
  ~SupplyNetwork();
  SupplyNetwork(SupplyNetwork&&) noexcept;
  SupplyNetwork& operator=(SupplyNetwork&&) noexcept;
  SupplyNetwork(const SupplyNetwork&) = delete;
  SupplyNetwork& operator=(const SupplyNetwork&) = delete;

  /// Adds a node; throws std::invalid_argument on an empty or duplicate id.
  std::size_t add_node(std::string id, SupplyNodeKind kind);
  /// Adds a lane between existing nodes; throws std::invalid_argument on a duplicate id,
  /// an unknown node, a self-loop or a negative / non-finite weight.
  std::size_t add_lane(NetworkLane lane);

  /// Node index of `id`, if any.
  std::optional<std::size_t> node(std::string_view id) const;
  /// Lane index of `id`, if any.
  std::optional<std::size_t> lane(std::string_view id) const;
  /// Number of nodes.
  std::size_t node_count() const;
  /// Number of lanes.
  std::size_t lane_count() const;
  /// The id of node n.
  const std::string& node_id(std::size_t n) const;
  /// The kind of node n.
  SupplyNodeKind node_kind(std::size_t n) const;
  /// Lane l.
  const NetworkLane& lane_at(std::size_t l) const;

  /// Opens or closes lane l; returns true (and drops every cached route) when that changed.
  bool set_open(std::size_t l, bool open);

  /// Shortest route from -> to as lane indices in travel order (empty when from == to);
  /// false when `to` is unreachable. Reuses `out`'s storage.
  bool route(std::size_t from, std::size_t to, RouteObjective objective, bool cold_only,
             std::vector<std::size_t>& out) const;
  /// First lane of the shortest route from -> to (npos when unreachable or from == to).
  std::size_t next_lane(std::size_t from, std::size_t to, RouteObjective objective,
                        bool cold_only) const;
  /// Length of the shortest route (seconds or money; +infinity when unreachable).
  double distance(std::size_t from, std::size_t to, RouteObjective objective, bool cold_only) const;

  /// Dijkstra runs so far (cache misses).
  std::uint64_t dijkstra_runs() const;
  /// Route queries so far.
  std::uint64_t queries() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace labtwin::twin
