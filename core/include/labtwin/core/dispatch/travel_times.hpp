#pragma once
/// @file The travel-time port and a dense-matrix implementation.
#include <cstddef>
#include <vector>

#include "labtwin/core/dispatch/ticket.hpp"
#include "labtwin/core/ports.hpp"

namespace labtwin::core {

/// Port: travel time between two locations (the twin implements it over a site graph).
class TravelTimes {
 public:
  virtual ~TravelTimes() = default;
  /// Travel time from `a` to `b`; throws std::out_of_range for an unknown location.
  virtual Span between(LocationId a, LocationId b) const = 0;
};

/// Travel times from a dense n x n matrix (row = from, column = to).
class MatrixTravelTimes final : public TravelTimes {
 public:
  /// Builds from a row-major n x n matrix; throws std::invalid_argument if it is not square,
  /// has a negative entry or a non-zero diagonal.
  MatrixTravelTimes(std::size_t n, std::vector<Span> row_major);
  /// Symmetric travel times from |x_a - x_b| * per_unit on a line of `n` points 0..n-1.
  static MatrixTravelTimes line(std::size_t n, Span per_unit);

  /// Matrix entry (a, b); throws std::out_of_range naming an unknown location.
  Span between(LocationId a, LocationId b) const override;
  /// Number of locations.
  std::size_t size() const { return n_; }

 private:
  std::size_t n_;
  std::vector<Span> m_;
};

}  // namespace labtwin::core
