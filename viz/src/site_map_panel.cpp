// Site map: one column per site, rooms stacked in it, freezers as squares coloured by status.
// The layout is a pure function of the scenario order (deterministic); one hit test selects.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "labtwin/viz/map_layout.hpp"
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

constexpr std::size_t kMaxGraphNodes = 600;

void draw_grid_map(const Snapshot& snap, UiState& ui);

// The graph view: the layout is computed once per graph shape and kept (the graph is static).
void draw_graph_map(const Snapshot& snap, UiState& ui) {
  struct Cache {
    std::string key;
    MapGraph graph;
    std::vector<MapPoint> pos;
  };
  static thread_local Cache cache;
  const std::string key = snap.scenario + "|" + std::to_string(snap.sites.size()) + "|" +
                          std::to_string(snap.freezers.size()) + "|" +
                          std::to_string(snap.map_nodes.size()) + "|" +
                          std::to_string(snap.map_edges.size());
  if (key != cache.key) {
    cache.graph = lab_graph(snap);
    cache.pos = layout_graph(cache.graph, 7);
    cache.key = key;
  }
  refresh_graph(cache.graph, snap);  // statuses and open contacts change; the layout does not
  const auto& g = cache.graph;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float w = std::max(avail.x, 100.0f), h = std::max(avail.y, 100.0f);
  const float pad = 14.0f;
  const auto at = [&](std::size_t i) {
    return ImVec2(origin.x + pad + cache.pos[i].x * (w - 2 * pad),
                  origin.y + pad + cache.pos[i].y * (h - 2 * pad));
  };
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const ImU32 edge = ImGui::GetColorU32(ImGuiCol_Border);
  for (const auto& e : g.edges) {
    const bool thin = e.kind == "contains" || e.kind == "dtn_site";
    const ImU32 c = e.kind == "contains" || e.kind == "dtn_site" ? edge
                    : e.kind == "lane_closed"                    ? colors::kFailed
                    : e.kind == "contact"                        ? colors::kContact
                    : e.kind == "contact_open"                   ? colors::kContactOpen
                                                                 : colors::kSetpoint;
    dl->AddLine(at(e.a), at(e.b), c, e.kind == "contact_open" ? 3.5f : thin ? 1.0f : 2.0f);
  }
  // Labels (sites and other twins' nodes) are placed after the nodes so they avoid each other
  // and the nodes (place_labels); reused buffers, no allocation per frame once grown.
  static thread_local std::vector<LabelRequest> obstacles, labels;
  static thread_local std::vector<std::pair<std::size_t, ImU32>> label_of;
  obstacles.clear();
  labels.clear();
  label_of.clear();
  const auto label_at = [&](ImVec2 p, float r, std::size_t node, ImU32 color) {
    const ImVec2 ts = ImGui::CalcTextSize(g.nodes[node].label.c_str());
    labels.push_back({p.x, p.y, r, ts.x, ts.y});
    label_of.emplace_back(node, color);
  };
  const long sel = pick_freezer(snap, ui.selected_freezer);
  const ImVec2 m = ImGui::GetIO().MousePos;
  long hovered = -1;
  const std::uint32_t other[] = {colors::kOk, colors::kDoor, colors::kAlarm};
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const auto& n = g.nodes[i];
    const ImVec2 p = at(i);
    const float r = n.kind == "freezer" ? 6.0f : n.kind == "site" ? 9.0f : 5.0f;
    if (n.freezer >= 0) {
      const auto& f = snap.freezers[static_cast<std::size_t>(n.freezer)];
      dl->AddRectFilled({p.x - r, p.y - r}, {p.x + r, p.y + r}, status_color(status_of(f)), 2.0f);
      if (f.backup) dl->AddRect({p.x - 3, p.y - 3}, {p.x + 3, p.y + 3}, text);
      if (n.freezer == sel)
        dl->AddRect({p.x - r - 2, p.y - r - 2}, {p.x + r + 2, p.y + r + 2}, text, 2.0f, 0, 2.0f);
    } else if (n.kind == "site" || n.kind == "room") {
      dl->AddCircleFilled(p, r, n.kind == "site" ? text : dim);
      if (n.kind == "site") label_at(p, r, i, text);
    } else {  // other twins' nodes: a diamond in their status colour, labelled
      const ImU32 c = other[std::min<std::uint8_t>(n.status, 2)];
      dl->AddQuadFilled({p.x, p.y - r - 2}, {p.x + r + 2, p.y}, {p.x, p.y + r + 2},
                        {p.x - r - 2, p.y}, c);
      label_at(p, r + 2, i, dim);
    }
    obstacles.push_back({p.x, p.y, r, 0, 0});
    if (std::abs(m.x - p.x) <= r + 1 && std::abs(m.y - p.y) <= r + 1)
      hovered = static_cast<long>(i);
  }
  const auto spots =
      place_labels(labels, obstacles, origin.x, origin.y, origin.x + w, origin.y + h);
  for (std::size_t k = 0; k < spots.size(); ++k)
    dl->AddText({spots[k].x, spots[k].y}, label_of[k].second,
                g.nodes[label_of[k].first].label.c_str());
  ImGui::InvisibleButton("##sitegraph", {w, h});
  if (ImGui::IsItemHovered() && hovered >= 0) {
    const auto& n = g.nodes[static_cast<std::size_t>(hovered)];
    if (n.freezer >= 0) {
      const auto& f = snap.freezers[static_cast<std::size_t>(n.freezer)];
      ImGui::SetTooltip("%s (%s/%s)\nair %.1f C, payload %.1f C%s%s%s", f.id.c_str(),
                        f.site.c_str(), f.room.c_str(), f.air_c, f.payload_c,
                        f.alarm ? "\nALARM" : "", f.failed ? "\ncompressor failed" : "",
                        f.backup ? "\nbackup unit" : "");
      if (ImGui::IsItemClicked()) ui.selected_freezer = f.id;
    } else {
      // A microgrid part says its grid's state; a click on it (or on a DTN node) opens that tab.
      const std::string tab = map_node_tab(n.kind);
      const MicrogridState* mg = nullptr;
      for (const auto& x : snap.microgrids)
        if (tab == "microgrid" && n.id.rfind(x.site + "/", 0) == 0) mg = &x;
      if (mg)
        ImGui::SetTooltip("%s: %s\n%s, battery %.0f %%%s", n.kind.c_str(), n.label.c_str(),
                          mg->grid_up ? "grid up" : "ISLANDED", 100.0 * mg->soc,
                          mg->shed.empty() ? "" : ", shedding load");
      else
        ImGui::SetTooltip("%s: %s", n.kind.c_str(),
                          n.label.empty() ? n.id.c_str() : n.label.c_str());
      if (ImGui::IsItemClicked() && !tab.empty()) {
        ui.show_tab = tab;
        if (mg) ui.selected_microgrid = mg->site;
      }
    }
  }
}

}  // namespace

std::string map_node_tab(const std::string& kind) {
  if (kind == "grid" || kind == "pv" || kind == "battery" || kind == "generator")
    return "microgrid";
  if (kind == "dtn_node") return "dtn";
  return {};
}

void draw_site_map(const Snapshot& snap, UiState& ui) {
  // The graph view up to a few hundred nodes (the layout is quadratic); the grid beyond.
  const std::size_t nodes = snap.freezers.size() + snap.map_nodes.size() + snap.sites.size();
  const bool graph_ok = nodes <= kMaxGraphNodes;
  if (graph_ok) {
    ImGui::Checkbox("graph layout", &ui.map_graph);
    if (ui.map_graph) {
      draw_graph_map(snap, ui);
      return;
    }
  }
  draw_grid_map(snap, ui);
}

namespace {

void draw_grid_map(const Snapshot& snap, UiState& ui) {
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

}  // namespace

}  // namespace labtwin::viz
