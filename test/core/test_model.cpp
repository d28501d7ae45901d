#include <catch2/catch.hpp>
#include <cmath>

#include "test_support.h"

using namespace digitlab;

TEST_CASE("spec strings parse, print canonically and name the presets", "[model][architecture]") {
  const Architecture cnn = preset_architecture("cnn");
  CHECK(to_string(cnn) == "conv3x3x32,relu,maxpool2,conv3x3x64,relu,maxpool2,dense128,relu,dense10");
  CHECK(to_string(preset_architecture("cnn-small")) == "conv5x5x8,relu,maxpool2,conv5x5x16,relu,maxpool3,dense10");
  CHECK(to_string(preset_architecture("mlp")) == "dense128,relu,dense10");
  CHECK(parse_architecture(" Conv3x3x32 , relu,maxpool2,conv3×3×64:same,relu,maxpool2,dense 128,relu,dense10") == cnn);
  CHECK(parse_architecture("cnn") == cnn);
  CHECK(preset_of(cnn) == std::string("cnn"));
  CHECK_FALSE(preset_of(parse_architecture("dense64,relu,dense10")));
  CHECK(to_string(parse_architecture("conv5x5x6:valid,flatten,dense10")) == "conv5x5x6:valid,flatten,dense10");
  CHECK(dense_architecture({128}) == preset_architecture("mlp"));
}

TEST_CASE("layer shapes chain as PyTorch's would", "[model][architecture]") {
  const auto small = plan_layers(preset_architecture("cnn-small"));
  REQUIRE(small.size() == 7);
  CHECK(small[0].out.height == 28);
  CHECK(small[0].out.channels == 8);
  CHECK(small[2].out.height == 14);
  CHECK(small[5].out.height == 4);  // maxpool 3 on 14x14 drops the last 2 rows and columns
  CHECK(small[6].in.size() == 4 * 4 * 16);
  CHECK(param_count(preset_architecture("cnn-small")) == (8 * 25 + 8) + (16 * 8 * 25 + 16) + (256 * 10 + 10));
  CHECK(param_count(preset_architecture("cnn")) ==
        (32 * 9 + 32) + (64 * 32 * 9 + 64) + (7 * 7 * 64 * 128 + 128) + (128 * 10 + 10));
  const auto valid = plan_layers(parse_architecture("conv5x5x6:valid,maxpool2,conv5x5x16:valid,maxpool2,dense10"));
  CHECK(valid[0].out.height == 24);
  CHECK(valid[2].out.height == 8);
  CHECK(valid[4].in.size() == 4 * 4 * 16);  // LeNet-5's shapes
}

TEST_CASE("invalid architectures are refused with the reason, nothing built", "[model][architecture]") {
  const auto refused = [](const std::string& spec, const char* message) {
    INFO(spec);
    CHECK_THROWS_WITH(parse_architecture(spec), Catch::Contains(message));
  };
  refused("", "empty layer");
  refused("dense10,", "empty layer");
  refused("dense0,relu,dense10", "outputs must be between 1 and 4096");
  refused("dense5000,relu,dense10", "outputs must be between 1 and 4096");
  refused("conv3x3x0,dense10", "filters must be between 1 and 256");
  refused("conv3x4x8,dense10", "only square kernels");
  refused("conv13x13x8,dense10", "kernel size must be between 1 and 11");
  refused("conv4x4x8,dense10", "'same' padding needs an odd kernel size");
  refused("conv3x3x8:full,dense10", "padding must be same or valid");
  refused("maxpool2,maxpool2,maxpool2,maxpool2,maxpool2,dense10", "larger than its 1x1x1 input");
  refused("maxpool9,dense10", "pool size must be between 2 and 8");
  refused("conv9x9x8:valid,maxpool4,conv9x9x8:valid,dense10", "kernel is larger than its 5x5x8 input");
  refused("dense64,conv3x3x8,dense10", "cannot follow a dense");
  refused("flatten,maxpool2,dense10", "cannot follow a dense or flatten");
  refused("flatten,flatten,dense10", "already flat");
  refused("dense64,relu", "must end with dense10");
  refused("dense64,relu,dense7", "last layer must be dense10");
  refused("softmax,dense10", "unknown layer");
  refused("conv3x3x256,relu,conv3x3x256,relu,dense4096,dense10", "more than 16777216 parameters");
  refused(std::string(5000, ' '), "longer than 4096");
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "relu,";
  refused(deep + "dense10", "more than 32 layers");
  CHECK_THROWS_WITH(preset_architecture("resnet"), Catch::Contains("unknown preset 'resnet'"));
  CHECK_THROWS_AS(make_model(Architecture{{LayerSpec{LayerKind::relu}}}, 1), Error);
}

TEST_CASE("parameters live in one buffer with named, shaped views", "[model]") {
  const Model m = make_model(preset_architecture("cnn"), 1);
  CHECK(m.params.size() == param_count(m.arch));
  const ConstConvParams c0 = m.conv(0), c1 = m.conv(3);
  CHECK(c0.weights.data() == m.params.data());
  CHECK(c0.weights.shape() == std::array<std::size_t, 4>{32, 1, 3, 3});
  CHECK(c0.bias.data() == c0.weights.data() + 32 * 9);
  CHECK(c1.weights.data() == c0.bias.data() + 32);
  CHECK(c1.weights.shape() == std::array<std::size_t, 4>{64, 32, 3, 3});
  const ConstDenseParams d0 = m.dense(6), d1 = m.dense(8);
  CHECK(d0.weights.shape() == std::array<std::size_t, 2>{3136, 128});
  CHECK(d1.bias.data() + 10 == m.params.data() + m.params.size());
  CHECK_THROWS_AS(m.conv(1), Error);  // relu has no parameters
  CHECK_THROWS_AS(m.dense(0), Error);
}

TEST_CASE("He-uniform init is seeded and bounded (the logits layer at a quarter), biases start at zero", "[model]") {
  const Architecture arch = preset_architecture("cnn-small");
  const Model a = make_model(arch, 42), b = make_model(arch, 42), c = make_model(arch, 43);
  CHECK(a.params == b.params);
  CHECK(a.params != c.params);
  for (const LayerPlan& l : a.layers) {
    if (l.weights_count == 0) continue;
    const bool logits = &l == &a.layers.back();  // cnn-small ends with its dense10
    const float bound = std::sqrt(6.0f / l.fan_in) * (logits ? kLogitsInitScale : 1.0f);
    float largest = 0;
    double sum = 0;
    for (std::size_t i = 0; i < l.weights_count; ++i) {
      largest = std::max(largest, std::fabs(a.params[l.weights_offset + i]));
      sum += a.params[l.weights_offset + i];
    }
    CHECK(largest <= bound);
    CHECK(largest > 0.9f * bound);  // the whole range is used
    CHECK(std::fabs(sum / l.weights_count) < 0.1 * bound);
    for (std::size_t i = 0; i < l.bias_count; ++i) CHECK(a.params[l.bias_offset + i] == 0.0f);
  }
}

TEST_CASE("PyTorch's default init: weights and biases within 1/sqrt(fan_in)", "[model]") {
  const Model m = make_model(preset_architecture("cnn-small"), 3, 0, 1, Init::torch_linear);
  for (const LayerPlan& l : m.layers)
    for (std::size_t i = 0; i < l.weights_count + l.bias_count; ++i)
      CHECK(std::fabs(m.params[l.weights_offset + i]) <= 1.0f / std::sqrt(static_cast<float>(l.fan_in)));
  CHECK(m.params[m.layers[0].bias_offset] != 0.0f);
}

TEST_CASE("predict gives ten probabilities; a trained net reads test digits right", "[model]") {
  const Model untrained = make_model(preset_architecture("cnn"), 9);
  float image[kImagePixels], probs[kClasses];
  for (int i = 0; i < kImagePixels; ++i) image[i] = (i % 28) / 28.0f;
  predict(untrained, image, probs);
  double sum = 0;
  for (float p : probs) {
    CHECK(p >= 0.0f);
    sum += p;
  }
  CHECK(sum == Approx(1.0));
  // The first test images are a 7, a 2 and a 1: a trained net must say so,
  // each alone and all in one batch.
  const auto test = test::mnist("test");
  std::vector<float> batch(3 * kImagePixels);
  float batch_probs[3 * kClasses];
  for (int i = 0; i < 3; ++i) image_to_unit(test->image(i), batch.data() + i * kImagePixels);
  predict_batch(test::trained_model(), batch.data(), 3, batch_probs);
  for (int i = 0; i < 3; ++i) {
    predict(test::trained_model(), batch.data() + i * kImagePixels, probs);
    CHECK(argmax10(probs) == test->labels[i]);
    CHECK(argmax10(batch_probs + i * kClasses) == test->labels[i]);
    CHECK(probs[test->labels[i]] == Approx(batch_probs[i * kClasses + test->labels[i]]).epsilon(1e-5));
  }
  CHECK(test->labels[0] == 7);
}

TEST_CASE("a model with NaN weights or odd input scaling is refused", "[model]") {
  Model m = make_model(preset_architecture("mlp"), 1);
  CHECK_NOTHROW(check_model(m));
  m.params[12] = std::nanf("");
  CHECK_THROWS_WITH(check_model(m), Catch::Contains("parameter 12 is NaN"));
  CHECK_THROWS_WITH(make_model(preset_architecture("mlp"), 1, 0.0f, 1e-45f), Catch::Contains("input_std"));
  Model short_buffer = make_model(preset_architecture("mlp"), 1);
  short_buffer.params.pop_back();
  CHECK_THROWS_WITH(check_model(short_buffer), Catch::Contains("the architecture needs"));
}
