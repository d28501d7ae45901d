#include "platform/window.h"

#include <imgui_impl_opengl3.h>
#include <imgui_impl_sdl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "platform/gl.h"
#include "platform/gpu_image.h"
#include "platform/window_backend.h"

namespace digitlab::gui {
namespace {

SDL_Window* window = nullptr;
SDL_GLContext gl_context = nullptr;
std::uint64_t rendered_frames = 0;

constexpr float kBodyFontPx = 15.0f;
constexpr float kSmallFontPx = 11.0f;
constexpr float kLargeFontPx = 56.0f;

// The characters the interface writes: Latin-1 and a few signs. The web
// build embeds a font cut down to these (gui/CMakeLists.txt), so both lists
// come from one CMake variable.
const ImWchar kGlyphRanges[] = {DIGITLAB_GUI_GLYPHS, 0};

// Pixels per logical pixel. The browser reports devicePixelRatio through a
// drawable larger than the window; X11 and Wayland-through-X report a DPI.
float pixel_density(float& font_oversample) {
  int window_w = 0, window_h = 0, drawable_w = 0, drawable_h = 0;
  SDL_GetWindowSize(window, &window_w, &window_h);
  SDL_GL_GetDrawableSize(window, &drawable_w, &drawable_h);
  font_oversample = window_w > 0 ? std::max(1.0f, float(drawable_w) / float(window_w)) : 1.0f;
  float dpi = 96.0f;
  if (font_oversample > 1.0f || SDL_GetDisplayDPI(0, &dpi, nullptr, nullptr) != 0) return 1.0f;
  const float scale = dpi / 96.0f;
  return scale >= 1.25f ? std::min(scale, 3.0f) : 1.0f;  // ignore rounding noise of 96-dpi screens
}

void load_fonts(Fonts& fonts, float ui_scale, float oversample) {
  ImGuiIO& io = ImGui::GetIO();
  const float raster = ui_scale * oversample;
  if (std::ifstream(backend::kFontPath).good()) {
    fonts.body = io.Fonts->AddFontFromFileTTF(backend::kFontPath, kBodyFontPx * raster, nullptr, kGlyphRanges);
    fonts.small = io.Fonts->AddFontFromFileTTF(backend::kFontPath, kSmallFontPx * raster, nullptr, kGlyphRanges);
    fonts.large = io.Fonts->AddFontFromFileTTF(backend::kFontPath, kLargeFontPx * raster, nullptr, kGlyphRanges);
  }
  if (!fonts.body || !fonts.small || !fonts.large) {
    std::fprintf(stderr, "digitlab: font %s not found, using ImGui's built-in font\n", backend::kFontPath);
    ImFontConfig config;
    config.SizePixels = 13.0f * raster;
    fonts.body = fonts.small = io.Fonts->AddFontDefault(&config);
    config.SizePixels = 13.0f * 3.0f * raster;
    fonts.large = io.Fonts->AddFontDefault(&config);
  }
  // Fonts are rasterised at device resolution and drawn at logical size, so
  // text stays sharp on HiDPI screens.
  io.FontGlobalScale = 1.0f / oversample;
}

// A fingerprint of what a frame would show: ImGui's vertices, indices and
// draw commands, the display size, and the texture uploads so far.
std::uint64_t frame_fingerprint(const ImDrawData& data) {
  std::uint64_t h = 1469598103934665603ull;
  const auto mix = [&h](const void* bytes, std::size_t size) {
    const auto* p = static_cast<const unsigned char*>(bytes);
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {  // word at a time: a frame is ~100 KB
      std::uint64_t word;
      std::memcpy(&word, p + i, 8);
      h = (h ^ word) * 1099511628211ull;
      h ^= h >> 29;
    }
    for (; i < size; ++i) h = (h ^ p[i]) * 1099511628211ull;
  };
  mix(&data.DisplaySize, sizeof data.DisplaySize);
  mix(&data.FramebufferScale, sizeof data.FramebufferScale);
  const std::uint64_t uploads = gpu_image_uploads();
  mix(&uploads, sizeof uploads);
  for (int l = 0; l < data.CmdListsCount; ++l) {
    const ImDrawList& list = *data.CmdLists[l];
    mix(list.VtxBuffer.Data, static_cast<std::size_t>(list.VtxBuffer.Size) * sizeof(ImDrawVert));
    mix(list.IdxBuffer.Data, static_cast<std::size_t>(list.IdxBuffer.Size) * sizeof(ImDrawIdx));
    for (const ImDrawCmd& cmd : list.CmdBuffer) {
      mix(&cmd.ClipRect, sizeof cmd.ClipRect);
      mix(&cmd.TextureId, sizeof cmd.TextureId);
      mix(&cmd.VtxOffset, sizeof cmd.VtxOffset);
      mix(&cmd.IdxOffset, sizeof cmd.IdxOffset);
      mix(&cmd.ElemCount, sizeof cmd.ElemCount);
    }
  }
  return h;
}

}  // namespace

bool open_window(const WindowOptions& options, Fonts& fonts) {
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
    std::fprintf(stderr, "digitlab: SDL_Init: %s\n", SDL_GetError());
    return false;
  }
  backend::prepare_window(options);
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
  SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);
  int width = options.width, height = options.height;
  backend::initial_size(width, height);
  const auto flags = static_cast<SDL_WindowFlags>(SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
  window = SDL_CreateWindow(options.title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, width, height, flags);
  if (!window) {
    std::fprintf(stderr, "digitlab: SDL_CreateWindow: %s\n", SDL_GetError());
    return false;
  }
  gl_context = SDL_GL_CreateContext(window);
  if (!gl_context) {
    std::fprintf(stderr, "digitlab: cannot create an OpenGL context: %s\n", SDL_GetError());
    return false;
  }
  SDL_GL_MakeCurrent(window, gl_context);
  SDL_GL_SetSwapInterval(options.vsync ? 1 : 0);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // the layout is computed, nothing to remember
  ImGui::StyleColorsDark();
  float oversample = 1.0f;
  const float ui_scale = pixel_density(oversample);
  ImGui::GetStyle().ScaleAllSizes(ui_scale);
  load_fonts(fonts, ui_scale, oversample);
  ImGui_ImplSDL2_InitForOpenGL(window, gl_context);
  ImGui_ImplOpenGL3_Init(backend::kGlslVersion);
  backend::install_page_hooks();
  return true;
}

void close_window() {
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplSDL2_Shutdown();
  ImGui::DestroyContext();
  SDL_GL_DeleteContext(gl_context);
  SDL_DestroyWindow(window);
  SDL_Quit();
}

// A frame that would show exactly the previous picture is not drawn again:
// the window (or canvas) keeps showing it, and the renderer, software in
// headless Chromium and under Xvfb, is spared a full-window redraw. Input
// and training progress change the picture, so they are drawn at once.
bool backend::frame_once(const std::function<bool()>& frame) {
  bool quit = false;
  // ImGui 1.86 sees the mouse once per frame, so a release and the next
  // press in one frame (a quick second stroke, or letting go of the pad and
  // clicking a button) would merge into one long press and lose the click,
  // and a press in the frame the pointer arrives does not count on tabs.
  // Hand it at most one button change per frame, never in the same frame as
  // a move; the rest stays queued for the next frames.
  bool button_changed = false, moved = false;
  SDL_Event event;
  SDL_PumpEvents();
  while (SDL_PeepEvents(&event, 1, SDL_PEEKEVENT, SDL_FIRSTEVENT, SDL_LASTEVENT) > 0) {
    const bool button = event.type == SDL_MOUSEBUTTONDOWN || event.type == SDL_MOUSEBUTTONUP;
    if (button && (button_changed || moved)) break;
    SDL_PeepEvents(&event, 1, SDL_GETEVENT, SDL_FIRSTEVENT, SDL_LASTEVENT);
    button_changed |= button;
    moved |= event.type == SDL_MOUSEMOTION;
    ImGui_ImplSDL2_ProcessEvent(&event);
    note_event(event);
    if (event.type == SDL_QUIT) handle_quit(quit);
  }
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  ImGui::NewFrame();
  const bool keep_going = frame() && !quit;
  ImGui::Render();
  ImDrawData* data = ImGui::GetDrawData();
  static std::uint64_t shown = 0;
  static double shown_at = 0;
  const std::uint64_t fingerprint = frame_fingerprint(*data);
  const double now = now_seconds();
  // Redraw at least once a second anyway, in case the window system lost the picture.
  if (fingerprint == shown && now - shown_at < 1.0) return keep_going;
  shown = fingerprint;
  shown_at = now;
  glViewport(0, 0, static_cast<int>(data->DisplaySize.x * data->FramebufferScale.x),
             static_cast<int>(data->DisplaySize.y * data->FramebufferScale.y));
  // The panels draw no background of their own (see begin_panel): this is it.
  const ImVec4 background = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  glClearColor(background.x, background.y, background.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(data);
  SDL_GL_SwapWindow(window);
  ++rendered_frames;
  return keep_going;
}

std::uint64_t frames_rendered() { return rendered_frames; }

double now_seconds() {
  using clock = std::chrono::steady_clock;
  static const clock::time_point start = clock::now();
  return std::chrono::duration<double>(clock::now() - start).count();
}

}  // namespace digitlab::gui
