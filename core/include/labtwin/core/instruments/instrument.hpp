#pragma once
/// @file Shared instruments: identity, location, capabilities, working hours and booking rules,
/// plus run types with their bills of materials.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "labtwin/core/inventory/ids.hpp"
#include "labtwin/core/ports.hpp"
#include "labtwin/core/schedule/shift_calendar.hpp"

namespace labtwin::core::instruments {

/// Handle of an instrument: dense index in registration order.
enum class InstrumentId : std::uint32_t {};
/// Handle of a booking: dense index in request order.
enum class BookingId : std::uint32_t {};
/// Handle of a run type: dense index in registration order.
enum class RunTypeId : std::uint32_t {};
/// Handle of a maintenance/calibration window or an outage: dense index in creation order.
enum class WindowId : std::uint32_t {};

/// The raw value used for "none" in every handle type.
inline constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
/// "No run type" (a booking that consumes no stock).
inline constexpr RunTypeId kNoRunType = RunTypeId{kNone};
/// "No window".
inline constexpr WindowId kNoWindow = WindowId{kNone};

/// The dense index behind a handle.
template <typename Id>
constexpr std::uint32_t index(Id id) {
  return static_cast<std::uint32_t>(id);
}

/// Whose hours a weekly quota counts.
enum class QuotaScope : std::uint8_t {
  User,     ///< per booking user
  Project,  ///< per booking project
};

/// Short name, e.g. "project".
std::string_view to_string(QuotaScope s);

/// Booking rules of one instrument.
struct BookingRules {
  Span min_slot = Span::minutes(30);          ///< shortest bookable slot
  Span max_slot = Span::hours(24);            ///< longest bookable slot
  Span granularity = Span::minutes(15);       ///< starts and lengths are multiples (local time)
  Span book_ahead = Span::days(90);           ///< latest start = now + book_ahead
  Span weekly_quota{};                        ///< hours per principal per week; 0 = no quota
  QuotaScope quota_scope = QuotaScope::User;  ///< who the quota counts
  bool needs_approval = false;                ///< requests wait for Approve before confirming
  Span late_cancel_cutoff = Span::hours(24);  ///< cancelling later than start - this is late
  Span check_in_early = Span::minutes(15);    ///< earliest check-in before the start
  Span no_show_grace = Span::minutes(15);     ///< NoShow allowed from start + this
  bool operator==(const BookingRules&) const = default;
};

/// A shared instrument (sequencer, mass spectrometer, confocal...).
struct Instrument {
  std::string id{};                                 ///< unique, non-empty, e.g. "SEQ-1"
  std::string type{};                               ///< instrument type, e.g. "sequencer"
  std::string site{};                               ///< site code
  std::string room{};                               ///< room code
  std::vector<std::string> capabilities{};          ///< e.g. "150bp", "paired-end"
  ShiftCalendar hours{};                            ///< bookable hours; an empty calendar = 24/7
  BookingRules rules{};                             ///< booking rules
  inventory::LocId stock_site = inventory::kNoLoc;  ///< site run stock is issued from (any)
};

/// Equal identity, rules, stock site and working-hour patterns and offset (holidays are not
/// visible through ShiftCalendar and are not compared).
bool operator==(const Instrument& a, const Instrument& b);

/// One line of a bill of materials.
struct BomLine {
  inventory::SkuId sku{};  ///< item
  double quantity = 0.0;   ///< > 0, issued at check-in
  bool operator==(const BomLine&) const = default;
};

/// A kind of run and the stock it consumes.
struct RunType {
  std::string id{};            ///< unique, non-empty, e.g. "novaseq-s4"
  std::vector<BomLine> bom{};  ///< issued through the inventory ledger at check-in
  bool operator==(const RunType&) const = default;
};

}  // namespace labtwin::core::instruments
