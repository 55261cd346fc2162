#pragma once
/// @file Contact graph routing (CGR) over a contact plan, k alternative routes (Yen) and two
/// baselines (first contact, epidemic flooding), plus a static-graph Dijkstra for comparison.
///
/// The search follows CCSDS 734.3-B-1 (SABR) section 3.2.6: the vertices are contacts, a route
/// is a sequence of contacts c1..cn with c_i.to == c_{i+1}.from, and the bundle that is ready at
/// a node at time r reaches the contact's receiver at
///     arrival(c, r) = max(r, c.start) + c.owlt,
/// usable only when the transmission can start before the contact ends and the contact still
/// holds the bundle: min(residual(c), c.rate * (c.end - max(r, c.start))) >= size. The
/// relaxation is time-dependent but FIFO (a later ready time never arrives earlier), so a
/// label-setting Dijkstra is exact. It is hand-rolled (not boost::dijkstra_shortest_paths)
/// because the contact graph of a 7,000-contact plan has ~10^6 implicit edges (every contact
/// into a node x every contact out of it): they are enumerated from per-node contact lists
/// instead of being stored, and the search stops as soon as the destination is settled.
/// Epidemic flooding and the static baseline do run on Boost.Graph (a node multigraph whose
/// edges are the contacts, with the time-dependent arrival as the distance combine).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "labtwin/twin/dtn/contact_plan.hpp"

namespace labtwin::twin::dtn {

/// What to route: a bundle of `size` bytes from `from` to `to`, ready at `at` (s, plan time).
struct RouteQuery {
  NodeId from = 0;  ///< source node
  NodeId to = 0;    ///< destination node
  double at = 0;    ///< time the bundle is ready at the source, s
  double size = 0;  ///< bundle size, bytes (0: ignore volume, only contact end)
};

/// One route: the contacts it uses and what it promises.
struct Route {
  std::vector<NodeId> hops;           ///< nodes visited, source first, destination last
  std::vector<std::size_t> contacts;  ///< indices into ContactPlan::contacts, in hop order
  std::vector<double> arrivals;       ///< arrival time at each hop's receiver, s
  NodeId next_hop = 0;                ///< the first hop's receiver
  double departure = 0;               ///< when the first transmission can start, s
  double delivery_time = kNever;      ///< earliest arrival at the destination, s
  double residual_volume = 0;         ///< min over hops of what the contact can still carry
};

/// Result of the epidemic baseline: every node forwards a copy on every contact.
struct EpidemicResult {
  double delivery_time = kNever;  ///< earliest arrival at the destination (foremost journey)
  std::size_t copies = 0;         ///< transmissions of new copies before the delivery time
  std::size_t nodes_reached = 0;  ///< nodes holding a copy at the delivery time
};

/// Routing engine over one contact plan. Holds per-contact residual volumes (bytes still
/// bookable) that a bundle model consumes. Not thread-safe: queries reuse scratch buffers.
class ContactGraph {
 public:
  /// Indexes `plan` (copied); every contact starts with its full volume.
  explicit ContactGraph(ContactPlan plan);
  ~ContactGraph();
  ContactGraph(const ContactGraph&) = delete;
  ContactGraph& operator=(const ContactGraph&) = delete;
  ContactGraph(ContactGraph&&) noexcept;
  ContactGraph& operator=(ContactGraph&&) noexcept;

  /// The plan (contacts sorted by start, then id).
  const ContactPlan& plan() const;

  /// Best (earliest-arrival) route; ties go to fewer hops, then lower contact indices.
  std::optional<Route> best_route(const RouteQuery& q) const;
  /// Same as best_route into `out` (reuses its storage); false when there is no route.
  bool best_route(const RouteQuery& q, Route& out) const;
  /// Up to k loop-free routes in (delivery time, hops, contacts) order (Yen 1971).
  std::vector<Route> k_routes(const RouteQuery& q, std::size_t k) const;
  /// Baseline: at each node take the contact with the earliest departure to an unvisited node.
  std::optional<Route> first_contact_route(const RouteQuery& q) const;
  /// Baseline: epidemic flooding (Boost.Graph Dijkstra with a time-dependent combine).
  EpidemicResult epidemic(const RouteQuery& q) const;

  /// Bytes contact `ci` can still carry.
  double residual(std::size_t ci) const;
  /// Books `bytes` on contact `ci` (residual never goes below 0).
  void consume(std::size_t ci, double bytes);
  /// Returns `bytes` to contact `ci` (an unused booking), capped at the contact's volume.
  void release(std::size_t ci, double bytes);
  /// Restores every contact's full volume.
  void reset_volumes();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Plain Dijkstra over the static node graph (an edge per node pair that ever has a contact,
/// weight = its smallest owlt), on Boost.Graph: the time-blind baseline for the bench.
class StaticNodeGraph {
 public:
  /// Builds the graph from the plan's contacts.
  explicit StaticNodeGraph(const ContactPlan& plan);
  ~StaticNodeGraph();
  StaticNodeGraph(const StaticNodeGraph&) = delete;
  StaticNodeGraph& operator=(const StaticNodeGraph&) = delete;
  /// Smallest sum of owlt from `from` to `to` ignoring contact times; kNever if unreachable.
  double shortest_owlt(NodeId from, NodeId to) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace labtwin::twin::dtn
