#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "test_support.h"

using namespace digitlab;

namespace {

// A hand-drawn 4 as a person makes it: down and across, then the stem.
std::vector<Stroke> four_strokes(float scale = 1, float dx = 0, float dy = 0) {
  const std::vector<std::vector<Point>> paths = {{{0.30f, 0.20f}, {0.22f, 0.55f}, {0.62f, 0.57f}},
                                                 {{0.50f, 0.30f}, {0.51f, 0.62f}, {0.50f, 0.82f}}};
  std::vector<Stroke> strokes;
  for (const auto& path : paths) {
    Stroke s;
    for (Point p : path) s.points.push_back({p.x * scale + dx, p.y * scale + dy});
    strokes.push_back(s);
  }
  return strokes;
}

float max_difference(const Image28& a, const Image28& b) {
  float d = 0;
  for (int i = 0; i < kImagePixels; ++i) d = std::max(d, std::abs(a[i] - b[i]));
  return d;
}

float total_ink(const Image28& image) {
  float s = 0;
  for (float v : image) s += v;
  return s;
}

struct Moments {
  int top = kImageSide, bottom = -1, left = kImageSide, right = -1;
  double cx = 0, cy = 0;
};
Moments moments(const Image28& image) {
  Moments m;
  double mass = 0;
  for (int y = 0; y < kImageSide; ++y)
    for (int x = 0; x < kImageSide; ++x) {
      const float v = image[y * kImageSide + x];
      if (v > 0.5f) m.top = std::min(m.top, y), m.bottom = std::max(m.bottom, y), m.left = std::min(m.left, x), m.right = std::max(m.right, x);
      mass += v, m.cy += v * y, m.cx += v * x;
    }
  m.cx /= mass, m.cy /= mass;
  return m;
}

// Strokes drawn into a width x height canvas with a round pen of the given
// radius (pixels): a scan or an upload made with a hairline or a fat marker.
std::vector<float> paint(const std::vector<Stroke>& strokes, int width, int height, float radius) {
  std::vector<float> canvas(static_cast<std::size_t>(width) * height, 0.0f);
  const float side = static_cast<float>(std::max(width, height));
  for (const Stroke& s : strokes)
    for (std::size_t i = 0; i + 1 < s.points.size(); ++i) {
      const Point a{s.points[i].x * side, s.points[i].y * side}, b{s.points[i + 1].x * side, s.points[i + 1].y * side};
      for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
          const float d = distance_to_segment({x + 0.5f, y + 0.5f}, a, b);
          float& v = canvas[y * width + x];
          v = std::max(v, std::clamp(radius + 0.5f - d, 0.0f, 1.0f));
        }
    }
  return canvas;
}

// An MNIST digit scaled up `scale` times (bilinear) and pasted at (x0, y0)
// onto a blank canvas of width x height: a drawing as a user might make it.
std::vector<float> enlarge_onto_canvas(const std::uint8_t* digit, float scale, int x0, int y0, int width, int height) {
  std::vector<float> canvas(static_cast<std::size_t>(width) * height, 0.0f);
  const int side = static_cast<int>(std::lround(28 * scale));
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) {
      const float sy = std::min(27.0f, std::max(0.0f, (y + 0.5f) / scale - 0.5f));
      const float sx = std::min(27.0f, std::max(0.0f, (x + 0.5f) / scale - 0.5f));
      const int iy = std::min(26, static_cast<int>(sy)), ix = std::min(26, static_cast<int>(sx));
      const float fy = sy - iy, fx = sx - ix;
      auto px = [&](int yy, int xx) { return digit[yy * 28 + xx] / 255.0f; };
      const float v = (1 - fy) * ((1 - fx) * px(iy, ix) + fx * px(iy, ix + 1)) +
                      fy * ((1 - fx) * px(iy + 1, ix) + fx * px(iy + 1, ix + 1));
      if (y0 + y < height && x0 + x < width) canvas[(y0 + y) * width + x0 + x] = v;
    }
  return canvas;
}

}  // namespace

TEST_CASE("nothing drawn and too-small drawings give no input, each with its reason", "[preprocess]") {
  CHECK(preprocess_strokes({}).status == InputStatus::nothing_drawn);
  CHECK(preprocess_strokes({Stroke{}}).status == InputStatus::nothing_drawn);
  CHECK(preprocess_strokes({Stroke{{{0.4f, 0.4f}}}}).status == InputStatus::too_small);  // a dot
  CHECK(preprocess_strokes({Stroke{{{0.4f, 0.4f}, {0.43f, 0.45f}}}}).status == InputStatus::too_small);  // a short tick
  CHECK(preprocess_strokes({Stroke{{{0.4f, 0.4f}}}, Stroke{{{0.45f, 0.42f}}}}).status == InputStatus::too_small);  // two dots
  CHECK(preprocess_strokes({Stroke{{{0.4f, 0.3f}, {0.4f, 0.3f + 1.2f * kMinExtent}}}}).ready());
  CHECK(std::string(input_status_message(InputStatus::too_small)) == "draw it bigger");
  CHECK(std::string(input_status_message(InputStatus::nothing_drawn)) == "nothing drawn");
  const NetInput small = preprocess_strokes(four_strokes(0.1f));
  CHECK(small.status == InputStatus::too_small);
  CHECK(total_ink(small.image) == 0.0f);

  std::vector<float> blank(300 * 200, 0.0f);
  CHECK(preprocess_image(blank.data(), 300, 200).status == InputStatus::nothing_drawn);
  blank[1234] = 0.5f;  // one faint speck is not a drawing
  CHECK(preprocess_image(blank.data(), 300, 200).status == InputStatus::nothing_drawn);
  CHECK(preprocess_image(blank.data(), 0, 0).status == InputStatus::nothing_drawn);
  // A fat dot in a big image: ink, but no shape to read.
  const auto dot = paint({Stroke{{{0.5f, 0.5f}, {0.501f, 0.5f}}}}, 300, 300, 12.0f);
  CHECK(preprocess_image(dot.data(), 300, 300).status == InputStatus::too_small);
}

TEST_CASE("stroke input does not depend on the drawing's size, position or point spacing", "[preprocess]") {
  const NetInput reference = preprocess_strokes(four_strokes());
  REQUIRE(reference.ready());
  CHECK(total_ink(reference.image) > 40.0f);
  for (const auto& [scale, dx, dy] : {std::tuple{0.3f, 0.0f, 0.0f}, {0.3f, 0.55f, 0.6f}, {1.4f, -0.3f, -0.1f}, {0.5f, 0.1f, 0.4f}}) {
    const NetInput moved = preprocess_strokes(four_strokes(scale, dx, dy));
    REQUIRE(moved.ready());
    INFO("scale " << scale << " offset " << dx << ", " << dy);
    CHECK(max_difference(moved.image, reference.image) < 1e-3f);
  }
  // A faster mouse reports fewer points, a slower one more along the same path.
  std::vector<Stroke> dense;
  for (const Stroke& s : four_strokes()) {
    Stroke d;
    for (std::size_t i = 0; i + 1 < s.points.size(); ++i)
      for (int k = 0; k < 9; ++k)
        d.points.push_back({s.points[i].x + (s.points[i + 1].x - s.points[i].x) * k / 9, s.points[i].y + (s.points[i + 1].y - s.points[i].y) * k / 9});
    d.points.push_back(s.points.back());
    dense.push_back(d);
  }
  CHECK(max_difference(preprocess_strokes(dense).image, reference.image) < 1e-3f);
}

TEST_CASE("strokes are fitted into 20x20 keeping the aspect ratio and centred by mass at (14, 14)", "[preprocess]") {
  // A tall bar: 20 pixels of ink high, the pen's width wide.
  const NetInput bar = preprocess_strokes({Stroke{{{0.8f, 0.1f}, {0.8f, 0.5f}}}});
  REQUIRE(bar.ready());
  Moments m = moments(bar.image);
  CHECK(m.bottom - m.top + 1 == Approx(kFitBox).margin(1));
  CHECK(m.right - m.left + 1 <= 3);
  CHECK(m.cx == Approx(kCentre).margin(0.05));
  CHECK(m.cy == Approx(kCentre).margin(0.05));
  // The pen lays down kPenWidth of ink across the bar in each row.
  float row = 0;
  for (int x = 0; x < kImageSide; ++x) row += bar.image[14 * kImageSide + x];
  CHECK(row == Approx(kPenWidth).margin(0.1));

  // A box twice as wide as high: 20 wide, about 10 high.
  const NetInput wide = preprocess_strokes({Stroke{{{0.1f, 0.2f}, {0.5f, 0.2f}, {0.5f, 0.4f}, {0.1f, 0.4f}, {0.1f, 0.2f}}}});
  REQUIRE(wide.ready());
  m = moments(wide.image);
  CHECK(m.right - m.left + 1 == Approx(kFitBox).margin(1));
  CHECK(m.bottom - m.top + 1 == Approx(kFitBox / 2 + kPenWidth / 2).margin(1));
  CHECK(m.cx == Approx(kCentre).margin(0.05));
  CHECK(m.cy == Approx(kCentre).margin(0.05));
}

TEST_CASE("an image's ink is thinned to centre lines and drawn with the same pen", "[preprocess]") {
  // The 4 drawn on a 400x300 image with a hairline, a normal and a fat marker.
  const NetInput strokes = preprocess_strokes(four_strokes());
  for (float radius : {0.6f, 4.0f, 14.0f}) {
    INFO("marker radius " << radius << " px");
    const auto canvas = paint(four_strokes(), 400, 300, radius);
    const auto lines = ink_centre_lines(canvas.data(), 400, 300);
    REQUIRE(!lines.empty());
    // The centre lines lie on the 4's strokes (in pad units, 1 = 400 px).
    for (const Stroke& line : lines)
      for (Point p : line.points) {
        float nearest = 1;
        for (const Stroke& s : four_strokes())
          for (std::size_t i = 0; i + 1 < s.points.size(); ++i)
            nearest = std::min(nearest, distance_to_segment(p, s.points[i], s.points[i + 1]));
        CHECK(nearest < 0.012f);  // under 5 px of 400
      }
    const NetInput image = preprocess_image(canvas.data(), 400, 300);
    REQUIRE(image.ready());
    // The marker's width is gone: about the ink the stroke path lays down, about where it lays it.
    CHECK(total_ink(image.image) == Approx(total_ink(strokes.image)).epsilon(0.2));
    const Moments a = moments(image.image), b = moments(strokes.image);
    CHECK(a.cx == Approx(kCentre).margin(0.05));
    CHECK(a.cy == Approx(kCentre).margin(0.05));
    CHECK(std::abs(a.left - b.left) + std::abs(a.right - b.right) + std::abs(a.top - b.top) + std::abs(a.bottom - b.bottom) <= 5);
  }
}

TEST_CASE("non-finite stroke points are an error", "[preprocess]") {
  CHECK_THROWS_AS(preprocess_strokes({Stroke{{{0.1f, NAN}, {0.5f, 0.5f}}}}), Error);
}

TEST_CASE("shifted, enlarged MNIST digits on a big canvas are read about as well as the originals", "[preprocess][accuracy-lite]") {
  // The bitmap path redraws each digit with its own pen, so it is not the
  // original pixel for pixel; what counts is that it reads as well.
  const Model& net = test::trained_model();
  const auto test = test::mnist("test");
  const int n = 1000, width = 480, height = 360;
  int original_right = 0, canvas_right = 0;
  for (int i = 0; i < n; ++i) {
    const std::size_t index = i * 7 % test->size();
    const std::uint8_t* digit = test->image(index);
    float original[kImagePixels], probs[kClasses];
    image_to_unit(digit, original);
    predict(net, original, probs);
    original_right += argmax10(probs) == test->labels[index];
    const float scale = 4.0f + (i % 7) * 1.5f;  // 4x to 13x
    const int side = static_cast<int>(28 * scale);
    const int x0 = (i * 37) % std::max(1, width - side), y0 = (i * 53) % std::max(1, height - side);
    const auto canvas = enlarge_onto_canvas(digit, scale, x0, y0, width, height);
    const NetInput input = preprocess_image(canvas.data(), width, height);
    REQUIRE(input.ready());
    predict(net, input.image.data(), probs);
    canvas_right += argmax10(probs) == test->labels[index];
  }
  INFO("originals " << original_right << "/" << n << ", on the canvas " << canvas_right << "/" << n);
  CHECK(canvas_right >= original_right - 25);
}
