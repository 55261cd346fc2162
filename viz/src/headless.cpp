// A headless Dear ImGui context (see headless.hpp).
#include "labtwin/viz/headless.hpp"

#include <imgui.h>

namespace labtwin::viz {

HeadlessContext::HeadlessContext(float width, float height) : ctx_(ImGui::CreateContext()) {
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = {width, height};
  io.DeltaTime = 1.0f / 60.0f;
  unsigned char* px = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);  // builds the atlas NewFrame needs
}

HeadlessContext::~HeadlessContext() { ImGui::DestroyContext(ctx_); }

}  // namespace labtwin::viz
