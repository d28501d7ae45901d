#include "nn/network.h"

#include <algorithm>

#include "nn/loss.h"

namespace digitlab {

void Network::shape(Activation& a, const FeatureShape& s, int n) {
  a.flat = s.flat;
  if (s.flat) a.vectors.resize({std::size_t(n), std::size_t(s.channels)});
  else a.maps.resize({std::size_t(s.channels), std::size_t(n), std::size_t(s.height), std::size_t(s.width)});
}

void Network::prepare(const Model& model, int n) {
  if (n == prepared_n_ && model.arch == prepared_arch_) return;
  steps_.clear();
  acts_.assign(1, Activation{});
  shape(acts_[0], FeatureShape{kImageSide, kImageSide, 1, false}, n);
  int slot = 0;
  const auto add_slot = [&](const FeatureShape& s) {
    acts_.emplace_back();
    shape(acts_.back(), s, n);
    return ++slot;
  };
  for (int l = 0; l < static_cast<int>(model.layers.size()); ++l) {
    const LayerPlan& p = model.layers[l];
    if (p.spec.kind == LayerKind::relu) {
      Step* previous = steps_.empty() ? nullptr : &steps_.back();
      const bool fuse = previous && (previous->kind == LayerKind::dense || previous->kind == LayerKind::conv) &&
                        !previous->relu_fused && previous->out == slot;
      if (fuse) previous->relu_fused = true;
      steps_.push_back({LayerKind::relu, l, slot, slot, fuse});
      continue;
    }
    if (p.spec.kind == LayerKind::dense && !p.in.flat) {
      const int in = slot;
      steps_.push_back({LayerKind::flatten, -1, in, add_slot(FeatureShape{1, 1, static_cast<int>(p.in.size()), true})});
    }
    const int in = slot;
    steps_.push_back({p.spec.kind, l, in, add_slot(p.out)});
    if (p.spec.kind == LayerKind::maxpool && steps_.size() >= 2) {
      Step& before = steps_[steps_.size() - 2];
      if (before.kind == LayerKind::relu && before.out == in && in != 0) {
        before.backward_done_by_pool = true;
        steps_.back().pool_after_relu = true;
      }
    }
  }
  std::vector<bool> has_params_upstream(acts_.size(), false);
  for (Step& s : steps_) {
    s.wants_din = has_params_upstream[s.in];
    has_params_upstream[s.out] =
        s.wants_din || s.kind == LayerKind::dense || s.kind == LayerKind::conv;
  }
  grads_.assign(acts_.size(), Activation{});
  for (std::size_t s = 1; s < acts_.size(); ++s) {  // the input needs no gradient
    grads_[s].flat = acts_[s].flat;
    if (acts_[s].flat) grads_[s].vectors.resize(acts_[s].vectors.shape());
    else grads_[s].maps.resize(acts_[s].maps.shape());
  }
  conv_scratch_.assign(model.layers.size(), {});
  logp_.resize(static_cast<std::size_t>(n) * kClasses);
  prepared_arch_ = model.arch;
  prepared_n_ = n;
}

const Vectors& Network::forward(const Model& model, const float* pixels, int n) {
  prepare(model, n);
  input_forward(acts_[0].maps, pixels, n, model.input_mean, model.input_std);
  for (const Step& s : steps_) {
    Interrupt::poll(interrupt_);
    Activation& in = acts_[s.in];
    Activation& out = acts_[s.out];
    switch (s.kind) {
      case LayerKind::dense: dense_forward(out.vectors, in.vectors, model.dense(s.layer), s.relu_fused, interrupt_); break;
      case LayerKind::conv:
        conv_forward(out.maps, in.maps, model.conv(s.layer), model.layers[s.layer].spec.padding, conv_scratch_[s.layer],
                     s.relu_fused, interrupt_);
        break;
      case LayerKind::maxpool: maxpool_forward(out.maps, in.maps, model.layers[s.layer].spec.size); break;
      case LayerKind::relu:
        if (!s.relu_fused) relu_forward(out.data(), in.data(), in.size());
        break;
      case LayerKind::flatten: flatten_forward(out.vectors, in.maps); break;
    }
  }
  return acts_.back().vectors;
}

BatchStats Network::loss(const std::uint8_t* labels, float* logp_out) {
  const Vectors& logits = acts_.back().vectors;
  const int n = prepared_n_;
  float* logp = logp_out ? logp_out : logp_.data();
  BatchStats stats;
  stats.count = n;
  stats.loss = log_softmax_nll_forward(logp, logits.data(), labels, n, kClasses, &stats.correct);
  stats.scored = static_cast<int>(std::count_if(labels, labels + n, [](std::uint8_t y) { return y != kUniformTarget; }));
  return stats;
}

BatchStats Network::backward(const Model& model, const std::uint8_t* labels, float* grads) {
  const BatchStats stats = loss(labels);
  log_softmax_nll_backward(grads_.back().vectors.data(), logp_.data(), labels, prepared_n_, kClasses);
  for (auto step = steps_.rbegin(); step != steps_.rend(); ++step) {
    const Step& s = *step;
    Interrupt::poll(interrupt_);
    const bool wants_din = s.wants_din;
    Activation& dout = grads_[s.out];
    Activation& din = grads_[s.in];
    switch (s.kind) {
      case LayerKind::dense:
        dense_backward(wants_din ? &din.vectors : nullptr, dense_params(grads, model.layers[s.layer]), dout.vectors,
                       acts_[s.in].vectors, model.dense(s.layer), interrupt_);
        break;
      case LayerKind::conv:
        conv_backward(wants_din ? &din.maps : nullptr, conv_params(grads, model.layers[s.layer]), dout.maps,
                      acts_[s.in].maps, model.conv(s.layer), model.layers[s.layer].spec.padding, conv_scratch_[s.layer],
                      interrupt_);
        break;
      case LayerKind::maxpool:
        if (wants_din)
          maxpool_backward(din.maps, dout.maps, acts_[s.in].maps, acts_[s.out].maps, model.layers[s.layer].spec.size,
                           s.pool_after_relu);
        break;
      case LayerKind::relu:
        if (wants_din && !s.backward_done_by_pool) relu_backward(din.data(), dout.data(), acts_[s.out].data(), dout.size());
        break;
      case LayerKind::flatten:
        if (wants_din) flatten_backward(din.maps, dout.vectors);
        break;
    }
  }
  return stats;
}

}  // namespace digitlab
