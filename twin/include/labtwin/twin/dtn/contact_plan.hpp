#pragma once
/// @file A DTN contact plan: nodes, scheduled contacts and one-way light times (plain data).
///
/// Times are seconds relative to the plan's epoch (t = 0), as in ION (`+seconds`) and HDTN
/// (`startTime`, `endTime`) plans. Rates are bytes per second (HDTN's bits per second / 8).
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace labtwin::twin::dtn {

/// A DTN node number (ION / HDTN node ids are unsigned integers, ipn:N).
using NodeId = std::uint64_t;

/// One scheduled contact: `from` can send to `to` during [start, end) at `rate` bytes/s.
struct Contact {
  std::uint64_t id = 0;     ///< contact number (HDTN `contact`; ION: position in the file)
  NodeId from = 0;          ///< transmitting node
  NodeId to = 0;            ///< receiving node
  double start = 0;         ///< contact start, s after the epoch
  double end = 0;           ///< contact end, s after the epoch (end > start)
  double rate = 0;          ///< transmission rate, bytes/s
  double owlt = 0;          ///< one-way light time, s
  double confidence = 1.0;  ///< probability that the contact happens as planned, (0, 1]
  /// Volume of the whole contact in bytes: rate * (end - start), 0 when end <= start.
  double volume() const { return end > start ? rate * (end - start) : 0.0; }
};

/// An ION range: one-way light time between two nodes during an interval.
struct Range {
  NodeId from = 0;   ///< one end
  NodeId to = 0;     ///< other end
  double start = 0;  ///< interval start, s after the epoch
  double end = 0;    ///< interval end, s after the epoch
  double owlt = 0;   ///< one-way light time, s
};

/// A contact plan: the nodes (sorted, unique), contacts (sorted by start, then id) and ranges.
struct ContactPlan {
  std::vector<NodeId> nodes;         ///< every node named by a contact or range, ascending
  std::vector<Contact> contacts;     ///< contacts, ascending by (start, id)
  std::vector<Range> ranges;         ///< ranges as given (ION), already applied to contacts' owlt
  std::size_t ignored_commands = 0;  ///< ION commands other than contact/range (counted)
  std::size_t empty_contacts = 0;    ///< HDTN contacts with endTime <= startTime (kept, unusable)
  double epoch_unix = 0;  ///< Unix time (s) of t = 0 when the plan gave absolute times, else 0

  /// Index of `n` in `nodes`, or nodes.size() when absent.
  std::size_t node_index(NodeId n) const;
  /// Sorts contacts; `nodes` becomes the sorted union of the nodes already listed and those
  /// of the contacts and ranges (call after editing contacts by hand).
  void finalize();
};

/// Infinite time, used for "no route" delivery times.
inline constexpr double kNever = std::numeric_limits<double>::infinity();

}  // namespace labtwin::twin::dtn
