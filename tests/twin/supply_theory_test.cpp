// The lab twin's stock loop with the lead time carried by a lane of the supply network, against
// inventory theory:
// (1) continuous-review base stock S, Poisson demand (rate lambda), constant lead time L:
//     by Palm's theorem the units on order at a random time are Poisson(lambda L), so (PASTA)
//       fill rate            = P(D <= S - 1),      D ~ Poisson(lambda L)
//       expected backorders  = E[(D - S)^+] = sum_{k > S} (k - S) P(D = k)
//     (Hadley & Whitin 1963, ch. 4; Zipkin 2000, Foundations of Inventory Management, sec. 6.2);
// (2) periodic-review (s,S) with backorders: the Zheng & Federgruen (1991) optimal costs of
//     ../shared/data/inventory/zheng-federgruen-1991.csv (lead time 0: a lane with zero transit),
//     and with a 2-day lane the optimum that the core's Z&F algorithm finds for L = 2 (the same
//     formula with demand over L + 1 periods, core/policy/poisson_ss.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "labtwin/core/policy/poisson_ss.hpp"
#include "labtwin/sim/analytic.hpp"
#include "labtwin/sim/statistics.hpp"
#include "labtwin/twin/lab_model.hpp"

using namespace labtwin;

namespace {

/// One site, one item sourced from `vendor` over one lane `vendor -> lab` of constant transit.
twin::ScenarioDef lane_scenario(double per_day, twin::InventoryPolicyDef policy, double initial,
                                double lead_days, int days, std::uint64_t seed) {
  twin::ScenarioDef sc;
  sc.meta.name = "supply-theory";
  sc.seed = seed;
  sc.clock.start_us = 0;
  sc.clock.horizon = sim::Time::days(days);
  twin::SiteDef site;
  site.id = "lab";
  sc.sites.push_back(site);
  twin::ItemDef item;
  item.sku = "reagent";
  item.storage_class = "room";
  item.unit_value = 1;
  item.initial = initial;
  twin::DemandDef d;
  d.site = "lab";
  d.rate_per_s = per_day / 86400.0;
  d.weekend_factor = 1.0;  // stationary demand, as in the theory
  item.demand = d;
  item.policy = policy;
  item.lead_time = "const(30d)";  // ignored: the item is sourced through the network
  sc.items.push_back(item);
  twin::SupplierDef vendor;
  vendor.id = "vendor";
  sc.supply.suppliers.push_back(vendor);
  twin::LaneDef lane;
  lane.from = "vendor";
  lane.to = "lab";
  lane.transit = "const(" + std::to_string(static_cast<long>(lead_days * 24 * 3600)) + "s)";
  sc.supply.lanes.push_back(lane);
  twin::SourcingDef so;
  so.sku = "reagent";
  so.supplier = "vendor";
  sc.supply.sourcing.push_back(so);
  return sc;
}

double poisson_pmf(long k, double m) {
  return std::exp(static_cast<double>(k) * std::log(m) - m -
                  std::lgamma(static_cast<double>(k) + 1));
}

/// 99% half-width of a batch-means estimate.
double half_width(const sim::Tally& t) {
  return sim::student_t_quantile(0.995, static_cast<double>(t.count() - 1)) * t.stddev() /
         std::sqrt(static_cast<double>(t.count()));
}

}  // namespace

TEST(SupplyTheory, BaseStockOverALaneMatchesPoissonFillRateAndBackorders) {
  const double lambda = 2.0, lead = 5.0;  // per day, days: lambda L = 10
  const long S = 12;
  const double m = lambda * lead;
  double fill_theory = 0, backorders_theory = 0;
  for (long k = 0; k <= S - 1; ++k) fill_theory += poisson_pmf(k, m);
  for (long k = S + 1; k < 200; ++k)
    backorders_theory += static_cast<double>(k - S) * poisson_pmf(k, m);
  twin::InventoryPolicyDef p;
  p.type = twin::InventoryPolicyType::base_stock;
  p.S = static_cast<double>(S);
  constexpr int kWarmup = 50, kBatches = 40, kBatchDays = 200;
  twin::LabModel model(
      lane_scenario(lambda, p, static_cast<double>(S), lead, kWarmup + kBatches * kBatchDays, 3));
  model.run_until(sim::Time::days(kWarmup));
  sim::Tally fill, backorders;
  auto st = model.item_status("reagent");
  double demand0 = st.demand, filled0 = st.filled;
  for (int b = 0; b < kBatches; ++b) {
    double bo_sum = 0;
    int samples = 0;
    for (int k = 1; k <= kBatchDays * 10; ++k) {  // backorders sampled every 2.4 h
      model.run_until(sim::Time::days(kWarmup + b * kBatchDays) + sim::Time::min(144) * k);
      bo_sum += model.item_status("reagent").backorders;
      ++samples;
    }
    st = model.item_status("reagent");
    fill.add((st.filled - filled0) / (st.demand - demand0));
    backorders.add(bo_sum / samples);
    demand0 = st.demand;
    filled0 = st.filled;
  }
  const auto r = model.result();
  std::printf(
      "base stock S=%ld, lambda L=%.0f: fill %.4f +- %.4f (theory %.4f), backorders %.4f "
      "+- %.4f (theory %.4f)\n",
      S, m, fill.mean(), half_width(fill), fill_theory, backorders.mean(), half_width(backorders),
      backorders_theory);
  EXPECT_NEAR(fill.mean(), fill_theory, half_width(fill));
  EXPECT_NEAR(backorders.mean(), backorders_theory, half_width(backorders));
  // The orders went through the network: one shipment per order, none still in a lead_time PO.
  double shipments = -1, checks = -1;
  for (const auto& k : r.kpis) {
    if (k.name == "supply_shipments") shipments = k.value;
    if (k.name == "supply_conservation_checks") checks = k.value;
  }
  EXPECT_GT(shipments, 0.9 * st.orders);
  EXPECT_GT(checks, shipments);
}

namespace {

struct Row {
  double mean, h, p, K;
  long s, S;
  double cost;
};

std::vector<Row> zf_rows() {
  std::ifstream in(std::string(LABTWIN_SHARED_DATA_DIR) + "/inventory/zheng-federgruen-1991.csv");
  std::vector<Row> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::replace(line.begin(), line.end(), ',', ' ');
    std::istringstream ls(line);
    Row r{};
    int lead = 0;
    if (ls >> r.mean >> r.h >> r.p >> r.K >> lead >> r.s >> r.S >> r.cost) rows.push_back(r);
  }
  return rows;
}

/// Long-run cost per period, (R = 1 d, s, S) with the lane carrying `lead` days; (mean, 99% CI).
std::pair<double, double> simulate_cost(const Row& r, double lead, std::uint64_t seed) {
  constexpr int kPeriods = 8000, kWarmup = 100, kBatches = 40;
  twin::InventoryPolicyDef p;
  p.type = twin::InventoryPolicyType::RsS;
  p.s = static_cast<double>(r.s);
  p.S = static_cast<double>(r.S);
  p.R = sim::Time::days(1);
  twin::LabModel model(
      lane_scenario(r.mean, p, static_cast<double>(r.S), lead, kPeriods + kWarmup + 1, seed));
  sim::Tally batches;
  double batch_sum = 0, orders_before = 0;
  int in_batch = 0;
  for (int k = 0; k < kPeriods + kWarmup; ++k) {
    // Period k is [k d, (k+1) d): its review (and any order) at k d; costs at its end.
    model.run_until(sim::Time::days(k + 1) - sim::Time::us(1));
    const auto st = model.item_status("reagent");
    const double orders = st.orders - orders_before;
    orders_before = st.orders;
    const double cost = r.K * orders + r.h * st.on_hand + r.p * st.backorders;
    if (k < kWarmup) continue;
    batch_sum += cost;
    if (++in_batch == kPeriods / kBatches) {
      batches.add(batch_sum / in_batch);
      batch_sum = 0;
      in_batch = 0;
    }
  }
  return {batches.mean(), half_width(batches)};
}

}  // namespace

TEST(SupplyTheory, PeriodicSsOverAZeroTransitLaneReproducesZhengFedergruen) {
  const auto rows = zf_rows();
  if (rows.empty()) GTEST_SKIP() << "../shared/data/inventory/zheng-federgruen-1991.csv is absent";
  for (std::size_t i : {std::size_t{0}, std::size_t{4}, std::size_t{8}}) {  // means 10, 30, 50
    const Row& r = rows.at(i);
    const auto [cost, half] = simulate_cost(r, 0.0, 500 + i);
    std::printf("Z&F mean %2.0f (s,S)=(%ld,%ld), lane 0 d: table %.3f, simulated %.3f +- %.3f\n",
                r.mean, r.s, r.S, r.cost, cost, half);
    EXPECT_NEAR(cost, r.cost, std::max(0.01 * r.cost, half)) << "mean " << r.mean;
  }
}

TEST(SupplyTheory, PeriodicSsOverATwoDayLaneReachesTheZhengFedergruenOptimumForL2) {
  const auto rows = zf_rows();
  if (rows.empty()) GTEST_SKIP() << "../shared/data/inventory/zheng-federgruen-1991.csv is absent";
  for (std::size_t i : {std::size_t{0}, std::size_t{4}}) {
    const Row& t = rows.at(i);
    const auto opt = core::optimal_ss_poisson(t.mean, t.h, t.p, t.K, 2);
    const Row r{t.mean, t.h, t.p, t.K, opt.s, opt.S, opt.cost};
    const auto [cost, half] = simulate_cost(r, 2.0, 900 + i);
    std::printf("Z&F mean %2.0f L=2: optimal (s,S)=(%ld,%ld) cost %.3f, simulated %.3f +- %.3f\n",
                r.mean, r.s, r.S, r.cost, cost, half);
    EXPECT_NEAR(cost, r.cost, std::max(0.01 * r.cost, half)) << "mean " << r.mean;
    // A lane is not free: the same demand costs more with the 2-day lead time.
    EXPECT_GT(opt.cost, t.cost);
  }
}
