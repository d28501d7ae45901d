// Test-sample browser: by index, at random, previous/next, and after an
// evaluation, through the samples the net got wrong. With a server the
// sample is fetched from it; otherwise it comes from the local test split.
#include <algorithm>
#include <random>

#include "app/server_sync.h"
#include "app/widgets.h"
#include "app/windows.h"

namespace digitlab::gui {
namespace {

int test_count(const AppState& app) {
  if (app.data.test && app.data.test->size() > 0) return static_cast<int>(app.data.test->size());
  return static_cast<int>(app.data.test_size);
}

void show_sample(SampleView& s, int index, int label, const std::uint8_t* pixels) {
  s.index = index;
  s.label = label;
  std::copy(pixels, pixels + kImagePixels, s.pixels.begin());
  s.loaded = true;
  s.loading = false;
  s.image_dirty = true;
}

void load_sample(AppState& app, int index) {
  SampleView& s = app.samples;
  const int count = test_count(app);
  if (count <= 0) return;
  index = (index % count + count) % count;
  s.index = index;
  if (!app.http) {
    if (app.data.test && index < static_cast<int>(app.data.test->size()))
      show_sample(s, index, app.data.test->labels[index], app.data.test->image(index));
    return;
  }
  s.loading = true;
  app.http->send({"GET", sample_path(app.data.dataset, "test", index), {}, {}, {}}, [&app](const HttpResponse& response) {
    SampleView& s = app.samples;
    s.loading = false;
    if (!response.ok()) return note_server_error(app, "test sample", response);
    try {
      const LabelledSample sample = parse_sample(response.body);
      show_sample(s, sample.index, sample.label, sample.pixels.data());
    } catch (const std::exception& e) {
      app.log.add(std::string("bad sample: ") + e.what());
    }
  });
}

// The misclassified list follows the latest evaluation.
void refresh_misclassified(AppState& app) {
  SampleView& s = app.samples;
  const auto& eval = app.progress->last_eval;
  if (eval == s.eval_seen) return;
  s.eval_seen = eval;
  s.misclassified.clear();
  s.misclassified_pos = -1;
  const auto& test = app.data.test;
  if (!eval || !test || eval->predicted.size() != test->size()) return;
  for (std::size_t i = 0; i < test->size(); ++i)
    if (eval->predicted[i] != test->labels[i]) s.misclassified.push_back(static_cast<int>(i));
}

void step_misclassified(AppState& app, int delta) {
  SampleView& s = app.samples;
  const int n = static_cast<int>(s.misclassified.size());
  s.misclassified_pos = ((s.misclassified_pos + delta) % n + n) % n;
  load_sample(app, s.misclassified[s.misclassified_pos]);
}

void sample_view(AppState& app) {
  const SampleView& s = app.samples;
  const float side = 28.0f * 3;
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(p, {p.x + side, p.y + side}, IM_COL32(0, 0, 0, 255));
  if (s.loaded && !s.image.empty()) draw->AddImage(s.image.id(), p, {p.x + side, p.y + side});
  ImGui::Dummy({side, side});
  ImGui::SameLine();
  ImGui::BeginGroup();
  if (s.loading) ImGui::TextDisabled("loading #%d ...", s.index);
  if (!s.loaded) {
    ImGui::TextDisabled("no sample shown yet");
  } else {
    const int guess = argmax10(s.probs.data());
    ImGui::Text("sample #%d", s.index);
    ImGui::Text("label: %d", s.label);
    ImGui::Text("prediction: %d (%.0f%%)", guess, s.probs[guess] * 100.0f);
    if (guess == s.label) ImGui::TextColored({0.4f, 0.9f, 0.4f, 1}, "correct");
    else ImGui::TextColored({1.0f, 0.4f, 0.4f, 1}, "wrong");
  }
  ImGui::EndGroup();
}

}  // namespace

void samples_window(AppState& app) {
  if (begin_panel("Test samples", app.layout[Panel::samples])) {
    SampleView& s = app.samples;
    refresh_misclassified(app);
    // Show the first test sample as soon as there is a test split to show.
    const bool can_show = app.http ? app.data.info_loaded : (app.data.test && app.data.test->size() > 0);
    if (!s.first_requested && can_show) {
      s.first_requested = true;
      load_sample(app, 0);
    }
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
    int index = s.index;
    if (ImGui::InputInt("##index", &index, 0, 0, ImGuiInputTextFlags_EnterReturnsTrue)) load_sample(app, index);
    ImGui::SameLine();
    if (ImGui::Button("Show")) load_sample(app, s.index);
    ImGui::SameLine();
    if (ImGui::ArrowButton("##prev", ImGuiDir_Left)) load_sample(app, s.index - 1);
    ImGui::SameLine();
    if (ImGui::ArrowButton("##next", ImGuiDir_Right)) load_sample(app, s.index + 1);
    ImGui::SameLine();
    if (ImGui::Button("Random")) {
      static std::mt19937 rng(12345);
      load_sample(app, static_cast<int>(rng() % static_cast<unsigned>(std::max(1, test_count(app)))));
    }
    sample_view(app);
    if (s.misclassified.empty()) {
      ImGui::TextDisabled(s.eval_seen ? "no misclassified samples" : "misclassified: after an evaluation");
    } else {
      ImGui::Text("misclassified: %zu", s.misclassified.size());
      ImGui::SameLine();
      if (ImGui::Button("< wrong")) step_misclassified(app, -1);
      ImGui::SameLine();
      if (ImGui::Button("wrong >")) step_misclassified(app, +1);
      if (s.misclassified_pos >= 0) {
        ImGui::SameLine();
        ImGui::Text("%d / %zu", s.misclassified_pos + 1, s.misclassified.size());
      }
    }
  }
  end_panel(app, Panel::samples);
}

}  // namespace digitlab::gui
