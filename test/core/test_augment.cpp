#include <catch2/catch.hpp>
#include <cmath>

#include "test_support.h"

using namespace digitlab;

namespace {
struct Moments {
  double mass = 0, x = 0, y = 0;
};
Moments moments(const float* image) {
  Moments m;
  for (int i = 0; i < kImagePixels; ++i) {
    m.mass += image[i];
    m.x += image[i] * (i % kImageSide);
    m.y += image[i] * (i / kImageSide);
  }
  m.x /= m.mass;
  m.y /= m.mass;
  return m;
}
}  // namespace

TEST_CASE("augmentation is seeded: the same generator state gives the same warp", "[augment]") {
  const auto test = test::mnist("test");
  AugmentConfig c;
  c.enabled = true;
  float a[kImagePixels], b[kImagePixels], other[kImagePixels];
  std::uint64_t r1 = 42, r2 = 42, r3 = 43;
  augment_image(test->image(0), a, c, r1);
  augment_image(test->image(0), b, c, r2);
  augment_image(test->image(0), other, c, r3);
  CHECK(std::equal(a, a + kImagePixels, b));
  CHECK_FALSE(std::equal(a, a + kImagePixels, other));
  CHECK(r1 == r2);
  CHECK(r1 != 42);  // the generator moved on
}

TEST_CASE("a zero range leaves the image as it was", "[augment]") {
  const auto test = test::mnist("test");
  AugmentConfig none;
  none.enabled = true;
  none.shift = none.rotation = none.scale = none.shear = 0;
  float out[kImagePixels], plain[kImagePixels];
  std::uint64_t rng = 7;
  augment_image(test->image(3), out, none, rng);
  image_to_unit(test->image(3), plain);
  for (int i = 0; i < kImagePixels; ++i) REQUIRE(out[i] == Approx(plain[i]).margin(1e-6));
}

TEST_CASE("warps stay within their ranges: shifts move the centre, ink is kept", "[augment]") {
  const auto test = test::mnist("test");
  AugmentConfig shift_only;
  shift_only.enabled = true;
  shift_only.rotation = shift_only.scale = shift_only.shear = 0;
  shift_only.shift = 2;
  float plain[kImagePixels], out[kImagePixels];
  std::uint64_t rng = 1;
  double largest_move = 0;
  for (int i = 0; i < 200; ++i) {
    image_to_unit(test->image(i), plain);
    augment_image(test->image(i), out, shift_only, rng);
    const Moments before = moments(plain), after = moments(out);
    largest_move = std::max({largest_move, std::fabs(after.x - before.x), std::fabs(after.y - before.y)});
    CHECK(after.mass == Approx(before.mass).epsilon(0.08));  // MNIST digits sit inside a 20x20 box: nothing falls off
  }
  CHECK(largest_move <= 2.1);
  CHECK(largest_move > 1.5);  // and the whole range is used
  AugmentConfig strong;
  strong.enabled = true;
  rng = 5;
  image_to_unit(test->image(0), plain);
  augment_image(test->image(0), out, strong, rng);
  CHECK(moments(out).mass == Approx(moments(plain).mass).epsilon(0.3));
  CHECK_THROWS_AS(check_augment_config(AugmentConfig{true, 9, 12, 0.1f, 0.2f}), Error);
}
