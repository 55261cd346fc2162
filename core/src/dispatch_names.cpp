#include "labtwin/core/dispatch/policy.hpp"
#include "labtwin/core/dispatch/technician.hpp"
#include "labtwin/core/dispatch/ticket.hpp"

namespace labtwin::core {

std::string_view to_string(TicketKind kind) {
  switch (kind) {
    case TicketKind::AlarmResponse:
      return "alarm_response";
    case TicketKind::Repair:
      return "repair";
    case TicketKind::SampleRescue:
      return "sample_rescue";
    case TicketKind::Restock:
      return "restock";
    case TicketKind::ReceivingQc:
      return "receiving_qc";
    case TicketKind::PreventiveMaintenance:
      return "preventive_maintenance";
  }
  return "unknown";
}

std::string_view to_string(TicketStatus status) {
  switch (status) {
    case TicketStatus::Open:
      return "open";
    case TicketStatus::Assigned:
      return "assigned";
    case TicketStatus::InProgress:
      return "in_progress";
    case TicketStatus::Done:
      return "done";
    case TicketStatus::Cancelled:
      return "cancelled";
  }
  return "unknown";
}

std::string_view to_string(TechnicianStatus status) {
  switch (status) {
    case TechnicianStatus::Available:
      return "available";
    case TechnicianStatus::Travelling:
      return "travelling";
    case TechnicianStatus::Working:
      return "working";
    case TechnicianStatus::OffShift:
      return "off_shift";
    case TechnicianStatus::OnCall:
      return "on_call";
  }
  return "unknown";
}

std::string_view to_string(PolicyKind kind) {
  switch (kind) {
    case PolicyKind::PriorityFifo:
      return "priority_fifo";
    case PolicyKind::EarliestDeadline:
      return "earliest_deadline";
    case PolicyKind::NearestQualified:
      return "nearest_qualified";
    case PolicyKind::OptimalBatch:
      return "optimal_batch";
  }
  return "unknown";
}

}  // namespace labtwin::core
