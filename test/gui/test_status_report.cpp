#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "logic/status_report.h"

using namespace digitlab::gui;
using nlohmann::json;

TEST_CASE("an empty pad reports no prediction and no probabilities, and says why") {
  StatusReport r;
  r.pad_rect = {10, 20, 256, 256};
  r.pad_points = 57;
  r.pad_message = "draw it bigger";
  const json j = json::parse(status_json(r));
  CHECK(j["prediction"].is_null());
  CHECK(j["pad_message"] == "draw it bigger");
  CHECK(j["probabilities"].is_null());
  CHECK(j["pad_rect"]["x"] == 10);
  CHECK(j["pad_rect"]["width"] == 256);
  CHECK(j["pad_points"] == 57);
  CHECK(j["model"]["version"].is_null());
  CHECK(j["training"]["test_accuracy"].is_null());
  CHECK(j["test_accuracy"].is_null());
  CHECK(j["unsure"] == true);
  CHECK(j["confidence"].is_null());
  CHECK(j["teach"]["last"].is_null());
  CHECK(j["teach"]["personal_set"] == 0);
}

TEST_CASE("the state JSON carries prediction, training, frames, model and buttons") {
  StatusReport r;
  r.prediction = 7;
  r.probabilities[7] = 0.9f;
  r.confidence = 0.9f;
  r.unsure = false;
  r.model_name = "default";
  r.server_version = 3;
  r.trained = true;
  r.train_state = "running";
  r.threaded = false;
  r.test_accuracy = 0.97;
  r.cache_size = 512;
  r.cache_capacity = 1024;
  r.frame = {100, 16.7, 18.0, 30.0};
  r.frame_training = {50, 16.7, 19.0, 25.0};
  r.buttons["start"] = {1, 2, 3, 4};
  r.messages = {"hello \xff"};  // invalid UTF-8 must not break the JSON
  r.undo_steps = {"loading default v3", "the training run of 3 epochs"};
  r.run_start = true;
  r.run_start_accuracy = 0.9913;
  r.status_message = "lr must be a num...";
  const json j = json::parse(status_json(r));
  CHECK(j["prediction"] == 7);
  CHECK(j["probabilities"].size() == 10);
  CHECK(j["probabilities"][7].get<double>() == Approx(0.9));
  CHECK(j["confidence"].get<double>() == Approx(0.9));
  CHECK(j["unsure"] == false);
  CHECK(j["model"]["name"] == "default");
  CHECK(j["model"]["version"] == 3);
  CHECK(j["model"]["trained"] == true);
  CHECK(j["training"]["state"] == "running");
  CHECK(j["training"]["threaded"] == false);
  CHECK(j["training"]["test_accuracy"].get<double>() == Approx(0.97));
  CHECK(j["test_accuracy"].get<double>() == Approx(0.97));
  CHECK(j["data"]["cache_fill"].get<double>() == Approx(0.5));
  CHECK(j["frame_ms"]["p95"].get<double>() == Approx(18.0));
  CHECK(j["frame_ms"]["count"] == 100);
  CHECK(j["frame_ms_training"]["p95"].get<double>() == Approx(19.0));
  CHECK(j["buttons"]["start"]["height"] == 4);
  CHECK(j["messages"].size() == 1);
  CHECK(j["undo"]["steps"] == json::array({"loading default v3", "the training run of 3 epochs"}));
  CHECK(j["undo"]["run_start"] == true);
  CHECK(j["status_line"]["message"] == "lr must be a num...");
  CHECK(j["status_line"]["timings"] == false);
  CHECK(j["undo"]["run_start_accuracy"].get<double>() == Approx(0.9913));
}

TEST_CASE("the state JSON says where each panel is, the session and the bytes downloaded") {
  StatusReport r;
  r.panels["draw"] = {{0, 40, 390, 700}, true, 120.5f};
  r.panels["training"] = {{}, true};
  r.layout_mode = "single";
  r.viewport_w = 390;
  r.viewport_h = 844;
  r.touch = true;
  r.bytes_downloaded = 2345678;
  r.session_offered = true;
  r.session_saved_age_s = 4.5;
  r.recorded_test_accuracy = 0.9878;
  r.diverged = "the loss is not a number any more";
  r.best_accuracy = 0.97;
  const json j = json::parse(status_json(r));
  CHECK(j["panels"]["draw"]["shown"] == true);
  CHECK(j["panels"]["draw"]["width"] == 390);
  CHECK(j["panels"]["draw"]["scroll_y"].get<double>() == Approx(120.5));
  CHECK(j["panels"]["training"]["shown"] == false);
  CHECK(j["panels"]["training"]["tabbed"] == true);
  CHECK(j["layout"]["mode"] == "single");
  CHECK(j["layout"]["touch"] == true);
  CHECK(j["data"]["bytes_downloaded"] == 2345678);
  CHECK(j["session"]["offered"] == true);
  CHECK(j["session"]["restored"] == false);
  CHECK(j["session"]["saved_age_s"].get<double>() == Approx(4.5));
  CHECK(j["model"]["recorded_test_accuracy"].get<double>() == Approx(0.9878));
  CHECK(j["model"]["changed"] == false);
  CHECK(j["training"]["diverged"] == "the loss is not a number any more");
  CHECK(j["training"]["best_accuracy"].get<double>() == Approx(0.97));
}

TEST_CASE("the state JSON carries the last teaching's report and the personal set") {
  StatusReport r;
  digitlab::TeachReport t;
  t.taught = true;
  t.restored = true;
  t.label = 4;
  t.guess_before = 9;
  t.guess_after = 9;
  t.accuracy_before = 0.981;
  t.accuracy_after = 0.962;
  t.steps = 12;
  t.message = "Teaching 4 would have cost the net ...: the previous weights were kept.";
  r.teach = t;
  r.teachings = 3;
  r.teach_label = 4;
  r.personal_set = 2;
  const json j = json::parse(status_json(r));
  CHECK(j["teach"]["count"] == 3);
  CHECK(j["teach"]["label"] == 4);
  CHECK(j["teach"]["personal_set"] == 2);
  const json& last = j["teach"]["last"];
  CHECK(last["taught"] == true);
  CHECK(last["restored"] == true);
  CHECK(last["read_right"] == false);
  CHECK(last["label"] == 4);
  CHECK(last["guess_after"] == 9);
  CHECK(last["accuracy_before"].get<double>() == Approx(0.981));
  CHECK(last["accuracy_after"].get<double>() == Approx(0.962));
  CHECK(last["steps"] == 12);
  CHECK(last["message"].get<std::string>().find("previous weights were kept") != std::string::npos);
}
