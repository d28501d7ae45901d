// The training settings a user can change, named once for every front end:
// the CLI's options (--batch-size), the server's training request fields
// ("batch_size") and the GUI's controls and tooltips all come from this
// table, with the same names, ranges, units and help. The checks of core
// (check_hyperparameters) use the same ranges.
#pragma once
#include <string>
#include <vector>

#include "digitlab/trainer.h"

namespace digitlab {

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

}  // namespace digitlab
