// Contact graph routing: earliest-arrival Dijkstra over contacts, Yen's k routes, baselines.
#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <tuple>
#include <utility>

#include "labtwin/twin/dtn/cgr.hpp"

namespace labtwin::twin::dtn {
namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

/// Node multigraph whose edges carry the contact index (epidemic baseline).
using ContactMultigraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS,
                                                boost::no_property, std::uint32_t>;
/// Static node graph with owlt weights (bench baseline).
using WeightedGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property,
                          boost::property<boost::edge_weight_t, double>>;

struct HeapEntry {
  double arrival;
  std::uint32_t hops;
  std::uint32_t contact;
};
/// Min-heap order on (arrival, hops, contact): std heaps are max-heaps, so "greater".
struct HeapAfter {
  bool operator()(const HeapEntry& a, const HeapEntry& b) const {
    return std::tie(a.arrival, a.hops, a.contact) > std::tie(b.arrival, b.hops, b.contact);
  }
};

}  // namespace

struct ContactGraph::Impl {
  ContactPlan plan;
  std::vector<std::uint32_t> from_idx, to_idx;   // node index per contact
  std::vector<std::uint32_t> out_off, out_list;  // CSR: contacts out of each node, by start
  std::vector<double> residual;
  ContactMultigraph multigraph;

  // Scratch reused by every query (no allocation per search once warmed up).
  mutable std::vector<double> arr;
  mutable std::vector<std::uint32_t> hop_count, pred, label_gen, done_gen;
  mutable std::uint32_t gen = 0;
  mutable std::vector<std::uint32_t> excl_contact, excl_node;
  mutable std::uint32_t excl_gen = 0;
  mutable std::vector<HeapEntry> heap;
  mutable std::vector<double> node_dist;

  explicit Impl(ContactPlan p) : plan(std::move(p)) {
    plan.finalize();
    const std::size_t n = plan.nodes.size(), m = plan.contacts.size();
    from_idx.resize(m);
    to_idx.resize(m);
    out_off.assign(n + 1, 0);
    for (std::size_t i = 0; i < m; ++i) {
      from_idx[i] = static_cast<std::uint32_t>(plan.node_index(plan.contacts[i].from));
      to_idx[i] = static_cast<std::uint32_t>(plan.node_index(plan.contacts[i].to));
      ++out_off[from_idx[i] + 1];
    }
    for (std::size_t i = 0; i < n; ++i) out_off[i + 1] += out_off[i];
    out_list.resize(m);
    std::vector<std::uint32_t> fill(out_off.begin(), out_off.end() - 1);
    // Contacts are sorted by start, so each node's list is too.
    for (std::size_t i = 0; i < m; ++i)
      out_list[fill[from_idx[i]]++] = static_cast<std::uint32_t>(i);
    residual.resize(m);
    for (std::size_t i = 0; i < m; ++i) residual[i] = plan.contacts[i].volume();
    for (std::size_t i = 0; i < n; ++i) boost::add_vertex(multigraph);
    for (std::size_t i = 0; i < m; ++i)
      boost::add_edge(from_idx[i], to_idx[i], static_cast<std::uint32_t>(i), multigraph);
    arr.assign(m, kNever);
    hop_count.assign(m, 0);
    pred.assign(m, kNone);
    label_gen.assign(m, 0);
    done_gen.assign(m, 0);
    excl_contact.assign(m, 0);
    excl_node.assign(n, 0);
    node_dist.assign(n, kNever);
  }

  /// Departure time on contact c for a bundle ready at r, or kNever when c cannot carry it.
  double departure(std::size_t c, double r, double size) const {
    const Contact& k = plan.contacts[c];
    const double dep = std::max(r, k.start);
    if (dep >= k.end) return kNever;  // also rejects empty contacts (end <= start)
    const double cap = std::min(residual[c], k.rate * (k.end - dep));
    if (size > 0 && cap < size) return kNever;
    return dep;
  }

  void next_exclusion() const {
    if (++excl_gen == 0) {  // wrapped: clear the stamps
      std::fill(excl_contact.begin(), excl_contact.end(), 0);
      std::fill(excl_node.begin(), excl_node.end(), 0);
      excl_gen = 1;
    }
  }

  /// Earliest-arrival search from node index src at t0 to node index dst; returns the last
  /// contact of the best route or kNone. Contacts/nodes stamped with excl_gen are skipped
  /// when `use_excl`.
  std::uint32_t search(std::uint32_t src, double t0, std::uint32_t dst, double size,
                       bool use_excl) const {
    if (++gen == 0) {
      std::fill(label_gen.begin(), label_gen.end(), 0);
      std::fill(done_gen.begin(), done_gen.end(), 0);
      gen = 1;
    }
    heap.clear();
    double best = kNever;  // tentative arrival at dst (prunes contacts starting later)
    auto relax_from = [&](std::uint32_t node, double ready, std::uint32_t hops,
                          std::uint32_t from_contact) {
      for (std::uint32_t k = out_off[node]; k < out_off[node + 1]; ++k) {
        const std::uint32_t c = out_list[k];
        const Contact& ct = plan.contacts[c];
        if (ct.start > best) break;  // sorted by start: nothing later can arrive earlier
        if (to_idx[c] == src) continue;
        if (use_excl && (excl_contact[c] == excl_gen || excl_node[to_idx[c]] == excl_gen)) continue;
        if (done_gen[c] == gen) continue;
        const double dep = departure(c, ready, size);
        if (dep == kNever) continue;
        const double a = dep + ct.owlt;
        if (label_gen[c] == gen && std::tie(arr[c], hop_count[c]) <= std::tie(a, hops)) continue;
        label_gen[c] = gen;
        arr[c] = a;
        hop_count[c] = hops;
        pred[c] = from_contact;
        if (to_idx[c] == dst && a < best) best = a;
        heap.push_back({a, hops, c});
        std::push_heap(heap.begin(), heap.end(), HeapAfter{});
      }
    };
    relax_from(src, t0, 1, kNone);
    while (!heap.empty()) {
      std::pop_heap(heap.begin(), heap.end(), HeapAfter{});
      const HeapEntry e = heap.back();
      heap.pop_back();
      const std::uint32_t c = e.contact;
      if (done_gen[c] == gen || e.arrival != arr[c] || e.hops != hop_count[c]) continue;
      done_gen[c] = gen;
      if (to_idx[c] == dst) return c;
      relax_from(to_idx[c], e.arrival, e.hops + 1, c);
    }
    return kNone;
  }

  /// Fills `out` for the contact sequence `cs` (already known to be feasible) from t0.
  void evaluate(const std::vector<std::size_t>& cs, double t0, double size, Route& out) const {
    out.contacts = cs;
    out.hops.clear();
    out.arrivals.clear();
    out.residual_volume = kNever;
    double ready = t0;
    for (std::size_t i = 0; i < cs.size(); ++i) {
      const Contact& ct = plan.contacts[cs[i]];
      if (i == 0) out.hops.push_back(ct.from);
      const double dep = departure(cs[i], ready, size);
      if (i == 0) out.departure = dep;
      out.residual_volume =
          std::min(out.residual_volume, std::min(residual[cs[i]], ct.rate * (ct.end - dep)));
      ready = dep + ct.owlt;
      out.arrivals.push_back(ready);
      out.hops.push_back(ct.to);
    }
    out.next_hop = cs.empty() ? 0 : plan.contacts[cs.front()].to;
    out.delivery_time = ready;
  }

  void chain(std::uint32_t last, std::vector<std::size_t>& cs) const {
    cs.clear();
    for (std::uint32_t c = last; c != kNone; c = pred[c]) cs.push_back(c);
    std::reverse(cs.begin(), cs.end());
  }
};

ContactGraph::ContactGraph(ContactPlan plan) : impl_(std::make_unique<Impl>(std::move(plan))) {}
ContactGraph::~ContactGraph() = default;
ContactGraph::ContactGraph(ContactGraph&&) noexcept = default;
ContactGraph& ContactGraph::operator=(ContactGraph&&) noexcept = default;

const ContactPlan& ContactGraph::plan() const { return impl_->plan; }

double ContactGraph::residual(std::size_t ci) const { return impl_->residual.at(ci); }

void ContactGraph::consume(std::size_t ci, double bytes) {
  double& r = impl_->residual.at(ci);
  r = std::max(0.0, r - bytes);
}

void ContactGraph::release(std::size_t ci, double bytes) {
  double& r = impl_->residual.at(ci);
  r = std::min(impl_->plan.contacts[ci].volume(), r + bytes);
}

void ContactGraph::reset_volumes() {
  for (std::size_t i = 0; i < impl_->residual.size(); ++i)
    impl_->residual[i] = impl_->plan.contacts[i].volume();
}

bool ContactGraph::best_route(const RouteQuery& q, Route& out) const {
  const Impl& m = *impl_;
  const std::size_t s = m.plan.node_index(q.from), d = m.plan.node_index(q.to);
  if (s == m.plan.nodes.size() || d == m.plan.nodes.size() || s == d) return false;
  const std::uint32_t last =
      m.search(static_cast<std::uint32_t>(s), q.at, static_cast<std::uint32_t>(d), q.size, false);
  if (last == kNone) return false;
  std::vector<std::size_t> cs;
  m.chain(last, cs);
  m.evaluate(cs, q.at, q.size, out);
  return true;
}

std::optional<Route> ContactGraph::best_route(const RouteQuery& q) const {
  Route r;
  if (!best_route(q, r)) return std::nullopt;
  return r;
}

std::vector<Route> ContactGraph::k_routes(const RouteQuery& q, std::size_t k) const {
  const Impl& m = *impl_;
  std::vector<Route> accepted;
  if (k == 0) return accepted;
  auto first = best_route(q);
  if (!first) return accepted;
  accepted.push_back(std::move(*first));
  const auto d = static_cast<std::uint32_t>(m.plan.node_index(q.to));
  auto order = [](const Route& a, const Route& b) {
    return std::make_tuple(a.delivery_time, a.contacts.size(), std::cref(a.contacts)) <
           std::make_tuple(b.delivery_time, b.contacts.size(), std::cref(b.contacts));
  };
  std::vector<Route> candidates;
  std::vector<std::size_t> spur, total;
  while (accepted.size() < k) {
    const Route& prev = accepted.back();
    for (std::size_t i = 0; i < prev.contacts.size(); ++i) {
      // Root: the first i contacts of prev; the spur starts at the node they reach.
      const double ready = i == 0 ? q.at : prev.arrivals[i - 1];
      const auto spur_node = static_cast<std::uint32_t>(
          m.plan.node_index(i == 0 ? q.from : m.plan.contacts[prev.contacts[i - 1]].to));
      m.next_exclusion();
      for (const Route& a : accepted)
        if (a.contacts.size() > i &&
            std::equal(prev.contacts.begin(), prev.contacts.begin() + static_cast<long>(i),
                       a.contacts.begin()))
          m.excl_contact[a.contacts[i]] = m.excl_gen;
      for (std::size_t h = 0; h < i; ++h)  // root nodes before the spur node: loop-free
        m.excl_node[m.plan.node_index(prev.hops[h])] = m.excl_gen;
      const std::uint32_t last = m.search(spur_node, ready, d, q.size, true);
      if (last == kNone) continue;
      m.chain(last, spur);
      total.assign(prev.contacts.begin(), prev.contacts.begin() + static_cast<long>(i));
      total.insert(total.end(), spur.begin(), spur.end());
      auto same = [&](const Route& r) { return r.contacts == total; };
      if (std::any_of(accepted.begin(), accepted.end(), same) ||
          std::any_of(candidates.begin(), candidates.end(), same))
        continue;
      Route r;
      m.evaluate(total, q.at, q.size, r);
      candidates.push_back(std::move(r));
    }
    if (candidates.empty()) break;
    const auto best = std::min_element(candidates.begin(), candidates.end(), order);
    accepted.push_back(std::move(*best));
    candidates.erase(best);
  }
  return accepted;
}

std::optional<Route> ContactGraph::first_contact_route(const RouteQuery& q) const {
  const Impl& m = *impl_;
  const std::size_t n = m.plan.nodes.size();
  std::size_t u = m.plan.node_index(q.from);
  const std::size_t d = m.plan.node_index(q.to);
  if (u == n || d == n || u == d) return std::nullopt;
  m.next_exclusion();  // excl_node marks visited nodes
  m.excl_node[u] = m.excl_gen;
  std::vector<std::size_t> cs;
  double ready = q.at;
  while (u != d) {
    std::uint32_t pick = kNone;
    double pick_dep = kNever;
    for (std::uint32_t k = m.out_off[u]; k < m.out_off[u + 1]; ++k) {
      const std::uint32_t c = m.out_list[k];
      if (m.excl_node[m.to_idx[c]] == m.excl_gen) continue;
      const double dep = m.departure(c, ready, q.size);
      if (dep < pick_dep) {  // strict: the lower index wins ties
        pick_dep = dep;
        pick = c;
      }
    }
    if (pick == kNone) return std::nullopt;
    cs.push_back(pick);
    ready = pick_dep + m.plan.contacts[pick].owlt;
    u = m.to_idx[pick];
    m.excl_node[u] = m.excl_gen;
  }
  Route r;
  m.evaluate(cs, q.at, q.size, r);
  return r;
}

EpidemicResult ContactGraph::epidemic(const RouteQuery& q) const {
  const Impl& m = *impl_;
  EpidemicResult res;
  const std::size_t n = m.plan.nodes.size();
  const std::size_t s = m.plan.node_index(q.from), d = m.plan.node_index(q.to);
  if (s == n || d == n) return res;
  auto& dist = m.node_dist;
  std::fill(dist.begin(), dist.end(), kNever);
  // The edge "weight" is the contact index; combine turns (ready time, contact) into the
  // arrival time over that contact, kNever when it cannot carry the bundle.
  auto combine = [&m, size = q.size](double ready, std::uint32_t c) {
    if (ready == kNever) return kNever;
    const double dep = m.departure(c, ready, size);
    return dep == kNever ? kNever : dep + m.plan.contacts[c].owlt;
  };
  boost::dijkstra_shortest_paths(
      m.multigraph, s,
      boost::weight_map(boost::get(boost::edge_bundle, m.multigraph))
          .distance_map(boost::make_iterator_property_map(
              dist.begin(), boost::get(boost::vertex_index, m.multigraph)))
          .distance_combine(combine)
          .distance_compare(std::less<double>())
          .distance_inf(kNever)
          .distance_zero(q.at));
  res.delivery_time = s == d ? q.at : dist[d];
  const double horizon = res.delivery_time;
  for (std::size_t c = 0; c < m.plan.contacts.size(); ++c) {
    const double have = dist[m.from_idx[c]];
    if (have == kNever || m.to_idx[c] == s) continue;
    const double dep = m.departure(c, have, q.size);
    // A new copy: sent before the delivery, to a node that does not hold one yet.
    if (dep != kNever && dep < horizon && dist[m.to_idx[c]] > dep) ++res.copies;
  }
  for (std::size_t v = 0; v < n; ++v)
    if (dist[v] <= horizon) ++res.nodes_reached;
  return res;
}

struct StaticNodeGraph::Impl {
  std::vector<NodeId> nodes;
  WeightedGraph g;
  mutable std::vector<double> dist;
};

StaticNodeGraph::StaticNodeGraph(const ContactPlan& plan) : impl_(std::make_unique<Impl>()) {
  std::map<std::pair<NodeId, NodeId>, double> edges;  // ordered: deterministic edge order
  for (const auto& c : plan.contacts) {
    auto [it, fresh] = edges.emplace(std::make_pair(c.from, c.to), c.owlt);
    if (!fresh) it->second = std::min(it->second, c.owlt);
    impl_->nodes.push_back(c.from);
    impl_->nodes.push_back(c.to);
  }
  auto& nodes = impl_->nodes;
  std::sort(nodes.begin(), nodes.end());
  nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
  auto idx = [&](NodeId x) {
    return static_cast<std::size_t>(std::lower_bound(nodes.begin(), nodes.end(), x) -
                                    nodes.begin());
  };
  for (std::size_t i = 0; i < nodes.size(); ++i) boost::add_vertex(impl_->g);
  for (const auto& [k, w] : edges) boost::add_edge(idx(k.first), idx(k.second), w, impl_->g);
  impl_->dist.assign(nodes.size(), kNever);
}

StaticNodeGraph::~StaticNodeGraph() = default;

double StaticNodeGraph::shortest_owlt(NodeId from, NodeId to) const {
  const auto& nodes = impl_->nodes;
  const auto s = std::lower_bound(nodes.begin(), nodes.end(), from);
  const auto d = std::lower_bound(nodes.begin(), nodes.end(), to);
  if (s == nodes.end() || *s != from || d == nodes.end() || *d != to) return kNever;
  auto& dist = impl_->dist;
  boost::dijkstra_shortest_paths(
      impl_->g, static_cast<std::size_t>(s - nodes.begin()),
      boost::distance_map(boost::make_iterator_property_map(
                              dist.begin(), boost::get(boost::vertex_index, impl_->g)))
          .distance_inf(kNever));
  return dist[static_cast<std::size_t>(d - nodes.begin())];
}

}  // namespace labtwin::twin::dtn
