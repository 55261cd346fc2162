#include "labtwin/sim/units.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>

namespace labtwin::sim::units {
namespace {

__extension__ typedef __int128 Int128;

/// One unit symbol and its factor to SI (and offset, for absolute temperatures).
struct UnitDef {
  std::string_view symbol;
  double factor;
  double offset;           // si = value * factor + offset
  std::int64_t ticks = 0;  // microseconds per unit (durations only)
};

constexpr std::array kDurationUnits{
    UnitDef{"us", 1e-6, 0, 1},
    UnitDef{"ms", 1e-3, 0, 1'000},
    UnitDef{"s", 1, 0, 1'000'000},
    UnitDef{"min", 60, 0, 60'000'000},
    UnitDef{"h", 3600, 0, 3'600'000'000},
    UnitDef{"d", 86400, 0, 86'400'000'000},
    UnitDef{"w", 604800, 0, 604'800'000'000},
};
constexpr std::array kTemperatureUnits{UnitDef{"C", 1, 0}, UnitDef{"K", 1, -273.15},
                                       UnitDef{"F", 5.0 / 9.0, -32.0 * 5.0 / 9.0}};
constexpr std::array kDeltaUnits{UnitDef{"K", 1, 0}, UnitDef{"C", 1, 0},
                                 UnitDef{"F", 5.0 / 9.0, 0}};
constexpr std::array kPowerUnits{UnitDef{"mW", 1e-3, 0}, UnitDef{"W", 1, 0}, UnitDef{"kW", 1e3, 0},
                                 UnitDef{"MW", 1e6, 0}, UnitDef{"GW", 1e9, 0}};
constexpr std::array kEnergyUnits{UnitDef{"J", 1, 0},      UnitDef{"kJ", 1e3, 0},
                                  UnitDef{"MJ", 1e6, 0},   UnitDef{"GJ", 1e9, 0},
                                  UnitDef{"Wh", 3600, 0},  UnitDef{"kWh", 3.6e6, 0},
                                  UnitDef{"MWh", 3.6e9, 0}};
constexpr std::array kConductanceUnits{UnitDef{"W/K", 1, 0}, UnitDef{"kW/K", 1e3, 0}};
constexpr std::array kHeatCapacityUnits{UnitDef{"J/K", 1, 0}, UnitDef{"kJ/K", 1e3, 0},
                                        UnitDef{"MJ/K", 1e6, 0}};
constexpr std::array kRateUnits{UnitDef{"/s", 1, 0}, UnitDef{"/min", 1.0 / 60, 0},
                                UnitDef{"/h", 1.0 / 3600, 0}, UnitDef{"/d", 1.0 / 86400, 0},
                                UnitDef{"/w", 1.0 / 604800, 0}};
constexpr std::array kPercentUnits{UnitDef{"%", 0.01, 0}};

/// A decimal number at the start of a string, kept both as double and as exact decimal.
struct Number {
  double value = 0;
  std::int64_t mantissa = 0;  // digits without the point, sign applied
  int exp10 = 0;              // value == mantissa * 10^exp10 when exact
  bool exact = true;          // false when the mantissa overflowed 18 digits
  std::size_t length = 0;     // characters consumed (0: no number)
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// Lexes [+-]? digits [. digits]? ([eE][+-]? digits)? ; at least one digit before or after
/// the point. Returns length 0 when the text does not start with a number.
Number lex_number(std::string_view s) {
  Number n;
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  const std::size_t digits_start = i;
  int digit_count = 0;
  int significant = 0;
  std::int64_t mant = 0;
  int exp10 = 0;
  auto add_digit = [&](char c, bool after_point) {
    ++digit_count;
    if (mant == 0 && c == '0') {
      if (after_point) --exp10;
      return;
    }
    if (significant < 18) {
      mant = mant * 10 + (c - '0');
      ++significant;
      if (after_point) --exp10;
    } else {
      n.exact = false;
      if (!after_point) ++exp10;
    }
  };
  while (i < s.size() && is_digit(s[i])) add_digit(s[i++], false);
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) add_digit(s[i++], true);
  }
  if (digit_count == 0) return Number{};
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t j = i + 1;
    bool eneg = false;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) eneg = s[j++] == '-';
    if (j < s.size() && is_digit(s[j])) {
      int e = 0;
      while (j < s.size() && is_digit(s[j])) {
        if (e < 100000) e = e * 10 + (s[j] - '0');
        ++j;
      }
      exp10 += eneg ? -e : e;
      i = j;
    }
  }
  // from_chars does not take a leading '+': parse the unsigned part and apply the sign.
  double v = 0;
  const char* first = s.data() + digits_start;
  const auto [ptr, ec] = std::from_chars(first, s.data() + i, v);
  if (ec != std::errc{} || ptr != s.data() + i || !std::isfinite(v)) return Number{};
  n.value = (negative ? -v : v) + 0.0;  // + 0.0 turns -0.0 into 0.0
  n.mantissa = negative ? -mant : mant;
  n.exp10 = exp10;
  n.length = i;
  return n;
}

std::string quoted(std::string_view text) {
  std::string out = "\"";
  out.append(text);
  out += '"';
  return out;
}

template <std::size_t N>
const UnitDef* find_unit(const std::array<UnitDef, N>& units, std::string_view sym) {
  for (const auto& u : units) {
    if (u.symbol == sym) return &u;
  }
  return nullptr;
}

/// Parses "<number><spaces?><unit>" for one unit table.
template <std::size_t N>
Result<double> parse_with_units(Quantity q, std::string_view raw,
                                const std::array<UnitDef, N>& units, bool unit_optional) {
  const std::string_view text = trim(raw);
  const Number n = lex_number(text);
  if (n.length == 0) return {0, expected_message(q, raw)};
  const std::string_view unit = trim(text.substr(n.length));
  if (unit.empty()) {
    if (unit_optional) return {n.value, {}};
    return {0, expected_message(q, raw) +
                   " (a plain number needs a unit: " + std::string(quantity_units(q)) + ")"};
  }
  const UnitDef* u = find_unit(units, unit);
  if (u == nullptr) {
    return {0, expected_message(q, raw) + " (unknown unit \"" + std::string(unit) +
                   "\"; use one of: " + std::string(quantity_units(q)) + ")"};
  }
  const double si = n.value * u->factor + u->offset;
  if (!std::isfinite(si)) return {0, expected_message(q, raw) + " (value out of range)"};
  return {si + 0.0, {}};
}

/// Exact ticks of mantissa * 10^exp10 * unit_ticks, rounded half away from zero.
bool exact_ticks(const Number& n, std::int64_t unit_ticks, Int128& out) {
  if (!n.exact || n.exp10 > 30 || n.exp10 < -30) return false;
  Int128 v = static_cast<Int128>(n.mantissa) * unit_ticks;  // |v| < 1e18 * 6.1e11
  const Int128 limit = static_cast<Int128>(1) << 100;
  if (n.exp10 >= 0) {
    for (int k = 0; k < n.exp10; ++k) {
      v *= 10;
      if (v > limit || v < -limit) return false;
    }
    out = v;
    return true;
  }
  Int128 div = 1;
  for (int k = 0; k < -n.exp10; ++k) div *= 10;
  Int128 q = v / div;
  const Int128 r = v % div;
  if (2 * (r < 0 ? -r : r) >= div) q += (v < 0 ? -1 : 1);
  out = q;
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// Reads exactly `count` digits at s[pos..]; -1 when they are not all digits.
int fixed_digits(std::string_view s, std::size_t pos, std::size_t count) {
  if (pos + count > s.size()) return -1;
  int v = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!is_digit(s[i])) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

std::string_view quantity_name(Quantity q) noexcept {
  switch (q) {
    case Quantity::number:
      return "number";
    case Quantity::duration:
      return "duration";
    case Quantity::temperature:
      return "temperature";
    case Quantity::temperature_delta:
      return "temperature difference";
    case Quantity::power:
      return "power";
    case Quantity::energy:
      return "energy";
    case Quantity::conductance:
      return "thermal conductance";
    case Quantity::heat_capacity:
      return "heat capacity";
    case Quantity::rate:
      return "rate";
    case Quantity::fraction:
      return "fraction";
  }
  return "quantity";
}

std::string_view quantity_example(Quantity q) noexcept {
  switch (q) {
    case Quantity::number:
      return "12.5";
    case Quantity::duration:
      return "15min";
    case Quantity::temperature:
      return "-80C";
    case Quantity::temperature_delta:
      return "2K";
    case Quantity::power:
      return "1.2kW";
    case Quantity::energy:
      return "40kWh";
    case Quantity::conductance:
      return "2.5W/K";
    case Quantity::heat_capacity:
      return "50kJ/K";
    case Quantity::rate:
      return "12/d";
    case Quantity::fraction:
      return "95%";
  }
  return "";
}

std::string_view quantity_units(Quantity q) noexcept {
  switch (q) {
    case Quantity::number:
      return "none";
    case Quantity::duration:
      return "us, ms, s, min, h, d, w";
    case Quantity::temperature:
      return "C, K, F";
    case Quantity::temperature_delta:
      return "K, C, F";
    case Quantity::power:
      return "mW, W, kW, MW, GW";
    case Quantity::energy:
      return "J, kJ, MJ, GJ, Wh, kWh, MWh";
    case Quantity::conductance:
      return "W/K, kW/K";
    case Quantity::heat_capacity:
      return "J/K, kJ/K, MJ/K";
    case Quantity::rate:
      return "/s, /min, /h, /d, /w";
    case Quantity::fraction:
      return "%, or none";
  }
  return "";
}

std::string expected_message(Quantity q, std::string_view text) {
  const std::string_view name = quantity_name(q);
  const bool vowel = name.front() == 'a' || name.front() == 'e' || name.front() == 'i' ||
                     name.front() == 'o' || name.front() == 'u';
  std::string out = vowel ? "expected an " : "expected a ";
  out.append(name);
  out += " like ";
  out += quoted(quantity_example(q));
  out += ", got ";
  out += quoted(text);
  return out;
}

Result<double> parse_quantity(Quantity q, std::string_view text) {
  switch (q) {
    case Quantity::number:
      return parse_number(text);
    case Quantity::duration:
      return parse_duration(text);
    case Quantity::temperature:
      return parse_temperature(text);
    case Quantity::temperature_delta:
      return parse_temperature_delta(text);
    case Quantity::power:
      return parse_power(text);
    case Quantity::energy:
      return parse_energy(text);
    case Quantity::conductance:
      return parse_conductance(text);
    case Quantity::heat_capacity:
      return parse_heat_capacity(text);
    case Quantity::rate:
      return parse_rate(text);
    case Quantity::fraction:
      return parse_fraction(text);
  }
  return {0, "unknown quantity kind"};
}

Result<double> parse_number(std::string_view raw) {
  const std::string_view text = trim(raw);
  const Number n = lex_number(text);
  if (n.length == 0 || n.length != text.size()) {
    return {0, expected_message(Quantity::number, raw)};
  }
  return {n.value, {}};
}

Result<std::int64_t> parse_duration_ticks(std::string_view raw) {
  const std::string_view all = trim(raw);
  std::string_view rest = all;
  Int128 total = 0;
  bool exact = true;
  double seconds = 0;
  int parts = 0;
  while (!rest.empty()) {
    if (parts > 0 && (rest.front() == '+' || rest.front() == '-')) {
      return {0, expected_message(Quantity::duration, raw)};
    }
    const Number n = lex_number(rest);
    if (n.length == 0) return {0, expected_message(Quantity::duration, raw)};
    rest = trim(rest.substr(n.length));
    std::size_t ulen = 0;
    while (ulen < rest.size() && std::isalpha(static_cast<unsigned char>(rest[ulen]))) ++ulen;
    if (ulen == 0) {
      if (rest.empty() && parts == 0) {
        return {0, expected_message(Quantity::duration, raw) + " (a plain number needs a unit: " +
                       std::string(quantity_units(Quantity::duration)) + ")"};
      }
      return {0, expected_message(Quantity::duration, raw)};
    }
    const std::string_view sym = rest.substr(0, ulen);
    const UnitDef* u = find_unit(kDurationUnits, sym);
    if (u == nullptr) {
      return {0, expected_message(Quantity::duration, raw) + " (unknown unit \"" +
                     std::string(sym) +
                     "\"; use one of: " + std::string(quantity_units(Quantity::duration)) + ")"};
    }
    rest = trim(rest.substr(ulen));
    Int128 t = 0;
    if (exact && exact_ticks(n, u->ticks, t)) {
      total += t;
    } else {
      exact = false;
    }
    seconds += n.value * u->factor;
    ++parts;
  }
  if (parts == 0) return {0, expected_message(Quantity::duration, raw)};
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  if (exact) {
    if (total > kMax || total < -kMax) {
      return {0, expected_message(Quantity::duration, raw) + " (too long: beyond 292000 years)"};
    }
    return {static_cast<std::int64_t>(total), {}};
  }
  const double ticks = seconds * 1e6;
  if (!std::isfinite(ticks) || std::fabs(ticks) >= 9.2e18) {
    return {0, expected_message(Quantity::duration, raw) + " (too long: beyond 292000 years)"};
  }
  return {static_cast<std::int64_t>(std::llround(ticks)), {}};
}

Result<double> parse_duration(std::string_view text) {
  const auto t = parse_duration_ticks(text);
  if (!t.ok()) return {0, t.error};
  return {static_cast<double>(t.value) / 1e6, {}};
}

Result<double> parse_temperature(std::string_view text) {
  auto r = parse_with_units(Quantity::temperature, text, kTemperatureUnits, false);
  if (r.ok() && r.value < -273.15 - 1e-9) {
    return {0, expected_message(Quantity::temperature, text) + " (below absolute zero)"};
  }
  return r;
}

Result<double> parse_temperature_delta(std::string_view text) {
  return parse_with_units(Quantity::temperature_delta, text, kDeltaUnits, false);
}
Result<double> parse_power(std::string_view text) {
  return parse_with_units(Quantity::power, text, kPowerUnits, false);
}
Result<double> parse_energy(std::string_view text) {
  return parse_with_units(Quantity::energy, text, kEnergyUnits, false);
}
Result<double> parse_conductance(std::string_view text) {
  return parse_with_units(Quantity::conductance, text, kConductanceUnits, false);
}
Result<double> parse_heat_capacity(std::string_view text) {
  return parse_with_units(Quantity::heat_capacity, text, kHeatCapacityUnits, false);
}
Result<double> parse_rate(std::string_view text) {
  return parse_with_units(Quantity::rate, text, kRateUnits, false);
}
Result<double> parse_fraction(std::string_view text) {
  return parse_with_units(Quantity::fraction, text, kPercentUnits, true);
}

Result<std::int64_t> parse_utc_offset(std::string_view raw) {
  const std::string_view s = trim(raw);
  const std::string err = "expected a UTC offset like \"+01:00\", got " + quoted(raw);
  if (s == "Z") return {0, {}};
  if (s.size() < 3 || (s[0] != '+' && s[0] != '-')) return {0, err};
  const int hh = fixed_digits(s, 1, 2);
  int mm = 0;
  if (s.size() == 3) {
    mm = 0;
  } else if (s.size() == 6 && s[3] == ':') {
    mm = fixed_digits(s, 4, 2);
  } else if (s.size() == 5) {
    mm = fixed_digits(s, 3, 2);
  } else {
    return {0, err};
  }
  if (hh < 0 || mm < 0 || hh > 18 || mm > 59) return {0, err};
  const std::int64_t sec = (hh * 3600 + mm * 60) * (s[0] == '-' ? -1 : 1);
  return {sec, {}};
}

Result<std::int64_t> parse_datetime(std::string_view raw) {
  const std::string_view s = trim(raw);
  const std::string err =
      "expected a date-time like \"2026-03-07T02:10:00\" (optionally with \"Z\" or "
      "\"+01:00\"), got " +
      quoted(raw);
  // Date part: YYYY-MM-DD.
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return {0, err};
  const int y = fixed_digits(s, 0, 4);
  const int mo = fixed_digits(s, 5, 2);
  const int d = fixed_digits(s, 8, 2);
  if (y < 0 || mo < 0 || d < 0) return {0, err};
  const std::chrono::year_month_day ymd{std::chrono::year{y},
                                        std::chrono::month{static_cast<unsigned>(mo)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return {0, err + " (no such calendar date)"};
  const std::int64_t days = std::chrono::sys_days{ymd}.time_since_epoch().count();
  std::int64_t us = days * 86'400'000'000;
  std::size_t i = 10;
  if (i == s.size()) return {us, {}};
  if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') return {0, err};
  ++i;
  // Time part: HH:MM[:SS[.f+]].
  const int hh = fixed_digits(s, i, 2);
  if (hh < 0 || i + 2 >= s.size() || s[i + 2] != ':') return {0, err};
  const int mi = fixed_digits(s, i + 3, 2);
  if (mi < 0) return {0, err};
  i += 5;
  int ss = 0;
  std::int64_t frac_us = 0;
  if (i < s.size() && s[i] == ':') {
    ss = fixed_digits(s, i + 1, 2);
    if (ss < 0) return {0, err};
    i += 3;
    if (i < s.size() && s[i] == '.') {
      ++i;
      const std::size_t start = i;
      std::int64_t scale = 100000;
      while (i < s.size() && is_digit(s[i])) {
        frac_us += (s[i] - '0') * scale;
        scale /= 10;
        ++i;
      }
      if (i == start) return {0, err};
    }
  }
  if (hh > 23 || mi > 59 || ss > 59) return {0, err + " (time of day out of range)"};
  us += (static_cast<std::int64_t>(hh) * 3600 + mi * 60 + ss) * 1'000'000 + frac_us;
  if (i < s.size()) {
    const auto off = parse_utc_offset(s.substr(i));
    if (!off.ok()) return {0, err};
    us -= off.value * 1'000'000;  // local = UTC + offset
  }
  return {us, {}};
}

Result<int> parse_weekday(std::string_view raw) {
  static constexpr std::array<std::string_view, 7> kShort{"mon", "tue", "wed", "thu",
                                                          "fri", "sat", "sun"};
  static constexpr std::array<std::string_view, 7> kLong{
      "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
  const std::string s = lower(trim(raw));
  for (int i = 0; i < 7; ++i) {
    if (s == kShort[static_cast<std::size_t>(i)] || s == kLong[static_cast<std::size_t>(i)]) {
      return {i, {}};
    }
  }
  return {0, "expected a day of week like \"mon\" (mon, tue, wed, thu, fri, sat, sun), got " +
                 quoted(raw)};
}

Result<int> parse_clock_time(std::string_view raw) {
  const std::string_view s = trim(raw);
  const std::string err =
      "expected a clock time like \"07:30\" (HH:MM, 00:00..24:00), got " + quoted(raw);
  if (s.size() != 5 || s[2] != ':') return {0, err};
  const int hh = fixed_digits(s, 0, 2);
  const int mm = fixed_digits(s, 3, 2);
  if (hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0)) return {0, err};
  return {hh * 3600 + mm * 60, {}};
}

}  // namespace labtwin::sim::units
