#include <stdexcept>
#include <string>

#include "labtwin/core/dispatch/travel_times.hpp"

namespace labtwin::core {

MatrixTravelTimes::MatrixTravelTimes(std::size_t n, std::vector<Span> row_major)
    : n_(n), m_(std::move(row_major)) {
  if (m_.size() != n_ * n_) {
    throw std::invalid_argument("travel-time matrix: expected " + std::to_string(n_ * n_) +
                                " entries for " + std::to_string(n_) + " locations, got " +
                                std::to_string(m_.size()));
  }
  for (std::size_t a = 0; a < n_; ++a) {
    for (std::size_t b = 0; b < n_; ++b) {
      const Span s = m_[a * n_ + b];
      if (s.us < 0 || (a == b && s.us != 0)) {
        throw std::invalid_argument("travel-time matrix: entry (" + std::to_string(a) + ", " +
                                    std::to_string(b) + ") = " + std::to_string(s.us) +
                                    " us is invalid (negative, or non-zero diagonal)");
      }
    }
  }
}

MatrixTravelTimes MatrixTravelTimes::line(std::size_t n, Span per_unit) {
  std::vector<Span> m(n * n);
  for (std::size_t a = 0; a < n; ++a) {
    for (std::size_t b = 0; b < n; ++b) {
      const auto d = static_cast<std::int64_t>(a > b ? a - b : b - a);
      m[a * n + b] = Span{d * per_unit.us};
    }
  }
  return MatrixTravelTimes(n, std::move(m));
}

Span MatrixTravelTimes::between(LocationId a, LocationId b) const {
  if (a >= n_ || b >= n_) {
    throw std::out_of_range("travel-time matrix: location " + std::to_string(a >= n_ ? a : b) +
                            " is not among the " + std::to_string(n_) + " known locations");
  }
  return m_[static_cast<std::size_t>(a) * n_ + b];
}

}  // namespace labtwin::core
