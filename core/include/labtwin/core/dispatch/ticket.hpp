#pragma once
/// @file Work tickets: what a technician is dispatched to do.
#include <cstdint>
#include <string>
#include <string_view>

#include "labtwin/core/ports.hpp"

namespace labtwin::core {

/// A node id of the site's travel-time model (rooms, freezer farms, loading dock...).
using LocationId = std::uint32_t;

/// What a ticket is about.
enum class TicketKind : std::uint8_t {
  AlarmResponse,
  Repair,
  SampleRescue,
  Restock,
  ReceivingQc,
  PreventiveMaintenance,
};

/// Ticket life cycle: Open -> Assigned -> InProgress -> Done, or Cancelled from any open state.
enum class TicketStatus : std::uint8_t { Open, Assigned, InProgress, Done, Cancelled };

/// One unit of technician work.
struct Ticket {
  std::string id;                            ///< unique ticket id
  TicketKind kind = TicketKind::Repair;      ///< what it is about
  int priority = 2;                          ///< 0 = most urgent; must be >= 0
  bool critical = false;                     ///< critical tickets may preempt routine work
  Instant created;                           ///< when it was raised (kept across preemption)
  Instant sla_deadline;                      ///< latest acceptable start of work (response SLA)
  std::string required_skill;                ///< skill a technician needs ("" = anyone)
  LocationId location = 0;                   ///< where the work is
  Span estimated_duration;                   ///< expected hands-on time
  TicketStatus status = TicketStatus::Open;  ///< life-cycle state
};

/// Stable lower-case name, e.g. "alarm_response".
std::string_view to_string(TicketKind kind);
/// Stable lower-case name, e.g. "in_progress".
std::string_view to_string(TicketStatus status);

}  // namespace labtwin::core
