// Stable names of the booking enums and events, and instrument equality.
#include <type_traits>

#include "labtwin/core/instruments/booking.hpp"
#include "labtwin/core/instruments/booking_events.hpp"
#include "labtwin/core/instruments/instrument.hpp"

namespace labtwin::core::instruments {

bool operator==(const Instrument& a, const Instrument& b) {
  const auto& pa = a.hours.patterns();
  const auto& pb = b.hours.patterns();
  if (pa.size() != pb.size() || a.hours.utc_offset() != b.hours.utc_offset()) return false;
  for (std::size_t i = 0; i < pa.size(); ++i) {
    if (pa[i].days != pb[i].days || pa[i].start_minute != pb[i].start_minute ||
        pa[i].end_minute != pb[i].end_minute) {
      return false;
    }
  }
  return a.id == b.id && a.type == b.type && a.site == b.site && a.room == b.room &&
         a.capabilities == b.capabilities && a.rules == b.rules && a.stock_site == b.stock_site;
}

std::string_view to_string(QuotaScope s) { return s == QuotaScope::User ? "user" : "project"; }

std::string_view to_string(BookingStatus s) {
  switch (s) {
    case BookingStatus::Waitlisted:
      return "waitlisted";
    case BookingStatus::Requested:
      return "requested";
    case BookingStatus::Confirmed:
      return "confirmed";
    case BookingStatus::CheckedIn:
      return "checked_in";
    case BookingStatus::Completed:
      return "completed";
    case BookingStatus::Cancelled:
      return "cancelled";
    case BookingStatus::LateCancelled:
      return "late_cancelled";
    case BookingStatus::NoShow:
      return "no_show";
    case BookingStatus::Rejected:
      return "rejected";
    case BookingStatus::Expired:
      return "expired";
    case BookingStatus::Bumped:
      return "bumped";
    case BookingStatus::LostStockout:
      return "lost_stockout";
    case BookingStatus::LostBreakdown:
      return "lost_breakdown";
  }
  return "unknown";
}

std::string_view to_string(WindowKind k) {
  switch (k) {
    case WindowKind::Maintenance:
      return "maintenance";
    case WindowKind::Calibration:
      return "calibration";
    case WindowKind::Outage:
      return "outage";
  }
  return "unknown";
}

std::string_view to_string(LossCause c) {
  return c == LossCause::Stockout ? "stockout" : "breakdown";
}

std::string_view to_string(Reason r) {
  switch (r) {
    case Reason::None:
      return "none";
    case Reason::UnknownInstrument:
      return "unknown_instrument";
    case Reason::UnknownBooking:
      return "unknown_booking";
    case Reason::UnknownRunType:
      return "unknown_run_type";
    case Reason::DuplicateId:
      return "duplicate_id";
    case Reason::InvalidArgument:
      return "invalid_argument";
    case Reason::InvalidTransition:
      return "invalid_transition";
    case Reason::Overlap:
      return "overlap";
    case Reason::OutsideHours:
      return "outside_hours";
    case Reason::OverQuota:
      return "over_quota";
    case Reason::InMaintenance:
      return "in_maintenance";
    case Reason::InstrumentDown:
      return "instrument_down";
    case Reason::TooFarAhead:
      return "too_far_ahead";
    case Reason::InPast:
      return "in_past";
    case Reason::TooShort:
      return "too_short";
    case Reason::TooLong:
      return "too_long";
    case Reason::Granularity:
      return "granularity";
    case Reason::InUse:
      return "in_use";
    case Reason::TooEarly:
      return "too_early";
    case Reason::TooLate:
      return "too_late";
  }
  return "unknown";
}

std::string_view kind_of(const EventBody& body) {
  return std::visit(
      [](const auto& e) -> std::string_view {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, InstrumentAdded>) return "booking.instrument_added";
        if constexpr (std::is_same_v<T, RunTypeAdded>) return "booking.run_type_added";
        if constexpr (std::is_same_v<T, BookingRequested>) return "booking.requested";
        if constexpr (std::is_same_v<T, BookingApproved>) return "booking.approved";
        if constexpr (std::is_same_v<T, BookingRejected>) return "booking.rejected";
        if constexpr (std::is_same_v<T, CheckedIn>) return "booking.checked_in";
        if constexpr (std::is_same_v<T, RunCompleted>) return "booking.completed";
        if constexpr (std::is_same_v<T, BookingCancelled>) return "booking.cancelled";
        if constexpr (std::is_same_v<T, NoShowRecorded>) return "booking.no_show";
        if constexpr (std::is_same_v<T, RunLost>) return "booking.run_lost";
        if constexpr (std::is_same_v<T, WindowAdded>) return "booking.window_added";
        if constexpr (std::is_same_v<T, BookingBumped>) return "booking.bumped";
        if constexpr (std::is_same_v<T, BookingRebooked>) return "booking.rebooked";
        if constexpr (std::is_same_v<T, WaitlistPromoted>) return "booking.promoted";
        if constexpr (std::is_same_v<T, WaitlistExpired>) return "booking.waitlist_expired";
        if constexpr (std::is_same_v<T, BreakdownReported>) return "booking.breakdown";
        if constexpr (std::is_same_v<T, RepairCompleted>) return "booking.repaired";
        return "booking.unknown";
      },
      body);
}

std::uint32_t created_id(const EventBody& body) {
  return std::visit(
      [](const auto& e) -> std::uint32_t {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, InstrumentAdded>) return index(e.instrument);
        if constexpr (std::is_same_v<T, RunTypeAdded>) return index(e.run_type);
        if constexpr (std::is_same_v<T, BookingRequested>) return index(e.booking);
        if constexpr (std::is_same_v<T, WindowAdded>) return index(e.window);
        return kNone;
      },
      body);
}

}  // namespace labtwin::core::instruments
