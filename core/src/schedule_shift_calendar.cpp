#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>

#include "labtwin/core/schedule/shift_calendar.hpp"

namespace labtwin::core {
namespace {

constexpr std::int64_t kMinuteUs = 60'000'000;
constexpr std::int64_t kDayUs = 1440 * kMinuteUs;
constexpr int kSearchDays = 400;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Monday = 0 ... Sunday = 6; day 0 (1970-01-01) was a Thursday.
int weekday_of(std::int64_t day) { return static_cast<int>(((day + 3) % 7 + 7) % 7); }

std::int64_t shift_length_minutes(const ShiftPattern& p) {
  return p.end_minute > p.start_minute ? p.end_minute - p.start_minute
                                       : p.end_minute - p.start_minute + 1440;
}

void check_minute(int minute, const char* what) {
  if (minute < 0 || minute >= 1440) {
    throw std::invalid_argument(std::string("shift calendar: ") + what + " minute " +
                                std::to_string(minute) + " is outside 0..1439");
  }
}

}  // namespace

int parse_hhmm(std::string_view text) {
  auto bad = [&] {
    return std::invalid_argument("shift calendar: time '" + std::string(text) +
                                 "' is not HH:MM (00:00..23:59)");
  };
  if (text.size() != 5 || text[2] != ':') throw bad();
  for (std::size_t i : {0U, 1U, 3U, 4U}) {
    if (text[i] < '0' || text[i] > '9') throw bad();
  }
  const int h = (text[0] - '0') * 10 + (text[1] - '0');
  const int m = (text[3] - '0') * 10 + (text[4] - '0');
  if (h > 23 || m > 59) throw bad();
  return h * 60 + m;
}

std::int64_t days_from_civil(CivilDate date) {
  using namespace std::chrono;
  const year_month_day ymd{year{date.year}, month{date.month}, day{date.day}};
  if (!ymd.ok()) {
    throw std::invalid_argument("invalid calendar date " + std::to_string(date.year) + "-" +
                                std::to_string(date.month) + "-" + std::to_string(date.day));
  }
  return sys_days{ymd}.time_since_epoch().count();
}

Instant local_to_utc(CivilDate date, int minute, Span utc_offset) {
  return Instant{days_from_civil(date) * kDayUs + minute * kMinuteUs - utc_offset.us};
}

ShiftCalendar::ShiftCalendar(Span utc_offset) : utc_offset_(utc_offset) {
  if (utc_offset.us <= -kDayUs || utc_offset.us >= kDayUs) {
    throw std::invalid_argument("shift calendar: UTC offset must be within +-24 h");
  }
}

ShiftCalendar& ShiftCalendar::add_weekly(std::uint8_t days, int start_minute, int end_minute) {
  if ((days & weekdays::kEveryDay) == 0 || (days & ~weekdays::kEveryDay) != 0) {
    throw std::invalid_argument("shift calendar: weekday mask " + std::to_string(days) +
                                " must be a non-empty subset of Mon..Sun (bits 0..6)");
  }
  check_minute(start_minute, "start");
  check_minute(end_minute, "end");
  patterns_.push_back(ShiftPattern{days, start_minute, end_minute});
  return *this;
}

ShiftCalendar& ShiftCalendar::add_weekly(std::uint8_t days, std::string_view start,
                                         std::string_view end) {
  return add_weekly(days, parse_hhmm(start), parse_hhmm(end));
}

ShiftCalendar& ShiftCalendar::add_holiday(CivilDate date) {
  const std::int64_t d = days_from_civil(date);
  auto it = std::lower_bound(holidays_.begin(), holidays_.end(), d);
  if (it == holidays_.end() || *it != d) holidays_.insert(it, d);
  return *this;
}

bool ShiftCalendar::is_holiday(std::int64_t local_day) const {
  return std::binary_search(holidays_.begin(), holidays_.end(), local_day);
}

std::optional<Instant> ShiftCalendar::covering_end(Instant t) const {
  const std::int64_t today = floor_div(t.us + utc_offset_.us, kDayUs);
  std::optional<Instant> best;
  // Shifts last at most 24 h, so only shifts starting yesterday or today can cover t.
  for (std::int64_t d = today - 1; d <= today; ++d) {
    if (is_holiday(d)) continue;
    const int wd = weekday_of(d);
    for (const ShiftPattern& p : patterns_) {
      if ((p.days & (1U << static_cast<unsigned>(wd))) == 0) continue;
      const Instant s{d * kDayUs + p.start_minute * kMinuteUs - utc_offset_.us};
      const Instant e{s.us + shift_length_minutes(p) * kMinuteUs};
      if (s <= t && t < e && (!best || e > *best)) best = e;
    }
  }
  return best;
}

bool ShiftCalendar::on_shift(Instant t) const { return covering_end(t).has_value(); }

std::optional<Instant> ShiftCalendar::shift_end(Instant t) const {
  std::optional<Instant> end = covering_end(t);
  if (!end) return std::nullopt;
  // Follow back-to-back or overlapping shifts; bounded so a 24/7 calendar terminates.
  for (int i = 0; i < kSearchDays * 8; ++i) {
    const std::optional<Instant> next = covering_end(*end);
    if (!next || *next <= *end) break;
    end = next;
  }
  return end;
}

std::optional<Instant> ShiftCalendar::next_shift_start(Instant t) const {
  if (patterns_.empty()) return std::nullopt;
  const std::int64_t today = floor_div(t.us + utc_offset_.us, kDayUs);
  // Starts on day d all lie in [d, d+1) local, so the first day with a start >= t wins.
  for (std::int64_t d = today; d <= today + kSearchDays; ++d) {
    if (is_holiday(d)) continue;
    const int wd = weekday_of(d);
    std::optional<Instant> best;
    for (const ShiftPattern& p : patterns_) {
      if ((p.days & (1U << static_cast<unsigned>(wd))) == 0) continue;
      const Instant s{d * kDayUs + p.start_minute * kMinuteUs - utc_offset_.us};
      if (s >= t && (!best || s < *best)) best = s;
    }
    if (best) return best;
  }
  return std::nullopt;
}

}  // namespace labtwin::core
