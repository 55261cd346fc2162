#include "labtwin/twin/site_graph.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace labtwin::twin {
namespace {
using Graph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                          boost::property<boost::edge_weight_t, double>>;
}

SiteGraph::SiteGraph(const ScenarioDef& sc) {
  for (const auto& site : sc.sites) {
    if (site.rooms.empty()) {
      hubs_[site.id] = static_cast<core::LocationId>(n_++);
      continue;
    }
    for (const auto& r : site.rooms) {
      const auto v = static_cast<core::LocationId>(n_++);
      rooms_[site.id + "/" + r.id] = v;
      if (!hubs_.count(site.id)) hubs_[site.id] = v;
    }
  }
  Graph g(n_);
  // Rooms of a site: the listed walking times, else a default walk (a fully meshed floor).
  for (const auto& site : sc.sites) {
    std::map<std::pair<core::LocationId, core::LocationId>, double> walk;
    for (const auto& d : site.distances) {
      const auto a = rooms_.find(site.id + "/" + d.from);
      const auto b = rooms_.find(site.id + "/" + d.to);
      if (a == rooms_.end() || b == rooms_.end())
        throw std::invalid_argument("sites[" + site.id + "].distances: unknown room '" +
                                    (a == rooms_.end() ? d.from : d.to) + "'");
      walk[{std::min(a->second, b->second), std::max(a->second, b->second)}] = d.time.seconds();
    }
    for (std::size_t i = 0; i < site.rooms.size(); ++i)
      for (std::size_t j = i + 1; j < site.rooms.size(); ++j) {
        const auto a = rooms_.at(site.id + "/" + site.rooms[i].id);
        const auto b = rooms_.at(site.id + "/" + site.rooms[j].id);
        const auto it = walk.find({std::min(a, b), std::max(a, b)});
        if (it == walk.end() && !site.distances.empty()) continue;  // listed graph: edges only
        boost::add_edge(a, b, it == walk.end() ? kDefaultWalkSeconds : it->second, g);
      }
  }
  const double drive = sc.travel.site_travel_time ? sc.travel.site_travel_time->seconds()
                                                  : kDefaultSiteTravelSeconds;
  for (auto a = hubs_.begin(); a != hubs_.end(); ++a)
    for (auto b = std::next(a); b != hubs_.end(); ++b)
      boost::add_edge(a->second, b->second, drive, g);

  dist_.assign(n_ * n_, core::Span{std::numeric_limits<std::int64_t>::max()});
  std::vector<double> d(n_);
  for (std::size_t s = 0; s < n_; ++s) {
    boost::dijkstra_shortest_paths(g, s, boost::distance_map(d.data()));
    for (std::size_t t = 0; t < n_; ++t)
      if (std::isfinite(d[t]) && d[t] < std::numeric_limits<double>::max() / 2)
        dist_[s * n_ + t] = core::Span::seconds(d[t]);
  }
}

core::Span SiteGraph::between(core::LocationId a, core::LocationId b) const {
  if (a >= n_ || b >= n_) throw std::out_of_range("SiteGraph: unknown location");
  return dist_[a * n_ + b];
}

core::LocationId SiteGraph::room(const std::string& site, const std::string& room) const {
  const auto it = rooms_.find(site + "/" + room);
  return it != rooms_.end() ? it->second : hub(site);
}

core::LocationId SiteGraph::hub(const std::string& site) const {
  const auto it = hubs_.find(site);
  if (it == hubs_.end()) throw std::out_of_range("SiteGraph: unknown site '" + site + "'");
  return it->second;
}

}  // namespace labtwin::twin
