// Inventory: per SKU, on hand and on order against the reorder point s and order-up-to S.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "labtwin/viz/panels.hpp"
#include "labtwin/viz/theme.hpp"

namespace labtwin::viz {
namespace {

bool matches(const ItemLevel& it, std::string_view f) {
  if (f.empty()) return true;
  return it.sku.find(f) != std::string::npos || it.name.find(f) != std::string::npos;
}

void draw_levels(const Snapshot& snap, UiState& ui) {
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

void draw_orders(const Snapshot& snap) {
  const ImGuiTableFlags flags =
      ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV;
  if (!ImGui::BeginTable("orders", 4, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("PO", ImGuiTableColumnFlags_WidthFixed, 60.0f);
  ImGui::TableSetupColumn("SKU", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn("qty", ImGuiTableColumnFlags_WidthFixed, 45.0f);
  ImGui::TableSetupColumn("state", ImGuiTableColumnFlags_WidthFixed, 75.0f);
  ImGui::TableHeadersRow();
  for (const auto& o : snap.open_orders) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(o.po.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(o.sku.c_str());
    if (ImGui::IsItemHovered() && !o.supplier.empty())
      ImGui::SetTooltip("supplier %s", o.supplier.c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%.0f", o.quantity);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(o.state.c_str());
  }
  ImGui::EndTable();
}

void draw_expiry(const Snapshot& snap, const std::vector<std::size_t>& rows) {
  const ImGuiTableFlags flags =
      ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV;
  if (!ImGui::BeginTable("expiry", 4, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("lot", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn("SKU", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn("qty", ImGuiTableColumnFlags_WidthFixed, 45.0f);
  ImGui::TableSetupColumn("expires in", ImGuiTableColumnFlags_WidthFixed, 90.0f);
  ImGui::TableHeadersRow();
  for (const std::size_t i : rows) {
    const auto& l = snap.lots[i];
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(l.code.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(l.sku.c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%.0f", l.quantity);
    ImGui::TableNextColumn();
    const double left = l.expiry_s - snap.now_s;
    if (left <= 0.0)
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colors::kFailed), "expired");
    else
      ImGui::Text("%.1f d", left / 86400.0);
  }
  ImGui::EndTable();
}

}  // namespace

std::vector<std::size_t> lots_near_expiry(const Snapshot& snap, double within_s) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < snap.lots.size(); ++i)
    if (snap.lots[i].expiry_s >= 0.0 && snap.lots[i].expiry_s <= snap.now_s + within_s)
      out.push_back(i);
  std::stable_sort(out.begin(), out.end(), [&](std::size_t a, std::size_t b) {
    return snap.lots[a].expiry_s < snap.lots[b].expiry_s;
  });
  return out;
}

void draw_inventory_panel(const Snapshot& snap, UiState& ui) {
  if (!snap.has_ledger) {
    draw_levels(snap, ui);
    return;
  }
  if (!ImGui::BeginTabBar("inventory_tabs")) return;
  if (ImGui::BeginTabItem("Levels")) {
    draw_levels(snap, ui);
    ImGui::EndTabItem();
  }
  const std::string orders = "Open orders (" + std::to_string(snap.open_orders.size()) + ")###po";
  if (ImGui::BeginTabItem(orders.c_str())) {
    draw_orders(snap);
    ImGui::EndTabItem();
  }
  const auto rows = lots_near_expiry(snap, 30.0 * 86400.0);
  const std::string exp = "Near expiry (" + std::to_string(rows.size()) + ")###exp";
  if (ImGui::BeginTabItem(exp.c_str())) {
    ImGui::TextDisabled("lots expiring within 30 days, soonest first");
    draw_expiry(snap, rows);
    ImGui::EndTabItem();
  }
  ImGui::EndTabBar();
}

}  // namespace labtwin::viz
