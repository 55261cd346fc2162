#pragma once
/// @file Technicians: who can be dispatched, where they are and when they work.
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "labtwin/core/dispatch/ticket.hpp"
#include "labtwin/core/ports.hpp"
#include "labtwin/core/schedule/shift_calendar.hpp"

namespace labtwin::core {

/// Where a technician is in the working day.
enum class TechnicianStatus : std::uint8_t { Available, Travelling, Working, OffShift, OnCall };

/// One technician.
struct Technician {
  std::string id;                                        ///< unique technician id
  std::set<std::string> skills;                          ///< skills held
  ShiftCalendar shifts;                                  ///< working hours (empty = driven by hand)
  LocationId location = 0;                               ///< current (or home) location
  TechnicianStatus status = TechnicianStatus::OffShift;  ///< current state
  bool on_call = false;                                  ///< reachable off shift for callouts
  Span callout_delay = Span::minutes(30);                ///< time from callout to leaving home
};

/// Stable lower-case name, e.g. "on_call".
std::string_view to_string(TechnicianStatus status);

}  // namespace labtwin::core
