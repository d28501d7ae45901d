#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "digitlab/digitlab.h"
#include "nn/layers.h"
#include "nn/loss.h"

using namespace digitlab;

namespace {
float pseudo_random(std::uint64_t& s) {
  s = s * 6364136223846793005ull + 1442695040888963407ull;
  return static_cast<float>(s >> 40) / 16777216.0f;  // [0, 1)
}

std::vector<float> random_pixels(int n, std::uint64_t seed) {
  std::vector<float> x(static_cast<std::size_t>(n) * kImagePixels);
  for (auto& v : x) v = pseudo_random(seed);
  return x;
}

// Loss of the whole net on a batch, without touching the learner's gradients.
double batch_loss(const Model& model, const std::vector<float>& x, const std::vector<std::uint8_t>& y) {
  Learner probe(model);
  return probe.compute_gradients(x.data(), y.data(), static_cast<int>(y.size())).loss;
}

// Central difference of the loss in parameter i.
double numeric_gradient(Model& model, std::size_t i, double h, const std::vector<float>& x,
                        const std::vector<std::uint8_t>& y) {
  const float saved = model.params[i];
  model.params[i] = saved + static_cast<float>(h);
  const double up = batch_loss(model, x, y);
  model.params[i] = saved - static_cast<float>(h);
  const double down = batch_loss(model, x, y);
  model.params[i] = saved;
  return (up - down) / (2 * h);
}

// Checks backward against finite differences on a spread-out sample of every
// layer's parameters, by relative error: |analytic - numeric| / |numeric|
// over the sample as a whole, and parameter by parameter where the gradient
// is large enough to measure in float. A zero (or halved, or sign-flipped)
// gradient has relative error >= 0.5 and fails.
void check_gradients(const std::string& spec, std::uint64_t seed) {
  INFO(spec);
  Learner learner(make_model(parse_architecture(spec), seed, 0.1f, 0.5f));
  const std::vector<float> x = random_pixels(4, seed);
  const std::vector<std::uint8_t> y = {3, 1, 4, 1};
  learner.compute_gradients(x.data(), y.data(), 4);
  const std::vector<float> grads = learner.grads();
  Model& model = learner.model();
  double diff2 = 0, norm2 = 0;
  int checked = 0, close = 0, measurable = 0;
  for (const LayerPlan& l : model.layers) {
    if (l.weights_count == 0) continue;
    // About 40 weights and every few biases of each layer.
    const std::size_t stride = std::max<std::size_t>(1, l.weights_count / 40);
    std::vector<std::size_t> picks;
    for (std::size_t i = (seed * 7) % stride; i < l.weights_count; i += stride) picks.push_back(l.weights_offset + i);
    for (std::size_t i = 0; i < l.bias_count; i += std::max<std::size_t>(1, l.bias_count / 8)) picks.push_back(l.bias_offset + i);
    for (std::size_t i : picks) {
      const double numeric = numeric_gradient(model, i, 1e-3, x, y);
      diff2 += (grads[i] - numeric) * (grads[i] - numeric);
      norm2 += numeric * numeric;
      ++checked;
      if (std::fabs(numeric) < 1e-3) continue;  // below float's resolution of the loss difference
      ++measurable;
      close += std::fabs(grads[i] - numeric) <= 0.05 * std::fabs(numeric);
    }
  }
  CHECK(checked > 60);
  CHECK(norm2 > 0);
  CHECK(std::sqrt(diff2 / norm2) < 0.03);
  CHECK(measurable > 20);
  // ReLU and max pooling have kinks a finite difference can step across: a
  // few parameters may disagree, never many.
  CHECK(close >= 0.95 * measurable);
}

Maps random_maps(std::size_t c, std::size_t b, std::size_t h, std::size_t w, std::uint64_t seed) {
  Maps m({c, b, h, w});
  for (float& v : m) v = pseudo_random(seed) * 2 - 1;
  return m;
}

void check_close(const float* fast, const float* reference, std::size_t n, double tolerance) {
  for (std::size_t i = 0; i < n; ++i) {
    INFO("element " << i);
    REQUIRE(fast[i] == Approx(reference[i]).margin(tolerance));
  }
}

// The im2col + gemm conv against the plain-loop reference, forward and backward.
void check_conv(std::size_t channels, std::size_t filters, int kernel, Padding padding, std::size_t batch,
                std::size_t height, std::size_t width) {
  INFO("C=" << channels << " F=" << filters << " K=" << kernel << " B=" << batch << " " << height << "x" << width
            << (padding == Padding::same ? " same" : " valid"));
  const std::size_t k = static_cast<std::size_t>(kernel);
  std::vector<float> params(filters * channels * k * k + filters), grads(params.size()), ref_grads(params.size());
  std::uint64_t seed = channels * 31 + filters;
  for (float& p : params) p = pseudo_random(seed) - 0.5f;
  LayerPlan plan;
  plan.spec = LayerSpec{LayerKind::conv, static_cast<int>(filters), kernel, padding};
  plan.in = FeatureShape{static_cast<int>(height), static_cast<int>(width), static_cast<int>(channels), false};
  plan.weights_count = filters * channels * k * k;
  plan.bias_offset = plan.weights_count;
  plan.bias_count = filters;
  const ConstConvParams p = conv_params(static_cast<const float*>(params.data()), plan);
  const std::size_t pad = padding == Padding::same ? k / 2 : 0;
  const std::size_t out_h = height + 2 * pad - k + 1, out_w = width + 2 * pad - k + 1;
  const Maps in = random_maps(channels, batch, height, width, 7);
  Maps out({filters, batch, out_h, out_w}), ref_out(out.shape());
  ConvScratch scratch;
  conv_forward(out, in, p, padding, scratch);
  conv_forward_reference(ref_out, in, p, padding);
  check_close(out.data(), ref_out.data(), out.size(), 1e-4 * std::sqrt(double(channels * k * k)));

  const Maps dout = random_maps(filters, batch, out_h, out_w, 9);
  Maps din(in.shape()), ref_din(in.shape());
  conv_backward(&din, conv_params(grads.data(), plan), dout, in, p, padding, scratch);
  conv_backward_reference(&ref_din, conv_params(ref_grads.data(), plan), dout, in, p, padding);
  check_close(grads.data(), ref_grads.data(), grads.size(), 1e-4 * std::sqrt(double(batch * out_h * out_w)));
  check_close(din.data(), ref_din.data(), din.size(), 1e-4 * std::sqrt(double(filters * k * k)));
  // Without an input gradient (a first layer) the parameter gradients are the same.
  std::vector<float> no_din_grads(params.size());
  conv_backward(nullptr, conv_params(no_din_grads.data(), plan), dout, in, p, padding, scratch);
  CHECK(no_din_grads == grads);
}
}  // namespace

TEST_CASE("backward matches finite differences of the loss", "[layers][gradcheck]") {
  check_gradients("dense12,relu,dense9,relu,dense10", 3);
  check_gradients("conv3x3x4,relu,maxpool2,conv3x3x5,relu,maxpool2,dense10", 5);
  check_gradients("conv5x5x3:valid,relu,maxpool3,conv3x3x4:valid,relu,flatten,dense8,relu,dense10", 7);
}

TEST_CASE("the gradient check fails for a wrong gradient", "[layers][gradcheck]") {
  // The same measure as check_gradients, fed a zero and a halved gradient: both must fail it.
  Learner learner(make_model(parse_architecture("conv3x3x4,relu,maxpool2,dense10"), 2, 0.1f, 0.5f));
  const std::vector<float> x = random_pixels(2, 2);
  const std::vector<std::uint8_t> y = {5, 8};
  learner.compute_gradients(x.data(), y.data(), 2);
  Model& model = learner.model();
  double zero2 = 0, half2 = 0, norm2 = 0;
  for (std::size_t i = 0; i < model.params.size(); i += 37) {
    const double numeric = numeric_gradient(model, i, 1e-3, x, y);
    zero2 += numeric * numeric;
    half2 += (0.5 * learner.grads()[i] - numeric) * (0.5 * learner.grads()[i] - numeric);
    norm2 += numeric * numeric;
  }
  CHECK(std::sqrt(zero2 / norm2) >= 0.99);
  CHECK(std::sqrt(half2 / norm2) >= 0.45);
}

TEST_CASE("conv forward and backward match the plain-loop reference", "[layers][conv]") {
  check_conv(1, 8, 5, Padding::same, 3, 28, 28);      // cnn-small's first layer
  check_conv(8, 16, 5, Padding::same, 11, 14, 14);    // its second, over several chunks
  check_conv(32, 64, 3, Padding::same, 2, 14, 14);    // cnn's second layer
  check_conv(3, 5, 3, Padding::valid, 4, 9, 7);       // odd, non-square
  check_conv(2, 3, 1, Padding::same, 2, 5, 6);        // 1x1
  check_conv(1, 2, 7, Padding::valid, 1, 7, 7);       // the kernel fills the input
  check_conv(4, 20, 3, Padding::same, 40, 3, 4);      // many tiny images per chunk
}

TEST_CASE("max pooling routes each window's maximum", "[layers][pool]") {
  for (int size : {2, 3}) {
    INFO("pool " << size);
    const Maps in = random_maps(3, 2, 14, 13, 4);
    const std::size_t out_h = 14 / size, out_w = 13 / size;
    Maps out({3, 2, out_h, out_w});
    maxpool_forward(out, in, size);
    const Maps dout = random_maps(3, 2, out_h, out_w, 6);
    Maps din(in.shape());
    maxpool_backward(din, dout, in, out, size);
    double din_sum = 0;
    for (std::size_t c = 0; c < 3; ++c)
      for (std::size_t b = 0; b < 2; ++b)
        for (std::size_t oy = 0; oy < out_h; ++oy)
          for (std::size_t ox = 0; ox < out_w; ++ox) {
            // The definition: the largest value of the window, and the
            // gradient lands exactly there.
            float best = -1e30f;
            std::size_t by = 0, bx = 0;
            for (int dy = 0; dy < size; ++dy)
              for (int dx = 0; dx < size; ++dx)
                if (in(c, b, oy * size + dy, ox * size + dx) > best) {
                  best = in(c, b, oy * size + dy, ox * size + dx);
                  by = oy * size + dy;
                  bx = ox * size + dx;
                }
            REQUIRE(out(c, b, oy, ox) == best);
            REQUIRE(din(c, b, by, bx) == dout(c, b, oy, ox));
            din_sum += dout(c, b, oy, ox);
          }
    double total = 0;
    for (float v : din) total += v;
    CHECK(total == Approx(din_sum));  // nothing else received a gradient
  }
}

TEST_CASE("flatten orders features as PyTorch does and round-trips", "[layers]") {
  const Maps in = random_maps(3, 2, 4, 5, 8);
  Vectors flat({2, 60});
  flatten_forward(flat, in);
  CHECK(flat(1, 2 * 20 + 3 * 5 + 4) == in(2, 1, 3, 4));  // (c, y, x)
  Maps back(in.shape());
  flatten_backward(back, flat);
  CHECK(bool(back == in));
}

TEST_CASE("a minibatch gradient is the mean of single-sample gradients", "[layers]") {
  const auto labels = std::vector<std::uint8_t>{7, 2};
  const std::vector<float> x = random_pixels(2, 11);
  const Model model = make_model(parse_architecture("conv3x3x4,relu,maxpool2,dense16,relu,dense10"), 5);
  Learner both(model), first(model), second(model);
  both.compute_gradients(x.data(), labels.data(), 2);
  first.compute_gradients(x.data(), labels.data(), 1);
  second.compute_gradients(x.data() + kImagePixels, labels.data() + 1, 1);
  for (std::size_t i = 0; i < model.params.size(); i += 7)
    REQUIRE(both.grads()[i] == Approx((first.grads()[i] + second.grads()[i]) / 2).margin(1e-6));
}

TEST_CASE("log-softmax NLL: probabilities, loss and gradient", "[loss]") {
  const float logits[2 * 10] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  1, 2, 3, 4, 5, 6, 7, 8, 9, 30};
  const std::uint8_t labels[2] = {4, 9};
  float logp[20], grad[20];
  int correct = 0;
  const float loss = log_softmax_nll_forward(logp, logits, labels, 2, 10, &correct);
  CHECK(logp[4] == Approx(-std::log(10.0f)));
  CHECK(loss == Approx((std::log(10.0f) + 0.0f) / 2).margin(1e-5));
  CHECK(correct == 1);  // row 0 is a tie (argmax 0), row 1 picks 9
  log_softmax_nll_backward(grad, logp, labels, 2, 10);
  double row_sum = 0;
  for (int c = 0; c < 10; ++c) row_sum += grad[c];
  CHECK(row_sum == Approx(0).margin(1e-6));
  CHECK(grad[4] == Approx((0.1 - 1.0) / 2));
  CHECK(grad[0] == Approx(0.1 / 2));
}

TEST_CASE("a uniform target (a generated non-digit): KL to uniform, zero when met, pulls towards even", "[loss]") {
  // Row 0 is already uniform; row 1 is sure of class 9.
  const float logits[2 * 10] = {3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  0, 0, 0, 0, 0, 0, 0, 0, 0, 10};
  const std::uint8_t labels[2] = {kUniformTarget, kUniformTarget};
  float logp[20], grad[20];
  int correct = 0;
  const float loss = log_softmax_nll_forward(logp, logits, labels, 2, 10, &correct);
  // Row 1: KL(uniform || p) = -mean(logp) - log 10, with logp = logits - logsumexp.
  const double lse = std::log(9.0 + std::exp(10.0));
  const double kl1 = -(10.0 / 10 - lse) - std::log(10.0);
  CHECK(loss == Approx(kl1 / 2).margin(1e-4));
  CHECK(correct == 0);  // non-digit rows are never "read right": accuracy is over digits
  log_softmax_nll_backward(grad, logp, labels, 2, 10);
  for (int c = 0; c < 10; ++c) CHECK(grad[c] == Approx(0).margin(1e-7));  // met: nothing to learn
  CHECK(grad[10 + 9] > 0.4f);   // the sure class is pushed down
  CHECK(grad[10 + 0] < -0.04f);  // the others up
}

TEST_CASE("a uniform-target row unsure with room to spare is met: no loss, no gradient", "[loss]") {
  // Top probabilities: row 0 one quarter (met, below kUniformTargetMet),
  // row 1 0.35 (not met: still pulled towards even), row 2 a digit.
  const float a = std::log(3.0f), b = std::log(0.35f * 9 / 0.65f);
  const float logits[3 * 10] = {a, 0, 0, 0, 0, 0, 0, 0, 0, 0,  0, 0, 0, b, 0, 0, 0, 0, 0, 0,
                                0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  const std::uint8_t labels[3] = {kUniformTarget, kUniformTarget, 4};
  float logp[30], grad[30];
  const float loss = log_softmax_nll_forward(logp, logits, labels, 3, 10, nullptr);
  REQUIRE(std::exp(logp[0]) == Approx(0.25f));
  REQUIRE(std::exp(logp[13]) == Approx(0.35f));
  double kl1 = -std::log(10.0);
  for (int c = 0; c < 10; ++c) kl1 -= logp[10 + c] / 10.0;
  CHECK(loss == Approx((kl1 + std::log(10.0)) / 3).margin(1e-5));  // rows 1 and 2 only
  log_softmax_nll_backward(grad, logp, labels, 3, 10);
  for (int c = 0; c < 10; ++c) CHECK(grad[c] == 0.0f);
  CHECK(grad[13] == Approx((0.35 - 0.1) / 3));
  CHECK(grad[24] == Approx((0.1 - 1.0) / 3));
}
