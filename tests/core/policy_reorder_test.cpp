// Reorder policies: the "<= s" convention, (s,Q) batching, periodic review instants, base stock,
// min/max, rounding, forecast-driven levels and config validation.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "labtwin/core/policy/policies.hpp"

namespace lc = labtwin::core;

namespace {
lc::InventoryPosition at(double position) { return lc::InventoryPosition{position, 0, 0, 0}; }
const lc::Instant t0{};
const lc::Span day = lc::Span::days(1);

std::string error_of(const lc::PolicyDef& def) {
  try {
    (void)lc::make_policy(def);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no exception";
}
}  // namespace

TEST(PolicyReorder, PositionCombinesAllFourQuantities) {
  const lc::InventoryPosition pos{20.0, 15.0, 4.0, 6.0};
  EXPECT_DOUBLE_EQ(pos.position(), 20.0 + 15.0 - 4.0 - 6.0);
  // The policy sees the position, not on-hand: on-order stock suppresses an order.
  lc::SsPolicy p(lc::SsDef{10.0, 30.0, {}});
  EXPECT_EQ(p.order_quantity(lc::InventoryPosition{5.0, 10.0, 0.0, 0.0}, t0), 0.0);
  EXPECT_EQ(p.order_quantity(lc::InventoryPosition{12.0, 0.0, 1.0, 1.0}, t0), 20.0);
}

TEST(PolicyReorder, SsOrdersAtOrBelowS) {
  lc::SsPolicy p(lc::SsDef{10.0, 30.0, {}});
  EXPECT_EQ(p.order_quantity(at(10.5), t0), 0.0);
  EXPECT_EQ(p.order_quantity(at(10.0), t0), 20.0);  // "<= s": equality triggers
  EXPECT_EQ(p.order_quantity(at(-4.0), t0), 34.0);
  EXPECT_TRUE(p.is_review_time(t0 + lc::Span{17}));
  EXPECT_FALSE(p.is_periodic());
  EXPECT_EQ(p.kind(), "sS");
}

TEST(PolicyReorder, SQOrdersFewestBatchesThatLiftPositionAboveS) {
  lc::SQPolicy p(lc::SQDef{10.0, 8.0, {}});
  EXPECT_EQ(p.order_quantity(at(11.0), t0), 0.0);
  EXPECT_EQ(p.order_quantity(at(10.0), t0), 8.0);    // 10 + 8 = 18 > 10
  EXPECT_EQ(p.order_quantity(at(3.0), t0), 8.0);     // 11 > 10
  EXPECT_EQ(p.order_quantity(at(2.0), t0), 16.0);    // 2 + 8 = 10 is not above s
  EXPECT_EQ(p.order_quantity(at(-15.0), t0), 32.0);  // -15 + 24 = 9, + 32 = 17
  for (double y = -40.0; y <= 10.0; y += 0.25) {
    const double q = p.order_quantity(at(y), t0);
    EXPECT_GT(y + q, 10.0) << y;
    EXPECT_LE(y + q - 8.0, 10.0) << y;  // one batch fewer would not suffice
  }
}

TEST(PolicyReorder, PeriodicPoliciesOrderOnlyAtReviews) {
  const lc::Instant origin = t0 + lc::Span::hours(6);
  lc::RSPolicy rs(lc::RSDef{lc::ReviewSchedule{day, origin}, 50.0, {}});
  lc::RsSPolicy rss(lc::RsSDef{lc::ReviewSchedule{day, origin}, 20.0, 50.0, {}});
  EXPECT_TRUE(rs.is_periodic());
  // Before the origin and between reviews: nothing.
  EXPECT_EQ(rs.order_quantity(at(10.0), t0), 0.0);
  EXPECT_EQ(rs.order_quantity(at(10.0), origin + lc::Span::hours(1)), 0.0);
  EXPECT_EQ(rss.order_quantity(at(10.0), origin + lc::Span::hours(1)), 0.0);
  // At reviews: (R,S) always tops up, (R,s,S) only when position <= s.
  const lc::Instant review3 = origin + lc::Span{3 * day.us};
  EXPECT_TRUE(rs.is_review_time(review3));
  EXPECT_FALSE(rs.is_review_time(review3 + lc::Span{1}));
  EXPECT_EQ(rs.order_quantity(at(45.0), review3), 5.0);
  EXPECT_EQ(rs.order_quantity(at(50.0), review3), 0.0);
  EXPECT_EQ(rss.order_quantity(at(45.0), review3), 0.0);
  EXPECT_EQ(rss.order_quantity(at(20.0), review3), 30.0);
  // next_review: the first review at or after now.
  EXPECT_EQ(rs.next_review(t0), origin);
  EXPECT_EQ(rs.next_review(review3), review3);
  EXPECT_EQ(rs.next_review(review3 + lc::Span{1}), review3 + day);
}

TEST(PolicyReorder, BaseStockAndMinMaxConventions) {
  lc::BaseStockPolicy bs(lc::BaseStockDef{12.0, {}});
  EXPECT_EQ(bs.order_quantity(at(12.0), t0), 0.0);
  EXPECT_EQ(bs.order_quantity(at(11.0), t0), 1.0);  // one-for-one
  EXPECT_EQ(bs.order_quantity(at(-3.0), t0), 15.0);
  // Min/max is strict: at min no order, below min order up to max.
  lc::MinMaxPolicy mm(lc::MinMaxDef{10.0, 40.0, {}});
  EXPECT_EQ(mm.order_quantity(at(10.0), t0), 0.0);
  EXPECT_EQ(mm.order_quantity(at(9.0), t0), 31.0);
  EXPECT_EQ(mm.kind(), "minmax");
}

TEST(PolicyReorder, PackSizeAndMinimumOrderRounding) {
  const lc::OrderRounding r{12.0, 30.0};
  EXPECT_EQ(r.apply(0.0), 0.0);
  EXPECT_EQ(r.apply(-5.0), 0.0);
  EXPECT_EQ(r.apply(1.0), 36.0);   // MOQ 30 -> 3 packs
  EXPECT_EQ(r.apply(36.0), 36.0);  // already whole packs
  EXPECT_EQ(r.apply(37.0), 48.0);
  const lc::OrderRounding tenth{0.1, 0.0};
  EXPECT_NEAR(tenth.apply(0.3), 0.3, 1e-12);  // 0.3/0.1 = 2.9999999999999996 stays 3 packs
  lc::SsPolicy p(lc::SsDef{10.0, 30.0, lc::OrderRounding{25.0, 0.0}});
  EXPECT_EQ(p.order_quantity(at(8.0), t0), 25.0);  // raw 22 -> one pack
  EXPECT_EQ(p.order_quantity(at(4.0), t0), 50.0);  // raw 26 -> two packs
}

TEST(PolicyReorder, FactoryBuildsEveryKind) {
  const lc::ReviewSchedule weekly{lc::Span::days(7), t0};
  EXPECT_EQ(lc::make_policy(lc::SsDef{1, 5, {}})->kind(), "sS");
  EXPECT_EQ(lc::make_policy(lc::SQDef{1, 5, {}})->kind(), "sQ");
  EXPECT_EQ(lc::make_policy(lc::RSDef{weekly, 5, {}})->kind(), "RS");
  EXPECT_EQ(lc::make_policy(lc::RsSDef{weekly, 1, 5, {}})->kind(), "RsS");
  EXPECT_EQ(lc::make_policy(lc::BaseStockDef{5, {}})->kind(), "base_stock");
  EXPECT_EQ(lc::make_policy(lc::MinMaxDef{1, 5, {}})->kind(), "minmax");
  lc::ForecastSsDef f;
  f.initial_s = 1;
  f.initial_S = 5;
  EXPECT_EQ(lc::make_policy(f)->kind(), "forecast_sS");
}

TEST(PolicyReorder, FactoryRejectsBadConfigsNamingTheField) {
  EXPECT_NE(error_of(lc::SsDef{10, 5, {}}).find("(s,S) policy: S (5) must be greater than s (10)"),
            std::string::npos);
  EXPECT_NE(error_of(lc::SQDef{1, 0, {}}).find("batch Q must be > 0"), std::string::npos);
  EXPECT_NE(error_of(lc::RSDef{lc::ReviewSchedule{}, 5, {}}).find("review period R must be > 0"),
            std::string::npos);
  EXPECT_NE(error_of(lc::MinMaxDef{4, 4, {}}).find("max (4) must be greater than min (4)"),
            std::string::npos);
  EXPECT_NE(error_of(lc::SsDef{1, 5, lc::OrderRounding{-1, 0}}).find("pack_size"),
            std::string::npos);
  EXPECT_NE(error_of(lc::BaseStockDef{NAN, {}}).find("base-stock policy: S must be finite"),
            std::string::npos);
  lc::ForecastSsDef f;
  f.initial_s = 1;
  f.initial_S = 5;
  f.cover_periods = 0;
  EXPECT_NE(error_of(f).find("cover_periods"), std::string::npos);
  // A NaN position is a caller bug: reported, never turned into an order.
  lc::SsPolicy p(lc::SsDef{10.0, 30.0, {}});
  EXPECT_THROW((void)p.order_quantity(at(NAN), t0), std::invalid_argument);
}

// Levels follow the forecast: s = L f + z sigma sqrt(L), S = s + cover f.
TEST(PolicyReorder, ForecastDrivenLevelsFollowTheForecast) {
  lc::ForecastSsDef def;
  def.forecaster = lc::MovingAverageDef{2};
  def.lead_time_periods = 4.0;
  def.safety_factor = 2.0;
  def.cover_periods = 3.0;
  def.initial_s = 5.0;
  def.initial_S = 25.0;
  def.min_observations = 2;
  lc::ForecastSsPolicy p(def);
  EXPECT_EQ(p.reorder_level(), 5.0);
  p.observe_demand(10.0, t0);
  EXPECT_EQ(p.reorder_level(), 5.0);  // not enough history yet
  EXPECT_EQ(p.order_quantity(at(5.0), t0), 20.0);
  p.observe_demand(14.0, t0 + day);
  // f = 12, one error of 14 - 10 = 4 -> sigma 4: s = 48 + 2*4*2 = 64, S = 64 + 36 = 100.
  EXPECT_DOUBLE_EQ(p.reorder_level(), 64.0);
  EXPECT_DOUBLE_EQ(p.order_up_to_level(), 100.0);
  EXPECT_EQ(p.order_quantity(at(64.5), t0), 0.0);
  EXPECT_EQ(p.order_quantity(at(64.0), t0), 36.0);
  // Steady demand of 12: MA(2) one-step errors are 12-12=0, 12-13=-1, then 0, so after 1000
  // more periods sigma = sqrt((16 + 1) / 1001) and s = 4*12 + 2*sigma*sqrt(4).
  for (int i = 0; i < 1000; ++i) p.observe_demand(12.0, t0);
  const double sigma = std::sqrt(17.0 / 1001.0);
  EXPECT_NEAR(p.forecaster().error_sd(), sigma, 1e-12);
  EXPECT_NEAR(p.reorder_level(), 48.0 + 2.0 * sigma * 2.0, 1e-12);
  EXPECT_NEAR(p.order_up_to_level(), p.reorder_level() + 36.0, 1e-12);
}
