#pragma once
/// @file The `dtn:` scenario block (docs/twins/dtn.md): DTN nodes mapped to sites, the contact
/// plan as periodic passes and/or contacts imported from a plan file, and bundle settings. Plain
/// structs with defaults, filled by the scenario loader; no logic. Resupply windows are lanes of
/// the supply chain (`supply.lanes[].schedule`), not part of this block.
#include <cstdint>
#include <string>
#include <vector>

#include "labtwin/sim/time.hpp"

namespace labtwin::twin {

/// `dtn.nodes[]:` a DTN node, at a site or a relay (no site).
struct DtnNodeDef {
  std::uint64_t node = 0;  ///< node number (ipn:N)
  std::string site;        ///< site id, empty for a relay (satellite, ground station)
};

/// `dtn.passes[]:` a contact repeated every `every` from `first` (scenario offsets).
struct DtnPassDef {
  std::uint64_t from = 0;                   ///< transmitting node
  std::uint64_t to = 0;                     ///< receiving node
  sim::Time first = sim::Time::zero();      ///< start of the first pass after the start
  sim::Time every = sim::Time::h(24);       ///< time between pass starts
  sim::Time duration = sim::Time::min(10);  ///< length of a pass
  double rate = 1000;                       ///< bytes/s
  sim::Time owlt = sim::Time::zero();       ///< one-way light time
  bool both_ways = true;                    ///< also `to` -> `from` at the same times
};

/// One contact of `dtn.plan:` (a contact-plan file), in scenario time.
struct DtnContactDef {
  std::uint64_t from = 0;               ///< transmitting node
  std::uint64_t to = 0;                 ///< receiving node
  sim::Time start = sim::Time::zero();  ///< contact start, offset from the scenario start
  sim::Time end = sim::Time::zero();    ///< contact end (> start)
  double rate = 0;                      ///< bytes/s
  sim::Time owlt = sim::Time::zero();   ///< one-way light time
  double confidence = 1.0;              ///< probability the contact happens as planned
};

/// `dtn:` the remote sites' links to headquarters (absent: every site talks to HQ instantly).
struct DtnDef {
  bool enabled = false;                            ///< the block is present
  std::string hq;                                  ///< site id of headquarters
  std::vector<DtnNodeDef> nodes;                   ///< nodes and their sites
  std::vector<DtnPassDef> passes;                  ///< periodic passes of the contact plan
  std::string plan_file;                           ///< `dtn.plan:` file (empty: none)
  std::vector<DtnContactDef> plan;                 ///< its contacts, in scenario time
  std::uint64_t storage = 10'000'000;              ///< bytes per node
  double loss = 0.0;                               ///< loss probability per transmission
  bool custody = true;                             ///< bundles request custody transfer
  sim::Time custody_timeout = sim::Time::min(30);  ///< slack beyond the round trip
  sim::Time lifetime = sim::Time::days(30);        ///< bundle lifetime
  std::uint64_t request_size = 2'000;              ///< bytes of a reorder request
  std::uint64_t alarm_size = 500;                  ///< bytes of an alarm notification
  std::uint64_t telemetry_size = 50'000;           ///< bytes of a telemetry summary
  sim::Time telemetry_every = sim::Time::days(1);  ///< summaries per remote site (0: none)
};

}  // namespace labtwin::twin
