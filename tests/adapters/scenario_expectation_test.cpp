#include <gtest/gtest.h>

#include <cmath>

#include "labtwin/adapters/expectation.hpp"

namespace la = labtwin::adapters;
using Op = la::Expectation::Op;

namespace {
la::Expectation parse(const char* text) {
  const auto r = la::parse_expectation(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.error;
  return r.value;
}
}  // namespace

TEST(ScenarioExpectation, ComparisonsWithPlainNumbers) {
  const auto ge = parse(">= 0.98");
  EXPECT_EQ(ge.op, Op::ge);
  EXPECT_DOUBLE_EQ(ge.value, 0.98);
  EXPECT_TRUE(la::check(ge, 0.98));
  EXPECT_TRUE(la::check(ge, 0.99));
  EXPECT_FALSE(la::check(ge, 0.95));
  EXPECT_EQ(la::describe(ge, 0.95), "expected >= 0.98, got 0.95");
  EXPECT_TRUE(la::check(parse("> 1"), 1.5));
  EXPECT_FALSE(la::check(parse("> 1"), 1.0));
  EXPECT_TRUE(la::check(parse("< 1"), 0.5));
  EXPECT_FALSE(la::check(parse("< 1"), 1.0));
  EXPECT_TRUE(la::check(parse("<= 1"), 1.0));
  EXPECT_TRUE(la::check(parse("!= 0"), 1e-3));
  EXPECT_FALSE(la::check(parse("!= 0"), 0.0));
  EXPECT_FALSE(la::check(parse(">= 0"), std::nan("")));
}

TEST(ScenarioExpectation, EqualityToleratesRoundingOnly) {
  const auto eq = parse("== 0.3");
  EXPECT_TRUE(la::check(eq, 0.1 + 0.2));  // 0.30000000000000004: within 1e-9 relative
  EXPECT_FALSE(la::check(eq, 0.3001));
  EXPECT_TRUE(la::check(parse("== 0"), 0.0));
  EXPECT_FALSE(la::check(parse("== 0"), 1e-9));
}

TEST(ScenarioExpectation, UnitsAreConvertedToSi) {
  const auto lt = parse("< 2h");
  EXPECT_DOUBLE_EQ(lt.value, 7200.0);
  EXPECT_TRUE(la::check(lt, 7199.0));
  EXPECT_FALSE(la::check(lt, 7200.0));
  EXPECT_DOUBLE_EQ(parse(">= 99%").value, 0.99);
  EXPECT_DOUBLE_EQ(parse("<= 1.2kW").value, 1200.0);
  EXPECT_DOUBLE_EQ(parse("< 40kWh").value, 1.44e8);
  EXPECT_DOUBLE_EQ(parse("<= -70C").value, -70.0);
  EXPECT_DOUBLE_EQ(parse("== 1e3").value, 1000.0);
}

TEST(ScenarioExpectation, WithinAbsoluteAndRelative) {
  const auto abs = parse("within 0.5 of 20");
  EXPECT_EQ(abs.op, Op::within);
  EXPECT_TRUE(la::check(abs, 20.5));
  EXPECT_TRUE(la::check(abs, 19.5));
  EXPECT_FALSE(la::check(abs, 20.6));
  const auto rel = parse("within 5% of 10");
  EXPECT_TRUE(rel.relative_tolerance);
  EXPECT_TRUE(la::check(rel, 10.5));
  EXPECT_FALSE(la::check(rel, 10.6));
  const auto temp = parse("within 2K of -80C");  // tolerance is a temperature difference
  EXPECT_DOUBLE_EQ(temp.tolerance, 2.0);
  EXPECT_TRUE(la::check(temp, -78.5));
  EXPECT_FALSE(la::check(temp, -77.0));
  const auto dur = parse("within 10min of 2h");
  EXPECT_TRUE(la::check(dur, 7200.0 + 600.0));
  EXPECT_FALSE(la::check(dur, 7200.0 + 601.0));
}

TEST(ScenarioExpectation, Fingerprints) {
  const auto fp = parse("9F2C0123456789ab");
  EXPECT_EQ(fp.op, Op::fingerprint);
  EXPECT_TRUE(la::check(fp, std::string_view("9f2c0123456789AB")));
  EXPECT_FALSE(la::check(fp, std::string_view("9f2c0123456789ac")));
  EXPECT_FALSE(la::check(fp, 0.0));
  EXPECT_EQ(la::describe(fp, std::string_view("0000000000000000")),
            "expected fingerprint 9f2c0123456789ab, got 0000000000000000");
}

TEST(ScenarioExpectation, ErrorsNameTheAcceptedForms) {
  const auto bad = la::parse_expectation("at least 3");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error,
            "expected an expectation like \"== 0\", \">= 0.98\", \"< 2h\", \"within 5% of 10\" or "
            "a 16-hex-digit fingerprint, got \"at least 3\"");
  EXPECT_FALSE(la::parse_expectation("== zero").ok());
  EXPECT_FALSE(la::parse_expectation(">=").ok());
  EXPECT_FALSE(la::parse_expectation("9f2c").ok());              // too short
  EXPECT_FALSE(la::parse_expectation("9f2c0123456789ag").ok());  // not hex
  EXPECT_FALSE(la::parse_expectation("within 5% 10").ok());      // missing "of"
  EXPECT_FALSE(la::parse_expectation("within -1 of 10").ok());   // negative tolerance
  EXPECT_FALSE(la::parse_expectation("").ok());
  EXPECT_FALSE(la::parse_expectation("=> 3").ok());
}
