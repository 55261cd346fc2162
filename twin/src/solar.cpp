// Solar geometry (Spencer 1971 / NOAA) and the Haurwitz clear-sky model; hourly irradiance.
#include "labtwin/twin/solar.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <numbers>
#include <stdexcept>

#include "labtwin/sim/distributions.hpp"

namespace labtwin::twin {
namespace {

constexpr double kPi = std::numbers::pi;

struct DayOfYear {
  int day = 1;  // 1-based
  bool leap = false;
  double utc_hour = 0;  // hour of the day (UTC)
  double into_year_s = 0;
};

DayOfYear day_of_year(std::int64_t utc_us) {
  using namespace std::chrono;
  const std::int64_t us_per_day = 86'400'000'000LL;
  std::int64_t days = utc_us / us_per_day;
  std::int64_t rem = utc_us % us_per_day;
  if (rem < 0) rem += us_per_day, days -= 1;
  const sys_days d{std::chrono::days{days}};
  const year_month_day ymd{d};
  const sys_days jan1{ymd.year() / January / 1};
  DayOfYear out;
  out.day = static_cast<int>((d - jan1).count()) + 1;
  out.leap = ymd.year().is_leap();
  out.utc_hour = static_cast<double>(rem) / 3.6e9;
  out.into_year_s = static_cast<double>((d - jan1).count()) * 86400.0 + out.utc_hour * 3600.0;
  return out;
}

}  // namespace

double spencer_day_angle(int day_of_year, double utc_hour, bool leap_year) {
  return 2.0 * kPi / (leap_year ? 366.0 : 365.0) * (day_of_year - 1 + (utc_hour - 12.0) / 24.0);
}

double solar_declination(double g) {
  return 0.006918 - 0.399912 * std::cos(g) + 0.070257 * std::sin(g) - 0.006758 * std::cos(2 * g) +
         0.000907 * std::sin(2 * g) - 0.002697 * std::cos(3 * g) + 0.00148 * std::sin(3 * g);
}

double equation_of_time_min(double g) {
  return 229.18 * (0.000075 + 0.001868 * std::cos(g) - 0.032077 * std::sin(g) -
                   0.014615 * std::cos(2 * g) - 0.040849 * std::sin(2 * g));
}

SolarPosition solar_position(std::int64_t utc_us, double latitude_deg, double longitude_deg) {
  const DayOfYear d = day_of_year(utc_us);
  SolarPosition p;
  p.day_angle_rad = spencer_day_angle(d.day, d.utc_hour, d.leap);
  // Low-precision solar coordinates of the Astronomical Almanac (Michalsky 1988), from the
  // days since J2000.0 (JD 2451545.0 = 2000-01-01T12:00 TT, taken as UTC).
  const double n = static_cast<double>(utc_us) / 8.64e10 - 10957.5;
  const double deg = kPi / 180.0;
  const double mean_lon = std::fmod(280.460 + 0.9856474 * n, 360.0);
  const double anomaly = (357.528 + 0.9856003 * n) * deg;
  const double ecl_lon =
      (mean_lon + 1.915 * std::sin(anomaly) + 0.020 * std::sin(2 * anomaly)) * deg;
  const double obliquity = (23.439 - 0.0000004 * n) * deg;
  const double ra = std::atan2(std::cos(obliquity) * std::sin(ecl_lon), std::cos(ecl_lon));
  p.declination_rad = std::asin(std::sin(obliquity) * std::sin(ecl_lon));
  // Equation of time = mean longitude - right ascension, 4 min per degree, within +-180 deg.
  double diff = mean_lon - ra / deg;
  diff -= 360.0 * std::round(diff / 360.0);
  p.equation_of_time_min = 4.0 * diff;
  // True solar time (min) = UTC minutes + 4 min per degree east + equation of time.
  const double tst = d.utc_hour * 60.0 + 4.0 * longitude_deg + p.equation_of_time_min;
  p.hour_angle_rad = (tst / 4.0 - 180.0) * deg;
  const double lat = latitude_deg * deg;
  p.cos_zenith = std::sin(lat) * std::sin(p.declination_rad) +
                 std::cos(lat) * std::cos(p.declination_rad) * std::cos(p.hour_angle_rad);
  return p;
}

double haurwitz_ghi(double cos_zenith) {
  if (cos_zenith <= 0.0) return 0.0;
  return 1098.0 * cos_zenith * std::exp(-0.057 / cos_zenith);
}

double clear_sky_ghi(std::int64_t utc_us, double latitude_deg, double longitude_deg) {
  return haurwitz_ghi(solar_position(utc_us, latitude_deg, longitude_deg).cos_zenith);
}

std::vector<double> hourly_clear_sky(std::int64_t start_us, std::size_t hours, double latitude_deg,
                                     double longitude_deg, const ClearnessParams& c,
                                     sim::RandomStream* rng) {
  if (!(latitude_deg >= -90 && latitude_deg <= 90))
    throw std::invalid_argument("latitude must be within -90..90 degrees");
  if (!(longitude_deg >= -180 && longitude_deg <= 180))
    throw std::invalid_argument("longitude must be within -180..180 degrees");
  if (!(c.mean >= 0 && c.mean <= 1)) throw std::invalid_argument("clearness must be within 0..1");
  if (!(c.variability >= 0 && c.variability <= 1))
    throw std::invalid_argument("clearness variability must be within 0..1");
  if (!(c.persistence >= 0 && c.persistence < 1))
    throw std::invalid_argument("clearness persistence must be within 0..<1");
  if (c.variability > 0 && rng == nullptr)
    throw std::invalid_argument("a variable clearness needs a random stream");
  std::vector<double> out(hours);
  // AR(1): k' = mean + phi (k - mean) + sd sqrt(1 - phi^2) eps keeps the stationary sd.
  const sim::Normal eps(0.0, 1.0);
  double k = c.mean;
  if (c.variability > 0) k = c.mean + c.variability * eps(*rng);
  const double innov = c.variability * std::sqrt(1.0 - c.persistence * c.persistence);
  for (std::size_t h = 0; h < hours; ++h) {
    if (h > 0 && c.variability > 0) k = c.mean + c.persistence * (k - c.mean) + innov * eps(*rng);
    const std::int64_t mid =
        start_us + static_cast<std::int64_t>(h) * 3'600'000'000LL + 1'800'000'000LL;
    out[h] = clear_sky_ghi(mid, latitude_deg, longitude_deg) * std::clamp(k, 0.0, 1.2);
  }
  return out;
}

std::vector<double> read_hourly_column(const std::string& path, double scale) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open hourly data file '" + path + "'");
  std::vector<double> out;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (lineno == 1 && line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0)
      line.erase(0, 3);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty()) continue;
    const auto comma = line.find(',');
    const std::string cell = line.substr(0, comma);
    char* endp = nullptr;
    const double v = std::strtod(cell.c_str(), &endp);
    if (endp == cell.c_str() || *endp != '\0') {
      if (lineno == 1) continue;  // header
      throw std::runtime_error(path + ":" + std::to_string(lineno) + ": not a number: '" + cell +
                               "'");
    }
    if (!std::isfinite(v) || v < 0)
      throw std::runtime_error(path + ":" + std::to_string(lineno) +
                               ": expected a finite value >= 0, got '" + cell + "'");
    out.push_back(v * scale);
  }
  if (out.empty()) throw std::runtime_error("hourly data file '" + path + "' holds no values");
  return out;
}

double seconds_into_year(std::int64_t utc_us) { return day_of_year(utc_us).into_year_s; }

}  // namespace labtwin::twin
