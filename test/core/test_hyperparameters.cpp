#include <catch2/catch.hpp>

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
