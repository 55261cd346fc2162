#pragma once
/// @file Where technicians walk: rooms of every site as a weighted graph (Boost.Graph), with
/// all-pairs shortest travel times served through the core's TravelTimes port.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "labtwin/core/dispatch/travel_times.hpp"
#include "labtwin/twin/scenario_def.hpp"

namespace labtwin::twin {

/// Rooms (one vertex each, plus one "hub" per site for sites without rooms), walking edges
/// from `sites[].distances`, a default walk between rooms of a site with no listed distance,
/// and `travel.site_travel_time` between site hubs. Shortest paths by Dijkstra from every vertex.
class SiteGraph final : public core::TravelTimes {
 public:
  /// Default walk between two rooms of one site when the scenario lists none.
  static constexpr double kDefaultWalkSeconds = 120.0;
  /// Default drive between site hubs when `travel.site_travel_time` is absent.
  static constexpr double kDefaultSiteTravelSeconds = 1800.0;

  /// Builds the graph; throws std::invalid_argument naming an unknown room in `distances`.
  explicit SiteGraph(const ScenarioDef& scenario);

  core::Span between(core::LocationId a, core::LocationId b) const override;
  /// The vertex of room `room` at site `site` (the site hub for an empty or unknown room).
  core::LocationId room(const std::string& site, const std::string& room) const;
  /// The hub vertex of a site (its first room).
  core::LocationId hub(const std::string& site) const;
  /// Number of vertices.
  std::size_t size() const { return n_; }

 private:
  std::size_t n_ = 0;
  std::map<std::string, core::LocationId> rooms_;  // "site/room" -> vertex
  std::map<std::string, core::LocationId> hubs_;   // site -> vertex
  std::vector<core::Span> dist_;                   // n x n, row-major
};

}  // namespace labtwin::twin
