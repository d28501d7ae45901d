#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "digitlab/digitlab.h"

using namespace digitlab;

TEST_CASE("every training setting has one entry with a range and help", "[settings]") {
  const auto& table = training_settings();
  CHECK(table.size() == 19);
  for (const SettingInfo& s : table) {
    INFO(s.name);
    CHECK(std::string(s.help).size() > 20);
    CHECK(&training_setting(s.name) == &s);
    if (s.kind == SettingKind::number || s.kind == SettingKind::integer) CHECK(s.min < s.max);
    // The defaults of every preset lie inside the ranges.
    for (const std::string& preset : preset_names())
      if (s.kind == SettingKind::number || s.kind == SettingKind::integer)
        CHECK_NOTHROW(check_setting(s, setting_number(preset_trainer_config(preset).hyper, s.name)));
  }
  CHECK_THROWS_WITH(training_setting("learning_rate"), Catch::Contains("unknown setting 'learning_rate' (known: optimizer, lr,"));
}

TEST_CASE("settings are read and written by name, checked against their range", "[settings]") {
  Hyperparameters h;
  set_setting(h, "lr", "0.25");
  set_setting(h, "batch_size", 128.0);
  set_setting(h, "optimizer", "adam");
  set_setting(h, "augment", "on");
  set_setting(h, "augment_rotation", 30.0);
  set_setting(h, "non_digits", "0.2");
  CHECK(h.non_digits == 0.2f);
  CHECK(h.optimizer.lr == 0.25f);
  CHECK(h.batch_size == 128);
  CHECK(h.optimizer.kind == OptimizerKind::adam);
  CHECK(h.augment.enabled);
  CHECK(h.augment.rotation == 30.0f);
  CHECK(setting_text(h, "optimizer") == "adam");
  CHECK(setting_text(h, "lr") == "0.25");
  CHECK(setting_text(h, "augment") == "true");
  const Hyperparameters before = h;
  CHECK_THROWS_WITH(set_setting(h, "lr", "-1"), Catch::Contains("lr must be a number from 1e-06 to 10, got -1"));
  CHECK_THROWS_WITH(set_setting(h, "lr", "fast"), Catch::Contains("got 'fast'"));
  CHECK_THROWS_WITH(set_setting(h, "lr", "1e999"), Catch::Contains("got '1e999'"));
  CHECK_THROWS_WITH(set_setting(h, "batch_size", 1e30), Catch::Contains("batch_size must be a whole number from 1 to 4096"));
  CHECK_THROWS_WITH(set_setting(h, "batch_size", 2.5), Catch::Contains("whole number"));
  CHECK_THROWS_WITH(set_setting(h, "epochs", "3 "), Catch::Contains("epochs must be"));
  CHECK_THROWS_WITH(set_setting(h, "optimizer", "rmsprop"), Catch::Contains("unknown optimizer"));
  CHECK_THROWS_WITH(set_setting(h, "augment", "maybe"), Catch::Contains("augment must be true or false"));
  CHECK_THROWS_WITH(set_setting(h, "schedule", 2.0), Catch::Contains("schedule must be one of constant, step, cosine"));
  CHECK_THROWS_WITH(set_setting(h, "non_digits", 0.6), Catch::Contains("non_digits must be a number from 0 to 0.5"));
  // Nothing changed on any error.
  CHECK(setting_text(h, "lr") == setting_text(before, "lr"));
  CHECK(h.batch_size == before.batch_size);
  CHECK(h.augment == before.augment);
  CHECK(h.non_digits == before.non_digits);
}

// The learning-rate slider at its left end sends float(1e-6), a little below
// 1e-6: it was refused ("lr must be a number from 1e-06 to 10, got 1e-06"),
// and even 1e-6 typed in was refused once read back from its float.
TEST_CASE("every number setting takes both ends of its range, as a float holds them", "[settings]") {
  for (const SettingInfo& s : training_settings()) {
    if (s.kind != SettingKind::number) continue;
    INFO(s.name);
    for (const double end : {s.min, s.max}) {
      Hyperparameters h;
      CHECK_NOTHROW(set_setting(h, s.name, double(float(end))));
      CHECK_NOTHROW(set_setting(h, s.name, end));
      CHECK_NOTHROW(check_hyperparameters(h));
    }
  }
  Hyperparameters h;
  CHECK_THROWS_WITH(set_setting(h, "lr", 0.9e-6), Catch::Contains("lr must be a number from 1e-06 to 10"));
  CHECK_THROWS_WITH(set_setting(h, "lr", 10.001), Catch::Contains("lr must be a number from 1e-06 to 10"));
}

TEST_CASE("core's checks use the table's ranges", "[settings]") {
  Hyperparameters h;
  CHECK_NOTHROW(check_hyperparameters(h));
  h.optimizer.momentum = 1.5f;
  CHECK_THROWS_WITH(check_hyperparameters(h), Catch::Contains("momentum must be a number from 0 to 0.999"));
  h = Hyperparameters{};
  h.augment.shear = -1;
  CHECK_THROWS_WITH(check_hyperparameters(h), Catch::Contains("augment_shear"));
  h = Hyperparameters{};
  h.epochs = 0;
  CHECK_THROWS_WITH(check_hyperparameters(h), Catch::Contains("epochs must be a whole number from 1 to 1000"));
}

TEST_CASE("training memory is bounded before anything is allocated", "[settings]") {
  CHECK_NOTHROW(check_trainable(preset_architecture("cnn"), 1024));
  CHECK(training_bytes(preset_architecture("cnn"), 64) < (64u << 20));
  CHECK_THROWS_WITH(check_trainable(preset_architecture("cnn"), 4096), Catch::Contains("more than the 1024 MB allowed"));
  CHECK_THROWS_WITH(check_trainable(parse_architecture("conv3x3x256,relu,conv3x3x256,relu,dense10"), 512),
                    Catch::Contains("use a smaller batch or net"));
}

namespace {
// Every setting of a config as text, to compare two configs whole.
std::map<std::string, std::string> all_settings(const Hyperparameters& hyper) {
  std::map<std::string, std::string> out;
  for (const SettingInfo& s : training_settings()) out[s.name] = setting_text(hyper, s.name);
  return out;
}
}  // namespace

TEST_CASE("a net gets the defaults of its kind however it is named", "[settings]") {
  // A dense net typed as a layer list trains as the mlp preset does: no
  // generated non-digits, weight decay 0.0005, lr 0.05 (the cnn preset's
  // non-digits cost an mlp 0.3 points).
  const TrainerConfig typed_mlp = training_config(parse_architecture("dense128,relu,dense10"));
  CHECK(all_settings(typed_mlp.hyper) == all_settings(preset_trainer_config("mlp").hyper));
  CHECK(typed_mlp.hyper.non_digits == 0);
  CHECK(setting_text(typed_mlp.hyper, "lr") == "0.05");
  // Another conv net gets a conv net's defaults, but only the cnn preset's
  // net has room for non-digits.
  const TrainerConfig conv = training_config(parse_architecture("conv3x3x8,relu,maxpool2,dense10"));
  CHECK(conv.hyper.augment.enabled);
  CHECK(conv.hyper.non_digits == 0);
  CHECK(setting_text(conv.hyper, "lr") == "0.03");
  CHECK(setting_text(conv.hyper, "weight_decay") == "0.0005");
  const TrainerConfig typed_cnn = training_config(preset_architecture("cnn"));
  CHECK(all_settings(typed_cnn.hyper) == all_settings(default_trainer_config().hyper));
  CHECK(typed_cnn.hyper.non_digits == Approx(0.1));
  CHECK(setting_text(typed_cnn.hyper, "weight_decay") == "0.001");
  // Photos of clothes get neither augmentation nor made-up non-digits.
  const TrainerConfig fashion = training_config(preset_architecture("cnn"), "fashion-mnist");
  CHECK_FALSE(fashion.hyper.augment.enabled);
  CHECK(fashion.hyper.non_digits == 0);
  // The seeding recipe is the default net for kSeedingEpochs epochs.
  TrainerConfig seeding = seeding_trainer_config();
  CHECK(seeding.hyper.epochs == kSeedingEpochs);
  seeding.hyper.epochs = default_trainer_config().hyper.epochs;
  CHECK(all_settings(seeding.hyper) == all_settings(default_trainer_config().hyper));
  // A switch of net in an interface takes the new net's defaults and keeps the rest.
  Hyperparameters switched = default_trainer_config().hyper;
  switched.epochs = 3;
  apply_arch_defaults(switched, arch_defaults(parse_architecture("dense32,relu,dense10"), "mnist"));
  CHECK(switched.epochs == 3);
  CHECK(switched.non_digits == 0);
  CHECK(arch_defaults(parse_architecture("dense32,relu,dense10"), "mnist") ==
        arch_defaults(preset_architecture("mlp"), "mnist"));
  CHECK(arch_defaults(preset_architecture("cnn"), "mnist") != arch_defaults(preset_architecture("mlp"), "mnist"));
}
