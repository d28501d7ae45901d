#include "digitlab/train/settings.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "digitlab/util/number_text.h"

namespace digitlab {

namespace {

SettingInfo number(const char* name, const char* label, const char* unit, const char* help, double min, double max,
                   bool log_scale = false) {
  return {name, label, unit, help, SettingKind::number, min, max, log_scale, {}};
}
SettingInfo integer(const char* name, const char* label, const char* unit, const char* help, double min, double max,
                    bool log_scale = false) {
  return {name, label, unit, help, SettingKind::integer, min, max, log_scale, {}};
}

// Where each setting lives in Hyperparameters (H: const or not).
template <class H>
auto number_field(H& h, const std::string& name) -> decltype(&h.optimizer.lr) {
  auto& o = h.optimizer;
  auto& a = h.augment;
  if (name == "lr") return &o.lr;
  if (name == "momentum") return &o.momentum;
  if (name == "weight_decay") return &o.weight_decay;
  if (name == "beta1") return &o.beta1;
  if (name == "beta2") return &o.beta2;
  if (name == "eps") return &o.eps;
  if (name == "step_epochs") return &o.step_epochs;
  if (name == "step_gamma") return &o.step_gamma;
  if (name == "min_lr_fraction") return &o.min_lr_fraction;
  if (name == "augment_shift") return &a.shift;
  if (name == "augment_rotation") return &a.rotation;
  if (name == "augment_scale") return &a.scale;
  if (name == "augment_shear") return &a.shear;
  if (name == "non_digits") return &h.non_digits;
  return nullptr;
}
template <class H>
auto integer_field(H& h, const std::string& name) -> decltype(&h.batch_size) {
  if (name == "batch_size") return &h.batch_size;
  if (name == "epochs") return &h.epochs;
  return nullptr;
}

}  // namespace

bool handwritten_digits(const std::string& dataset_name) { return dataset_name.rfind("fashion", 0) != 0; }

ArchDefaults arch_defaults(const Architecture& arch, const std::string& dataset_name) {
  const bool digits = handwritten_digits(dataset_name);
  ArchDefaults d;
  d.lr = is_convolutional(arch) ? 0.03f : 0.05f;
  d.augment = is_convolutional(arch) && digits;
  d.non_digits = preset_of(arch) == "cnn" && digits ? 0.1f : 0.0f;
  d.weight_decay = d.non_digits > 0 ? 1e-3f : 5e-4f;
  return d;
}

void apply_arch_defaults(Hyperparameters& hyper, const ArchDefaults& d) {
  hyper.optimizer.lr = d.lr;
  hyper.optimizer.weight_decay = d.weight_decay;
  hyper.augment.enabled = d.augment;
  hyper.non_digits = d.non_digits;
}

TrainerConfig training_config(const Architecture& arch, const std::string& dataset_name) {
  TrainerConfig c;
  c.arch = arch;
  c.dataset_name = dataset_name;
  c.input_mean = 0.1307f;  // MNIST's pixel mean and std: standardised inputs
  c.input_std = 0.3081f;
  OptimizerConfig& o = c.hyper.optimizer;
  o.kind = OptimizerKind::momentum;
  o.momentum = 0.9f;
  o.schedule = Schedule::cosine;
  c.hyper.batch_size = 64;
  c.hyper.epochs = 10;
  apply_arch_defaults(c.hyper, arch_defaults(arch, dataset_name));
  return c;
}

TrainerConfig preset_trainer_config(const std::string& preset, const std::string& dataset_name) {
  return training_config(preset_architecture(preset), dataset_name);
}

TrainerConfig default_trainer_config() { return preset_trainer_config("cnn"); }

TrainerConfig seeding_trainer_config(const std::string& dataset_name) {
  TrainerConfig c = preset_trainer_config("cnn", dataset_name);
  c.hyper.epochs = kSeedingEpochs;
  return c;
}

TrainerConfig plain_sgd_config() {
  TrainerConfig c;
  c.arch = preset_architecture("mlp");
  c.init = Init::torch_linear;
  c.hyper.optimizer.kind = OptimizerKind::sgd;
  c.hyper.optimizer.lr = 0.1f;
  c.hyper.batch_size = 64;
  c.hyper.epochs = 10;
  return c;
}

std::string setting_range_text(const SettingInfo& s) {
  if (s.kind == SettingKind::choice) {
    std::string words;
    for (const std::string& c : s.choices) words += (words.empty() ? "" : ", ") + c;
    return "one of " + words;
  }
  if (s.kind == SettingKind::flag) return "true or false";
  return (s.kind == SettingKind::integer ? "a whole number from " : "a number from ") + number_text(s.min) + " to " +
         number_text(s.max);
}

const std::vector<SettingInfo>& training_settings() {
  static const std::vector<SettingInfo> table = {
      {"optimizer", "optimizer", "",
       "How the weights follow the gradient: plain SGD, SGD with momentum (DigitLab's default), or Adam.",
       SettingKind::choice, 0, 0, false, {"sgd", "momentum", "adam"}},
      number("lr", "learning rate", "",
             "Step size of each update: too small learns slowly, too large diverges. Typical: 0.01-0.1 for "
             "SGD, 0.001 for Adam.",
             1e-6, 10, true),
      number("momentum", "momentum", "",
             "SGD with momentum keeps this fraction of the previous step, smoothing the path. Typical: 0.9.", 0,
             0.999),
      number("weight_decay", "weight decay", "",
             "Pulls every weight towards zero each step (L2), which curbs overfitting. Typical: 0.0005.", 0, 0.1,
             true),
      {"schedule", "lr schedule", "",
       "How the learning rate changes over the run: constant, step (x gamma every few epochs) or cosine (smoothly "
       "down to a floor by the last epoch).",
       SettingKind::choice, 0, 0, false, {"constant", "step", "cosine"}},
      integer("batch_size", "batch size", "samples",
              "Samples averaged into each update: larger is smoother and faster per sample, smaller updates more "
              "often. Typical: 64.",
              1, 4096, true),
      integer("epochs", "epochs", "epochs", "Passes over the training set in one run.", 1, 1000),
      {"augment", "augmentation", "",
       "Warp every training sample at random (shift, rotation, scale, shear) so the net learns digits drawn "
       "off-centre, slanted or sized unlike MNIST's. On by default for conv nets.",
       SettingKind::flag, 0, 1, false, {}},
      number("augment_shift", "shift", "px", "Largest random shift of a training sample, each way.", 0, 8),
      number("augment_rotation", "rotation", "degrees", "Largest random rotation of a training sample, each way.", 0,
             45),
      number("augment_scale", "scale", "", "Largest random change of size: 0.1 means 90% to 110%.", 0, 0.5),
      number("augment_shear", "shear", "", "Largest random slant: x moves by shear * y.", 0, 1),
      number("non_digits", "non-digits", "",
             "Share of each batch that is made-up scribbles, letters, lines and several digits, taught as 'none of "
             "the ten', so the net learns to say when a drawing is no digit. Typical: 0.1.",
             0, 0.5),
      number("beta1", "Adam beta1", "", "Adam's decay of its running mean of gradients. Typical: 0.9.", 0, 0.9999),
      number("beta2", "Adam beta2", "", "Adam's decay of its running mean of squared gradients. Typical: 0.999.", 0,
             0.99999),
      number("eps", "Adam epsilon", "", "Added to Adam's denominator so a tiny gradient never divides by zero.",
             1e-12, 1, true),
      number("step_epochs", "step every", "epochs", "The step schedule multiplies the rate by gamma this often.",
             0.01, 1000),
      number("step_gamma", "step gamma", "", "The step schedule's factor.", 0, 1),
      number("min_lr_fraction", "cosine floor", "",
             "The cosine schedule ends at this fraction of the learning rate.", 0, 1),
  };
  return table;
}

const SettingInfo& training_setting(const std::string& name) {
  for (const SettingInfo& s : training_settings())
    if (name == s.name) return s;
  std::string names;
  for (const SettingInfo& s : training_settings()) names += (names.empty() ? "" : ", ") + std::string(s.name);
  throw Error("unknown setting '" + name.substr(0, 64) + "' (known: " + names + ")");
}

void check_setting(const SettingInfo& s, double value) {
  const bool whole = s.kind != SettingKind::integer || value == std::floor(value);
  // Number settings are kept as floats: the range's ends are what a float
  // holds of them (float(1e-6) is a little below 1e-6, and a slider at its
  // left end, or the setting read back, must still be in range).
  const auto held = [&s](double x) { return s.kind == SettingKind::number ? double(float(x)) : x; };
  if (!std::isfinite(value) || held(value) < held(s.min) || held(value) > held(s.max) || !whole)
    throw Error(std::string(s.name) + " must be " + setting_range_text(s) + ", got " + number_text(value));
}

std::string setting_text(const Hyperparameters& hyper, const std::string& name) {
  const SettingInfo& s = training_setting(name);
  if (name == "optimizer") return to_string(hyper.optimizer.kind);
  if (name == "schedule") return to_string(hyper.optimizer.schedule);
  if (s.kind == SettingKind::flag) return hyper.augment.enabled ? "true" : "false";
  return number_text(setting_number(hyper, name));
}

double setting_number(const Hyperparameters& hyper, const std::string& name) {
  if (const float* f = number_field(hyper, name)) return *f;
  if (const int* i = integer_field(hyper, name)) return *i;
  if (name == "augment") return hyper.augment.enabled ? 1 : 0;
  throw Error("setting '" + name + "' is not a number");
}

void set_setting(Hyperparameters& hyper, const std::string& name, double value) {
  const SettingInfo& s = training_setting(name);
  if (s.kind == SettingKind::choice) throw Error(std::string(s.name) + " must be " + setting_range_text(s));
  check_setting(s, value);
  if (float* f = number_field(hyper, name)) *f = static_cast<float>(value);
  else if (int* i = integer_field(hyper, name)) *i = static_cast<int>(value);
  else hyper.augment.enabled = value != 0;
}

void set_setting(Hyperparameters& hyper, const std::string& name, const std::string& text) {
  const SettingInfo& s = training_setting(name);
  const auto bad = [&] { return Error(std::string(s.name) + " must be " + setting_range_text(s) + ", got '" + text.substr(0, 40) + "'"); };
  switch (s.kind) {
    case SettingKind::choice:
      if (name == "optimizer") hyper.optimizer.kind = parse_optimizer_kind(text);
      else hyper.optimizer.schedule = parse_schedule(text);
      return;
    case SettingKind::flag:
      if (text == "true" || text == "on" || text == "1") hyper.augment.enabled = true;
      else if (text == "false" || text == "off" || text == "0") hyper.augment.enabled = false;
      else throw bad();
      return;
    case SettingKind::number:
    case SettingKind::integer: {
      if (text.empty() || text.size() > 40) throw bad();
      char* end = nullptr;
      errno = 0;
      const double value = std::strtod(text.c_str(), &end);
      if (end != text.c_str() + text.size() || errno == ERANGE) throw bad();
      set_setting(hyper, name, value);
      return;
    }
  }
}

// The checks core runs before it trains, over the same ranges.
namespace {
void check_settings(const Hyperparameters& h, std::initializer_list<const char*> names) {
  for (const char* name : names) check_setting(training_setting(name), setting_number(h, name));
}
}  // namespace

void check_optimizer_config(const OptimizerConfig& c) {
  Hyperparameters h;
  h.optimizer = c;
  check_settings(h, {"lr", "momentum", "weight_decay", "beta1", "beta2", "eps", "step_epochs", "step_gamma",
                     "min_lr_fraction"});
}

void check_augment_config(const AugmentConfig& c) {
  Hyperparameters h;
  h.augment = c;
  check_settings(h, {"augment_shift", "augment_rotation", "augment_scale", "augment_shear"});
}

void check_hyperparameters(const Hyperparameters& h) {
  check_settings(h, {"batch_size", "epochs", "non_digits"});
  check_optimizer_config(h.optimizer);
  check_augment_config(h.augment);
}

}  // namespace digitlab
