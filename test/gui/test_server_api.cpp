#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "logic/server_api.h"

using namespace digitlab::gui;

TEST_CASE("API paths") {
  CHECK(samples_path("mnist", "test", 1024, 512) == "/api/datasets/mnist/test/samples?offset=1024&count=512");
  CHECK(random_samples_path("mnist", "train", 1024, 7) == "/api/datasets/mnist/train/samples?random=1024&seed=7");
  CHECK(sample_path("mnist", "test", 3) == "/api/datasets/mnist/test/samples/3");
  CHECK(weights_path("default") == "/api/models/default/weights");
  CHECK(weights_path("default", 4) == "/api/models/default/weights?version=4");
  CHECK(job_path("12") == "/api/jobs/12");
}

TEST_CASE("ETags carry the version") {
  CHECK(parse_etag_version("\"3\"") == 3u);
  CHECK(parse_etag_version("W/\"12\"") == 12u);
  CHECK(parse_etag_version("7") == 7u);
  CHECK(parse_etag_version("\"5.bin\"") == 5u);  // the binary representation's tag
  CHECK_FALSE(parse_etag_version(""));
  CHECK_FALSE(parse_etag_version("\"abc\""));
}

TEST_CASE("error messages come from the error object, or say what happened") {
  CHECK(error_message(412, R"({"error":{"code":"precondition_failed","message":"stale version"}})", "") ==
        "stale version (HTTP 412)");
  CHECK(error_message(500, "not json", "") == "HTTP 500");
  CHECK(error_message(0, "", "Connection") == "server unreachable (Connection)");
}

TEST_CASE("data sets: the split sizes as numbers or count objects") {
  const auto sets = parse_datasets(
      R"({"datasets":[{"name":"mnist","default":true,"splits":{"train":{"count":60000},"test":{"count":10000}}},
                      {"name":"other","splits":{"train":5,"test":2}}]})");
  REQUIRE(sets.size() == 2);
  CHECK(sets[0].is_default);
  CHECK(sets[0].train == 60000);
  CHECK(sets[0].test == 10000);
  CHECK(sets[1].train == 5);
}

TEST_CASE("model lists, versions and pushed versions") {
  CHECK(parse_model_names(R"({"models":[{"name":"default"},{"name":"b"}]})") == std::vector<std::string>{"default", "b"});
  const auto versions = parse_versions(
      R"({"model":"default","versions":[{"version":2,"created":"2026-01-01T00:00:00Z","size":4096,
          "metrics":{"test_accuracy":0.98,"epochs":10}},{"version":1,"created":"x","size":1,"metrics":{}}]})");
  REQUIRE(versions.size() == 2);
  CHECK(versions[0].version == 2);
  CHECK(versions[0].test_accuracy == Approx(0.98));
  CHECK(versions[1].test_accuracy < 0);
  CHECK(versions[1].description.find("never evaluated") != std::string::npos);
  CHECK(parse_pushed_version(R"({"name":"default","version":5})") == 5u);
}

TEST_CASE("a version's metrics read as words, not JSON") {
  const auto versions = parse_versions(
      R"({"versions":[{"version":3,"format":"trained","metrics":{"arch":"conv3x3x32,relu","preset":"cnn",
          "parameters":421642,"dataset":"mnist","epochs":1,"test_accuracy":0.9878,"test_loss":0.037,
          "samples_seen":60000,"note":"trained by digitlab-cli"}}]})");
  REQUIRE(versions.size() == 1);
  const std::string& d = versions[0].description;
  CHECK(d.find('{') == std::string::npos);
  CHECK(d.find("net: cnn (421642 parameters)") != std::string::npos);
  CHECK(d.find("trained on mnist for 1.00 epochs (60000 samples)") != std::string::npos);
  CHECK(d.find("test accuracy 98.78%, loss 0.0370") != std::string::npos);
  CHECK(d.find("trained by digitlab-cli") != std::string::npos);
  CHECK(d.find("made by a training job on the server") != std::string::npos);
}

TEST_CASE("job status with progress in a nested object") {
  const JobStatus job = parse_job(
      R"({"id":3,"state":"running","progress":{"epoch":1.5,"total_epochs":10,"loss":0.2,"accuracy":0.9,
          "samples_per_s":50000,"test_accuracy":null},"version":null,"error":null})");
  CHECK(job.id == "3");
  CHECK(job.state == "running");
  CHECK(job.epoch == Approx(1.5));
  CHECK(job.total_epochs == 10);
  CHECK(job.test_accuracy < 0);
  CHECK_FALSE(job.version);
  CHECK_FALSE(job.finished());
  const JobStatus done = parse_job(R"({"id":3,"state":"finished","progress":null,"version":4})");
  CHECK(done.finished());
  CHECK(done.version == 4u);
  CHECK(parse_job_id(R"({"id":17,"state":"queued"})") == "17");
}

TEST_CASE("a sample's pixels as bytes or as intensities") {
  nlohmann::json j = {{"index", 5}, {"label", 3}, {"pixels", std::vector<int>(784, 0)}};
  j["pixels"][0] = 255;
  LabelledSample s = parse_sample(j.dump());
  CHECK(s.index == 5);
  CHECK(s.label == 3);
  CHECK(s.pixels[0] == 255);
  j["pixels"][0] = 0.5;
  s = parse_sample(j.dump());
  CHECK(s.pixels[0] == 128);
  j["pixels"] = std::vector<int>(10, 0);
  CHECK_THROWS(parse_sample(j.dump()));
}

TEST_CASE("the server training request carries the settings") {
  digitlab::Hyperparameters hyper;
  hyper.optimizer.kind = digitlab::OptimizerKind::adam;
  hyper.optimizer.lr = 0.001f;
  hyper.batch_size = 128;
  hyper.epochs = 3;
  hyper.augment.enabled = true;
  const auto j = nlohmann::json::parse(train_request_json(hyper, digitlab::preset_architecture("cnn-small"), 9));
  CHECK(j["optimizer"] == "adam");
  CHECK(j["arch"] == "conv5x5x8,relu,maxpool2,conv5x5x16,relu,maxpool3,dense10");
  CHECK(j["augment"] == true);
  CHECK(j["batch_size"] == 128);
  CHECK(j["epochs"] == 3);
  CHECK(j["seed"] == 9);
  CHECK(j["lr"].get<double>() == Approx(0.001));
}
