// Bundles on the kernel: storage, contact queues, losses, custody transfer, expiry.
#include "labtwin/twin/dtn/dtn_model.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <stdexcept>
#include <string>

#include "labtwin/sim/simulation.hpp"

namespace labtwin::twin::dtn {
namespace {

constexpr std::uint32_t kNoContact = 0xFFFFFFFFu;

/// Internal phase (finer than BundleState).
enum class Phase : std::uint8_t {
  kOnContact,  // booked and queued on `contact`
  kLimbo,      // no route yet: waits for the next contact out of its node
  kAwaitRetx,  // custody: transmission lost or refused, waiting for the timer
  kTransmitting,
  kPropagating,
  kDone,
};

}  // namespace

struct DtnModel::Impl {
  struct Rec {
    Bundle b;
    Phase phase = Phase::kLimbo;
    std::uint32_t contact = kNoContact;  // booked contact
    bool expired_flag = false;           // lifetime ended while on a link
    sim::EventId timer{};                // custody retransmission timer
    sim::EventId expiry{};               // lifetime end
    NodeId custodian = 0;                // sender holding the custody copy
    bool holding_copy = false;           // custodian's storage still reserved
  };
  struct Queue {
    std::vector<std::uint64_t> items;  // bundle ids, in arrival order
    bool busy = false;
    bool start_scheduled = false;
  };

  sim::Simulation& sim;
  ContactGraph graph;
  DtnConfig cfg;
  sim::RandomStream rng;
  std::deque<Rec> recs;       // deque: records stay put when observers send new bundles
  std::vector<Queue> queues;  // per contact index
  std::vector<double> loss;   // per contact index
  std::vector<std::uint64_t> used, peak, limit;  // per node index
  std::vector<double> integral;                  // byte-seconds per node index
  std::vector<sim::Time> last_change;
  sim::Time t0;
  std::function<void(const Bundle&, BundleEvent)> observer;
  DtnStats counters;
  std::vector<std::uint64_t> limbo_retry_scheduled;  // per node: contact index + 1, or 0
  std::vector<Route> route_scratch;
  Route route;

  Impl(sim::Simulation& s, ContactPlan p, DtnConfig c, sim::RandomStream r)
      : sim(s), graph(std::move(p)), cfg(std::move(c)), rng(std::move(r)), t0(s.now()) {
    const auto& plan = graph.plan();
    const std::size_t n = plan.nodes.size(), m = plan.contacts.size();
    queues.resize(m);
    loss.assign(m, cfg.default_loss);
    for (std::size_t i = 0; i < m; ++i)
      if (auto it = cfg.contact_loss.find(plan.contacts[i].id); it != cfg.contact_loss.end())
        loss[i] = it->second;
    for (double q : loss)
      if (!(q >= 0 && q <= 1)) throw std::invalid_argument("dtn: loss probability outside [0, 1]");
    used.assign(n, 0);
    peak.assign(n, 0);
    limit.assign(n, cfg.default_storage);
    for (const auto& [node, bytes] : cfg.storage) {
      const std::size_t i = plan.node_index(node);
      if (i == n)
        throw std::invalid_argument("dtn: storage limit for node " + std::to_string(node) +
                                    ", which is not in the contact plan");
      limit[i] = bytes;
    }
    integral.assign(n, 0.0);
    last_change.assign(n, s.now());
    limbo_retry_scheduled.assign(n, 0);
  }

  std::size_t idx(NodeId node) const { return graph.plan().node_index(node); }
  double plan_time(sim::Time t) const { return (t - cfg.plan_epoch).seconds(); }
  sim::Time sim_time(double plan_s) const {
    return cfg.plan_epoch + sim::Time::from_seconds(plan_s);
  }

  void account(std::size_t n) {
    const sim::Time now = sim.now();
    integral[n] += static_cast<double>(used[n]) * (now - last_change[n]).seconds();
    last_change[n] = now;
  }
  bool store(std::size_t n, std::uint64_t bytes) {
    if (used[n] > limit[n] || limit[n] - used[n] < bytes) return false;
    account(n);
    used[n] += bytes;
    peak[n] = std::max(peak[n], used[n]);
    return true;
  }
  void unstore(std::size_t n, std::uint64_t bytes) {
    account(n);
    used[n] -= std::min(used[n], bytes);
  }

  template <class F>
  void at(sim::Time t, F&& f) {
    sim.schedule_at(std::max(t, sim.now()), std::forward<F>(f), 0, cfg.event_kind);
  }

  void finish(Rec& r, BundleState st, BundleEvent ev, DropReason why = DropReason::kNone) {
    r.phase = Phase::kDone;
    r.b.state = st;
    r.b.drop = why;
    r.b.finished = sim.now();
    if (r.timer.valid()) {
      sim.cancel(r.timer);
      r.timer = {};
    }
    if (r.expiry.valid() && st != BundleState::kExpired) sim.cancel(r.expiry);
    r.expiry = {};
    switch (st) {
      case BundleState::kDelivered:
        ++counters.delivered;
        counters.latency_s.push_back((sim.now() - r.b.created).seconds());
        break;
      case BundleState::kExpired:
        ++counters.expired;
        break;
      case BundleState::kDropped:
        ++counters.dropped;
        if (why == DropReason::kStorageFull) ++counters.dropped_storage;
        break;
      default:
        break;
    }
    if (observer) observer(r.b, ev);
  }

  /// Frees the custodian's copy (custody signal received or nothing left to retransmit).
  void release_custody_copy(Rec& r) {
    if (!r.holding_copy) return;
    r.holding_copy = false;
    unstore(idx(r.custodian), r.b.spec.size);
  }

  /// Routes a bundle stored at its node (phase becomes kOnContact or kLimbo).
  void forward(std::uint64_t id) {
    Rec& r = recs[id];
    r.b.state = BundleState::kQueued;
    const RouteQuery q{r.b.node, r.b.spec.destination, plan_time(sim.now()),
                       static_cast<double>(r.b.spec.size)};
    bool ok = false;
    if (cfg.first_contact) {
      auto fc = graph.first_contact_route(q);
      if (fc) {
        route = std::move(*fc);
        ok = true;
      }
    } else {
      ok = graph.best_route(q, route);
    }
    if (!ok) {
      r.phase = Phase::kLimbo;
      schedule_limbo_retry(idx(r.b.node));
      return;
    }
    const auto c = static_cast<std::uint32_t>(route.contacts.front());
    graph.consume(c, static_cast<double>(r.b.spec.size));
    r.phase = Phase::kOnContact;
    r.contact = c;
    Queue& qu = queues[c];
    qu.items.push_back(id);
    const Contact& ct = graph.plan().contacts[c];
    if (sim.now() >= sim_time(ct.start)) {
      if (!qu.busy) start_next(c);
    } else if (!qu.start_scheduled) {
      qu.start_scheduled = true;
      at(sim_time(ct.start), [this, c] {
        queues[c].start_scheduled = false;
        start_next(c);
      });
    }
  }

  /// Bundles without a route retry when the next contact out of their node starts.
  void schedule_limbo_retry(std::size_t n) {
    const auto& plan = graph.plan();
    const double now = plan_time(sim.now());
    std::size_t next = plan.contacts.size();
    for (std::size_t i = 0; i < plan.contacts.size(); ++i) {
      const auto& c = plan.contacts[i];
      if (c.start > now && c.end > c.start && idx(c.from) == n) {
        next = i;
        break;  // sorted by start
      }
    }
    if (next == plan.contacts.size()) return;  // nothing ahead: waits for expiry
    if (limbo_retry_scheduled[n] != 0 &&
        plan.contacts[limbo_retry_scheduled[n] - 1].start <= plan.contacts[next].start)
      return;
    limbo_retry_scheduled[n] = next + 1;
    at(sim_time(plan.contacts[next].start), [this, n, next] {
      if (limbo_retry_scheduled[n] != next + 1) return;
      limbo_retry_scheduled[n] = 0;
      for (std::uint64_t id = 0; id < recs.size(); ++id)
        if (recs[id].phase == Phase::kLimbo && idx(recs[id].b.node) == n) forward(id);
    });
  }

  /// Starts the next transmission on contact c if it is idle and open.
  void start_next(std::uint32_t c) {
    Queue& qu = queues[c];
    if (qu.busy) return;
    const Contact& ct = graph.plan().contacts[c];
    while (!qu.items.empty()) {
      // Highest priority first, FIFO within a priority.
      auto best = qu.items.end();
      for (auto it = qu.items.begin(); it != qu.items.end(); ++it) {
        const Rec& r = recs[*it];
        if (r.phase != Phase::kOnContact || r.contact != c) continue;
        if (best == qu.items.end() || r.b.spec.priority > recs[*best].b.spec.priority) best = it;
      }
      if (best == qu.items.end()) {
        qu.items.clear();  // only stale entries left
        return;
      }
      const std::uint64_t id = *best;
      qu.items.erase(best);
      Rec& r = recs[id];
      const double size = static_cast<double>(r.b.spec.size);
      // The same test as the router's (rate * time left >= size), so a bundle that does not
      // fit is never routed back onto this contact.
      if (!(ct.rate * (ct.end - plan_time(sim.now())) >= size)) {
        // Does not fit before the contact closes: give the booking back and route again.
        graph.release(c, size);
        r.contact = kNoContact;
        forward(id);
        continue;
      }
      qu.busy = true;
      r.phase = Phase::kTransmitting;
      r.b.state = BundleState::kInTransit;
      at(sim.now() + sim::Time::from_seconds(size / ct.rate),
         [this, c, id] { end_transmission(c, id); });
      return;
    }
  }

  void end_transmission(std::uint32_t c, std::uint64_t id) {
    queues[c].busy = false;
    Rec& r = recs[id];
    const Contact& ct = graph.plan().contacts[c];
    const std::size_t from = idx(r.b.node);
    ++counters.transmissions;
    const bool lost = loss[c] > 0 && rng.uniform01() < loss[c];
    if (lost) ++counters.losses;
    r.contact = kNoContact;
    if (r.expired_flag) {
      unstore(from, r.b.spec.size);
      finish(r, BundleState::kExpired, BundleEvent::kExpired);
    } else if (lost && !r.b.spec.custody) {
      unstore(from, r.b.spec.size);
      finish(r, BundleState::kDropped, BundleEvent::kDropped, DropReason::kLost);
    } else {
      if (r.b.spec.custody) {
        // The sender keeps its copy; the timer covers the round trip plus the slack.
        r.custodian = r.b.node;
        r.holding_copy = true;
        r.timer = sim.schedule_at(
            sim.now() + sim::Time::from_seconds(2 * ct.owlt) + cfg.custody_timeout,
            [this, id] { custody_timeout(id); }, 0, cfg.event_kind);
      } else {
        unstore(from, r.b.spec.size);
      }
      if (lost) {
        r.phase = Phase::kAwaitRetx;  // queued at the custodian
        r.b.state = BundleState::kQueued;
        r.holding_copy = false;  // the copy is the queued bundle itself
      } else {
        r.phase = Phase::kPropagating;
        const NodeId to = ct.to;
        at(sim.now() + sim::Time::from_seconds(ct.owlt),
           [this, id, to, owlt = ct.owlt] { arrive(id, to, owlt); });
      }
    }
    start_next(c);
  }

  void arrive(std::uint64_t id, NodeId to, double owlt) {
    Rec& r = recs[id];
    const bool custody = r.b.spec.custody;
    auto signal_back = [&] {
      // Custody accepted: the signal reaches the custodian one owlt later.
      if (r.timer.valid()) {
        sim.cancel(r.timer);
        r.timer = {};
      }
      if (r.holding_copy) {
        r.holding_copy = false;
        const std::size_t cust = idx(r.custodian);
        const std::uint64_t bytes = r.b.spec.size;
        at(sim.now() + sim::Time::from_seconds(owlt),
           [this, cust, bytes] { unstore(cust, bytes); });
      }
    };
    if (r.expired_flag) {
      if (custody) signal_back();
      finish(r, BundleState::kExpired, BundleEvent::kExpired);
      return;
    }
    if (to == r.b.spec.destination) {
      ++r.b.hops;
      if (custody) signal_back();
      r.b.node = to;
      finish(r, BundleState::kDelivered, BundleEvent::kDelivered);
      return;
    }
    if (!store(idx(to), r.b.spec.size)) {
      if (custody) {
        // Refused: stays with the custodian, whose timer retransmits it.
        r.phase = Phase::kAwaitRetx;
        r.b.state = BundleState::kQueued;
        r.holding_copy = false;
        return;
      }
      finish(r, BundleState::kDropped, BundleEvent::kDropped, DropReason::kStorageFull);
      return;
    }
    ++r.b.hops;
    if (custody) signal_back();
    r.b.node = to;
    forward(id);
  }

  void custody_timeout(std::uint64_t id) {
    Rec& r = recs[id];
    r.timer = {};
    if (r.phase != Phase::kAwaitRetx) return;
    ++counters.custody_retransmissions;
    ++r.b.retransmissions;
    if (observer) observer(r.b, BundleEvent::kRetransmitted);
    forward(id);
  }

  void expire(std::uint64_t id) {
    Rec& r = recs[id];
    switch (r.phase) {
      case Phase::kDone:
        return;
      case Phase::kTransmitting:
      case Phase::kPropagating:
        r.expired_flag = true;
        return;
      case Phase::kOnContact:
        graph.release(r.contact, static_cast<double>(r.b.spec.size));
        break;
      default:
        break;
    }
    unstore(idx(r.b.node), r.b.spec.size);
    r.contact = kNoContact;
    finish(r, BundleState::kExpired, BundleEvent::kExpired);
  }
};

DtnModel::DtnModel(sim::Simulation& sim, ContactPlan plan, DtnConfig config,
                   sim::RandomStream losses)
    : impl_(std::make_unique<Impl>(sim, std::move(plan), std::move(config), std::move(losses))) {}

DtnModel::~DtnModel() = default;

std::uint64_t DtnModel::send(const BundleSpec& spec) {
  Impl& m = *impl_;
  const std::size_t n = m.graph.plan().nodes.size();
  if (m.idx(spec.source) == n)
    throw std::invalid_argument("dtn: bundle source " + std::to_string(spec.source) +
                                " is not in the contact plan");
  if (m.idx(spec.destination) == n)
    throw std::invalid_argument("dtn: bundle destination " + std::to_string(spec.destination) +
                                " is not in the contact plan");
  if (spec.size == 0) throw std::invalid_argument("dtn: bundle size must be > 0 bytes");
  const std::uint64_t id = m.recs.size();
  Impl::Rec r;
  r.b.id = id;
  r.b.spec = spec;
  r.b.created = m.sim.now();
  r.b.node = spec.source;
  m.recs.push_back(r);
  ++m.counters.created;
  Impl::Rec& rec = m.recs.back();
  if (spec.source == spec.destination) {
    m.finish(rec, BundleState::kDelivered, BundleEvent::kDelivered);
    return id;
  }
  if (!m.store(m.idx(spec.source), spec.size)) {
    m.finish(rec, BundleState::kDropped, BundleEvent::kDropped, DropReason::kStorageFull);
    return id;
  }
  rec.expiry = m.sim.schedule_at(
      m.sim.now() + spec.lifetime, [&m, id] { m.expire(id); }, 0, m.cfg.event_kind);
  m.forward(id);
  return id;
}

void DtnModel::set_observer(std::function<void(const Bundle&, BundleEvent)> observer) {
  impl_->observer = std::move(observer);
}

const Bundle& DtnModel::bundle(std::uint64_t id) const { return impl_->recs.at(id).b; }

const ContactGraph& DtnModel::graph() const { return impl_->graph; }

DtnStats DtnModel::stats() const {
  const Impl& m = *impl_;
  DtnStats s = m.counters;
  std::uint64_t delivered = 0, expired = 0, dropped = 0;
  for (const auto& r : m.recs) {
    switch (r.b.state) {
      case BundleState::kQueued:
        ++s.queued;
        break;
      case BundleState::kInTransit:
        ++s.in_transit;
        break;
      case BundleState::kDelivered:
        ++delivered;
        break;
      case BundleState::kExpired:
        ++expired;
        break;
      case BundleState::kDropped:
        ++dropped;
        break;
    }
  }
  // Conservation: each bundle is in exactly one state, and the event counters agree with it.
  if (delivered != s.delivered || expired != s.expired || dropped != s.dropped ||
      s.delivered + s.expired + s.dropped + s.queued + s.in_transit != s.created)
    throw std::logic_error(
        "dtn: bundle conservation violated: created " + std::to_string(s.created) +
        " != delivered " + std::to_string(s.delivered) + " + expired " + std::to_string(s.expired) +
        " + dropped " + std::to_string(s.dropped) + " + queued " + std::to_string(s.queued) +
        " + in transit " + std::to_string(s.in_transit));
  const auto& plan = m.graph.plan();
  const double span = (m.sim.now() - m.t0).seconds();
  std::vector<std::uint64_t> queued(plan.nodes.size(), 0);
  for (const auto& r : m.recs)
    if (r.b.state == BundleState::kQueued) {
      const std::size_t k = plan.node_index(r.b.node);
      if (k < queued.size()) ++queued[k];
    }
  for (std::size_t i = 0; i < plan.nodes.size(); ++i) {
    NodeOccupancy o;
    o.node = plan.nodes[i];
    o.limit = m.limit[i];
    o.now = m.used[i];
    o.queued = queued[i];
    o.peak = m.peak[i];
    const double integral =
        m.integral[i] + static_cast<double>(m.used[i]) * (m.sim.now() - m.last_change[i]).seconds();
    o.mean = span > 0 ? integral / span : static_cast<double>(m.used[i]);
    s.occupancy.push_back(o);
  }
  return s;
}

}  // namespace labtwin::twin::dtn
