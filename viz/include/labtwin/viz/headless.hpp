#pragma once
/// @file A Dear ImGui context without a window or renderer: display size set, font atlas built,
/// no ini file. Frames can be built (NewFrame .. Render) and their draw lists inspected; used by
/// the headless panel tests and the frame bench.
#include <cstdint>

struct ImGuiContext;

namespace labtwin::viz {

struct Snapshot;
struct UiState;

/// Creates the context (and makes it current) on construction, destroys it on destruction.
class HeadlessContext {
 public:
  /// A `width` x `height` display at 60 frames/s.
  HeadlessContext(float width = 1600.0f, float height = 960.0f);
  ~HeadlessContext();
  HeadlessContext(const HeadlessContext&) = delete;
  HeadlessContext& operator=(const HeadlessContext&) = delete;
  /// The context.
  ImGuiContext* get() const { return ctx_; }
  /// Builds one whole frame of `s` (draw_frame at the display size); returns its vertex count.
  int frame(const Snapshot& s, UiState& ui) const;
  /// True when the last rendered frame has a vertex of exactly `color` (ImGui's packed RGBA).
  static bool drew_color(std::uint32_t color);

 private:
  ImGuiContext* ctx_;
  float width_, height_;
};

}  // namespace labtwin::viz
