#pragma once
/// @file Minimum-cost assignment (Hungarian / Kuhn-Munkres with potentials), O(n^2 m).
#include <cstddef>
#include <vector>

namespace labtwin::core {

/// Reusable buffers so repeated solves do not allocate.
struct AssignmentWorkspace {
  std::vector<double> u, v, minv;   ///< potentials and slack
  std::vector<std::size_t> p, way;  ///< column matches and augmenting-path links
  std::vector<char> used;           ///< visited columns
  std::vector<double> transposed;   ///< scratch when rows > cols
};

/// Solves min sum cost[r * cols + assign[r]] over assignments matching min(rows, cols) pairs,
/// each row and column at most once (rectangular matrices allowed). Writes the column of each
/// row into `row_to_col` (-1 for rows left unmatched when rows > cols) and returns the total.
/// Throws std::invalid_argument if `cost.size() != rows * cols` or an entry is not finite.
double solve_assignment(const std::vector<double>& cost, std::size_t rows, std::size_t cols,
                        std::vector<long>& row_to_col, AssignmentWorkspace& ws);

/// Convenience overload with a temporary workspace.
double solve_assignment(const std::vector<double>& cost, std::size_t rows, std::size_t cols,
                        std::vector<long>& row_to_col);

}  // namespace labtwin::core
