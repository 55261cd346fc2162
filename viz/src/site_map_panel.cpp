// Site map: one column per site, rooms stacked in it, freezers as squares coloured by status.
// The layout is a pure function of the scenario order (deterministic); one hit test selects.
#include <imgui.h>

#include <algorithm>
#include <string>

#include "labtwin/viz/panels.hpp"
#include "labtwin/viz/theme.hpp"

namespace labtwin::viz {
namespace {

constexpr float kCell = 15.0f;
constexpr float kGap = 3.0f;

struct Placed {
  float x, y;
  std::size_t freezer;
};

}  // namespace

void draw_site_map(const Snapshot& snap, UiState& ui) {
  static thread_local std::vector<Placed> placed;
  placed.clear();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = std::max(ImGui::GetContentRegionAvail().x, 100.0f);
  const std::size_t nsites = std::max<std::size_t>(snap.sites.size(), 1);
  const float col_w = width / static_cast<float>(nsites);
  const float line = ImGui::GetTextLineHeight();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const ImU32 border = ImGui::GetColorU32(ImGuiCol_Border);
  float bottom = origin.y;
  const int per_row = std::max(1, static_cast<int>((col_w - 12.0f) / (kCell + kGap)));
  for (std::size_t s = 0; s < snap.sites.size(); ++s) {
    const auto& site = snap.sites[s];
    const float x0 = origin.x + static_cast<float>(s) * col_w;
    float y = origin.y;
    dl->AddText({x0 + 4.0f, y}, text, (site.name.empty() ? site.id : site.name).c_str());
    y += line + 2.0f;
    // Rooms in file order, then freezers without a (known) room.
    std::vector<std::string> rooms = site.rooms;
    rooms.emplace_back();
    for (const auto& room : rooms) {
      int n = 0;
      const float room_top = y;
      for (std::size_t i = 0; i < snap.freezers.size(); ++i) {
        const auto& f = snap.freezers[i];
        if (f.site != site.id) continue;
        const bool in_room = room.empty() ? std::find(site.rooms.begin(), site.rooms.end(),
                                                      f.room) == site.rooms.end()
                                          : f.room == room;
        if (!in_room) continue;
        if (n == 0) {
          dl->AddText({x0 + 8.0f, y}, dim, room.empty() ? "(no room)" : room.c_str());
          y += line;
        }
        const float cx = x0 + 8.0f + static_cast<float>(n % per_row) * (kCell + kGap);
        const float cy = y + static_cast<float>(n / per_row) * (kCell + kGap);
        placed.push_back({cx, cy, i});
        ++n;
      }
      if (n > 0) {
        y += static_cast<float>((n + per_row - 1) / per_row) * (kCell + kGap) + 4.0f;
        dl->AddRect({x0 + 4.0f, room_top - 1.0f}, {x0 + col_w - 4.0f, y - 2.0f}, border);
        y += 2.0f;
      }
    }
    bottom = std::max(bottom, y);
  }
  const long sel = pick_freezer(snap, ui.selected_freezer);
  for (const auto& p : placed) {
    const auto& f = snap.freezers[p.freezer];
    dl->AddRectFilled({p.x, p.y}, {p.x + kCell, p.y + kCell}, status_color(status_of(f)), 2.0f);
    if (f.backup) dl->AddRect({p.x + 3, p.y + 3}, {p.x + kCell - 3, p.y + kCell - 3}, text);
    if (static_cast<long>(p.freezer) == sel)
      dl->AddRect({p.x - 2, p.y - 2}, {p.x + kCell + 2, p.y + kCell + 2}, text, 2.0f, 0, 2.0f);
  }
  // One widget for the whole map; the square under the mouse is found by hit testing.
  ImGui::InvisibleButton("##sitemap", {width, std::max(bottom - origin.y, 1.0f)});
  if (ImGui::IsItemHovered()) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    for (const auto& p : placed) {
      if (m.x < p.x || m.x > p.x + kCell || m.y < p.y || m.y > p.y + kCell) continue;
      const auto& f = snap.freezers[p.freezer];
      ImGui::SetTooltip("%s (%s/%s)\nair %.1f C, payload %.1f C%s%s%s", f.id.c_str(),
                        f.site.c_str(), f.room.c_str(), f.air_c, f.payload_c,
                        f.alarm ? "\nALARM" : "", f.failed ? "\ncompressor failed" : "",
                        f.backup ? "\nbackup unit" : "");
      if (ImGui::IsItemClicked()) ui.selected_freezer = f.id;
      break;
    }
  }
}

}  // namespace labtwin::viz
