// The frozen shipment's thermal twin: a passive shipper's dry ice (a sim::Container) sublimates
// under the heat leak; a delayed shipment runs out, warms and is rejected at receipt, an on-time
// one arrives cold and is accepted. Known answers from the model's physics:
//   sublimation rate   m' = UA (T_air - T_ice) / L_sub,  T_ice = -78.5 C, L_sub = 571 kJ/kg
//   (CO2 enthalpy of sublimation at 1 atm, CRC Handbook);
//   warming after the ice is gone (lumped capacitance, Newton's law of cooling):
//   T(t) = T_air + (T_0 - T_air) exp(-(t - t_0) / tau),  tau = C / UA,
//   so the limit is crossed at t_0 + tau ln((T_air - T_0) / (T_air - T_limit)).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "labtwin/sim/simulation.hpp"
#include "labtwin/twin/supply_model.hpp"

using namespace labtwin;

namespace {

constexpr double kDay = 86400.0;

struct Site final : twin::SupplySiteSink {
  std::vector<twin::SupplyDelivery> got;
  std::vector<double> at;
  double on_hand = 0, written_off = 0;
  const sim::Simulation* sim = nullptr;
  void on_delivery(const twin::SupplyDelivery& d) override {
    got.push_back(d);
    got.back().lots = nullptr;
    at.push_back(sim->now().seconds());
    (d.excursion ? written_off : on_hand) += d.quantity;
  }
  twin::SiteBalance site_balance(std::size_t) const override {
    return {on_hand, 0.0, written_off, 0.0};
  }
};

twin::PackagingDef passive() {
  twin::PackagingDef p;
  p.type = twin::PackagingType::passive;
  p.dry_ice_kg = 10.0;
  p.ua_w_per_k = 0.3;
  p.heat_capacity_j_per_k = 4000.0;
  p.limit_c = -60.0;
  return p;
}

/// Supplier "vendor" -> (optionally hub "dock") -> site "lab"; frozen item "cells".
twin::SupplyDef network(double transit_days, bool via_dock, twin::PackagingDef pack) {
  twin::SupplyDef d;
  twin::SupplierDef s;
  s.id = "vendor";
  d.suppliers.push_back(s);
  twin::HubDef h;
  h.id = "dock";
  d.hubs.push_back(h);
  auto lane = [&](const char* from, const char* to) {
    twin::LaneDef l;
    l.from = from;
    l.to = to;
    l.transit = "const(" + std::to_string(transit_days * 24.0) + "h)";
    l.cold_chain = true;
    l.ambient_c = 20.0;
    d.lanes.push_back(l);
  };
  if (via_dock) {
    lane("vendor", "dock");
    lane("dock", "lab");
  } else {
    lane("vendor", "lab");
  }
  twin::SourcingDef so;
  so.sku = "cells";
  so.supplier = "vendor";
  so.frozen = true;
  so.packaging = pack;
  d.sourcing.push_back(so);
  return d;
}

std::vector<twin::SupplyItemSpec> items(const twin::SupplyDef& d) {
  twin::SupplyItemSpec it;
  it.sku = "cells";
  it.site = "lab";
  it.unit_value = 500.0;
  it.sourcing = d.sourcing.front();
  return {it};
}

struct ShipRun {
  sim::Simulation sim;
  Site site;
  std::unique_ptr<twin::SupplyModel> model;
  explicit ShipRun(const twin::SupplyDef& d) {
    site.sim = &sim;
    model = std::make_unique<twin::SupplyModel>(sim, d, items(d), std::vector<std::string>{"lab"},
                                                twin::SupplyModelConfig{}, &site);
  }
};

const double kRate = 0.3 * (20.0 + 78.5) / 571000.0;  // kg/s of dry ice at 20 C
const double kTau = 4000.0 / 0.3;                     // s

}  // namespace

TEST(SupplyShipper, OnTimePassiveShipperArrivesColdAndIsAccepted) {
  ShipRun r(network(2.0, false, passive()));
  r.model->order(0, 5);
  r.sim.run();
  ASSERT_EQ(r.site.got.size(), 1u);
  const auto& d = r.site.got[0];
  EXPECT_NEAR(r.site.at[0], 2 * kDay, 1e-6);
  EXPECT_FALSE(d.excursion);
  EXPECT_DOUBLE_EQ(d.max_payload_c, -78.5);
  EXPECT_TRUE(std::isnan(d.depleted_at_s));
  // 10 kg - 2 d x m' = 1.0574 kg left.
  EXPECT_NEAR(d.coolant_left, 10.0 - 2 * kDay * kRate, 1e-6);
  EXPECT_EQ(r.site.on_hand, 5);
  EXPECT_EQ(r.model->stats().excursions, 0);
}

TEST(SupplyShipper, DelayedPassiveShipperRunsOutWarmsAndIsRejected) {
  // Same 2-day lane, but a 3-day customs hold at the lab from day 1: the ice runs out at
  // 10 / m' = 193,232 s (2.24 d), the payload crosses -60 C tau ln(98.5 / 80) = 2,772 s later.
  auto def = network(2.0, false, passive());
  twin::DisruptionDef hold;
  hold.kind = twin::DisruptionKind::customs_hold;
  hold.target = "lab";
  hold.at_us = static_cast<std::int64_t>(1 * kDay * 1e6);
  hold.duration = sim::Time::days(3);
  def.disruptions.push_back(hold);
  ShipRun r(def);
  r.model->order(0, 5);
  const double empty_at = 10.0 / kRate;
  const double cross_at = empty_at + kTau * std::log(98.5 / 80.0);
  r.sim.run_until(sim::Time::from_seconds(cross_at - 60));
  EXPECT_EQ(r.model->stats().excursions, 0);
  r.sim.run_until(sim::Time::from_seconds(cross_at + 60));
  EXPECT_EQ(r.model->stats().excursions, 1);
  r.sim.run();
  ASSERT_EQ(r.site.got.size(), 1u);
  const auto& d = r.site.got[0];
  EXPECT_NEAR(r.site.at[0], 4 * kDay, 1e-6);  // released when the hold ends
  EXPECT_NEAR(d.depleted_at_s, empty_at, 1e-3);
  EXPECT_NEAR(d.coolant_left, 0.0, 1e-9);
  EXPECT_TRUE(d.excursion);
  // At release the payload is T_air + (T_ice - T_air) exp(-(4 d - t_empty) / tau).
  const double expect_c = 20.0 - 98.5 * std::exp(-(4 * kDay - empty_at) / kTau);
  EXPECT_NEAR(d.max_payload_c, expect_c, 1e-6);
  EXPECT_EQ(r.site.written_off, 5);
  EXPECT_EQ(r.site.on_hand, 0);
  EXPECT_DOUBLE_EQ(r.model->stats().spoiled_value, 5 * 500.0);
  EXPECT_EQ(r.model->item_stats(0).spoiled, 5);
}

TEST(SupplyShipper, ReIcingAtAHubSavesALongJourney) {
  // 2 x 1.5 d = 3 d > 2.24 d of ice: without the cross-dock stop the payload would warm; the
  // dock re-ices to 10 kg, so 1.5 d x m' is used after it.
  ShipRun r(network(1.5, true, passive()));
  r.model->order(0, 3);
  r.sim.run();
  ASSERT_EQ(r.site.got.size(), 1u);
  EXPECT_FALSE(r.site.got[0].excursion);
  EXPECT_NEAR(r.site.got[0].coolant_left, 10.0 - 1.5 * kDay * kRate, 1e-6);
  // The same 3-day journey on one lane is an excursion.
  ShipRun direct(network(3.0, false, passive()));
  direct.model->order(0, 3);
  direct.sim.run();
  ASSERT_EQ(direct.site.got.size(), 1u);
  EXPECT_TRUE(direct.site.got[0].excursion);
}

TEST(SupplyShipper, ActiveContainerHoldsSetpointUntilItsBatteryIsFlat) {
  twin::PackagingDef p;
  p.type = twin::PackagingType::active;
  p.battery_wh = 2000.0;
  p.power_w = 60.0;  // 33.3 h of autonomy
  p.setpoint_c = -80.0;
  p.ua_w_per_k = 0.3;
  p.heat_capacity_j_per_k = 4000.0;
  p.limit_c = -60.0;
  ShipRun ok(network(1.0, false, p));
  ok.model->order(0, 1);
  ok.sim.run();
  ASSERT_EQ(ok.site.got.size(), 1u);
  EXPECT_FALSE(ok.site.got[0].excursion);
  EXPECT_DOUBLE_EQ(ok.site.got[0].max_payload_c, -80.0);
  EXPECT_NEAR(ok.site.got[0].coolant_left, 2000.0 - 24.0 * 60.0, 1e-6);
  ShipRun late(network(2.0, false, p));
  late.model->order(0, 1);
  late.sim.run();
  ASSERT_EQ(late.site.got.size(), 1u);
  EXPECT_TRUE(late.site.got[0].excursion);
  EXPECT_NEAR(late.site.got[0].depleted_at_s, 2000.0 / 60.0 * 3600.0, 1e-3);
  const double t_empty = 2000.0 / 60.0 * 3600.0;
  EXPECT_NEAR(late.site.got[0].max_payload_c, 20.0 - 100.0 * std::exp(-(2 * kDay - t_empty) / kTau),
              1e-6);
}
