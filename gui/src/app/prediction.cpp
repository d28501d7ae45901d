#include "app/prediction.h"

namespace digitlab::gui {

void update_pad_prediction(AppState& app) {
  PadView& pad = app.pad;
  const std::uint64_t revision = pad.pad.revision();
  const std::uint64_t model = app.snapshot ? app.snapshot->version : 0;
  if (revision != pad.uploaded_revision) {
    pad.pad_image.set_gray(pad.pad.pixels().data(), pad.pad.resolution(), pad.pad.resolution());
    pad.uploaded_revision = revision;
  }
  if (revision == pad.predicted_revision && model == pad.predicted_model) return;
  if (revision != pad.predicted_revision) {
    pad.input = preprocess_strokes(pad.pad.pen_strokes());
    if (pad.input.ready()) pad.input_image.set_gray(pad.input.image.data(), kImageSide, kImageSide);
  }
  pad.reading = app.snapshot ? read_input(app.snapshot->file.model, pad.input) : Reading{};
  pad.predicted_revision = revision;
  pad.predicted_model = model;
}

void update_sample_prediction(AppState& app) {
  SampleView& s = app.samples;
  if (!s.loaded || !app.snapshot) return;
  if (s.image_dirty) {
    Image28 unit;
    image_to_unit(s.pixels.data(), unit.data());
    s.image.set_gray(unit.data(), kImageSide, kImageSide);
    s.image_dirty = false;
    s.predicted_model = ~0ull;
  }
  if (s.predicted_model == app.snapshot->version) return;
  Image28 unit;
  image_to_unit(s.pixels.data(), unit.data());
  predict(app.snapshot->file.model, unit.data(), s.probs.data());
  s.predicted_model = app.snapshot->version;
}

void draw_demo_digit(PadView& pad) {
  pad.pad.clear();
  // The top bar, then the long diagonal: two strokes, as a person draws a 7.
  pad.pad.begin_stroke({0.28f, 0.25f}, pad.brush_radius);
  for (int i = 1; i <= 20; ++i) pad.pad.extend_stroke({0.28f + 0.44f * i / 20.0f, 0.25f - 0.01f * i / 20.0f});
  pad.pad.end_stroke();
  pad.pad.begin_stroke({0.72f, 0.24f}, pad.brush_radius);
  for (int i = 1; i <= 30; ++i) pad.pad.extend_stroke({0.72f - 0.25f * i / 30.0f, 0.24f + 0.54f * i / 30.0f});
  pad.pad.end_stroke();
}

}  // namespace digitlab::gui
