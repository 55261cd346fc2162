#pragma once
/// @file Colours and the dark/light styles. Plot and status colours are fixed (not themed) so
/// screenshots can be checked by colour.
#include <cstdint>

namespace labtwin::viz {

/// A packed colour in ImGui's ImU32 layout (0xAABBGGRR).
constexpr std::uint32_t rgb(std::uint8_t r, std::uint8_t g, std::uint8_t b, std::uint8_t a = 255) {
  return (std::uint32_t{a} << 24) | (std::uint32_t{b} << 16) | (std::uint32_t{g} << 8) | r;
}

/// The fixed palette.
namespace colors {
inline constexpr std::uint32_t kAirLine = rgb(0, 200, 255);        ///< air temperature line
inline constexpr std::uint32_t kPayloadLine = rgb(170, 120, 255);  ///< payload temperature line
inline constexpr std::uint32_t kSetpoint = rgb(60, 200, 90);       ///< setpoint line
inline constexpr std::uint32_t kAlarmLimit = rgb(255, 170, 0);     ///< alarm threshold line
inline constexpr std::uint32_t kDamageLimit = rgb(200, 60, 160);   ///< damage threshold line
inline constexpr std::uint32_t kCompressor = rgb(70, 130, 180);    ///< compressor-on band
inline constexpr std::uint32_t kDoor = rgb(230, 200, 60);          ///< door-open band
inline constexpr std::uint32_t kAlarm = rgb(235, 30, 40);          ///< raised alarm (badges)
inline constexpr std::uint32_t kOk = rgb(50, 160, 80);             ///< freezer ok
inline constexpr std::uint32_t kFailed = rgb(240, 120, 30);        ///< compressor failed
inline constexpr std::uint32_t kDamaged = rgb(120, 0, 20);         ///< payload damaged
inline constexpr std::uint32_t kNow = rgb(250, 250, 250, 160);     ///< the "now" marker
inline constexpr std::uint32_t kBusy = rgb(90, 160, 230);          ///< technician busy bar
inline constexpr std::uint32_t kPv = rgb(250, 215, 50);            ///< PV power
inline constexpr std::uint32_t kGridPower = rgb(140, 140, 250);    ///< grid import / export
inline constexpr std::uint32_t kBattery = rgb(40, 200, 170);       ///< battery power, SoC line
inline constexpr std::uint32_t kGenerator = rgb(190, 110, 60);     ///< generator output
inline constexpr std::uint32_t kLoad = rgb(235, 235, 235);         ///< load demand / served
inline constexpr std::uint32_t kIslanded = rgb(255, 190, 40);      ///< islanded (amber)
inline constexpr std::uint32_t kContactOpen = rgb(0, 230, 120);    ///< DTN contact open now
inline constexpr std::uint32_t kContact = rgb(110, 130, 160);      ///< DTN contact (planned)
}  // namespace colors

/// Applies the dark (true) or light (false) style and the base font scale.
void apply_theme(bool dark, float font_scale);

}  // namespace labtwin::viz
