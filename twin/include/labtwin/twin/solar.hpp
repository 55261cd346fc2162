#pragma once
/// @file Solar geometry and clear-sky irradiance for the microgrid twin (docs/twins/microgrid.md).
///
/// Geometry: declination and equation of time from the Astronomical Almanac's low-precision solar
/// coordinates (mean longitude, mean anomaly, ecliptic longitude, obliquity; quoted accurate to
/// 0.01 deg for 1950-2050; Michalsky 1988, Solar Energy 40(3):227), which follow the calendar
/// year by year. Spencer's (1971) Fourier series (Search 2(5):172, also in NOAA's "General Solar
/// Position Calculations") are provided for comparison: they are fitted to one year and drift by
/// up to ~0.5 deg near the equinoxes over the leap cycle. Hour angle from true solar time =
/// UTC + 4 min/deg x longitude + equation of time. Zenith (NOAA):
/// cos z = sin(lat) sin(decl) + cos(lat) cos(decl) cos(hour angle).
/// Clear sky: Haurwitz (1945), GHI = 1098 cos z exp(-0.057 / cos z) W/m2 (cos z > 0), the
/// simplest clear-sky model that ranks well in Reno, Hansen & Stein (2012), SAND2012-2389.
#include <cstdint>
#include <string>
#include <vector>

#include "labtwin/sim/random.hpp"

namespace labtwin::twin {

/// The sun's position at an instant and place.
struct SolarPosition {
  double day_angle_rad = 0.0;         ///< Spencer's fractional year gamma (rad)
  double declination_rad = 0.0;       ///< solar declination (rad), Almanac
  double equation_of_time_min = 0.0;  ///< apparent minus mean solar time (min), Almanac
  double hour_angle_rad = 0.0;        ///< 0 at solar noon, positive in the afternoon (rad)
  double cos_zenith = 0.0;            ///< cosine of the solar zenith angle
};

/// Spencer's fractional year (rad) for a 1-based day of the year and UTC hour.
double spencer_day_angle(int day_of_year, double utc_hour, bool leap_year = false);
/// Solar declination (rad), Spencer (1971).
double solar_declination(double day_angle_rad);
/// Equation of time (min), Spencer (1971) as given by NOAA.
double equation_of_time_min(double day_angle_rad);
/// Position of the sun at `utc_us` (us since the Unix epoch) seen from (lat, lon) in degrees.
SolarPosition solar_position(std::int64_t utc_us, double latitude_deg, double longitude_deg);
/// Haurwitz clear-sky global horizontal irradiance (W/m2) for cos(zenith); 0 below the horizon.
double haurwitz_ghi(double cos_zenith);
/// Clear-sky GHI (W/m2) at an instant and place (Haurwitz on solar_position).
double clear_sky_ghi(std::int64_t utc_us, double latitude_deg, double longitude_deg);

/// The hourly clearness process: AR(1) around `mean` with lag-1 correlation `persistence` and
/// stationary standard deviation `variability`, clamped to [0, 1.2].
struct ClearnessParams {
  double mean = 0.75;        ///< mean clearness, 0..1
  double variability = 0.0;  ///< stationary standard deviation (0: constant mean)
  double persistence = 0.8;  ///< lag-1 autocorrelation, 0..<1
};

/// Hourly GHI steps (W/m2) for `hours` hours from `start_us`: the clear-sky value at the middle
/// of each hour times the clearness of that hour (drawn from `rng` when variability > 0; rng
/// may be null when it is 0). Throws std::invalid_argument for parameters out of range.
std::vector<double> hourly_clear_sky(std::int64_t start_us, std::size_t hours, double latitude_deg,
                                     double longitude_deg, const ClearnessParams& clearness,
                                     sim::RandomStream* rng);

/// Reads one numeric column of hourly values (a header line and a UTF-8 BOM are skipped), each
/// multiplied by `scale`. Throws std::runtime_error naming the file (and line) when it cannot be
/// read, holds a non-number or negative value, or no values at all.
std::vector<double> read_hourly_column(const std::string& path, double scale = 1.0);

/// Seconds from 00:00 UTC on January 1st of the year containing `utc_us` to `utc_us`.
double seconds_into_year(std::int64_t utc_us);

}  // namespace labtwin::twin
