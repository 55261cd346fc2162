// Inventory: per SKU, on hand and on order against the reorder point s and order-up-to S.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <string_view>

#include "labtwin/viz/panels.hpp"
#include "labtwin/viz/theme.hpp"

namespace labtwin::viz {
namespace {

bool matches(const ItemLevel& it, std::string_view f) {
  if (f.empty()) return true;
  return it.sku.find(f) != std::string::npos || it.name.find(f) != std::string::npos;
}

}  // namespace

void draw_inventory_panel(const Snapshot& snap, UiState& ui) {
  ImGui::SetNextItemWidth(180);
  ImGui::InputTextWithHint("##inv", "SKU or name filter", &ui.inventory_filter);
  ImGui::SameLine();
  std::size_t below = 0;
  for (const auto& it : snap.items)
    if (it.reorder_point >= 0 && it.on_hand + it.on_order <= it.reorder_point) ++below;
  ImGui::TextDisabled("%zu items, %zu at or below s", snap.items.size(), below);
  const ImGuiTableFlags flags =
      ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV;
  if (!ImGui::BeginTable("inventory", 4, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("SKU", ImGuiTableColumnFlags_WidthFixed, 80.0f);
  ImGui::TableSetupColumn("level (bar: on hand, outline: +on order; | s, | S)",
                          ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn("on hand", ImGuiTableColumnFlags_WidthFixed, 60.0f);
  ImGui::TableSetupColumn("backord.", ImGuiTableColumnFlags_WidthFixed, 60.0f);
  ImGui::TableHeadersRow();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (const auto& it : snap.items) {
    if (!matches(it, ui.inventory_filter)) continue;
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(it.sku.c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", it.name.c_str());
    ImGui::TableNextColumn();
    // Scale: the larger of S and the level, so s and S sit at fixed places per row.
    const double top = std::max({it.order_up_to, it.on_hand + it.on_order, 1.0}) * 1.1;
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x;
    const float h = ImGui::GetTextLineHeight();
    const auto x_of = [&](double v) { return p.x + static_cast<float>(v / top) * w; };
    const bool low = it.reorder_point >= 0 && it.on_hand <= it.reorder_point;
    dl->AddRectFilled({p.x, p.y + 2}, {x_of(it.on_hand), p.y + h - 2},
                      low ? colors::kFailed : colors::kOk);
    if (it.on_order > 0)
      dl->AddRect({x_of(it.on_hand), p.y + 2}, {x_of(it.on_hand + it.on_order), p.y + h - 2},
                  colors::kOk);
    if (it.reorder_point >= 0)
      dl->AddLine({x_of(it.reorder_point), p.y}, {x_of(it.reorder_point), p.y + h},
                  colors::kAlarmLimit, 2.0f);
    if (it.order_up_to >= 0)
      dl->AddLine({x_of(it.order_up_to), p.y}, {x_of(it.order_up_to), p.y + h}, colors::kSetpoint,
                  2.0f);
    ImGui::Dummy({w, h});
    ImGui::TableNextColumn();
    ImGui::Text("%.0f", it.on_hand);
    ImGui::TableNextColumn();
    ImGui::Text("%.0f", it.backorders);
  }
  ImGui::EndTable();
}

}  // namespace labtwin::viz
