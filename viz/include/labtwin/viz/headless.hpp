#pragma once
/// @file A Dear ImGui context without a window or renderer: display size set, font atlas built,
/// no ini file. Frames can be built (NewFrame .. Render) and their draw lists inspected; used by
/// the headless panel tests and the frame bench.
struct ImGuiContext;

namespace labtwin::viz {

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

 private:
  ImGuiContext* ctx_;
};

}  // namespace labtwin::viz
