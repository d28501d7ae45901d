// Optimizers (SGD, SGD with momentum, Adam), weight decay and learning-rate
// schedules. Optimizer state is one buffer per moment, parallel to params.
#pragma once
#include <string>
#include <vector>

namespace digitlab {

enum class OptimizerKind { sgd, momentum, adam };
enum class Schedule { constant, step, cosine };

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::sgd;
  float lr = 0.1f;
  float momentum = 0.9f;       // used by momentum
  float beta1 = 0.9f;          // used by adam
  float beta2 = 0.999f;        // used by adam
  float eps = 1e-8f;           // used by adam
  float weight_decay = 0.0f;   // L2 term added to the gradient
  Schedule schedule = Schedule::constant;
  float step_epochs = 3.0f;    // step: multiply lr by step_gamma every step_epochs
  float step_gamma = 0.1f;
  float min_lr_fraction = 0.0f;  // cosine: lr decays to lr * min_lr_fraction
};

const char* to_string(OptimizerKind kind);
const char* to_string(Schedule schedule);
OptimizerKind parse_optimizer_kind(const std::string& name);  // throws Error
Schedule parse_schedule(const std::string& name);             // throws Error
// Throws Error on a non-finite or out-of-range setting (ranges: hyperparameters.h).
void check_optimizer_config(const OptimizerConfig& config);

// Learning rate at a (fractional) epoch of a run of total_epochs.
float scheduled_lr(const OptimizerConfig& config, double epoch, double total_epochs);

struct OptimizerState {
  OptimizerKind kind = OptimizerKind::sgd;  // the state below belongs to this kind
  std::vector<float> m;  // momentum velocity, or Adam's first moment
  std::vector<float> v;  // Adam's second moment
  long long steps = 0;   // Adam's bias-correction counter
};

// One update of params [n] with grads [n] at learning rate lr. The state
// grows to fit on first use and starts over when the optimizer kind changes.
void optimizer_step(const OptimizerConfig& config, float lr, float* params,
                    const float* grads, std::size_t n, OptimizerState& state);

}  // namespace digitlab
