#include "labtwin/sim/units.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "labtwin/sim/time.hpp"

namespace u = labtwin::sim::units;

namespace {
double ok(const u::Result<double>& r) {
  EXPECT_TRUE(r.ok()) << r.error;
  return r.value;
}
}  // namespace

TEST(Units, DurationsToSeconds) {
  EXPECT_DOUBLE_EQ(ok(u::parse_duration("15min")), 900.0);
  EXPECT_DOUBLE_EQ(ok(u::parse_duration("2.5h")), 9000.0);
  EXPECT_DOUBLE_EQ(ok(u::parse_duration("3d")), 259200.0);
  EXPECT_DOUBLE_EQ(ok(u::parse_duration("30s")), 30.0);
  EXPECT_DOUBLE_EQ(ok(u::parse_duration("250ms")), 0.25);
  EXPECT_DOUBLE_EQ(ok(u::parse_duration("1w")), 604800.0);
  EXPECT_DOUBLE_EQ(ok(u::parse_duration("7us")), 7e-6);
  EXPECT_DOUBLE_EQ(ok(u::parse_duration("1e3s")), 1000.0);
  EXPECT_DOUBLE_EQ(ok(u::parse_duration("0s")), 0.0);
}

TEST(Units, DurationSpacesAndCompounds) {
  // Documented decision: spaces around and between number and unit are allowed.
  EXPECT_DOUBLE_EQ(ok(u::parse_duration(" 15 min ")), 900.0);
  EXPECT_DOUBLE_EQ(ok(u::parse_duration("1h30min")), 5400.0);
  EXPECT_DOUBLE_EQ(ok(u::parse_duration("+2h10min")), 7800.0);
  EXPECT_DOUBLE_EQ(ok(u::parse_duration("1d 2h 3min 4s")), 86400.0 + 7200 + 180 + 4);
  // A sign is only allowed before the first component.
  EXPECT_FALSE(u::parse_duration("1h-30min").ok());
}

TEST(Units, DurationTicksAreExact) {
  using labtwin::sim::Time;
  EXPECT_EQ(u::parse_duration_ticks("15min").value, Time::min(15).ticks);
  EXPECT_EQ(u::parse_duration_ticks("2.5h").value, Time::min(150).ticks);
  EXPECT_EQ(u::parse_duration_ticks("3650d").value, Time::days(3650).ticks);
  // 0.1 is not representable in binary, but the decimal path is exact.
  EXPECT_EQ(u::parse_duration_ticks("0.1s").value, 100'000);
  EXPECT_EQ(u::parse_duration_ticks("0.000001s").value, 1);
  EXPECT_EQ(u::parse_duration_ticks("-90s").value, -90'000'000);
  // Sub-tick values round to the nearest tick, half away from zero.
  EXPECT_EQ(u::parse_duration_ticks("1.5us").value, 2);
  EXPECT_EQ(u::parse_duration_ticks("1.4us").value, 1);
  EXPECT_EQ(u::parse_duration_ticks("-1.5us").value, -2);
  // 100 000 years is fine, 1e6 years overflows int64 microseconds (max ~292 000 years).
  EXPECT_TRUE(u::parse_duration_ticks("5200000w").ok());
  const auto big = u::parse_duration_ticks("52000000w");
  EXPECT_FALSE(big.ok());
  EXPECT_NE(big.error.find("too long"), std::string::npos) << big.error;
}

TEST(Units, DurationErrorsNameTheExpectedForm) {
  const auto cold = u::parse_duration("cold");
  ASSERT_FALSE(cold.ok());
  EXPECT_EQ(cold.error, "expected a duration like \"15min\", got \"cold\"");
  const auto plain = u::parse_duration("30");
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.error,
            "expected a duration like \"15min\", got \"30\" (a plain number needs a unit: us, "
            "ms, s, min, h, d, w)");
  const auto unknown = u::parse_duration("3 fortnights");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error.find("unknown unit \"fortnights\""), std::string::npos);
  EXPECT_FALSE(u::parse_duration("").ok());
  EXPECT_FALSE(u::parse_duration("h").ok());
  EXPECT_FALSE(u::parse_duration("5 M").ok());
  EXPECT_FALSE(u::parse_duration("nan s").ok());
  EXPECT_FALSE(u::parse_duration("inf h").ok());
  EXPECT_FALSE(u::parse_duration("1e999s").ok());
}

TEST(Units, AbsoluteTemperaturesToCelsius) {
  EXPECT_DOUBLE_EQ(ok(u::parse_temperature("-80C")), -80.0);
  EXPECT_NEAR(ok(u::parse_temperature("193.15K")), -80.0, 1e-12);
  // -112 F = (-112 - 32) * 5/9 = -80 C.
  EXPECT_NEAR(ok(u::parse_temperature("-112F")), -80.0, 1e-12);
  EXPECT_NEAR(ok(u::parse_temperature("32F")), 0.0, 1e-12);
  EXPECT_NEAR(ok(u::parse_temperature("0K")), -273.15, 1e-12);
  // "-0C" is zero, and is normalised to +0.0.
  const double z = ok(u::parse_temperature("-0C"));
  EXPECT_EQ(z, 0.0);
  EXPECT_FALSE(std::signbit(z));
  EXPECT_DOUBLE_EQ(ok(u::parse_temperature("+4 C")), 4.0);
}

TEST(Units, TemperatureErrors) {
  const auto cold = u::parse_temperature("cold");
  ASSERT_FALSE(cold.ok());
  EXPECT_EQ(cold.error, "expected a temperature like \"-80C\", got \"cold\"");
  const auto abs0 = u::parse_temperature("-300C");
  ASSERT_FALSE(abs0.ok());
  EXPECT_NE(abs0.error.find("below absolute zero"), std::string::npos);
  EXPECT_FALSE(u::parse_temperature("-1K").ok());
  const auto plain = u::parse_temperature("-80");
  ASSERT_FALSE(plain.ok());
  EXPECT_NE(plain.error.find("needs a unit: C, K, F"), std::string::npos);
  EXPECT_FALSE(u::parse_temperature("-80c").ok());  // units are case-sensitive
}

TEST(Units, TemperatureDifferencesToKelvin) {
  EXPECT_DOUBLE_EQ(ok(u::parse_temperature_delta("2K")), 2.0);
  EXPECT_DOUBLE_EQ(ok(u::parse_temperature_delta("2C")), 2.0);
  EXPECT_NEAR(ok(u::parse_temperature_delta("3.6F")), 2.0, 1e-12);  // 1 F step = 5/9 K
  EXPECT_DOUBLE_EQ(ok(u::parse_temperature_delta("-1.5K")), -1.5);
  EXPECT_EQ(u::parse_temperature_delta("warm").error,
            "expected a temperature difference like \"2K\", got \"warm\"");
}

TEST(Units, PowerAndEnergy) {
  EXPECT_DOUBLE_EQ(ok(u::parse_power("1.2kW")), 1200.0);
  EXPECT_DOUBLE_EQ(ok(u::parse_power("800W")), 800.0);
  EXPECT_DOUBLE_EQ(ok(u::parse_power("1MW")), 1e6);
  EXPECT_DOUBLE_EQ(ok(u::parse_power("1e3W")), 1000.0);
  EXPECT_DOUBLE_EQ(ok(u::parse_power("500mW")), 0.5);
  EXPECT_FALSE(u::parse_power("1.2KW").ok());
  EXPECT_FALSE(u::parse_power("1.2kWh").ok());
  EXPECT_DOUBLE_EQ(ok(u::parse_energy("40kWh")), 40 * 3.6e6);
  EXPECT_DOUBLE_EQ(ok(u::parse_energy("3.6MJ")), 3.6e6);
  EXPECT_DOUBLE_EQ(ok(u::parse_energy("500Wh")), 1.8e6);
  EXPECT_DOUBLE_EQ(ok(u::parse_energy("1J")), 1.0);
  EXPECT_EQ(u::parse_energy("40kW").error,
            "expected an energy like \"40kWh\", got \"40kW\" (unknown unit \"kW\"; use one of: "
            "J, kJ, MJ, GJ, Wh, kWh, MWh)");
}

TEST(Units, ConductanceHeatCapacityRate) {
  EXPECT_DOUBLE_EQ(ok(u::parse_conductance("2.5W/K")), 2.5);
  EXPECT_DOUBLE_EQ(ok(u::parse_conductance("0.1kW/K")), 100.0);
  EXPECT_DOUBLE_EQ(ok(u::parse_heat_capacity("50kJ/K")), 50000.0);
  EXPECT_DOUBLE_EQ(ok(u::parse_heat_capacity("5000J/K")), 5000.0);
  EXPECT_FALSE(u::parse_heat_capacity("5000J").ok());
  EXPECT_DOUBLE_EQ(ok(u::parse_rate("12/d")), 12.0 / 86400.0);
  EXPECT_DOUBLE_EQ(ok(u::parse_rate("0.5/h")), 0.5 / 3600.0);
  EXPECT_DOUBLE_EQ(ok(u::parse_rate("3/min")), 0.05);
  EXPECT_DOUBLE_EQ(ok(u::parse_rate("2 /s")), 2.0);
  EXPECT_DOUBLE_EQ(ok(u::parse_rate("7/w")), 7.0 / 604800.0);
  EXPECT_NE(u::parse_rate("12").error.find("needs a unit"), std::string::npos);
}

TEST(Units, FractionsAndPercent) {
  EXPECT_DOUBLE_EQ(ok(u::parse_fraction("95%")), 0.95);
  EXPECT_DOUBLE_EQ(ok(u::parse_fraction("0.95")), 0.95);
  EXPECT_DOUBLE_EQ(ok(u::parse_fraction("100 %")), 1.0);
  EXPECT_DOUBLE_EQ(ok(u::parse_fraction("150%")), 1.5);  // range is checked by the schema
  EXPECT_EQ(u::parse_fraction("most").error, "expected a fraction like \"95%\", got \"most\"");
}

TEST(Units, PlainNumbers) {
  EXPECT_DOUBLE_EQ(ok(u::parse_number("12")), 12.0);
  EXPECT_DOUBLE_EQ(ok(u::parse_number("-3.5")), -3.5);
  EXPECT_DOUBLE_EQ(ok(u::parse_number(".5")), 0.5);
  EXPECT_DOUBLE_EQ(ok(u::parse_number("5.")), 5.0);
  EXPECT_DOUBLE_EQ(ok(u::parse_number("1E-3")), 0.001);
  EXPECT_FALSE(u::parse_number("12kg").ok());
  EXPECT_FALSE(u::parse_number("-").ok());
  EXPECT_FALSE(u::parse_number(".").ok());
  EXPECT_FALSE(u::parse_number("0x10").ok());
  EXPECT_FALSE(u::parse_number("1,5").ok());
}

TEST(Units, GenericDispatch) {
  using Q = u::Quantity;
  EXPECT_DOUBLE_EQ(ok(u::parse_quantity(Q::power, "2kW")), 2000.0);
  EXPECT_DOUBLE_EQ(ok(u::parse_quantity(Q::duration, "1min")), 60.0);
  EXPECT_EQ(u::quantity_example(Q::temperature), "-80C");
  EXPECT_EQ(u::expected_message(Q::rate, "x"), "expected a rate like \"12/d\", got \"x\"");
}

TEST(Units, Iso8601DateTimes) {
  // 2026-03-07 is day 20519 since 1970-01-01 (days_from_civil, H. Hinnant's algorithm;
  // cross-checked: `date -u -d 2026-03-07 +%s` = 1772841600).
  constexpr std::int64_t kDay = 86'400'000'000;
  EXPECT_EQ(u::parse_datetime("1970-01-01T00:00:00").value, 0);
  EXPECT_EQ(u::parse_datetime("2026-03-07").value, 1772841600LL * 1'000'000);
  EXPECT_EQ(u::parse_datetime("2026-03-07T02:10:00").value,
            1772841600LL * 1'000'000 + (2 * 3600 + 600) * 1'000'000LL);
  EXPECT_EQ(u::parse_datetime("2026-03-07T02:10:00Z").value,
            u::parse_datetime("2026-03-07T02:10:00").value);
  // 02:10 at +01:00 is 01:10 UTC.
  EXPECT_EQ(u::parse_datetime("2026-03-07T02:10:00+01:00").value,
            u::parse_datetime("2026-03-07T01:10:00Z").value);
  EXPECT_EQ(u::parse_datetime("2026-03-07T02:10:00-05:30").value,
            u::parse_datetime("2026-03-07T07:40:00Z").value);
  EXPECT_EQ(u::parse_datetime("2026-03-07T02:10").value,
            u::parse_datetime("2026-03-07T02:10:00").value);
  EXPECT_EQ(u::parse_datetime("2026-03-07T02:10:00.25").value,
            u::parse_datetime("2026-03-07T02:10:00").value + 250'000);
  EXPECT_EQ(u::parse_datetime("1969-12-31T00:00:00").value, -kDay);
  // Leap years: 2024-02-29 exists, 2026-02-29 and 2100-02-29 do not.
  EXPECT_EQ(u::parse_datetime("2024-03-01").value - u::parse_datetime("2024-02-29").value, kDay);
  EXPECT_FALSE(u::parse_datetime("2026-02-29").ok());
  EXPECT_FALSE(u::parse_datetime("2100-02-29").ok());
  EXPECT_TRUE(u::parse_datetime("2000-02-29").ok());
}

TEST(Units, Iso8601Errors) {
  const auto bad = u::parse_datetime("yesterday");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error,
            "expected a date-time like \"2026-03-07T02:10:00\" (optionally with \"Z\" or "
            "\"+01:00\"), got \"yesterday\"");
  EXPECT_FALSE(u::parse_datetime("2026-13-01T00:00:00").ok());
  EXPECT_FALSE(u::parse_datetime("2026-03-07T24:00:00").ok());
  EXPECT_FALSE(u::parse_datetime("2026-03-07T02:60:00").ok());
  EXPECT_FALSE(u::parse_datetime("2026-03-07T02:10:00+1").ok());
  EXPECT_FALSE(u::parse_datetime("2026-03-07T02:10:00 junk").ok());
  EXPECT_FALSE(u::parse_datetime("2026-3-7").ok());
  EXPECT_FALSE(u::parse_datetime("2026-03-07T").ok());
}

TEST(Units, OffsetsWeekdaysClockTimes) {
  EXPECT_EQ(u::parse_utc_offset("+01:00").value, 3600);
  EXPECT_EQ(u::parse_utc_offset("-05:30").value, -19800);
  EXPECT_EQ(u::parse_utc_offset("+0100").value, 3600);
  EXPECT_EQ(u::parse_utc_offset("Z").value, 0);
  EXPECT_FALSE(u::parse_utc_offset("01:00").ok());
  EXPECT_FALSE(u::parse_utc_offset("+25:00").ok());
  EXPECT_EQ(u::parse_weekday("mon").value, 0);
  EXPECT_EQ(u::parse_weekday("Sunday").value, 6);
  EXPECT_EQ(u::parse_weekday("FRI").value, 4);
  EXPECT_FALSE(u::parse_weekday("funday").ok());
  EXPECT_EQ(u::parse_clock_time("07:30").value, 27000);
  EXPECT_EQ(u::parse_clock_time("00:00").value, 0);
  EXPECT_EQ(u::parse_clock_time("24:00").value, 86400);
  EXPECT_FALSE(u::parse_clock_time("24:01").ok());
  EXPECT_FALSE(u::parse_clock_time("7:30").ok());
  EXPECT_FALSE(u::parse_clock_time("07:60").ok());
  EXPECT_EQ(u::parse_clock_time("noon").error,
            "expected a clock time like \"07:30\" (HH:MM, 00:00..24:00), got \"noon\"");
}
