#include <catch2/catch.hpp>
#include <cmath>

#include "digitlab/digitlab.h"

using namespace digitlab;

TEST_CASE("parameters live in one buffer with named layer views", "[mlp]") {
  const Mlp net = make_mlp({128}, 1);
  CHECK(net.sizes == std::vector<int>{784, 128, 10});
  CHECK(net.params.size() == 784 * 128 + 128 + 128 * 10 + 10);
  CHECK(param_count({784, 64, 32, 10}) == 784u * 64 + 64 + 64 * 32 + 32 + 32 * 10 + 10);
  const ConstLinearView l0 = net.layer(0), l1 = net.layer(1);
  CHECK(l0.w == net.params.data());
  CHECK(l0.b == l0.w + 784 * 128);
  CHECK(l1.w == l0.b + 128);
  CHECK(l1.b + 10 == net.params.data() + net.params.size());
}

TEST_CASE("He-uniform init is seeded and bounded, biases start at zero", "[mlp]") {
  const Mlp a = make_mlp({64, 32}, 42), b = make_mlp({64, 32}, 42), c = make_mlp({64, 32}, 43);
  CHECK(a.params == b.params);
  CHECK(a.params != c.params);
  for (int l = 0; l < a.num_layers(); ++l) {
    const ConstLinearView layer = a.layer(l);
    const float bound = std::sqrt(6.0f / layer.in);
    float largest = 0;
    double sum = 0;
    for (int i = 0; i < layer.in * layer.out; ++i) {
      largest = std::max(largest, std::fabs(layer.w[i]));
      sum += layer.w[i];
    }
    CHECK(largest <= bound);
    CHECK(largest > 0.9f * bound);  // the whole range is used
    CHECK(std::fabs(sum / (layer.in * layer.out)) < 0.05 * bound);
    for (int o = 0; o < layer.out; ++o) CHECK(layer.b[o] == 0.0f);
  }
}

TEST_CASE("architecture limits are enforced", "[mlp]") {
  CHECK_THROWS_AS(make_mlp({0}, 1), Error);
  CHECK_THROWS_AS(make_mlp({5000}, 1), Error);
  CHECK_THROWS_AS(make_mlp(std::vector<int>(9, 8), 1), Error);
  CHECK_NOTHROW(make_mlp({}, 1));  // plain logistic regression
}

TEST_CASE("predict returns ten probabilities that sum to one", "[mlp]") {
  const Mlp net = make_mlp({32}, 9);
  float image[kImagePixels], probs[kClasses];
  for (int i = 0; i < kImagePixels; ++i) image[i] = (i % 28) / 28.0f;
  predict(net, image, probs);
  double sum = 0;
  for (float p : probs) {
    CHECK(p >= 0.0f);
    sum += p;
  }
  CHECK(sum == Approx(1.0));
  CHECK(argmax10(probs) >= 0);
}
