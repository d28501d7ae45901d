// train/: a net trained on a data set, on its own thread or in slices of a
// main loop (trainer.h), and taught single drawings (teach.h). This header
// is the one home of training settings: what a run is set up with
// (Hyperparameters, TrainerConfig), the rule that derives every default from
// the net and the data set (training_config), the presets and the seeding
// recipe built on it, and the table of settings a user can change, named
// once for every front end: the CLI's options (--batch-size), the server's
// training request fields ("batch_size") and the GUI's controls and
// tooltips, with the same names, ranges, units and help. The checks of core
// (check_hyperparameters) use the same ranges.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "digitlab/data/augment.h"
#include "digitlab/nn/architecture.h"
#include "digitlab/nn/model.h"
#include "digitlab/nn/optimizer.h"

namespace digitlab {

// Settings that apply live, at the next batch.
struct Hyperparameters {
  OptimizerConfig optimizer;
  int batch_size = 64;
  int epochs = 10;
  AugmentConfig augment;
  // Share of every batch that is generated non-digits with a uniform target
  // (outlier exposure), so the net learns to be unsure of what is no digit.
  float non_digits = 0.0f;
};

struct TrainerConfig {
  Architecture arch = preset_architecture("cnn");
  std::uint64_t seed = 1;
  Init init = Init::he_uniform;
  float input_mean = 0.0f;
  float input_std = 1.0f;
  Hyperparameters hyper;
  std::string dataset_name = "mnist";
  std::size_t epoch_size = 0;  // samples per epoch from a cache (0: the data set's size)
  bool evaluate_each_epoch = true;
  // Samples per history point at the start; doubles whenever the bounded
  // history is compacted.
  std::uint64_t history_every = 2048;
  // Threads each batch is split across (a data-parallel Learner): all of a
  // machine's cores for a command-line run, one beside an interface.
  int threads = 1;
  // Let an interface on the same cores keep its frame rate: natively the
  // training thread runs at Linux nice +10; in the browser, where a pthread's
  // priority cannot change, it rests 4 ms after every 12 ms of work.
  bool background_priority = false;
};

// Whether a data set is handwritten digits (anything but Fashion-MNIST's
// photos of clothes): what augmentation and made-up non-digits are for.
bool handwritten_digits(const std::string& dataset_name);

// The settings whose defaults depend on the net and the data set.
struct ArchDefaults {
  float lr = 0, weight_decay = 0;
  bool augment = false;
  float non_digits = 0;
  bool operator==(const ArchDefaults& o) const {
    return lr == o.lr && weight_decay == o.weight_decay && augment == o.augment && non_digits == o.non_digits;
  }
  bool operator!=(const ArchDefaults& o) const { return !(*this == o); }
};

// DigitLab's settings for training `arch` on a data set: the one rule every
// front end starts from (the CLI's --preset and --arch, the server's
// training request, the GUI's net switch, the seeding), so a net gets the
// defaults of its kind whichever way it was named. Standardised inputs, SGD
// with momentum 0.9 and a cosine schedule over 10 epochs, batch 64, and what
// depends on the net and the data (arch_defaults):
//   lr:           0.03 for a conv net, 0.05 for a dense one
//   augment:      conv nets on handwritten digits. The augmentation mimics
//                 how people draw (off-centre, slanted, sized unlike MNIST);
//                 Fashion-MNIST's clothes are photographed upright and
//                 centred, and the cnn reads them better without it (92.3%
//                 against 90.7% after 10 epochs)
//   non_digits:   0.1 for the cnn preset's net on handwritten digits, else 0:
//                 generated non-digits let the pad say "not sure"
//                 (reading.h); only the cnn has room for them (they cost
//                 the cnn-small 1.3 points of MNIST accuracy, the mlp 0.3)
//   weight_decay: 0.001 beside non-digits, else 0.0005 (five cnn runs with
//                 both: 99.24-99.39%, mean 99.32%; 99.15-99.26% without)
// Ten epochs of the presets reach, as means over seeds: mlp 98.2%,
// cnn-small 98.9%, cnn 99.3% (91% on Fashion-MNIST); docs/benchmarks.md.
TrainerConfig training_config(const Architecture& arch, const std::string& dataset_name = "mnist");
ArchDefaults arch_defaults(const Architecture& arch, const std::string& dataset_name);
// Writes those settings into `hyper` and nothing else: a net switched in an
// interface keeps its epochs and batch size.
void apply_arch_defaults(Hyperparameters& hyper, const ArchDefaults& defaults);
// training_config of a preset's net (preset_names()); throws Error for an unknown name.
TrainerConfig preset_trainer_config(const std::string& preset, const std::string& dataset_name = "mnist");
// preset_trainer_config("cnn"): the net that reads drawings best.
TrainerConfig default_trainer_config();
// How the `default` model a first visitor draws on is trained (scripts/run.sh
// and scripts/cluster.sh through `digitlab-cli train --seeding`), and the net
// the tests read drawings with: the default net with its defaults for
// kSeedingEpochs epochs. Four epochs take about a minute on two cores and
// reach 99.1% on MNIST; fewer leave the net "not sure" of too many drawn
// digits (docs/benchmarks.md).
constexpr int kSeedingEpochs = 4;
TrainerConfig seeding_trainer_config(const std::string& dataset_name = "mnist");
// The mlp with plain SGD lr 0.1, batch 64, inputs in [0, 1], PyTorch's
// default init: the setting DigitLab is compared with PyTorch in (bench/compare.sh).
TrainerConfig plain_sgd_config();
// Throws Error on an invalid batch size, epoch count, optimizer or augmentation setting.
void check_hyperparameters(const Hyperparameters& hyper);

enum class SettingKind { number, integer, choice, flag };

struct SettingInfo {
  const char* name;   // request field; the CLI option is --name with '-' for '_'
  const char* label;  // what a person calls it: "learning rate"
  const char* unit;   // shown after the value ("samples", "px"), or ""
  const char* help;   // one sentence: what it does, and what a typical value is
  SettingKind kind;
  double min = 0, max = 0;          // number / integer: the accepted range
  bool log_scale = false;           // sliders: values span decades
  std::vector<std::string> choices;  // choice: the accepted words
};

// Every setting in the order front ends show them: optimizer, lr, momentum,
// weight_decay, schedule, batch_size, epochs, augment and its four ranges,
// non_digits, then Adam's and the step schedule's finer settings.
const std::vector<SettingInfo>& training_settings();
// The setting named `name`; throws Error listing the known names.
const SettingInfo& training_setting(const std::string& name);

// A setting's value as text ("0.05", "momentum", "true"), and setting it from
// text or a number with its range and type checked: throws Error naming the
// setting, its range and the bad value. Nothing changes on an error.
std::string setting_text(const Hyperparameters& hyper, const std::string& name);
double setting_number(const Hyperparameters& hyper, const std::string& name);  // numbers, integers, flags (0/1)
void set_setting(Hyperparameters& hyper, const std::string& name, const std::string& text);
void set_setting(Hyperparameters& hyper, const std::string& name, double value);

// Throws Error unless value lies in the setting's range (and is whole for an integer).
void check_setting(const SettingInfo& info, double value);
// What the setting accepts, in words: "a number from 1e-06 to 10", "one of sgd, momentum, adam".
std::string setting_range_text(const SettingInfo& info);

}  // namespace digitlab
