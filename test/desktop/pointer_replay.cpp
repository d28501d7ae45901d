// Draws drawings of the stroke-drawn set on the desktop app's pad with real
// X input (the XTest extension: the X server makes the events, SDL reads
// them as it reads a mouse) at a hand's pace, faster than the app's frames,
// and checks the app reads each drawing as digitlab-cli reads its strokes
// (issue 23: the desktop half of "browser = CLI, drawing by drawing").
//   pointer_replay --state FILE --weights FILE [--max-differ N] SET.json
// The app runs under the same X display with --weights (the same file),
// --state-out FILE (its state JSON, rewritten every frame: pad rectangle,
// buttons, reading, points kept) and --frame-ms (slow frames). For each
// drawing: press Clear, draw its strokes with a point every 16, 12 or 8 ms
// (taking turns), wait for a steady reading. Checks: the pad kept >= 95% of
// the points a StrokeInput fed every sample keeps, and at most N drawings
// (default 1) get another guess than core's read_input(preprocess_strokes())
// of the drawing's own strokes, which is what `digitlab-cli drawings` runs.
// Exit 0 when both hold, 1 otherwise, 2 on a usage or set-up error.
#include <X11/Xlib.h>
#include <X11/extensions/XTest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "digitlab/digitlab.h"
#include "logic/stroke_input.h"

using namespace digitlab;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kPacesMs[] = {16, 12, 8};
constexpr double kFractions[] = {0.1, 0.3, 0.5, 0.7, 0.9};  // of each digit's list: 50 drawings

std::optional<json> read_state(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  json state = json::parse(text.str(), nullptr, false);  // the app renames a whole file in: rarely torn
  if (state.is_discarded()) return std::nullopt;
  return state;
}

// Polls the app's state until `ready` holds for it, every 20 ms.
template <typename Ready>
json wait_for(const std::string& path, const char* what, double seconds, Ready ready) {
  const auto until = Clock::now() + std::chrono::duration<double>(seconds);
  while (Clock::now() < until) {
    if (auto state = read_state(path); state && ready(*state)) return *state;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error(std::string("waited ") + std::to_string(seconds) + " s for " + what);
}

gui::Rect rect_of(const json& r) { return {r["x"].get<float>(), r["y"].get<float>(), r["width"].get<float>(), r["height"].get<float>()}; }

class TestPointer {
 public:
  TestPointer() : display_(XOpenDisplay(nullptr)) {
    if (!display_) throw std::runtime_error("cannot open the X display (DISPLAY)");
    int event_base, error_base, major, minor;
    if (!XTestQueryExtension(display_, &event_base, &error_base, &major, &minor))
      throw std::runtime_error("the X server has no XTest extension");
  }
  ~TestPointer() { XCloseDisplay(display_); }
  TestPointer(const TestPointer&) = delete;
  TestPointer& operator=(const TestPointer&) = delete;

  // Where the app's window (the one mapped top-level window of its size) sits on the screen.
  void find_window(int width, int height) {
    Window root = DefaultRootWindow(display_), parent, *children = nullptr;
    unsigned count = 0;
    XQueryTree(display_, root, &root, &parent, &children, &count);
    int found = 0;
    for (unsigned i = 0; i < count; ++i) {
      XWindowAttributes a;
      if (XGetWindowAttributes(display_, children[i], &a) && a.map_state == IsViewable && a.width == width &&
          a.height == height) {
        origin_x_ = a.x + a.border_width;
        origin_y_ = a.y + a.border_width;
        ++found;
      }
    }
    if (children) XFree(children);
    if (found != 1)
      throw std::runtime_error("found " + std::to_string(found) + " windows of " + std::to_string(width) + "x" +
                               std::to_string(height) + ", not the app's one");
  }
  void move(float x, float y) {
    XTestFakeMotionEvent(display_, -1, origin_x_ + static_cast<int>(std::lround(x)),
                         origin_y_ + static_cast<int>(std::lround(y)), CurrentTime);
    XFlush(display_);
  }
  void button(bool down) {
    XTestFakeButtonEvent(display_, 1, down ? True : False, CurrentTime);
    XFlush(display_);
  }

 private:
  Display* display_;
  int origin_x_ = 0, origin_y_ = 0;
};

struct Replayed {
  int guess = -1;      // the app's; -1: no reading
  int pad_points = 0;  // what the app's pad holds
  int keepable = 0;    // what a StrokeInput fed every sample sent holds
};

// Draws one drawing at `pace_ms` a point; the samples are those the app
// should see, in window coordinates rounded to whole pixels as the X server
// makes them.
Replayed draw(TestPointer& pointer, const std::string& state_path, const DrawnSample& drawing, int pace_ms,
              double frame_s) {
  const json before = read_state(state_path).value();
  const gui::Rect clear = rect_of(before["buttons"]["clear"]);
  pointer.move(clear.x + clear.w / 2, clear.y + clear.h / 2);
  pointer.button(true);
  std::this_thread::sleep_for(std::chrono::duration<double>(2 * frame_s));  // a press a frame sees
  pointer.button(false);
  const json cleared = wait_for(state_path, "the pad to clear", 10, [](const json& s) {
    return s["pad_message"] == "nothing drawn" && s["pad_points"] == 0;
  });
  const gui::Rect pad = rect_of(cleared["pad_rect"]);

  std::vector<gui::PointerSample> sent;
  const auto at = [&](Point p) {
    return gui::PointerSample{std::round(pad.x + p.x * pad.w), std::round(pad.y + p.y * pad.h), true};
  };
  auto next = Clock::now();
  const auto step = std::chrono::milliseconds(pace_ms);
  for (const Stroke& stroke : drawing.strokes) {
    gui::PointerSample s = at(stroke.points[0]);
    pointer.move(s.x, s.y);
    pointer.button(true);
    sent.push_back(s);
    for (std::size_t i = 1; i < stroke.points.size(); ++i) {
      next += step;
      std::this_thread::sleep_until(next);
      s = at(stroke.points[i]);
      pointer.move(s.x, s.y);
      sent.push_back(s);
    }
    next += step;
    std::this_thread::sleep_until(next);
    pointer.button(false);
    sent.push_back({s.x, s.y, false});
  }
  gui::StrokePad expected;
  gui::StrokeInput().feed(sent, pad, [](float, float) { return true; }, expected, 0.05f);
  Replayed r;
  for (const gui::Stroke& s : expected.strokes()) r.keepable += static_cast<int>(s.points.size());

  // Steady: a reading, and the same reading and points two frames later.
  std::this_thread::sleep_for(std::chrono::duration<double>(2 * frame_s));
  const json read = wait_for(state_path, "a steady reading", 20, [&](const json& a) {
    if (a["prediction"].is_null()) return false;
    std::this_thread::sleep_for(std::chrono::duration<double>(2 * frame_s));
    const auto b = read_state(state_path);
    return b && (*b)["prediction"] == a["prediction"] && (*b)["pad_points"] == a["pad_points"];
  });
  r.guess = read["prediction"].get<int>();
  r.pad_points = read["pad_points"].get<int>();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::string state_path, weights, set_path;
  int max_differ = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--state" && i + 1 < argc) state_path = argv[++i];
    else if (a == "--weights" && i + 1 < argc) weights = argv[++i];
    else if (a == "--max-differ" && i + 1 < argc) max_differ = std::atoi(argv[++i]);
    else set_path = a;
  }
  if (state_path.empty() || weights.empty() || set_path.empty()) {
    std::fprintf(stderr, "usage: pointer_replay --state FILE --weights FILE [--max-differ N] SET.json\n");
    return 2;
  }
  try {
    const ModelFile model = load_weights(weights);
    const auto set = load_drawing_set(set_path);
    std::vector<const DrawnSample*> picked;
    for (int digit = 0; digit < 10; ++digit) {
      std::vector<const DrawnSample*> mine;
      for (const DrawnSample& d : set)
        if (d.label == digit) mine.push_back(&d);
      for (double f : kFractions)
        if (!mine.empty()) picked.push_back(mine[static_cast<std::size_t>(f * mine.size())]);
    }

    const json first = wait_for(state_path, "the app's first state", 60, [](const json& s) {
      return s["pad_rect"]["width"].get<float>() > 100 && s["buttons"].contains("clear") && s["frame_ms"]["count"] > 10;
    });
    bool loaded = false;
    for (const auto& m : first["messages"]) loaded = loaded || m.get<std::string>().find("loaded weights from") != std::string::npos;
    if (!loaded) throw std::runtime_error("the app did not say it loaded the weights: " + first["messages"].dump());
    const double frame_s = first["frame_ms"]["p50"].get<double>() / 1000.0;
    TestPointer pointer;
    pointer.find_window(first["layout"]["width"].get<int>(), first["layout"]["height"].get<int>());

    int differ = 0, app_right = 0, cli_right = 0;
    std::vector<std::string> lost;
    for (std::size_t i = 0; i < picked.size(); ++i) {
      const DrawnSample& d = *picked[i];
      const int pace = kPacesMs[i % 3];
      const Replayed r = draw(pointer, state_path, d, pace, std::max(frame_s, 0.02));
      const int cli = read_input(model.model, preprocess_strokes(d.strokes)).guess;
      app_right += r.guess == d.label;
      cli_right += cli == d.label;
      if (r.guess != cli) {
        ++differ;
        std::printf("differs: drawing of %d (%s) every %d ms: app %d, digitlab-cli %d\n", d.label, d.style.c_str(),
                    pace, r.guess, cli);
      }
      if (r.pad_points < 0.95 * r.keepable)
        lost.push_back(std::to_string(pace) + " ms: " + std::to_string(r.pad_points) + " of " +
                       std::to_string(r.keepable) + " points (" + d.style + ")");
    }
    const json last = read_state(state_path).value_or(json::object());
    std::printf("desktop replay: %zu drawings at 16/12/8 ms a point, frames p50 %.0f ms p95 %.0f ms: app %d right, "
                "digitlab-cli %d right, %d read differently (line %d), %zu lost points\n",
                picked.size(), last["frame_ms"]["p50"].get<double>(), last["frame_ms"]["p95"].get<double>(), app_right,
                cli_right, differ, max_differ, lost.size());
    for (const std::string& l : lost) std::printf("lost points: %s\n", l.c_str());
    return differ <= max_differ && lost.empty() && cli_right >= static_cast<int>(picked.size()) / 2 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pointer_replay: %s\n", e.what());
    return 2;
  }
}
