// Minimum-cost assignment: hand cases and exactness against brute force.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "labtwin/core/dispatch/hungarian.hpp"
#include "labtwin_test/splitmix.hpp"

namespace labtwin::core {
namespace {

using test::SplitMix64;

// Brute force: every injective map of the smaller side into the larger one.
double brute_force(const std::vector<double>& c, std::size_t rows, std::size_t cols) {
  const std::size_t small = std::min(rows, cols);
  const std::size_t large = std::max(rows, cols);
  std::vector<std::size_t> perm(large);
  std::iota(perm.begin(), perm.end(), std::size_t{0});
  double best = std::numeric_limits<double>::infinity();
  do {
    // Only the first `small` entries matter; permutations repeat them, which is harmless.
    double sum = 0.0;
    for (std::size_t k = 0; k < small; ++k) {
      sum += rows <= cols ? c[k * cols + perm[k]] : c[perm[k] * cols + k];
    }
    best = std::min(best, sum);
  } while (std::next_permutation(perm.begin(), perm.end()));
  return best;
}

// Checks the matching is valid and returns its cost.
double check_matching(const std::vector<double>& c, std::size_t rows, std::size_t cols,
                      const std::vector<long>& row_to_col) {
  EXPECT_EQ(row_to_col.size(), rows);
  std::vector<int> col_used(cols, 0);
  std::size_t matched = 0;
  double sum = 0.0;
  for (std::size_t r = 0; r < rows; ++r) {
    if (row_to_col[r] < 0) continue;
    const auto col = static_cast<std::size_t>(row_to_col[r]);
    EXPECT_LT(col, cols);
    EXPECT_EQ(col_used[col]++, 0) << "column " << col << " used twice";
    ++matched;
    sum += c[r * cols + col];
  }
  EXPECT_EQ(matched, std::min(rows, cols));
  return sum;
}

TEST(Hungarian, HandExample3x3) {
  // Optimum by inspection: r0->c1 (1), r1->c0 (2), r2->c2 (2) = 5.
  const std::vector<double> c = {4, 1, 3, 2, 0, 5, 3, 2, 2};
  std::vector<long> a;
  EXPECT_DOUBLE_EQ(solve_assignment(c, 3, 3, a), 5.0);
  EXPECT_EQ(a, (std::vector<long>{1, 0, 2}));
}

TEST(Hungarian, RectangularBothWays) {
  // 2 rows x 3 cols: r0 best in c2 (1), r1 best in c2 (0) too; optimum r0->c0 (2) + r1->c2 (0).
  const std::vector<double> wide = {2, 5, 1, 9, 7, 0};
  std::vector<long> a;
  EXPECT_DOUBLE_EQ(solve_assignment(wide, 2, 3, a), 2.0);
  EXPECT_EQ(a, (std::vector<long>{0, 2}));
  // Its transpose (3 x 2): the same optimum, one row left unmatched.
  const std::vector<double> tall = {2, 9, 5, 7, 1, 0};
  EXPECT_DOUBLE_EQ(solve_assignment(tall, 3, 2, a), 2.0);
  EXPECT_EQ(a, (std::vector<long>{0, -1, 1}));
}

TEST(Hungarian, EmptyAndNegative) {
  std::vector<long> a;
  EXPECT_DOUBLE_EQ(solve_assignment({}, 0, 4, a), 0.0);
  EXPECT_TRUE(a.empty());
  EXPECT_DOUBLE_EQ(solve_assignment({}, 3, 0, a), 0.0);
  EXPECT_EQ(a, (std::vector<long>{-1, -1, -1}));
  // Negative costs: maximise -c; optimum -5 + -4 = -9 (anti-diagonal), not -1 + -3.
  const std::vector<double> neg = {-1, -5, -4, -3};
  EXPECT_DOUBLE_EQ(solve_assignment(neg, 2, 2, a), -9.0);
}

TEST(Hungarian, RejectsBadInput) {
  std::vector<long> a;
  EXPECT_THROW(solve_assignment({1, 2, 3}, 2, 2, a), std::invalid_argument);
  EXPECT_THROW(solve_assignment({1, std::nan(""), 3, 4}, 2, 2, a), std::invalid_argument);
  EXPECT_THROW(solve_assignment({1, std::numeric_limits<double>::infinity(), 3, 4}, 2, 2, a),
               std::invalid_argument);
}

TEST(Hungarian, ExactAgainstBruteForceOnRandomInstances) {
  SplitMix64 rng{20261125};
  AssignmentWorkspace ws;  // reused across sizes on purpose
  int cases = 0;
  for (std::size_t rows = 1; rows <= 7; ++rows) {
    for (std::size_t cols = 1; cols <= 7; ++cols) {
      for (int rep = 0; rep < 12; ++rep) {
        std::vector<double> c(rows * cols);
        for (double& v : c) {
          // Mix integer-valued (many ties) and continuous instances.
          v = rep % 2 == 0 ? std::floor(rng.uniform() * 6.0) : rng.uniform() * 100.0 - 20.0;
        }
        std::vector<long> a;
        const double got = solve_assignment(c, rows, cols, a, ws);
        const double want = brute_force(c, rows, cols);
        EXPECT_NEAR(got, want, 1e-9) << rows << "x" << cols << " rep " << rep;
        EXPECT_NEAR(check_matching(c, rows, cols, a), got, 1e-9);
        ++cases;
      }
    }
  }
  EXPECT_EQ(cases, 7 * 7 * 12);
}

}  // namespace
}  // namespace labtwin::core
