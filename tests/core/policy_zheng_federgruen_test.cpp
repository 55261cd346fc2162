// Tests of the exact Poisson (s,S) optimiser (Zheng & Federgruen 1991) and its cost function.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "labtwin/core/policy/poisson_ss.hpp"
#include "labtwin/core/policy/policies.hpp"

namespace lc = labtwin::core;

namespace {

const std::string kDataDir = LABTWIN_SHARED_DATA_DIR;

struct ZfRow {
  double mean, h, p, K;
  int lead_time;
  long s, S;
  double cost;
};

// Reads zheng-federgruen-1991.csv (header: mean_demand,h,p,K,lead_time,s,S,cost).
std::vector<ZfRow> read_zf_table(const std::string& path) {
  std::ifstream in(path);
  std::vector<ZfRow> rows;
  if (!in) return rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::replace(line.begin(), line.end(), ',', ' ');
    std::istringstream ss(line);
    ZfRow r{};
    ss >> r.mean >> r.h >> r.p >> r.K >> r.lead_time >> r.s >> r.S >> r.cost;
    if (!ss) throw std::runtime_error("malformed row in " + path + ": " + line);
    rows.push_back(r);
  }
  return rows;
}

double poisson_pmf(long k, double lam) {
  if (k < 0) return 0.0;
  double lp = -lam;
  for (long i = 1; i <= k; ++i) lp += std::log(lam / static_cast<double>(i));
  return std::exp(lp);
}

// Independent check of c(s,S): the post-order inventory position Y is a Markov chain on
// s+1..S (Y' = Y - D if that is > s, else S). Long-run cost per period =
//   sum_y pi(y) [G(y) + K P(Y - D <= s)],
// with G(y) = h E[(y-X)^+] + p E[(X-y)^+], X ~ Poisson((L+1) mean) computed by direct summation.
double markov_chain_cost(long s, long S, double mean, double h, double p, double K, int L) {
  const long n = S - s;
  const double lam_l = mean * (L + 1);
  std::vector<double> pmf(static_cast<std::size_t>(n + 1));
  for (long d = 0; d <= n; ++d) pmf[static_cast<std::size_t>(d)] = poisson_pmf(d, mean);
  // Transition: from y (index i = y - s - 1) to y - d for d < y - s, else to S (index n - 1).
  std::vector<double> pi(static_cast<std::size_t>(n), 1.0 / static_cast<double>(n));
  std::vector<double> next(pi.size());
  for (int iter = 0; iter < 20000; ++iter) {
    std::fill(next.begin(), next.end(), 0.0);
    for (long i = 0; i < n; ++i) {
      const long y = s + 1 + i;
      double stay = 0.0;
      for (long d = 0; d < y - s; ++d) {
        next[static_cast<std::size_t>(i - d)] +=
            pi[static_cast<std::size_t>(i)] * pmf[static_cast<std::size_t>(d)];
        stay += pmf[static_cast<std::size_t>(d)];
      }
      next[static_cast<std::size_t>(n - 1)] += pi[static_cast<std::size_t>(i)] * (1.0 - stay);
    }
    double diff = 0.0;
    for (std::size_t i = 0; i < pi.size(); ++i) diff += std::abs(next[i] - pi[i]);
    pi.swap(next);
    if (diff < 1e-15) break;
  }
  double cost = 0.0;
  for (long i = 0; i < n; ++i) {
    const long y = s + 1 + i;
    double g = 0.0;
    for (long x = 0; x < static_cast<long>(lam_l + 60.0 * std::sqrt(lam_l) + 60.0); ++x) {
      const double px = poisson_pmf(x, lam_l);
      g += px * (x <= y ? h * static_cast<double>(y - x) : p * static_cast<double>(x - y));
    }
    if (y < 0) g = p * (lam_l - static_cast<double>(y));
    double p_order = 0.0;  // P(y - D <= s) = P(D >= y - s)
    double below = 0.0;
    for (long d = 0; d < y - s; ++d) below += pmf[static_cast<std::size_t>(d)];
    p_order = 1.0 - below;
    cost += pi[static_cast<std::size_t>(i)] * (g + K * p_order);
  }
  return cost;
}

}  // namespace

// Every row of /work/shared/data/inventory/zheng-federgruen-1991.csv (Z&F 1991, Table 1 subset:
// h=1, p=9, K=64, L=0): s and S exactly, cost to 3 decimals. The table's s is the level at or
// below which an order is placed (textbook-oracles.md line 3-4 and line 8), matching ours.
TEST(PolicyZhengFedergruen, ReproducesEveryRowOfThePublishedTable) {
  const std::string path = kDataDir + "/inventory/zheng-federgruen-1991.csv";
  const auto rows = read_zf_table(path);
  if (rows.empty()) GTEST_SKIP() << "reference table not found: " << path;
  EXPECT_EQ(rows.size(), 9u);
  for (const auto& r : rows) {
    const auto res = lc::optimal_ss_poisson(r.mean, r.h, r.p, r.K, r.lead_time);
    EXPECT_EQ(res.s, r.s) << "mean " << r.mean;
    EXPECT_EQ(res.S, r.S) << "mean " << r.mean;
    EXPECT_NEAR(res.cost, r.cost, 5e-4) << "mean " << r.mean;
    // The cost function evaluated at the published policy agrees too.
    EXPECT_NEAR(lc::ss_cost_poisson(r.s, r.S, r.mean, r.h, r.p, r.K, r.lead_time), r.cost, 5e-4);
  }
}

// textbook-oracles.md line 5-6: h=1, p=4, K=5, mean 6, L=0 -> (4,10), 8.034111561471644;
// cost of (6,18) = 10.193798671644046.
TEST(PolicyZhengFedergruen, OracleSmallInstance) {
  const auto res = lc::optimal_ss_poisson(6.0, 1.0, 4.0, 5.0, 0);
  EXPECT_EQ(res.s, 4);
  EXPECT_EQ(res.S, 10);
  EXPECT_NEAR(res.cost, 8.034111561471644, 1e-10);
  EXPECT_NEAR(lc::ss_cost_poisson(6, 18, 6.0, 1.0, 4.0, 5.0, 0), 10.193798671644046, 1e-10);
}

// textbook-oracles.md line 7: h=40, p=125, K=150, mean 4 -> (2,7), cost 223.5748295669688.
TEST(PolicyZhengFedergruen, OracleHighCostInstance) {
  const auto res = lc::optimal_ss_poisson(4.0, 40.0, 125.0, 150.0, 0);
  EXPECT_EQ(res.s, 2);
  EXPECT_EQ(res.S, 7);
  EXPECT_NEAR(res.cost, 223.5748295669688, 1e-9);
}

// The renewal formula c(s,S) against an independent stationary Markov-chain computation, with
// and without lead time and for a negative reorder level.
TEST(PolicyZhengFedergruen, CostMatchesStationaryMarkovChain) {
  struct Case {
    long s, S;
    double mean, h, p, K;
    int L;
  };
  const Case cases[] = {{4, 10, 6.0, 1.0, 4.0, 5.0, 0},     {6, 18, 6.0, 1.0, 4.0, 5.0, 0},
                        {2, 7, 4.0, 40.0, 125.0, 150.0, 0}, {10, 25, 5.0, 1.0, 9.0, 20.0, 2},
                        {-3, 4, 2.5, 2.0, 3.0, 8.0, 0},     {15, 16, 3.0, 1.0, 9.0, 0.0, 3}};
  for (const auto& c : cases) {
    const double expected = markov_chain_cost(c.s, c.S, c.mean, c.h, c.p, c.K, c.L);
    EXPECT_NEAR(lc::ss_cost_poisson(c.s, c.S, c.mean, c.h, c.p, c.K, c.L), expected,
                1e-9 * (1.0 + expected))
        << "(s,S)=(" << c.s << "," << c.S << ") mean " << c.mean << " L " << c.L;
  }
}

// Beyond the published table (mean 75, same h, p, K): demand per period is so large relative to
// the EOQ that the optimum orders every period up to y* = argmin G (P(D < S - s) ~ 1e-15), so
// c(s,S) = K + G(y*) up to that probability, and the brute-force grid finds the same cost.
TEST(PolicyZhengFedergruen, LargeMeanOrdersEveryPeriod) {
  const auto res = lc::optimal_ss_poisson(75.0, 1.0, 9.0, 64.0, 0);
  long y_star = 0;
  for (long y = 1; y < 200; ++y) {
    if (lc::poisson_period_cost(y, 75.0, 1.0, 9.0) <
        lc::poisson_period_cost(y_star, 75.0, 1.0, 9.0)) {
      y_star = y;
    }
  }
  EXPECT_EQ(res.S, y_star);
  EXPECT_NEAR(res.cost, 64.0 + lc::poisson_period_cost(y_star, 75.0, 1.0, 9.0), 1e-9);
  double grid_best = 1e300;
  for (long s = 40; s <= 90; ++s) {
    for (long S = s + 1; S <= 200; ++S) {
      grid_best = std::min(grid_best, lc::ss_cost_poisson(s, S, 75.0, 1.0, 9.0, 64.0, 0));
    }
  }
  EXPECT_NEAR(grid_best, res.cost, 1e-9 * res.cost);
}

// The optimiser is never beaten by an exhaustive search over a generous (s,S) grid.
TEST(PolicyZhengFedergruen, NoGridPointBeatsTheOptimum) {
  struct Case {
    double mean, h, p, K;
    int L;
  };
  const Case cases[] = {{6.0, 1.0, 4.0, 5.0, 0},  {3.0, 1.0, 9.0, 64.0, 0},
                        {8.0, 2.0, 7.0, 30.0, 1}, {1.5, 1.0, 19.0, 10.0, 2},
                        {5.0, 1.0, 4.0, 0.0, 0},  {0.4, 1.0, 4.0, 20.0, 0}};
  for (const auto& c : cases) {
    const auto best = lc::optimal_ss_poisson(c.mean, c.h, c.p, c.K, c.L);
    EXPECT_LT(best.s, best.S);
    EXPECT_NEAR(lc::ss_cost_poisson(best.s, best.S, c.mean, c.h, c.p, c.K, c.L), best.cost,
                1e-12 * best.cost);
    const long centre = static_cast<long>(c.mean * (c.L + 1));
    for (long s = centre - 25; s <= centre + 25; ++s) {
      for (long S = s + 1; S <= s + 60; ++S) {
        const double cost = lc::ss_cost_poisson(s, S, c.mean, c.h, c.p, c.K, c.L);
        ASSERT_GE(cost, best.cost - 1e-9 * best.cost)
            << "(" << s << "," << S << ") beats optimum (" << best.s << "," << best.S
            << ") for mean " << c.mean;
      }
    }
  }
}

// With K = 0 the optimal policy is base stock: (y*-1, y*) with y* the newsvendor fractile level
// of the (L+1)-period demand, and cost G(y*).
TEST(PolicyZhengFedergruen, ZeroOrderCostReducesToBaseStock) {
  // h=1, p=4: F(y*) >= 0.8; for Poisson(6) y* = 8 (textbook-oracles.md line 15, cost 3.5701...).
  const auto res = lc::optimal_ss_poisson(6.0, 1.0, 4.0, 0.0, 0);
  EXPECT_EQ(res.S, 8);
  EXPECT_EQ(res.s, 7);
  EXPECT_NEAR(res.cost, 3.570106945770946, 1e-10);
  EXPECT_NEAR(lc::poisson_period_cost(8, 6.0, 1.0, 4.0, 0), 3.570106945770946, 1e-10);
  // Lead time 2 is the same as a 3-period demand in G.
  EXPECT_DOUBLE_EQ(lc::poisson_period_cost(20, 6.0, 1.0, 4.0, 2),
                   lc::poisson_period_cost(20, 18.0, 1.0, 4.0, 0));
}

// Accuracy of G at large means: with h = p = 1, G(n) = E|D - n|, and for Poisson(n) with integer
// n the mean absolute deviation is 2 n p(n) = 2 n e^-n n^n / n! (e.g. Johnson, Kemp & Kotz,
// Univariate Discrete Distributions, 3rd ed., eq. 4.13). lgamma's reference is good to ~1e-11.
TEST(PolicyZhengFedergruen, PeriodCostAccurateAtLargeMeans) {
  for (const double n : {6.0, 75.0, 1000.0, 10000.0, 250000.0}) {
    const double mad = 2.0 * n * std::exp(-n + n * std::log(n) - std::lgamma(n + 1.0));
    EXPECT_NEAR(lc::poisson_period_cost(static_cast<long>(n), n, 1.0, 1.0), mad, 1e-9 * mad)
        << "mean " << n;
  }
}

namespace {
// splitmix64: a tiny deterministic generator local to this test (core has no randomness).
struct SplitMix {
  std::uint64_t x;
  double uniform() {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (static_cast<double>(z >> 11) + 0.5) * 0x1.0p-53;
  }
  long poisson(double lam) {  // inversion by sequential search
    const double u = uniform();
    double p = std::exp(-lam);
    double f = p;
    long k = 0;
    while (u > f && k < 10000) {
      ++k;
      p *= lam / static_cast<double>(k);
      f += p;
    }
    return k;
  }
};

struct SimResult {
  double mean = 0.0;       // average cost per period
  double std_error = 0.0;  // batch-means standard error (100 batches)
};

// Runs an (R,s,S) policy object period by period (R = 1 day) with Poisson demand and an L-day
// lead time; returns the average cost per period.
SimResult simulate_policy_cost(long s, long S, double mean, double h, double p, double K, int L,
                               int periods) {
  const lc::Span day = lc::Span::days(1);
  auto policy = lc::make_policy(lc::RsSDef{
      lc::ReviewSchedule{day, lc::Instant{}}, static_cast<double>(s), static_cast<double>(S), {}});
  SplitMix rng{12345};
  std::vector<double> pipeline(static_cast<std::size_t>(L + 1), 0.0);  // arrivals by day offset
  double net = static_cast<double>(S);                                 // on hand minus backorders
  double on_order = 0.0;
  const int batches = 100;
  const int batch_len = periods / batches;
  std::vector<double> batch(batches, 0.0);
  const int warmup = 1000;
  lc::Instant now{};
  for (int t = 0; t < periods + warmup; ++t, now = now + day) {
    // Start of period: receive what is due, then review.
    net += pipeline[0];
    on_order -= pipeline[0];
    for (std::size_t i = 0; i + 1 < pipeline.size(); ++i) pipeline[i] = pipeline[i + 1];
    pipeline.back() = 0.0;
    lc::InventoryPosition pos{net > 0 ? net : 0.0, on_order, net < 0 ? -net : 0.0, 0.0};
    const double q = policy->order_quantity(pos, now);
    double cost = 0.0;
    if (q > 0) {
      cost += K;
      on_order += q;
      if (L == 0) {
        net += q;
        on_order -= q;
      } else {
        pipeline[static_cast<std::size_t>(L - 1)] += q;  // arrives at the start of day t + L
      }
    }
    net -= static_cast<double>(rng.poisson(mean));
    cost += net > 0 ? h * net : -p * net;
    if (t >= warmup && t - warmup < batch_len * batches) {
      batch[static_cast<std::size_t>((t - warmup) / batch_len)] += cost / batch_len;
    }
  }
  SimResult r;
  for (double b : batch) r.mean += b / batches;
  double ss = 0.0;
  for (double b : batch) ss += (b - r.mean) * (b - r.mean);
  r.std_error = std::sqrt(ss / (batches - 1) / batches);
  return r;
}
}  // namespace

// A policy object driven period by period reproduces the analytic cost (Monte Carlo, 10^6
// periods, within 4 batch-means standard errors), and resolves the "<= s" convention: the
// policy that orders only when position < s, i.e. (s-1,S) in our convention, is rejected.
TEST(PolicyZhengFedergruen, PolicyObjectSimulationMatchesAnalyticCost) {
  const double analytic0 = lc::ss_cost_poisson(4, 10, 6.0, 1.0, 4.0, 5.0, 0);
  const auto sim0 = simulate_policy_cost(4, 10, 6.0, 1.0, 4.0, 5.0, 0, 1000000);
  EXPECT_NEAR(sim0.mean, analytic0, 4.0 * sim0.std_error);
  EXPECT_LT(sim0.std_error, 0.01 * analytic0);  // the check above is meaningful
  const double strict = lc::ss_cost_poisson(3, 10, 6.0, 1.0, 4.0, 5.0, 0);
  EXPECT_GT(std::abs(sim0.mean - strict), 4.0 * sim0.std_error);
  const double analytic2 = lc::ss_cost_poisson(15, 30, 6.0, 1.0, 4.0, 5.0, 2);
  const auto sim2 = simulate_policy_cost(15, 30, 6.0, 1.0, 4.0, 5.0, 2, 1000000);
  EXPECT_NEAR(sim2.mean, analytic2, 4.0 * sim2.std_error);
  EXPECT_LT(sim2.std_error, 0.01 * analytic2);
  std::printf("simulated (4,10) L=0: %.4f +- %.4f, analytic %.6f, strict-< variant %.6f\n",
              sim0.mean, sim0.std_error, analytic0, strict);
  std::printf("simulated (15,30) L=2: %.4f +- %.4f, analytic %.6f\n", sim2.mean, sim2.std_error,
              analytic2);
}

TEST(PolicyZhengFedergruen, RejectsBadInputWithClearMessages) {
  auto message = [](auto&& fn) {
    try {
      fn();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  EXPECT_NE(message([] {
              lc::ss_cost_poisson(5, 5, 6.0, 1.0, 4.0, 5.0);
            }).find("S (5) must be greater than reorder level s (5)"),
            std::string::npos);
  EXPECT_NE(message([] { lc::optimal_ss_poisson(0.0, 1.0, 4.0, 5.0); }).find("mean"),
            std::string::npos);
  EXPECT_NE(message([] { lc::optimal_ss_poisson(6.0, -1.0, 4.0, 5.0); }).find("holding"),
            std::string::npos);
  EXPECT_NE(message([] { lc::optimal_ss_poisson(6.0, 1.0, 0.0, 5.0); }).find("penalty"),
            std::string::npos);
  EXPECT_NE(message([] { lc::optimal_ss_poisson(6.0, 1.0, 4.0, -5.0); }).find("order cost"),
            std::string::npos);
  EXPECT_NE(message([] { lc::optimal_ss_poisson(6.0, 1.0, 4.0, 5.0, -1); }).find("lead time"),
            std::string::npos);
  EXPECT_NE(message([] { lc::optimal_ss_poisson(NAN, 1.0, 4.0, 5.0); }).find("mean"),
            std::string::npos);
}

TEST(PolicyZhengFedergruen, FormatsJsonAndTable) {
  const lc::PoissonSsInput in{6.0, 1.0, 4.0, 5.0, 0};
  const auto res = lc::optimal_ss_poisson(in);
  const std::string json = lc::format_ss_json(in, res);
  EXPECT_EQ(json.front(), '{');
  EXPECT_EQ(json.back(), '}');
  EXPECT_NE(json.find("\"s\":4,"), std::string::npos) << json;
  EXPECT_NE(json.find("\"S\":10,"), std::string::npos) << json;
  EXPECT_NE(json.find("\"cost\":8.03411156147"), std::string::npos) << json;
  EXPECT_NE(json.find("\"mean\":6,"), std::string::npos) << json;
  const std::string table = lc::format_ss_table(in, res);
  EXPECT_NE(table.find("reorder level s"), std::string::npos) << table;
  EXPECT_NE(table.find("order-up-to level S    10"), std::string::npos) << table;
}
