#include "digitlab/nn/optimizer.h"

#include <cmath>

#include "digitlab/util/common.h"

namespace digitlab {

const char* to_string(OptimizerKind kind) {
  switch (kind) {
    case OptimizerKind::sgd: return "sgd";
    case OptimizerKind::momentum: return "momentum";
    case OptimizerKind::adam: return "adam";
  }
  return "?";
}

const char* to_string(Schedule schedule) {
  switch (schedule) {
    case Schedule::constant: return "constant";
    case Schedule::step: return "step";
    case Schedule::cosine: return "cosine";
  }
  return "?";
}

OptimizerKind parse_optimizer_kind(const std::string& name) {
  for (OptimizerKind k : {OptimizerKind::sgd, OptimizerKind::momentum, OptimizerKind::adam})
    if (name == to_string(k)) return k;
  throw Error("unknown optimizer '" + name + "' (expected sgd, momentum or adam)");
}

Schedule parse_schedule(const std::string& name) {
  for (Schedule s : {Schedule::constant, Schedule::step, Schedule::cosine})
    if (name == to_string(s)) return s;
  throw Error("unknown schedule '" + name + "' (expected constant, step or cosine)");
}

float scheduled_lr(const OptimizerConfig& c, double epoch, double total_epochs) {
  switch (c.schedule) {
    case Schedule::constant:
      return c.lr;
    case Schedule::step:
      return c.lr * static_cast<float>(std::pow(c.step_gamma, std::floor(epoch / c.step_epochs)));
    case Schedule::cosine: {
      const double t = total_epochs > 0 ? std::min(1.0, epoch / total_epochs) : 1.0;
      const double floor_lr = c.lr * c.min_lr_fraction;
      return static_cast<float>(floor_lr + 0.5 * (c.lr - floor_lr) * (1.0 + std::cos(M_PI * t)));
    }
  }
  return c.lr;
}

void optimizer_step(const OptimizerConfig& c, float lr, float* p, const float* g, std::size_t n,
                    OptimizerState& s) {
  if (s.kind != c.kind) s = OptimizerState{c.kind, {}, {}, 0};
  const float wd = c.weight_decay;
  switch (c.kind) {
    case OptimizerKind::sgd:
      for (std::size_t i = 0; i < n; ++i) p[i] -= lr * (g[i] + wd * p[i]);
      break;
    case OptimizerKind::momentum: {
      // PyTorch's form: v = mu v + g; p -= lr v.
      s.m.resize(n, 0.0f);
      const float mu = c.momentum;
      for (std::size_t i = 0; i < n; ++i) {
        s.m[i] = mu * s.m[i] + g[i] + wd * p[i];
        p[i] -= lr * s.m[i];
      }
      break;
    }
    case OptimizerKind::adam: {
      s.m.resize(n, 0.0f);
      s.v.resize(n, 0.0f);
      ++s.steps;
      const float b1 = c.beta1, b2 = c.beta2;
      const float c1 = 1.0f / (1.0f - static_cast<float>(std::pow(b1, s.steps)));
      const float c2 = 1.0f / (1.0f - static_cast<float>(std::pow(b2, s.steps)));
      for (std::size_t i = 0; i < n; ++i) {
        const float gi = g[i] + wd * p[i];
        s.m[i] = b1 * s.m[i] + (1.0f - b1) * gi;
        s.v[i] = b2 * s.v[i] + (1.0f - b2) * gi * gi;
        p[i] -= lr * (s.m[i] * c1) / (std::sqrt(s.v[i] * c2) + c.eps);
      }
      break;
    }
  }
}

}  // namespace digitlab
