// A headless Dear ImGui context (see headless.hpp).
#include "labtwin/viz/headless.hpp"

#include <imgui.h>

#include "labtwin/viz/panels.hpp"

namespace labtwin::viz {

HeadlessContext::HeadlessContext(float width, float height)
    : ctx_(ImGui::CreateContext()), width_(width), height_(height) {
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = {width, height};
  io.DeltaTime = 1.0f / 60.0f;
  unsigned char* px = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);  // builds the atlas NewFrame needs
}

HeadlessContext::~HeadlessContext() { ImGui::DestroyContext(ctx_); }

int HeadlessContext::frame(const Snapshot& s, UiState& ui) const {
  ImGui::NewFrame();
  draw_frame(s, ui, width_, height_);
  ImGui::Render();
  return ImGui::GetDrawData()->TotalVtxCount;
}

bool HeadlessContext::drew_color(std::uint32_t color) {
  const ImDrawData* d = ImGui::GetDrawData();
  if (d == nullptr) return false;
  for (int l = 0; l < d->CmdListsCount; ++l)
    for (const auto& v : d->CmdLists[l]->VtxBuffer)
      if (v.col == color) return true;
  return false;
}

}  // namespace labtwin::viz
