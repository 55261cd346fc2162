// SDL2 + SDL_Renderer platform code: the interactive loop and software-rendered screenshots.
#include <SDL.h>
#include <imgui.h>
#include <imgui_impl_sdl.h>
#include <imgui_impl_sdlrenderer.h>
#include <stb_image_write.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "labtwin/viz/app.hpp"

namespace labtwin::viz {
namespace {

[[noreturn]] void sdl_fail(const char* what) {
  throw std::runtime_error(std::string(what) + " failed: " + SDL_GetError());
}

// The user's imgui.ini: $XDG_CONFIG_HOME/labtwin or ~/.config/labtwin.
std::string layout_path() {
  std::filesystem::path dir;
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x)
    dir = std::filesystem::path(x) / "labtwin";
  else if (const char* h = std::getenv("HOME"); h && *h)
    dir = std::filesystem::path(h) / ".config" / "labtwin";
  else
    return {};
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  return ec ? std::string() : (dir / "imgui.ini").string();
}

// The view the UI shows: the latest snapshot, or a keyframe composed with the latest history.
class ViewCache {
 public:
  const Snapshot& view(const SnapshotSource& s, const UiState& ui) {
    latest_ = s.snapshot();
    if (ui.follow_now) return *latest_;
    const auto key = s.keyframe_at(ui.view_s);
    if (!key) return *latest_;
    if (key != key_ || latest_->version != version_) {
      composed_ = compose_view(*latest_, *key);
      key_ = key;
      version_ = latest_->version;
    }
    return composed_;
  }

 private:
  std::shared_ptr<const Snapshot> latest_, key_;
  std::uint64_t version_ = 0;
  Snapshot composed_;
};

}  // namespace

void load_fonts(float size_px) {
  ImGuiIO& io = ImGui::GetIO();
  const char* path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  if (std::filesystem::exists(path) && io.Fonts->AddFontFromFileTTF(path, size_px)) return;
  io.Fonts->AddFontDefault();
  io.FontGlobalScale = size_px / 13.0f;
}

void run_app(SnapshotSource& session, const AppOptions& options) {
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) sdl_fail("SDL_Init");
  // With no display SDL may fall back to an invisible driver: say so instead of running unseen.
  const std::string driver = SDL_GetCurrentVideoDriver() ? SDL_GetCurrentVideoDriver() : "";
  if ((driver == "offscreen" || driver == "dummy") && !std::getenv("SDL_VIDEODRIVER")) {
    SDL_Quit();
    throw std::runtime_error("no display: SDL chose the invisible '" + driver +
                             "' video driver (set DISPLAY or SDL_VIDEODRIVER)");
  }
  SDL_Window* window = SDL_CreateWindow(options.title.c_str(), SDL_WINDOWPOS_CENTERED,
                                        SDL_WINDOWPOS_CENTERED, options.width, options.height,
                                        SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
  if (!window) {
    SDL_Quit();
    sdl_fail("SDL_CreateWindow");
  }
  SDL_Renderer* renderer =
      SDL_CreateRenderer(window, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
  if (!renderer) renderer = SDL_CreateRenderer(window, -1, SDL_RENDERER_SOFTWARE);
  if (!renderer) {
    SDL_DestroyWindow(window);
    SDL_Quit();
    sdl_fail("SDL_CreateRenderer");
  }
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  static std::string ini;  // ImGui keeps the pointer
  ini = options.save_layout ? layout_path() : std::string();
  ImGui::GetIO().IniFilename = ini.empty() ? nullptr : ini.c_str();
  load_fonts(16.0f);
  ImGui_ImplSDL2_InitForSDLRenderer(window);
  ImGui_ImplSDLRenderer_Init(renderer);

  UiState ui;
  ui.whatif = options.whatif;
  ViewCache cache;
  bool done = false;
  while (!done) {
    SDL_Event event;
    while (SDL_PollEvent(&event)) {
      ImGui_ImplSDL2_ProcessEvent(&event);
      if (event.type == SDL_QUIT) done = true;
      if (event.type == SDL_WINDOWEVENT && event.window.event == SDL_WINDOWEVENT_CLOSE &&
          event.window.windowID == SDL_GetWindowID(window))
        done = true;
    }
    ImGui_ImplSDLRenderer_NewFrame();
    ImGui_ImplSDL2_NewFrame();
    ImGui::NewFrame();
    const Snapshot& snap = cache.view(session, ui);
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    draw_frame(snap, ui, ds.x, ds.y);
    for (const auto& c : ui.outbox) session.submit(c);
    ui.outbox.clear();
    ImGui::Render();
    const ImVec4 bg = ui.dark ? ImVec4(0.08f, 0.08f, 0.09f, 1) : ImVec4(0.92f, 0.92f, 0.93f, 1);
    SDL_SetRenderDrawColor(renderer, static_cast<Uint8>(bg.x * 255), static_cast<Uint8>(bg.y * 255),
                           static_cast<Uint8>(bg.z * 255), 255);
    SDL_RenderClear(renderer);
    ImGui_ImplSDLRenderer_RenderDrawData(ImGui::GetDrawData());
    SDL_RenderPresent(renderer);
  }
  ImGui_ImplSDLRenderer_Shutdown();
  ImGui_ImplSDL2_Shutdown();
  ImGui::DestroyContext();
  SDL_DestroyRenderer(renderer);
  SDL_DestroyWindow(window);
  SDL_Quit();
}

UiState render_screenshot(const Snapshot& snap, const std::string& png_path, int width, int height,
                          const UiState& initial) {
  if (width < 200 || height < 200 || width > 8192 || height > 8192)
    throw std::invalid_argument("screenshot size " + std::to_string(width) + "x" +
                                std::to_string(height) + " outside 200..8192 px");
  // A software renderer on a plain RGBA surface: no window, no GPU.
  std::unique_ptr<SDL_Surface, void (*)(SDL_Surface*)> surface(
      SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_ABGR8888),
      SDL_FreeSurface);
  if (!surface) sdl_fail("SDL_CreateRGBSurfaceWithFormat");
  SDL_Renderer* renderer = SDL_CreateSoftwareRenderer(surface.get());
  if (!renderer) sdl_fail("SDL_CreateSoftwareRenderer");
  IMGUI_CHECKVERSION();
  ImGuiContext* ctx = ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // the layout of a screenshot never depends on a user's file
  io.DisplaySize = {static_cast<float>(width), static_cast<float>(height)};
  io.DeltaTime = 1.0f / 60.0f;
  io.MousePos = {-1e9f, -1e9f};  // no hover readouts
  load_fonts(16.0f);
  ImGui_ImplSDLRenderer_Init(renderer);
  UiState ui = initial;
  // Auto-sized table columns settle after a couple of frames; keep the last one.
  for (int frame = 0; frame < 3; ++frame) {
    ImGui_ImplSDLRenderer_NewFrame();
    ImGui::NewFrame();
    draw_frame(snap, ui, io.DisplaySize.x, io.DisplaySize.y);
    ui.outbox.clear();
    ImGui::Render();
    SDL_SetRenderDrawColor(renderer, 20, 20, 23, 255);
    SDL_RenderClear(renderer);
    ImGui_ImplSDLRenderer_RenderDrawData(ImGui::GetDrawData());
    SDL_RenderPresent(renderer);
  }
  ImGui_ImplSDLRenderer_Shutdown();
  ImGui::DestroyContext(ctx);
  SDL_DestroyRenderer(renderer);
  if (SDL_LockSurface(surface.get()) != 0) sdl_fail("SDL_LockSurface");
  // RGB (the frame is opaque) at stb's strongest deflate: docs screenshots stay small.
  std::vector<unsigned char> rgb(static_cast<std::size_t>(width) * height * 3);
  for (int y = 0; y < height; ++y) {
    const auto* row = static_cast<const unsigned char*>(surface->pixels) +
                      static_cast<std::size_t>(y) * static_cast<std::size_t>(surface->pitch);
    for (int x = 0; x < width; ++x)
      for (int c = 0; c < 3; ++c)
        rgb[(static_cast<std::size_t>(y) * width + x) * 3 + c] = row[x * 4 + c];
  }
  SDL_UnlockSurface(surface.get());
  stbi_write_png_compression_level = 9;
  const int ok = stbi_write_png(png_path.c_str(), width, height, 3, rgb.data(), width * 3);
  if (!ok) throw std::runtime_error("cannot write PNG " + png_path);
  return ui;
}

}  // namespace labtwin::viz
