// Shift calendars: weekly patterns, night shifts across midnight, holidays, UTC offsets.
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>

#include "labtwin/core/schedule/shift_calendar.hpp"

namespace labtwin::core {
namespace {

// 2026-11-23 is a Monday; 2026-11-25 (a Wednesday) is day 20782 since 1970-01-01:
// 56 years x 365 + 14 leap days (1972..2024) = 20454 to 2026-01-01, + 304 (Jan..Oct) + 24.
constexpr CivilDate kMon{2026, 11, 23};
constexpr CivilDate kTue{2026, 11, 24};
constexpr CivilDate kWed{2026, 11, 25};
constexpr CivilDate kFri{2026, 11, 27};
constexpr CivilDate kSat{2026, 11, 28};
constexpr CivilDate kNextMon{2026, 11, 30};

// The Monday `weeks` weeks after `monday`, counting days by hand (independent of the code under
// test).
CivilDate monday_after(CivilDate monday, unsigned weeks) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  CivilDate d = monday;
  for (unsigned i = 0; i < 7 * weeks; ++i) {
    const bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
    const unsigned len = d.month == 2 && leap ? 29 : kDays[d.month - 1];
    if (++d.day > len) {
      d.day = 1;
      if (++d.month > 12) {
        d.month = 1;
        ++d.year;
      }
    }
  }
  return d;
}

Instant at(CivilDate d, int hh, int mm, Span offset) {
  return local_to_utc(d, hh * 60 + mm, offset);
}

TEST(ShiftCalendar, CivilDates) {
  EXPECT_EQ(days_from_civil({1970, 1, 1}), 0);
  EXPECT_EQ(days_from_civil({2000, 3, 1}), 11017);  // 10957 (2000-01-01) + 31 + 29
  EXPECT_EQ(days_from_civil(kWed), 20782);
  EXPECT_EQ((20782 + 3) % 7, 2);  // day 0 was a Thursday (index 3 from Monday): Wednesday
  EXPECT_EQ(days_from_civil({1969, 12, 31}), -1);
  EXPECT_THROW(days_from_civil({2026, 2, 29}), std::invalid_argument);
  EXPECT_THROW(days_from_civil({2026, 13, 1}), std::invalid_argument);
  // Local 08:00 at UTC+1 is 07:00 UTC.
  EXPECT_EQ(local_to_utc(kMon, 8 * 60, Span::hours(1)).us,
            (days_from_civil(kMon) * 86400 + 7 * 3600) * 1'000'000LL);
}

TEST(ShiftCalendar, ParsesHhMm) {
  EXPECT_EQ(parse_hhmm("00:00"), 0);
  EXPECT_EQ(parse_hhmm("08:30"), 510);
  EXPECT_EQ(parse_hhmm("23:59"), 1439);
  for (const char* bad : {"24:00", "8:00", "08:60", "08-00", "ab:cd", ""}) {
    EXPECT_THROW(parse_hhmm(bad), std::invalid_argument) << bad;
  }
}

TEST(ShiftCalendar, WeekdayDayShiftAtPositiveOffset) {
  const Span cet = Span::hours(1);
  ShiftCalendar cal(cet);
  cal.add_weekly(weekdays::kMonFri, "08:00", "16:00");
  EXPECT_FALSE(cal.on_shift(at(kMon, 7, 59, cet)));
  EXPECT_TRUE(cal.on_shift(at(kMon, 8, 0, cet)));
  EXPECT_TRUE(cal.on_shift(at(kMon, 15, 59, cet)));
  EXPECT_FALSE(cal.on_shift(at(kMon, 16, 0, cet)));  // end is exclusive
  EXPECT_FALSE(cal.on_shift(at(kSat, 10, 0, cet)));
  EXPECT_EQ(cal.shift_end(at(kWed, 9, 0, cet)), at(kWed, 16, 0, cet));
  EXPECT_FALSE(cal.shift_end(at(kWed, 17, 0, cet)).has_value());
  EXPECT_EQ(cal.next_shift_start(at(kWed, 9, 0, cet)), at(CivilDate{2026, 11, 26}, 8, 0, cet));
  EXPECT_EQ(cal.next_shift_start(at(kWed, 8, 0, cet)), at(kWed, 8, 0, cet));  // at or after
  EXPECT_EQ(cal.next_shift_start(at(kFri, 17, 0, cet)), at(kNextMon, 8, 0, cet));
  // The same local shift in UTC is one hour earlier: 07:30 UTC is on shift in CET.
  EXPECT_TRUE(cal.on_shift(at(kMon, 7, 30, Span{})));
}

TEST(ShiftCalendar, NightShiftCrossesMidnightAtNegativeOffset) {
  const Span est = Span::hours(-5);
  ShiftCalendar cal(est);
  cal.add_weekly(weekdays::kMonFri, "22:00", "06:00");
  EXPECT_TRUE(cal.on_shift(at(kFri, 23, 0, est)));
  EXPECT_TRUE(cal.on_shift(at(kSat, 5, 59, est)));  // Friday's night runs into Saturday
  EXPECT_FALSE(cal.on_shift(at(kSat, 6, 0, est)));
  EXPECT_FALSE(cal.on_shift(at(kSat, 23, 0, est)));  // no Saturday night shift
  EXPECT_FALSE(cal.on_shift(at(kMon, 3, 0, est)));   // Sunday night has no shift
  EXPECT_EQ(cal.shift_end(at(kTue, 1, 0, est)), at(kTue, 6, 0, est));
  EXPECT_EQ(cal.next_shift_start(at(kSat, 1, 0, est)), at(kMon, 22, 0, est) + Span::days(7));
}

TEST(ShiftCalendar, HolidaysCancelShiftsStartingThatDay) {
  ShiftCalendar cal;
  cal.add_weekly(weekdays::kMonFri, "08:00", "16:00").add_weekly(weekdays::kTue, "22:00", "06:00");
  cal.add_holiday(kWed).add_holiday(kNextMon);
  EXPECT_FALSE(cal.on_shift(at(kWed, 10, 0, {})));
  EXPECT_TRUE(cal.on_shift(at(kWed, 2, 0, {})));  // Tuesday's night shift still runs
  EXPECT_EQ(cal.next_shift_start(at(kTue, 16, 30, {})), at(kTue, 22, 0, {}));
  EXPECT_EQ(cal.next_shift_start(at(kTue, 23, 0, {})), at(CivilDate{2026, 11, 26}, 8, 0, {}));
  EXPECT_EQ(cal.next_shift_start(at(kFri, 18, 0, {})), at(CivilDate{2026, 12, 1}, 8, 0, {}));
}

TEST(ShiftCalendar, BackToBackShiftsMerge) {
  ShiftCalendar cal;
  cal.add_weekly(weekdays::kEveryDay, "06:00", "14:00")
      .add_weekly(weekdays::kMonFri, "14:00", "22:00");
  EXPECT_EQ(cal.shift_end(at(kMon, 7, 0, {})), at(kMon, 22, 0, {}));
  EXPECT_EQ(cal.shift_end(at(kSat, 7, 0, {})), at(kSat, 14, 0, {}));
  // A 24 h pattern every day never ends within the search bound but still terminates.
  ShiftCalendar always;
  always.add_weekly(weekdays::kEveryDay, 0, 0);
  const auto end = always.shift_end(at(kMon, 12, 0, {}));
  ASSERT_TRUE(end.has_value());
  EXPECT_GT(*end, at(kMon, 12, 0, {}) + Span::days(300));
}

TEST(ShiftCalendar, EmptyAndInvalid) {
  ShiftCalendar cal;
  EXPECT_TRUE(cal.empty());
  EXPECT_FALSE(cal.on_shift(at(kMon, 10, 0, {})));
  EXPECT_FALSE(cal.next_shift_start(at(kMon, 10, 0, {})).has_value());
  EXPECT_THROW(cal.add_weekly(0, 60, 120), std::invalid_argument);
  EXPECT_THROW(cal.add_weekly(0x80, 60, 120), std::invalid_argument);
  EXPECT_THROW(cal.add_weekly(weekdays::kMon, -1, 120), std::invalid_argument);
  EXPECT_THROW(cal.add_weekly(weekdays::kMon, 60, 1440), std::invalid_argument);
  EXPECT_THROW(ShiftCalendar(Span::hours(25)), std::invalid_argument);
  // Only Mondays, every one a holiday for 60 weeks: no start within the 400-day horizon.
  ShiftCalendar rare;
  rare.add_weekly(weekdays::kMon, "08:00", "09:00");
  for (unsigned w = 0; w < 60; ++w) {
    rare.add_holiday(monday_after(kNextMon, w));
  }
  EXPECT_FALSE(rare.next_shift_start(at(kTue, 0, 0, {})).has_value());
}

// Property check against a minute-by-minute scan: next_shift_start and shift_end agree with
// on_shift over three weeks with a holiday, a night shift and an odd offset.
TEST(ShiftCalendar, QueriesAgreeWithMinuteScan) {
  const Span offset = Span::minutes(330);  // UTC+05:30
  ShiftCalendar cal(offset);
  cal.add_weekly(weekdays::kMonFri, "08:00", "16:00")
      .add_weekly(weekdays::kWeekend | weekdays::kWed, "22:00", "06:00")
      .add_weekly(weekdays::kSat, "10:15", "12:45")
      .add_holiday(kWed);
  const Instant begin = at(kMon, 0, 0, offset);
  constexpr int kMinutes = 21 * 1440;
  std::vector<char> on(kMinutes + 2 * 1440);
  for (int m = 0; m < static_cast<int>(on.size()); ++m) {
    on[static_cast<std::size_t>(m)] = cal.on_shift(begin + Span::minutes(m)) ? 1 : 0;
  }
  int checked_starts = 0;
  for (int m = 0; m < kMinutes; m += 7) {
    const Instant t = begin + Span::minutes(m);
    const auto um = static_cast<std::size_t>(m);
    if (on[um] != 0) {
      const auto end = cal.shift_end(t);
      ASSERT_TRUE(end.has_value());
      const auto em = static_cast<std::size_t>((*end - begin).us / 60'000'000);
      for (std::size_t k = um; k < em && k < on.size(); ++k) ASSERT_EQ(on[k], 1) << k;
      if (em < on.size()) {
        EXPECT_EQ(on[em], 0) << "shift end at minute " << em;
      }
    } else {
      EXPECT_FALSE(cal.shift_end(t).has_value());
      const auto s = cal.next_shift_start(t);
      ASSERT_TRUE(s.has_value());
      const auto sm = static_cast<std::size_t>((*s - begin).us / 60'000'000);
      for (std::size_t k = um; k < sm && k < on.size(); ++k) ASSERT_EQ(on[k], 0) << k;
      if (sm < on.size()) {
        EXPECT_EQ(on[sm], 1);
        ++checked_starts;
      }
    }
  }
  EXPECT_GT(checked_starts, 100);
}

}  // namespace
}  // namespace labtwin::core
