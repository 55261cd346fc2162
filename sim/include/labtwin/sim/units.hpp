#pragma once
/// @file Physical quantities written as text in scenarios ("15min", "-80C", "1.2kW", "95%").
///
/// Every parser returns an SI double (or integer ticks / microseconds) together with an error
/// message that names the expected form, e.g. `expected a duration like "15min", got "cold"`.
/// Grammar shared by all quantities: optional surrounding whitespace, a decimal number
/// (optional sign, optional fraction, optional exponent such as "1e3"), optional spaces, then
/// the unit symbol. "15 min" and "15min" are both accepted. Units are case-sensitive
/// ("kW", not "KW"), because "m" and "M" differ. Non-finite numbers are rejected.
#include <cstdint>
#include <string>
#include <string_view>

namespace labtwin::sim::units {

/// The outcome of parsing one quantity: a value, or an error message (value then unspecified).
template <class T>
struct Result {
  T value{};          ///< the parsed value in SI units when ok()
  std::string error;  ///< empty on success, else a message naming the expected form
  /// True when parsing succeeded.
  [[nodiscard]] bool ok() const noexcept { return error.empty(); }
};

/// The quantity kinds that scenarios use.
enum class Quantity {
  number,             ///< plain number, no unit
  duration,           ///< seconds
  temperature,        ///< absolute temperature, degC
  temperature_delta,  ///< temperature difference, K
  power,              ///< W
  energy,             ///< J
  conductance,        ///< thermal conductance, W/K
  heat_capacity,      ///< J/K
  rate,               ///< events per second
  fraction,           ///< dimensionless, "95%" -> 0.95 or plain "0.95"
};

/// A short name of the quantity ("duration", "temperature", ...).
std::string_view quantity_name(Quantity q) noexcept;
/// An example literal of the quantity ("15min", "-80C", ...).
std::string_view quantity_example(Quantity q) noexcept;
/// The accepted unit symbols, comma separated ("us, ms, s, min, h, d, w").
std::string_view quantity_units(Quantity q) noexcept;
/// `expected a duration like "15min", got "<text>"` - the common error form.
std::string expected_message(Quantity q, std::string_view text);

/// Parses a quantity of kind q to its SI value (see Quantity for the unit of each kind).
Result<double> parse_quantity(Quantity q, std::string_view text);

/// Plain decimal number without unit ("12", "-3.5", "1e3").
Result<double> parse_number(std::string_view text);
/// Duration to seconds: "250ms" "30s" "15min" "2.5h" "3d" "1w", also compound "1h30min".
Result<double> parse_duration(std::string_view text);
/// Duration to ticks of 1 us (sim::Time::ticks); exact for integer and decimal inputs whose
/// value is a whole number of microseconds, else rounded to the nearest tick.
Result<std::int64_t> parse_duration_ticks(std::string_view text);
/// Absolute temperature to degC: "-80C", "193.15K", "-112F". Below absolute zero is an error.
Result<double> parse_temperature(std::string_view text);
/// Temperature difference to kelvin: "2K", "2C" (equal), "3.6F" (= 2 K).
Result<double> parse_temperature_delta(std::string_view text);
/// Power to watts: "800W", "1.2kW", "1MW", "500mW".
Result<double> parse_power(std::string_view text);
/// Energy to joules: "1J", "3.6MJ", "500Wh", "40kWh".
Result<double> parse_energy(std::string_view text);
/// Thermal conductance to W/K: "2.5W/K", "0.1kW/K".
Result<double> parse_conductance(std::string_view text);
/// Heat capacity to J/K: "5000J/K", "50kJ/K".
Result<double> parse_heat_capacity(std::string_view text);
/// Rate to events per second: "12/d", "0.5/h", "3/min", "1/s", "2/w".
Result<double> parse_rate(std::string_view text);
/// Fraction: "95%" -> 0.95, or a plain number "0.95" (range is checked by the caller).
Result<double> parse_fraction(std::string_view text);

/// ISO-8601 date-time "2026-03-07T02:10:00[.ffffff][Z|+01:00|-05:30]" (or a date
/// "2026-03-07") to microseconds since 1970-01-01T00:00:00Z. Without a zone it is UTC.
Result<std::int64_t> parse_datetime(std::string_view text);
/// UTC offset "+01:00", "-05:30", "+0100" or "Z" to seconds east of UTC.
Result<std::int64_t> parse_utc_offset(std::string_view text);
/// Day of week "mon".."sun" (or full names, any case) to 0 = Monday .. 6 = Sunday.
Result<int> parse_weekday(std::string_view text);
/// Clock time "HH:MM" (00:00..23:59, and "24:00" for end of day) to seconds after midnight.
Result<int> parse_clock_time(std::string_view text);

}  // namespace labtwin::sim::units
