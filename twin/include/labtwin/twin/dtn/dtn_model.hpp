#pragma once
/// @file Bundles over a contact plan on the simulation kernel (BPv7 semantics, RFC 9171).
///
/// A bundle has a source, a destination, a creation time, a lifetime, a priority and a size.
/// Each node stores bundles up to its storage limit; a bundle is routed at every node by
/// contact graph routing (or the first-contact baseline), booked on the chosen contact's
/// residual volume and queued on it (priority first, then FIFO). A contact transmits one bundle
/// at a time at its rate; each transmission is lost with the contact's loss probability (one
/// draw from the model's random stream per transmission). Without custody a lost or refused
/// bundle is dropped. With custody transfer the sender keeps its copy until the custody signal
/// returns (one owlt after acceptance) and retransmits when its timer expires (2 owlt +
/// custody_timeout after the transmission ended). Bundles expire at creation + lifetime
/// wherever they are. Conservation, checked by stats():
///     created = delivered + expired + dropped + queued + in transit.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "labtwin/sim/event_id.hpp"
#include "labtwin/sim/random.hpp"
#include "labtwin/sim/time.hpp"
#include "labtwin/twin/dtn/cgr.hpp"

namespace labtwin::sim {
class Simulation;
}

namespace labtwin::twin::dtn {

/// BPv7 class of service (bundle age and priority: bulk < normal < expedited).
enum class BundlePriority : std::uint8_t { kBulk = 0, kNormal = 1, kExpedited = 2 };

/// What to send.
struct BundleSpec {
  NodeId source = 0;                                  ///< source node
  NodeId destination = 0;                             ///< destination node
  sim::Time lifetime = sim::Time::days(1);            ///< expires at creation + lifetime
  BundlePriority priority = BundlePriority::kNormal;  ///< queue order on a contact
  std::uint64_t size = 1000;                          ///< bytes (> 0)
  bool custody = false;                               ///< request custody transfer
  std::uint64_t tag = 0;                              ///< caller's payload reference
};

/// Where a bundle is.
enum class BundleState : std::uint8_t {
  kQueued,     ///< stored at `node`: on a contact queue, in limbo, or awaiting retransmission
  kInTransit,  ///< being transmitted or propagating to the next node
  kDelivered,  ///< reached its destination
  kExpired,    ///< lifetime over before delivery
  kDropped,    ///< storage full, or lost without custody
};

/// Why a bundle was dropped.
enum class DropReason : std::uint8_t { kNone, kStorageFull, kLost };

/// What happened to a bundle (observer callbacks).
enum class BundleEvent : std::uint8_t { kDelivered, kExpired, kDropped, kRetransmitted };

/// One bundle's record.
struct Bundle {
  std::uint64_t id = 0;                      ///< creation order, from 0
  BundleSpec spec;                           ///< what was sent
  sim::Time created;                         ///< creation time
  sim::Time finished;                        ///< delivery / expiry / drop time (terminal states)
  BundleState state = BundleState::kQueued;  ///< current state
  DropReason drop = DropReason::kNone;       ///< why it was dropped
  NodeId node = 0;                    ///< node holding it (queued) or sending it (in transit)
  std::uint32_t hops = 0;             ///< transmissions that arrived
  std::uint32_t retransmissions = 0;  ///< custody retransmissions
};

/// Model settings.
struct DtnConfig {
  sim::Time plan_epoch = sim::Time::zero();      ///< simulation time of the plan's t = 0
  std::uint64_t default_storage = UINT64_MAX;    ///< bytes per node unless listed below
  std::map<NodeId, std::uint64_t> storage;       ///< per-node storage limit, bytes
  double default_loss = 0;                       ///< loss probability per transmission
  std::map<std::uint64_t, double> contact_loss;  ///< per contact id (plan's `id`)
  sim::Time custody_timeout = sim::Time::s(60);  ///< slack beyond the round trip
  bool first_contact = false;    ///< route by the first-contact baseline instead of CGR
  std::uint32_t event_kind = 0;  ///< kernel event kind for this model's events
};

/// Storage occupancy of one node.
struct NodeOccupancy {
  NodeId node = 0;           ///< the node
  std::uint64_t limit = 0;   ///< its storage limit, bytes
  std::uint64_t now = 0;     ///< bytes stored now
  std::uint64_t queued = 0;  ///< bundles stored here now (not on a link)
  std::uint64_t peak = 0;    ///< largest bytes stored
  double mean = 0;           ///< time-averaged bytes stored since the model was built
};

/// Counters and distributions of a run.
struct DtnStats {
  std::uint64_t created = 0;                  ///< bundles sent
  std::uint64_t delivered = 0;                ///< reached their destination
  std::uint64_t expired = 0;                  ///< lifetime over
  std::uint64_t dropped = 0;                  ///< storage full or lost without custody
  std::uint64_t dropped_storage = 0;          ///< of which refused for lack of storage
  std::uint64_t queued = 0;                   ///< stored at a node now
  std::uint64_t in_transit = 0;               ///< on a link now
  std::uint64_t transmissions = 0;            ///< transmissions completed (lost or not)
  std::uint64_t losses = 0;                   ///< transmissions lost
  std::uint64_t custody_retransmissions = 0;  ///< retransmissions after a custody timeout
  std::vector<double> latency_s;              ///< delivery latency of each delivered bundle, s
  std::vector<NodeOccupancy> occupancy;       ///< per node, ascending node id
  /// delivered / created (0 when nothing was created).
  double delivery_ratio() const {
    return created == 0 ? 0.0 : static_cast<double>(delivered) / static_cast<double>(created);
  }
};

/// Bundle protocol agents on every node of a contact plan, driven by a Simulation.
class DtnModel {
 public:
  /// Builds the model; `losses` draws the transmission losses.
  DtnModel(sim::Simulation& sim, ContactPlan plan, DtnConfig config, sim::RandomStream losses);
  ~DtnModel();
  DtnModel(const DtnModel&) = delete;
  DtnModel& operator=(const DtnModel&) = delete;

  /// Creates a bundle at sim.now() at spec.source and forwards it; returns its id.
  /// Throws std::invalid_argument for an unknown node or a zero size.
  std::uint64_t send(const BundleSpec& spec);
  /// Called on delivery, expiry, drop and custody retransmission (may send new bundles).
  void set_observer(std::function<void(const Bundle&, BundleEvent)> observer);
  /// A bundle's record (id from send()).
  const Bundle& bundle(std::uint64_t id) const;
  /// Counters now; throws std::logic_error when conservation does not hold.
  DtnStats stats() const;
  /// The routing engine (residual volumes reflect the bookings so far).
  const ContactGraph& graph() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace labtwin::twin::dtn
