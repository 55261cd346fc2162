// Dark and light styles.
#include "labtwin/viz/theme.hpp"

#include <imgui.h>

namespace labtwin::viz {

void apply_theme(bool dark, float font_scale) {
  ImGuiStyle& style = ImGui::GetStyle();
  if (dark)
    ImGui::StyleColorsDark(&style);
  else
    ImGui::StyleColorsLight(&style);
  style.WindowRounding = 2.0f;
  style.FrameRounding = 2.0f;
  style.WindowPadding = {8, 6};
  style.ItemSpacing = {8, 4};
  ImGui::GetIO().FontGlobalScale = font_scale;
}

}  // namespace labtwin::viz
