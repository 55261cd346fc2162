// Risk views: the payload's warming and its time to the damage limit (linear extrapolation,
// checked on exact ramps), lots near expiry, and the live session's lots and orders from the
// ledger against the biobank incident's known facts (50 boxes rescued out of A-07).
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <map>

#include "labtwin/adapters/scenario_loader.hpp"
#include "labtwin/viz/panels.hpp"
#include "labtwin/viz/sim_session.hpp"

namespace labtwin::viz {
namespace {

using namespace std::chrono_literals;

// A payload ramp: -80 C at 0 s, rising `k_per_h` per hour, sampled every minute for `hours`.
FreezerState ramp(double k_per_h, double hours) {
  FreezerState f;
  f.damage_c = -60.0;
  for (double t = 0; t <= hours * 3600.0 + 1e-9; t += 60.0) {
    f.history.t_s.push_back(t);
    f.history.payload_c.push_back(-80.0 + k_per_h * t / 3600.0);
    f.history.air_c.push_back(-80.0);
  }
  return f;
}

TEST(WarmingRisk, LinearExtrapolationToTheDamageLimit) {
  // 2 K/h for 3 h: the payload is at -74 C, 14 K below -60 C: 14 / 2 = 7 h to go.
  const auto r = warming_risk(ramp(2.0, 3.0));
  EXPECT_NEAR(r.rate_c_per_h, 2.0, 1e-9);
  EXPECT_NEAR(r.seconds_to_damage, 7.0 * 3600.0, 1e-6);
  // Flat or cooling: never.
  EXPECT_LT(warming_risk(ramp(0.0, 3.0)).seconds_to_damage, 0.0);
  EXPECT_LT(warming_risk(ramp(-1.0, 3.0)).seconds_to_damage, 0.0);
  // Already past the limit: 0. (25 K/h for 1 h: -55 C.)
  EXPECT_EQ(warming_risk(ramp(25.0, 1.0)).seconds_to_damage, 0.0);
  // Only the last window counts: flat for 5 h, then 4 K/h for the last hour (-76 C): 4 h.
  FreezerState f = ramp(0.0, 5.0);
  for (double t = 5 * 3600.0 + 60.0; t <= 6 * 3600.0 + 1e-9; t += 60.0) {
    f.history.t_s.push_back(t);
    f.history.payload_c.push_back(-80.0 + 4.0 * (t - 5 * 3600.0) / 3600.0);
  }
  const auto g = warming_risk(f, 3600.0);
  EXPECT_NEAR(g.rate_c_per_h, 4.0, 1e-9);
  EXPECT_NEAR(g.seconds_to_damage, 16.0 / 4.0 * 3600.0, 1e-6);
  // Unknown limit or too little history: no estimate.
  FreezerState u = ramp(2.0, 3.0);
  u.damage_c = std::nan("");
  EXPECT_LT(warming_risk(u).seconds_to_damage, 0.0);
  EXPECT_LT(warming_risk(FreezerState{}).seconds_to_damage, 0.0);
}

TEST(LotsNearExpiry, WindowAndOrder) {
  Snapshot s;
  s.now_s = 1000;
  s.lots = {{"a", "X", "", 1, 5000, true},
            {"b", "X", "", 1, -1, true},
            {"c", "X", "", 1, 900, true},
            {"d", "X", "", 1, 100000, true},
            {"e", "X", "", 1, 2000, false}};
  // Within 10,000 s of now (by 11,000 s), expired included, soonest first; no expiry never.
  EXPECT_EQ(lots_near_expiry(s, 10000), (std::vector<std::size_t>{2, 4, 0}));
}

TEST(LiveLots, RescueMovesFiftyBoxesOutOfTheFailedFreezer) {
  auto loaded =
      adapters::load_scenario(LABTWIN_SOURCE_DIR "/scenarios/biobank-freezer-failure.yaml");
  ASSERT_TRUE(loaded.ok());
  SessionOptions o;
  o.speed = 0.0;
  o.keyframe_every_s = 0.0;
  SimSession live(*loaded.scenario, o);
  const auto count = [](const Snapshot& s) {
    std::map<std::string, std::size_t> n;
    for (const auto& l : s.lots) ++n[l.unit];
    return n;
  };
  live.jump_to(3600.0);
  ASSERT_TRUE(live.wait_until(3600.0, 60s));
  ASSERT_TRUE(live.wait_idle(60s));
  const auto before = live.snapshot();
  ASSERT_TRUE(before->has_ledger);
  const auto b = count(*before);
  // The incident's KPIs say 50 boxes rescued and 35 stranded: A-07 holds 85 boxes.
  ASSERT_EQ(b.count("A-07"), 1u);
  EXPECT_EQ(b.at("A-07"), 85u);
  live.jump_to(12.5 * 3600.0);  // after the rescue (04:44 local)
  ASSERT_TRUE(live.wait_until(12.5 * 3600.0, 60s));
  ASSERT_TRUE(live.wait_idle(60s));
  const auto after = live.snapshot();
  const auto a = count(*after);
  const std::size_t left = a.count("A-07") ? a.at("A-07") : 0;
  EXPECT_EQ(left, 35u);  // the stranded ones
  std::size_t gained = 0;
  for (const auto& f : after->freezers)
    if (f.backup) {
      const std::size_t was = b.count(f.id) ? b.at(f.id) : 0;
      const std::size_t now = a.count(f.id) ? a.at(f.id) : 0;
      gained += now - was;
    }
  EXPECT_EQ(gained, 50u);  // into the backup units
  // Orders in the snapshot are open ones only, each for a known SKU.
  for (const auto& po : after->open_orders) {
    EXPECT_NE(po.state, "released");
    EXPECT_FALSE(po.sku.empty());
  }
}

}  // namespace
}  // namespace labtwin::viz
