#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "digitlab/digitlab.h"
#include "loss.h"

using namespace digitlab;

namespace {
// Loss of the whole net on a batch, without touching the learner's gradients.
double batch_loss(const Mlp& net, const std::vector<float>& x, const std::vector<std::uint8_t>& y) {
  Learner probe(net);
  return probe.compute_gradients(x.data(), y.data(), static_cast<int>(y.size())).loss;
}

// Central difference of the loss in parameter i.
double numeric_gradient(Mlp& net, std::size_t i, double h, const std::vector<float>& x,
                        const std::vector<std::uint8_t>& y) {
  const float saved = net.params[i];
  net.params[i] = saved + static_cast<float>(h);
  const double up = batch_loss(net, x, y);
  net.params[i] = saved - static_cast<float>(h);
  const double down = batch_loss(net, x, y);
  net.params[i] = saved;
  return (up - down) / (2 * h);
}
}  // namespace

TEST_CASE("backward matches finite differences of the loss", "[layers][gradcheck]") {
  // Two hidden layers so the ReLU and input-gradient paths are exercised.
  Learner learner(make_mlp({12, 9}, 3, 0.1f, 0.5f));
  const int batch = 5;
  std::vector<float> x(batch * kImagePixels);
  std::uint64_t s = 11;
  for (auto& v : x) v = static_cast<float>((s = s * 6364136223846793005ull + 1442695040888963407ull) >> 40) / 16777216.0f;
  const std::vector<std::uint8_t> y = {3, 1, 4, 1, 5};
  learner.compute_gradients(x.data(), y.data(), batch);
  const std::vector<float> grads = learner.grads();

  Mlp& net = learner.net();
  const double h = 1e-2;
  int checked = 0;
  for (std::size_t i = 0; i < net.params.size(); i += 97 + (i % 13)) {  // a spread-out sample of parameters
    INFO("parameter " << i);
    CHECK(grads[i] == Approx(numeric_gradient(net, i, h, x, y)).margin(2e-3).epsilon(0.05));
    ++checked;
  }
  CHECK(checked > 50);
  // Every bias of the output layer, where the gradient is largest.
  const ConstLinearView out = static_cast<const Mlp&>(net).layer(net.num_layers() - 1);
  for (int o = 0; o < out.out; ++o) {
    const std::size_t i = static_cast<std::size_t>(out.b - net.params.data()) + o;
    CHECK(grads[i] == Approx(numeric_gradient(net, i, h, x, y)).margin(1e-3).epsilon(0.02));
  }
}

TEST_CASE("a minibatch gradient is the mean of single-sample gradients", "[layers]") {
  const auto test = std::vector<std::uint8_t>{7, 2};
  std::vector<float> x(2 * kImagePixels);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>((i * 37) % 101) / 100.0f;
  const Mlp net = make_mlp({32}, 5);
  Learner both(net), first(net), second(net);
  both.compute_gradients(x.data(), test.data(), 2);
  first.compute_gradients(x.data(), test.data(), 1);
  second.compute_gradients(x.data() + kImagePixels, test.data() + 1, 1);
  for (std::size_t i = 0; i < net.params.size(); i += 7)
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
