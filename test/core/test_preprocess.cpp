#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "test_support.h"

using namespace digitlab;

namespace {
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

TEST_CASE("an empty or nearly empty pad gives no image", "[preprocess]") {
  std::vector<float> blank(300 * 200, 0.0f);
  CHECK_FALSE(preprocess_drawing(blank.data(), 300, 200).has_value());
  blank[1234] = 0.5f;  // one faint speck is not a digit
  CHECK_FALSE(preprocess_drawing(blank.data(), 300, 200).has_value());
  CHECK_FALSE(preprocess_drawing(blank.data(), 0, 0).has_value());
}

TEST_CASE("preprocessing fits the ink into 20x20 and centres its mass at (14, 14)", "[preprocess]") {
  // A tall thin bar far off-centre on a large canvas.
  const int w = 400, h = 300;
  std::vector<float> canvas(w * h, 0.0f);
  for (int y = 20; y < 120; ++y)
    for (int x = 300; x < 320; ++x) canvas[y * w + x] = 1.0f;
  const auto image = preprocess_drawing(canvas.data(), w, h);
  REQUIRE(image);
  int top = 28, bottom = -1, left = 28, right = -1;
  double mass = 0, my = 0, mx = 0;
  for (int y = 0; y < 28; ++y)
    for (int x = 0; x < 28; ++x) {
      const float v = (*image)[y * 28 + x];
      if (v > 0.05f) top = std::min(top, y), bottom = std::max(bottom, y), left = std::min(left, x), right = std::max(right, x);
      mass += v, my += v * y, mx += v * x;  // pixel-index coordinates, as MNIST centres
    }
  CHECK(bottom - top + 1 == 20);   // the long side becomes 20 pixels
  CHECK(right - left + 1 == 4);    // aspect ratio kept: 100x20 -> 20x4
  CHECK(my / mass == Approx(14).margin(0.5));
  CHECK(mx / mass == Approx(14).margin(0.5));
}

TEST_CASE("shifted, enlarged MNIST digits on a big canvas are read like the originals", "[preprocess][accuracy-lite]") {
  const Model& net = test::trained_model();
  const auto test = test::mnist("test");
  const int n = 1000, width = 480, height = 360;
  int same = 0;
  for (int i = 0; i < n; ++i) {
    const std::uint8_t* digit = test->image(i * 7 % test->size());
    float original[kImagePixels], p0[kClasses], p1[kClasses];
    image_to_unit(digit, original);
    predict(net, original, p0);
    const float scale = 4.0f + (i % 7) * 1.5f;  // 4x to 13x
    const int side = static_cast<int>(28 * scale);
    const int x0 = (i * 37) % std::max(1, width - side), y0 = (i * 53) % std::max(1, height - side);
    const auto canvas = enlarge_onto_canvas(digit, scale, x0, y0, width, height);
    const auto image = preprocess_drawing(canvas.data(), width, height);
    REQUIRE(image);
    predict(net, image->data(), p1);
    same += argmax10(p0) == argmax10(p1);
  }
  INFO("agreement " << same << "/" << n);
  CHECK(same >= 950);
}
