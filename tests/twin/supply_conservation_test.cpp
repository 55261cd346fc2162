// Conservation across the network: every unit created by a supplier is on hand (hub or site),
// in transit, issued or written off at every moment, through partial fills, MOQ and packs,
// capacity limits, stochastic and scripted supplier outages, lane closures (reroutes and stalls),
// customs holds that spoil frozen shipments, hub expiries and a demand surge. The model checks
// the balance after each of its own events (and throws if it breaks); the test checks it again
// every simulated hour from outside, and shows that a site that loses a unit is caught.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "labtwin/sim/random.hpp"
#include "labtwin/sim/simulation.hpp"
#include "labtwin/twin/supply_model.hpp"

using namespace labtwin;

namespace {

constexpr double kDay = 86400.0;

/// A site with Poisson demand per item, continuous (s,S) review on the network's on-order.
struct Site final : twin::SupplySiteSink {
  struct Stock {
    double rate_per_day = 0, factor = 1, s = 0, S = 0;
    double on_hand = 0, issued = 0, written_off = 0, initial = 0, backorders = 0;
  };
  sim::Simulation* sim = nullptr;
  twin::SupplyModel* model = nullptr;
  std::vector<Stock> stock;
  sim::RandomStream rng{7, 0, "test/demand"};
  double leak = 0.0;  // units "lost" per delivery (a broken site)

  void on_delivery(const twin::SupplyDelivery& d) override {
    auto& k = stock[d.item];
    double lot_sum = 0;
    for (const auto& l : *d.lots) lot_sum += l.quantity;
    EXPECT_NEAR(lot_sum, d.quantity, 1e-9) << "lots add up to the shipment";
    if (d.excursion) {
      k.written_off += d.quantity;
    } else {
      k.on_hand += d.quantity - leak;
      const double q = std::min(k.backorders, std::floor(k.on_hand));
      k.on_hand -= q;
      k.issued += q;
      k.backorders -= q;
    }
    review(d.item);
  }
  twin::SiteBalance site_balance(std::size_t i) const override {
    const auto& k = stock[i];
    return {k.on_hand, k.issued, k.written_off, k.initial};
  }
  void on_demand_factor(std::size_t i, double f) override { stock[i].factor *= f; }

  void review(std::size_t i) {
    auto& k = stock[i];
    const double pos = k.on_hand + model->on_order(i) - k.backorders;
    if (pos <= k.s) model->order(i, k.S - pos);
  }
  void demand(std::size_t i) {
    auto& k = stock[i];
    const double rate = k.rate_per_day * k.factor / kDay;
    const double gap = -std::log(rng.uniform01()) / rate;
    sim->schedule_in(sim::Time::from_seconds(gap), [this, i] {
      auto& x = stock[i];
      if (x.on_hand >= 1) {
        x.on_hand -= 1;
        x.issued += 1;
      } else {
        x.backorders += 1;
      }
      review(i);
      demand(i);
    });
  }
};

twin::SupplyDef stressed_network() {
  twin::SupplyDef d;
  twin::SupplierDef acme;
  acme.id = "acme";
  acme.lead_time = "exp(2d)";
  acme.fill_rate = 0.7;
  acme.partial_shipments = true;
  acme.moq = 10;
  acme.pack_size = 5;
  acme.capacity = 60;
  acme.capacity_period = sim::Time::days(7);
  acme.outages = twin::SupplierOutagesDef{"exp(30d)", "exp(3d)"};
  d.suppliers.push_back(acme);
  twin::SupplierDef cryo;
  cryo.id = "cryo";
  cryo.lead_time = "uniform(1d, 3d)";
  cryo.fill_rate = 0.9;
  cryo.partial_shipments = false;
  d.suppliers.push_back(cryo);
  twin::HubDef hub;
  hub.id = "central";
  d.hubs.push_back(hub);
  auto lane = [&](const char* id, const char* from, const char* to, const char* transit, bool cold,
                  double cap = 0) {
    twin::LaneDef l;
    l.id = id;
    l.from = from;
    l.to = to;
    l.transit = transit;
    l.cold_chain = cold;
    l.capacity = cap;
    l.cost_per_shipment = 50;
    l.cost_per_unit = 1;
    d.lanes.push_back(l);
  };
  lane("acme-lab", "acme", "lab", "const(3d)", false, 25);
  lane("acme-relay", "acme", "relay", "exp(2d)", false);
  lane("relay-lab", "relay", "lab", "const(2d)", false);
  lane("cryo-central", "cryo", "central", "const(1d)", true);
  lane("central-lab", "central", "lab", "const(1d)", true);
  d.lanes.back().schedule = twin::LaneScheduleDef{sim::Time::days(2), sim::Time::h(6)};
  d.lanes.back().capacity = 30;
  d.hubs.push_back({"relay", "cross-dock"});
  auto disrupt = [&](twin::DisruptionKind k, const char* target, double at_day, int days) {
    twin::DisruptionDef x;
    x.kind = k;
    x.target = target;
    x.at_us = static_cast<std::int64_t>(at_day * kDay * 1e6);
    x.duration = sim::Time::days(days);
    x.factor = 3.0;
    d.disruptions.push_back(x);
  };
  disrupt(twin::DisruptionKind::lane_closure, "acme-lab", 20, 15);
  disrupt(twin::DisruptionKind::lane_closure, "relay-lab", 25, 5);  // no route at all 25-30
  disrupt(twin::DisruptionKind::supplier_outage, "cryo", 60, 21);
  disrupt(twin::DisruptionKind::customs_hold, "central", 100, 30);
  disrupt(twin::DisruptionKind::demand_surge, "media", 120, 10);
  twin::SourcingDef media;
  media.sku = "media";
  media.supplier = "acme";
  media.route = twin::RouteObjectiveDef::time;
  d.sourcing.push_back(media);
  twin::SourcingDef cells;
  cells.sku = "cells";
  cells.supplier = "cryo";
  cells.hub = "central";
  cells.frozen = true;
  cells.packaging.type = twin::PackagingType::passive;
  cells.packaging.dry_ice_kg = 10;
  cells.hub_policy = twin::HubPolicyDef{"sS", 20.0, 60.0, std::nullopt, std::nullopt};
  cells.hub_initial = 40;
  d.sourcing.push_back(cells);
  return d;
}

std::vector<twin::SupplyItemSpec> specs(const twin::SupplyDef& d) {
  std::vector<twin::SupplyItemSpec> v;
  for (const auto& so : d.sourcing) {
    twin::SupplyItemSpec it;
    it.sku = so.sku;
    it.site = "lab";
    it.unit_value = so.sku == "cells" ? 400 : 20;
    if (so.sku == "cells") it.shelf_life = sim::Time::days(30);
    it.sourcing = so;
    v.push_back(it);
  }
  return v;
}

struct World {
  sim::Simulation sim;
  Site site;
  std::unique_ptr<twin::SupplyModel> model;
  explicit World(std::uint64_t seed, double leak = 0.0) {
    const auto def = stressed_network();
    site.sim = &sim;
    site.leak = leak;
    site.stock = {{6, 1, 15, 50, 30, 0, 0, 30, 0}, {2, 1, 4, 20, 10, 0, 0, 10, 0}};
    twin::SupplyModelConfig cfg;
    cfg.seed = seed;
    model = std::make_unique<twin::SupplyModel>(sim, def, specs(def),
                                                std::vector<std::string>{"lab"}, cfg, &site);
    site.model = model.get();
    for (std::size_t i = 0; i < 2; ++i) {
      site.review(i);
      site.demand(i);
    }
  }
};

}  // namespace

TEST(SupplyConservation, HoldsEveryHourThroughDisruptions) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    World w(seed);
    double worst = 0;
    for (int h = 1; h <= 200 * 24; ++h) {
      w.sim.run_until(sim::Time::h(h));
      for (double gap : w.model->imbalance()) worst = std::max(worst, std::abs(gap));
    }
    EXPECT_LT(worst, 1e-6) << "seed " << seed;
    const auto st = w.model->stats();
    const auto media = w.model->item_stats(0), cells = w.model->item_stats(1);
    // Every disruption left a mark (so the balance was tested under each of them).
    EXPECT_GT(st.conservation_checks, 100) << "seed " << seed;
    EXPECT_GT(st.reroutes, 0) << "acme-lab closed: media goes via the relay";
    EXPECT_GT(st.stalled, 0) << "both routes to the lab closed on days 25-30";
    EXPECT_GT(st.excursions, 0) << "the customs hold at central spoils frozen shipments";
    EXPECT_GT(cells.spoiled, 0);
    EXPECT_GT(cells.hub_written_off, 0) << "spoiled at the hub (and expired lots)";
    EXPECT_GE(st.supplier_down_seconds, 21 * kDay) << "cryo's outage, plus acme's random ones";
    EXPECT_GT(media.created, 0);
    EXPECT_GT(cells.created, 0);
    EXPECT_GT(st.shipping_cost, 0);
    EXPECT_GT(st.orders_completed, 10);
    // Units: created + initial = hub + transit + site on hand + issued + written off.
    for (std::size_t i = 0; i < 2; ++i) {
      const auto s = w.model->item_stats(i);
      const auto b = w.site.site_balance(i);
      const double initial = b.initial + (i == 1 ? 40.0 : 0.0);
      EXPECT_NEAR(
          s.created + initial,
          s.hub_on_hand + s.hub_written_off + s.in_transit + b.on_hand + b.issued + b.written_off,
          1e-6);
    }
  }
}

TEST(SupplyConservation, SameSeedSameRun) {
  World a(11), b(11);
  a.sim.run_until(sim::Time::days(150));
  b.sim.run_until(sim::Time::days(150));
  EXPECT_EQ(a.sim.fingerprint(), b.sim.fingerprint());
  EXPECT_EQ(a.model->stats().shipping_cost, b.model->stats().shipping_cost);
  World c(12);
  c.sim.run_until(sim::Time::days(150));
  EXPECT_NE(a.sim.fingerprint(), c.sim.fingerprint());
}

TEST(SupplyConservation, ASiteThatLosesUnitsIsCaught) {
  World w(1, 0.5);  // the site books half a unit less than each delivery
  try {
    w.sim.run_until(sim::Time::days(200));
    FAIL() << "the imbalance went unnoticed";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("conservation broken"), std::string::npos) << e.what();
  }
}
