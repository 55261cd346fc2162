// The telemetry CSV reader: formats, time zones, quoting, disorder, lenient mode and the exact
// error messages (file, line, field).
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <new>
#include <string>

#include "labtwin/adapters/telemetry.hpp"
#include "labtwin_test/count_new.hpp"

namespace labtwin::adapters {
namespace {

using labtwin::test::g_counting;
using labtwin::test::g_news;

constexpr std::int64_t kSecond = 1'000'000;
constexpr std::int64_t kHour = 3600 * kSecond;
// 2026-03-14T03:12:00Z in us. Reference: `date -u -d 2026-03-14T03:12:00Z +%s` = 1773457920, and
// independently 20526 days (1970-01-01 .. 2026-03-14: 56 years of 365 days + 14 leap days
// 1972..2024 + 31 + 28 + 13) * 86400 + 3 h 12 min = 1773446400 + 11520.
constexpr std::int64_t kT0 = 1'773'457'920 * kSecond;

std::string error_of(std::string_view text, const TelemetryReadOptions& o = {}) {
  try {
    (void)parse_telemetry_csv(text, "data.csv", o);
  } catch (const TelemetryError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(TelemetryCsv, EpochArithmeticMatchesTheIndependentDayCount) {
  // 56 * 365 + 14 leap days + Jan (31) + Feb (28) + 13 days of March.
  const std::int64_t days = 56 * 365 + 14 + 31 + 28 + 13;
  EXPECT_EQ(days * 86400 * kSecond + (3 * 3600 + 12 * 60) * kSecond, kT0);
  const auto set =
      parse_telemetry_csv("timestamp,sensor_id,value\n2026-03-14T03:12:00Z,a,1\n", "x");
  ASSERT_EQ(set.series.size(), 1u);
  EXPECT_EQ(set.series[0].t_us.at(0), kT0);
}

TEST(TelemetryCsv, TimeZonesAreConvertedToUtc) {
  const std::string text =
      "timestamp,sensor_id,value,unit\n"
      "2026-03-14T03:12:00Z,z,1,C\n"
      "2026-03-14T03:12:00.250+01:00,plus,2,C\n"        // 02:12:00.250Z
      "2026-03-14 03:12:00-05:00,minus,3,C\n"           // 08:12:00Z
      "2026-03-14T03:12,nozone,4,C\n"                   // no zone = UTC
      "2026-03-14T00:30:00+0100,dayback,5,C\n"          // 2026-03-13T23:30Z
      "2026-03-14T03:12:00.123456789-00:30,frac,6,C\n"  // sub-us digits truncated
      "2028-02-29T00:00:00Z,leap,7,C\n"
      "2026-03-14t03:12:00z,lower,8,C\n";
  const auto set = parse_telemetry_csv(text, "zones.csv");
  ASSERT_EQ(set.series.size(), 8u);
  EXPECT_EQ(set.find("z")->t_us[0], kT0);
  EXPECT_EQ(set.find("plus")->t_us[0], kT0 - kHour + 250'000);
  EXPECT_EQ(set.find("minus")->t_us[0], kT0 + 5 * kHour);
  EXPECT_EQ(set.find("nozone")->t_us[0], kT0);
  EXPECT_EQ(set.find("dayback")->t_us[0], kT0 - (3 * 3600 + 12 * 60) * kSecond - kHour / 2);
  EXPECT_EQ(set.find("frac")->t_us[0], kT0 + 123'456 + kHour / 2);
  // 2028-02-29: date -u -d 2028-02-29 +%s = 1835395200.
  EXPECT_EQ(set.find("leap")->t_us[0], 1'835'395'200 * kSecond);
  EXPECT_EQ(set.find("lower")->t_us[0], kT0);
}

TEST(TelemetryCsv, BadTimestampsNameTheirRowAndForm) {
  const std::string h = "timestamp,sensor_id,value\n";
  EXPECT_EQ(error_of(h + "2026-02-29T00:00:00Z,a,1\n"),
            "data.csv:2: error: timestamp: expected an ISO-8601 date-time like "
            "2026-03-14T03:12:00Z, got '2026-02-29T00:00:00Z' (no such calendar date)");
  EXPECT_EQ(error_of(h + "2026-03-14T24:00:00Z,a,1\n"),
            "data.csv:2: error: timestamp: expected an ISO-8601 date-time like "
            "2026-03-14T03:12:00Z, got '2026-03-14T24:00:00Z' (time of day out of range)");
  EXPECT_EQ(error_of(h + "yesterday,a,1\n"),
            "data.csv:2: error: timestamp: expected an ISO-8601 date-time like "
            "2026-03-14T03:12:00Z, got 'yesterday'");
  EXPECT_EQ(error_of(h + "2026-03-14T03:12:00+1:00,a,1\n"),
            "data.csv:2: error: timestamp: expected an ISO-8601 date-time like "
            "2026-03-14T03:12:00Z, got '2026-03-14T03:12:00+1:00'");
}

TEST(TelemetryCsv, QuotedFieldsUnitsAndSortedSeries) {
  const std::string text =
      "timestamp,sensor_id,value,unit\n"
      "\"2026-03-14T03:12:00Z\",\"bldg2/ult-12/temp\",\"-79.5\",\"C\"\n"
      "2026-03-14T03:13:00Z, \"a \"\"quoted\"\", id\" ,+1.5e3, W \n"
      "2026-03-14T03:14:00Z,bldg2/ult-12/temp,-79.25,C\n";
  const auto set = parse_telemetry_csv(text, "q.csv");
  ASSERT_EQ(set.series.size(), 2u);
  EXPECT_EQ(set.series[0].sensor, "a \"quoted\", id");  // '"' sorts before 'b'
  EXPECT_EQ(set.series[0].unit, "W");
  EXPECT_EQ(set.series[0].value, std::vector<double>{1500.0});
  EXPECT_EQ(set.series[1].sensor, "bldg2/ult-12/temp");
  EXPECT_EQ(set.series[1].unit, "C");
  EXPECT_EQ(set.series[1].t_us, (std::vector<std::int64_t>{kT0, kT0 + 120 * kSecond}));
  EXPECT_EQ(set.series[1].value, (std::vector<double>{-79.5, -79.25}));
  EXPECT_EQ(set.samples(), 3u);
  EXPECT_EQ(set.find("nope"), nullptr);
  EXPECT_EQ(error_of("timestamp,sensor_id,value\n2026-03-14T03:12:00Z,\"open,1\n"),
            "data.csv:2: error: sensor_id: unterminated quoted field");
  EXPECT_EQ(error_of("timestamp,sensor_id,value\n2026-03-14T03:12:00Z,\"a\"b,1\n"),
            "data.csv:2: error: sensor_id: unexpected text after a closing quote");
}

TEST(TelemetryCsv, CrlfBomBlankLinesAndCommentsReadLikePlainLf) {
  const std::string plain =
      "timestamp,sensor_id,value,unit\n"
      "2026-03-14T03:12:00Z,F-01/air,-80.0,C\n"
      "2026-03-14T03:13:00Z,F-01/air,-79.0,C\n";
  const std::string fancy =
      "\xEF\xBB\xBF# exported by a monitoring system\r\n"
      "\r\n"
      "Timestamp,SENSOR_ID,Value,Unit\r\n"
      "  # a comment between rows\r\n"
      "2026-03-14T03:12:00Z,F-01/air,-80.0,C\r\n"
      "   \r\n"
      "2026-03-14T03:13:00Z,F-01/air,-79.0,C";  // no final line end
  const auto a = parse_telemetry_csv(plain, "a.csv");
  TelemetryReadReport report;
  const auto b = parse_telemetry_csv(fancy, "b.csv", {}, &report);
  ASSERT_EQ(a.series.size(), 1u);
  ASSERT_EQ(b.series.size(), 1u);
  EXPECT_EQ(a.series[0].t_us, b.series[0].t_us);
  EXPECT_EQ(a.series[0].value, b.series[0].value);
  EXPECT_EQ(b.series[0].unit, "C");
  EXPECT_EQ(report.rows, 2u);
  // Line numbers count comment and blank lines: the bad value is on line 7.
  EXPECT_EQ(error_of("\xEF\xBB\xBF# c\r\n\r\ntimestamp,sensor_id,value\r\n# c\r\n"
                     "2026-03-14T03:12:00Z,a,1\r\n\r\n2026-03-14T03:13:00Z,a,x\r\n"),
            "data.csv:7: error: value: not a number: 'x'");
}

TEST(TelemetryCsv, HeaderRulesAndColumnOrder) {
  const auto set =
      parse_telemetry_csv("value,Sensor_Id,TIMESTAMP\n2.5,s,2026-03-14T03:12:00Z\n", "order.csv");
  ASSERT_EQ(set.series.size(), 1u);
  EXPECT_EQ(set.series[0].t_us[0], kT0);
  EXPECT_EQ(set.series[0].value[0], 2.5);
  EXPECT_EQ(set.series[0].unit, "");
  EXPECT_EQ(error_of(""),
            "data.csv: error: header: no header row (expected timestamp,sensor_id,value[,unit])");
  EXPECT_EQ(error_of("# only a comment\n"),
            "data.csv: error: header: no header row (expected timestamp,sensor_id,value[,unit])");
  EXPECT_EQ(error_of("timestamp,sensor_id,value,unit,site,quality\n"),
            "data.csv:1: error: header: unknown column(s) 'site', 'quality' (expected "
            "timestamp,sensor_id,value[,unit])");
  EXPECT_EQ(error_of("timestamp,value\n"),
            "data.csv:1: error: header: missing column(s) 'sensor_id' (expected "
            "timestamp,sensor_id,value[,unit])");
  EXPECT_EQ(error_of("timestamp,sensor_id,value,Value\n"),
            "data.csv:1: error: header: column 'value' appears twice");
  EXPECT_EQ(error_of("2026-03-14T03:12:00Z,a,1\n"),
            "data.csv:1: error: header: unknown column(s) '2026-03-14T03:12:00Z', 'a', '1' "
            "(expected timestamp,sensor_id,value[,unit])");
}

TEST(TelemetryCsv, BadValuesAndFieldCounts) {
  const std::string h = "timestamp,sensor_id,value\n2026-03-14T03:12:00Z,a,1\n";
  EXPECT_EQ(error_of(h + "2026-03-14T03:13:00Z,a,nan\n"),
            "data.csv:3: error: value: not a finite number: 'nan'");
  EXPECT_EQ(error_of(h + "2026-03-14T03:13:00Z,a,-inf\n"),
            "data.csv:3: error: value: not a finite number: '-inf'");
  EXPECT_EQ(error_of(h + "2026-03-14T03:13:00Z,a,\n"), "data.csv:3: error: value: empty value");
  EXPECT_EQ(error_of(h + "2026-03-14T03:13:00Z,a,12abc\n"),
            "data.csv:3: error: value: not a number: '12abc'");
  EXPECT_EQ(error_of(h + "2026-03-14T03:13:00Z,a,1e999\n"),
            "data.csv:3: error: value: number out of range: '1e999'");
  EXPECT_EQ(error_of(h + "2026-03-14T03:13:00Z,a,1,C\n"),
            "data.csv:3: error: row: expected 3 fields, got 4");
  EXPECT_EQ(error_of(h + "2026-03-14T03:13:00Z,,1\n"),
            "data.csv:3: error: sensor_id: empty sensor id");
  EXPECT_EQ(error_of(h + "2026-03-14T03:13:00Z,a//b,1\n"),
            "data.csv:3: error: sensor_id: sensor id has an empty path component (leading, "
            "trailing or '//'): 'a//b'");
}

TEST(TelemetryCsv, UnitChangeIsAnErrorNamingBothRows) {
  EXPECT_EQ(error_of("timestamp,sensor_id,value,unit\n"
                     "2026-03-14T03:12:00Z,t,1,C\n"
                     "2026-03-14T03:13:00Z,u,1,W\n"
                     "2026-03-14T03:14:00Z,t,1,K\n"),
            "data.csv:4: error: unit: sensor 't' changes unit from 'C' (line 2) to 'K'");
}

TEST(TelemetryCsv, DisorderIsSortedStablyOrRejected) {
  const std::string text =
      "timestamp,sensor_id,value\n"
      "2026-03-14T03:12:02Z,a,1\n"
      "2026-03-14T03:12:00Z,b,10\n"  // another sensor: not out of order
      "2026-03-14T03:12:01Z,a,2\n"   // earlier than line 2: out of order
      "2026-03-14T03:12:01Z,a,3\n"   // equal to the previous row: in order
      "2026-03-14T03:12:00Z,a,4\n";  // out of order again
  TelemetryReadReport report;
  const auto set = parse_telemetry_csv(text, "d.csv", {}, &report);
  EXPECT_EQ(report.rows, 5u);
  EXPECT_EQ(report.reordered, 2u);
  const auto* a = set.find("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->t_us,
            (std::vector<std::int64_t>{kT0, kT0 + kSecond, kT0 + kSecond, kT0 + 2 * kSecond}));
  // Stable: the two rows at :01 keep their file order (2 before 3).
  EXPECT_EQ(a->value, (std::vector<double>{4, 2, 3, 1}));
  TelemetryReadOptions reject;
  reject.disorder = Disorder::reject;
  EXPECT_EQ(error_of(text, reject),
            "data.csv:4: error: timestamp: time '2026-03-14T03:12:01Z' is earlier than the "
            "previous row of sensor 'a' (line 2)");
}

TEST(TelemetryCsv, LenientSkipsBadRowsCountsThemAndKeepsTwentyMessages) {
  std::string text = "timestamp,sensor_id,value,unit\n";
  text += "2026-03-14T03:12:00Z,a,1,C\n";                   // line 2 ok
  text += "2026-03-14T03:12:01Z,a,oops,C\n";                // line 3 bad value
  text += "2026-03-14T03:12:02Z,a,2,K\n";                   // line 4 unit change
  text += "2026-03-14T03:12:03Z,\"a,3,C\n";                 // line 5 unterminated quote
  text += "2026-03-14T03:12:04Z,a,4,C\n";                   // line 6 ok
  for (int i = 0; i < 25; ++i) text += "bad-time,a,5,C\n";  // lines 7..31
  text += "2026-03-14T03:12:05Z,a,6,C\n";                   // line 32 ok
  TelemetryReadOptions o;
  o.lenient = true;
  TelemetryReadReport report;
  const auto set = parse_telemetry_csv(text, "l.csv", o, &report);
  EXPECT_EQ(report.rows, 31u);
  EXPECT_EQ(report.skipped, 28u);
  ASSERT_EQ(report.skipped_messages.size(), 20u);
  EXPECT_EQ(report.skipped_messages[0], "l.csv:3: error: value: not a number: 'oops'");
  EXPECT_EQ(report.skipped_messages[1],
            "l.csv:4: error: unit: sensor 'a' changes unit from 'C' (line 2) to 'K'");
  EXPECT_EQ(report.skipped_messages[2], "l.csv:5: error: sensor_id: unterminated quoted field");
  EXPECT_EQ(report.skipped_messages[19],
            "l.csv:23: error: timestamp: expected an ISO-8601 date-time like "
            "2026-03-14T03:12:00Z, got 'bad-time'");
  ASSERT_EQ(set.series.size(), 1u);
  EXPECT_EQ(set.series[0].value, (std::vector<double>{1, 4, 6}));
  EXPECT_EQ(set.samples(), report.rows - report.skipped);
  // The same text, strict: the first bad row is the error.
  EXPECT_EQ(error_of(text), "data.csv:3: error: value: not a number: 'oops'");
}

TEST(TelemetryCsv, FilesOnDiskAndByContentDispatch) {
  const std::filesystem::path dir = LABTWIN_SOURCE_DIR "/tests/data/telemetry";
  TelemetryReadReport report;
  const auto set = read_telemetry(dir / "freezer_export.csv", {}, &report);
  ASSERT_EQ(set.series.size(), 2u);
  EXPECT_EQ(set.series[0].sensor, "bldg2/ult-12/door");
  EXPECT_EQ(set.series[1].sensor, "bldg2/ult-12/temp");
  EXPECT_EQ(set.series[1].unit, "C");
  EXPECT_EQ(set.series[1].t_us.size(), 4u);
  // The export is in +01:00: 04:12 local is 03:12Z.
  EXPECT_EQ(set.series[1].t_us[0], kT0);
  EXPECT_EQ(report.reordered, 1u);
  const auto direct = read_telemetry_csv(dir / "freezer_export.csv");
  EXPECT_EQ(direct.series[1].value, set.series[1].value);
  try {
    (void)read_telemetry(dir / "does_not_exist.csv");
    FAIL() << "no error for a missing file";
  } catch (const TelemetryError& e) {
    EXPECT_EQ(std::string(e.what()),
              (dir / "does_not_exist.csv").string() + ": error: no such file");
    EXPECT_EQ(e.line(), 0u);
  }
  try {
    (void)read_telemetry_csv(dir);
    FAIL() << "no error for a directory";
  } catch (const TelemetryError& e) {
    EXPECT_EQ(std::string(e.what()),
              dir.string() + ": error: is a directory, not a telemetry file");
  }
  try {
    (void)parse_telemetry_csv("timestamp,sensor_id,value\n2026-03-14T03:12:00Z,a,x\n", "f.csv");
    FAIL() << "no error";
  } catch (const TelemetryError& e) {
    EXPECT_EQ(e.file(), "f.csv");
    EXPECT_EQ(e.line(), 2u);
    EXPECT_EQ(e.field(), "value");
  }
}

TEST(TelemetryCsv, RowsCostNoAllocationBeyondVectorGrowth) {
  std::string text = "timestamp,sensor_id,value,unit\n";
  for (int i = 0; i < 100'000; ++i) {
    text += "2026-03-14T03:12:00.250+01:00,\"bldg2/ult-12/temp\",-79.5,C\n";
  }
  g_news = 0;
  g_counting = true;
  const auto set = parse_telemetry_csv(text, "big.csv");
  g_counting = false;
  ASSERT_EQ(set.samples(), 100'000u);
  // Doubling growth of two vectors from 1 to 100,000 is about 2 * 17 allocations; a few more
  // for the series, its id and the map. One per row would be 100,000.
  EXPECT_LT(g_news.load(), 60);
}

}  // namespace
}  // namespace labtwin::adapters
