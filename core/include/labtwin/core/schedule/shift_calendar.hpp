#pragma once
/// @file Weekly shift calendars with holidays, evaluated in a site's fixed UTC offset.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "labtwin/core/ports.hpp"

namespace labtwin::core {

/// Day-of-week bits for shift patterns (bit 0 = Monday ... bit 6 = Sunday).
namespace weekdays {
inline constexpr std::uint8_t kMon = 1U << 0U;    ///< Monday
inline constexpr std::uint8_t kTue = 1U << 1U;    ///< Tuesday
inline constexpr std::uint8_t kWed = 1U << 2U;    ///< Wednesday
inline constexpr std::uint8_t kThu = 1U << 3U;    ///< Thursday
inline constexpr std::uint8_t kFri = 1U << 4U;    ///< Friday
inline constexpr std::uint8_t kSat = 1U << 5U;    ///< Saturday
inline constexpr std::uint8_t kSun = 1U << 6U;    ///< Sunday
inline constexpr std::uint8_t kMonFri = 0x1FU;    ///< Monday to Friday
inline constexpr std::uint8_t kWeekend = 0x60U;   ///< Saturday and Sunday
inline constexpr std::uint8_t kEveryDay = 0x7FU;  ///< all seven days
}  // namespace weekdays

/// A calendar date (proleptic Gregorian), as used for holidays.
struct CivilDate {
  int year = 1970;     ///< e.g. 2026
  unsigned month = 1;  ///< 1..12
  unsigned day = 1;    ///< 1..31
  constexpr auto operator<=>(const CivilDate&) const = default;
};

/// One weekly shift: starts at `start_minute` local time on each day in `days`, ends at
/// `end_minute`; `end_minute <= start_minute` means the shift crosses midnight (equal = 24 h).
struct ShiftPattern {
  std::uint8_t days = weekdays::kMonFri;  ///< weekday bits of the shift's START day
  int start_minute = 8 * 60;              ///< local minutes after midnight, 0..1439
  int end_minute = 16 * 60;               ///< local minutes after midnight, 0..1439
};

/// Parses "HH:MM" (00:00..23:59) into minutes after midnight; throws std::invalid_argument.
int parse_hhmm(std::string_view text);

/// The UTC instant of local midnight + `minute` on `date` at UTC offset `utc_offset`.
Instant local_to_utc(CivilDate date, int minute, Span utc_offset);

/// Days since 1970-01-01 of `date` (negative before the epoch).
std::int64_t days_from_civil(CivilDate date);

/// A weekly shift calendar: patterns minus holidays, in local time = UTC + a fixed offset.
/// A holiday cancels every shift that STARTS on that local date (a night shift starting the
/// evening before a holiday still runs into it).
class ShiftCalendar {
 public:
  /// An empty calendar (never on shift) at the given site UTC offset.
  explicit ShiftCalendar(Span utc_offset = {});

  /// Adds a weekly pattern; throws std::invalid_argument on empty days or minutes out of range.
  ShiftCalendar& add_weekly(std::uint8_t days, int start_minute, int end_minute);
  /// Adds a weekly pattern from "HH:MM" strings, e.g. add_weekly(kMonFri, "22:00", "06:00").
  ShiftCalendar& add_weekly(std::uint8_t days, std::string_view start, std::string_view end);
  /// Marks a local date as a holiday (no shift starts on it).
  ShiftCalendar& add_holiday(CivilDate date);

  /// True when the calendar has no patterns.
  bool empty() const { return patterns_.empty(); }
  /// The site's UTC offset (local = UTC + offset).
  Span utc_offset() const { return utc_offset_; }
  /// The weekly patterns, in insertion order.
  const std::vector<ShiftPattern>& patterns() const { return patterns_; }

  /// True when `t` lies inside a shift [start, end).
  bool on_shift(Instant t) const;
  /// The earliest shift start at or after `t`, searching up to 400 days ahead.
  std::optional<Instant> next_shift_start(Instant t) const;
  /// The end of the shift containing `t` (back-to-back and overlapping shifts are merged);
  /// nullopt when `t` is off shift.
  std::optional<Instant> shift_end(Instant t) const;

 private:
  bool is_holiday(std::int64_t local_day) const;
  // Latest end among shift instances containing t, or nullopt.
  std::optional<Instant> covering_end(Instant t) const;

  Span utc_offset_;
  std::vector<ShiftPattern> patterns_;
  std::vector<std::int64_t> holidays_;  // sorted local day numbers
};

}  // namespace labtwin::core
