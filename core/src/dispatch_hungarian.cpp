#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "labtwin/core/dispatch/hungarian.hpp"

namespace labtwin::core {
namespace {

// Shortest-augmenting-path Hungarian method with row/column potentials for n <= m: rows are
// added one at a time; each addition runs a Dijkstra-like search over reduced costs
// a[i][j] - u[i] - v[j] >= 0 and augments along the cheapest path. Indices are 1-based with
// column 0 as the virtual source; p[j] is the row matched to column j.
double solve_wide(const double* a, std::size_t n, std::size_t m, std::vector<long>& row_to_col,
                  AssignmentWorkspace& ws) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  ws.u.assign(n + 1, 0.0);
  ws.v.assign(m + 1, 0.0);
  ws.p.assign(m + 1, 0);
  ws.way.assign(m + 1, 0);
  ws.minv.resize(m + 1);
  ws.used.resize(m + 1);
  for (std::size_t i = 1; i <= n; ++i) {
    ws.p[0] = i;
    std::size_t j0 = 0;
    std::fill(ws.minv.begin(), ws.minv.end(), kInf);
    std::fill(ws.used.begin(), ws.used.end(), 0);
    do {
      ws.used[j0] = 1;
      const std::size_t i0 = ws.p[j0];
      const double* row = a + (i0 - 1) * m;
      double delta = kInf;
      std::size_t j1 = 0;
      for (std::size_t j = 1; j <= m; ++j) {
        if (ws.used[j] != 0) continue;
        const double cur = row[j - 1] - ws.u[i0] - ws.v[j];
        if (cur < ws.minv[j]) {
          ws.minv[j] = cur;
          ws.way[j] = j0;
        }
        if (ws.minv[j] < delta) {
          delta = ws.minv[j];
          j1 = j;
        }
      }
      for (std::size_t j = 0; j <= m; ++j) {
        if (ws.used[j] != 0) {
          ws.u[ws.p[j]] += delta;
          ws.v[j] -= delta;
        } else {
          ws.minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (ws.p[j0] != 0);
    // Augment: flip matches back along the path to the source.
    do {
      const std::size_t j1 = ws.way[j0];
      ws.p[j0] = ws.p[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  row_to_col.assign(n, -1);
  double total = 0.0;
  for (std::size_t j = 1; j <= m; ++j) {
    if (ws.p[j] != 0) {
      row_to_col[ws.p[j] - 1] = static_cast<long>(j - 1);
      total += a[(ws.p[j] - 1) * m + (j - 1)];
    }
  }
  return total;
}

}  // namespace

double solve_assignment(const std::vector<double>& cost, std::size_t rows, std::size_t cols,
                        std::vector<long>& row_to_col, AssignmentWorkspace& ws) {
  if (cost.size() != rows * cols) {
    throw std::invalid_argument("assignment: cost matrix has " + std::to_string(cost.size()) +
                                " entries, expected " + std::to_string(rows) + " x " +
                                std::to_string(cols));
  }
  for (std::size_t k = 0; k < cost.size(); ++k) {
    if (!std::isfinite(cost[k])) {
      throw std::invalid_argument("assignment: cost entry (" + std::to_string(k / cols) + ", " +
                                  std::to_string(k % cols) + ") is not finite");
    }
  }
  row_to_col.assign(rows, -1);
  if (rows == 0 || cols == 0) return 0.0;
  if (rows <= cols) return solve_wide(cost.data(), rows, cols, row_to_col, ws);
  // More rows than columns: solve the transpose and invert the matching.
  ws.transposed.resize(rows * cols);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) ws.transposed[c * rows + r] = cost[r * cols + c];
  }
  std::vector<long> col_to_row;
  const double total = solve_wide(ws.transposed.data(), cols, rows, col_to_row, ws);
  for (std::size_t c = 0; c < cols; ++c) {
    if (col_to_row[c] >= 0)
      row_to_col[static_cast<std::size_t>(col_to_row[c])] = static_cast<long>(c);
  }
  return total;
}

double solve_assignment(const std::vector<double>& cost, std::size_t rows, std::size_t cols,
                        std::vector<long>& row_to_col) {
  AssignmentWorkspace ws;
  return solve_assignment(cost, rows, cols, row_to_col, ws);
}

}  // namespace labtwin::core
