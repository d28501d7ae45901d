#include <catch2/catch.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

#include "train/metric_history.h"
#include "test_support.h"

using namespace digitlab;
using namespace std::chrono_literals;

namespace {
// Polls until pred holds or the deadline passes (the trainer is asynchronous).
template <class Pred>
bool wait_for(Pred pred, std::chrono::milliseconds deadline = 20000ms) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return pred();
}

TrainerConfig small_config() {
  TrainerConfig c = preset_trainer_config("mlp");
  c.arch = dense_architecture({32});
  c.hyper.epochs = 2;
  c.evaluate_each_epoch = true;
  return c;
}

// A run that goes on until the test stops it.
TrainerConfig endless_config() {
  TrainerConfig c = small_config();
  c.hyper.epochs = 1000;
  return c;
}

std::shared_ptr<const Dataset> small_train() {
  static auto d = std::make_shared<const Dataset>(test::head(*test::mnist("train"), 4096));
  return d;
}
std::shared_ptr<const Dataset> small_test() {
  static auto d = std::make_shared<const Dataset>(test::head(*test::mnist("test"), 1000));
  return d;
}
}  // namespace

TEST_CASE("trainer runs a whole run on its thread and evaluates each epoch", "[trainer]") {
  Trainer trainer(small_config(), small_train(), small_test());
  CHECK(trainer.progress()->state == RunState::idle);
  CHECK_FALSE(trainer.snapshot()->trained);
  trainer.start();
  REQUIRE(wait_for([&] { return trainer.progress()->state == RunState::finished; }));
  const auto p = trainer.progress();
  CHECK(p->evals.size() == 2);
  CHECK(p->last_eval);
  CHECK(p->last_eval->accuracy > 0.8);
  CHECK(p->epoch >= 2.0);
  CHECK(p->samples_seen >= 2 * 4096);
  CHECK(!p->history.empty());
  const auto s = trainer.snapshot();
  CHECK(s->trained);
  CHECK(s->file.meta.test_accuracy == Approx(p->last_eval->accuracy));
  CHECK(s->file.meta.dataset == "mnist");
  // The snapshot is the weights that scored that accuracy.
  CHECK(evaluate(s->file.model, *small_test()).accuracy == Approx(p->last_eval->accuracy));
}

TEST_CASE("pause holds the weights, resume and stop act at the next batch", "[trainer]") {
  TrainerConfig c = endless_config();
  Trainer trainer(c, small_train(), nullptr);
  trainer.start();
  REQUIRE(wait_for([&] { return trainer.progress()->samples_seen > 2000; }));
  trainer.pause();
  REQUIRE(wait_for([&] { return trainer.progress()->state == RunState::paused; }));
  // The pause was published with the count it stopped at (a command's
  // effects are published at once). Nothing trains while paused: three
  // single steps later the count is exactly three batches on, and stays.
  const auto paused = trainer.progress()->samples_seen;
  trainer.step(3);
  REQUIRE(wait_for([&] { return trainer.progress()->samples_seen >= paused + 3 * 64; }));
  CHECK(trainer.progress()->samples_seen == paused + 3 * 64);
  CHECK(trainer.progress()->state == RunState::paused);
  const auto stepped = trainer.snapshot()->version;
  trainer.step(1);  // a command after the steps: once it has run, nothing else did
  REQUIRE(wait_for([&] { return trainer.progress()->samples_seen >= paused + 4 * 64; }));
  CHECK(trainer.progress()->samples_seen == paused + 4 * 64);
  CHECK(trainer.snapshot()->version > stepped);

  trainer.resume();
  REQUIRE(wait_for([&] { return trainer.progress()->samples_seen > paused + 2000; }));
  trainer.stop();
  REQUIRE(wait_for([&] { return trainer.progress()->state == RunState::stopped; }));
  CHECK(trainer.snapshot()->trained);
}

TEST_CASE("hyperparameters change live; a new architecture resets", "[trainer]") {
  TrainerConfig c = endless_config();
  Trainer trainer(c, small_train(), nullptr);
  trainer.start();
  Hyperparameters h = c.hyper;
  h.batch_size = 16;
  h.optimizer.lr = 0.01f;
  h.optimizer.schedule = Schedule::constant;
  trainer.set_hyperparameters(h);
  REQUIRE(wait_for([&] {
    const auto p = trainer.progress();
    return p->hyper.batch_size == 16 && p->lr == Approx(0.01f) && p->state == RunState::running;
  }));
  const auto before = trainer.progress()->samples_seen;
  REQUIRE(wait_for([&] { return trainer.progress()->samples_seen > before; }));
  CHECK((trainer.progress()->samples_seen - before) % 16 == 0);

  h.batch_size = 0;
  CHECK_THROWS_AS(trainer.set_hyperparameters(h), Error);
  CHECK_THROWS_AS(trainer.set_architecture(Architecture{}, 1), Error);

  trainer.set_architecture(dense_architecture({24, 12}), 9);
  REQUIRE(wait_for([&] { return trainer.progress()->arch == dense_architecture({24, 12}); }));
  const auto p = trainer.progress();
  CHECK(p->state == RunState::idle);
  CHECK(p->history.empty());
  CHECK(p->samples_seen == 0);
  REQUIRE(wait_for([&] { return trainer.snapshot()->file.model.arch == dense_architecture({24, 12}); }));
  CHECK(trainer.snapshot()->file.model.params == make_model(dense_architecture({24, 12}), 9, c.input_mean, c.input_std).params);
  CHECK_FALSE(trainer.snapshot()->trained);
}

TEST_CASE("readers never see a torn snapshot and never wait", "[trainer]") {
  TrainerConfig c = endless_config();
  Trainer trainer(c, small_train(), nullptr);
  trainer.start();
  std::atomic<bool> done{false};
  std::atomic<int> reads{0}, bad{0};
  std::thread reader([&] {
    std::uint64_t last_version = 0;
    while (!done) {
      const auto s = trainer.snapshot();
      // A snapshot is immutable: hashing it twice gives the same answer, its
      // sizes match its buffer, and versions only grow.
      double sum1 = 0, sum2 = 0;
      for (float v : s->file.model.params) sum1 += v;
      for (float v : s->file.model.params) sum2 += v;
      if (sum1 != sum2 || s->file.model.params.size() != param_count(s->file.model.arch) || s->version < last_version ||
          !std::isfinite(sum1))
        ++bad;
      last_version = s->version;
      ++reads;
    }
  });
  // Architecture changes mid-run swap the buffer size under the reader.
  // Each net trains a few batches, read all along, before the next replaces it.
  for (int i = 0; i < 5; ++i) {
    const Architecture arch = dense_architecture({16 + 8 * i});
    trainer.set_architecture(arch, i);
    trainer.start();
    const int before = reads;
    REQUIRE(wait_for([&] {
      return trainer.snapshot()->file.model.arch == arch && trainer.progress()->samples_seen >= 5 * 64 &&
             reads >= before + 20;
    }));
  }
  done = true;
  reader.join();
  CHECK(bad == 0);
}

TEST_CASE("a model loaded from a file replaces the weights; a bad one changes nothing", "[trainer]") {
  Trainer trainer(small_config(), small_train(), nullptr);
  ModelFile file;
  file.model = make_model(dense_architecture({20}), 5);
  file.meta.dataset = "mnist";
  file.meta.samples_seen = 1234;
  trainer.load_model(file);
  REQUIRE(wait_for([&] { return trainer.snapshot()->file.model.params == file.model.params; }));
  CHECK(trainer.snapshot()->trained);
  CHECK(trainer.progress()->samples_seen == 1234);
  const auto version = trainer.snapshot()->version;
  ModelFile bad = file;
  bad.model.params[3] = std::nanf("");
  // Checked on the caller's thread before anything is queued: there is no
  // later moment at which it could still land.
  CHECK_THROWS_AS(trainer.load_model(bad), Error);
  CHECK(trainer.snapshot()->version == version);
  CHECK(trainer.snapshot()->file.model.params == file.model.params);
}

TEST_CASE("training from a client-filled sample cache, in main-loop slices", "[trainer][cache]") {
  auto cache = std::make_shared<SampleCache>(1000);
  TrainerConfig c = small_config();
  c.epoch_size = 2000;
  c.hyper.epochs = 3;
  Trainer trainer(c, cache, small_test(), /*threaded=*/false);
  trainer.start();
  trainer.run_slice(5);
  CHECK(trainer.progress()->starved);  // nothing fetched yet
  CHECK(trainer.progress()->samples_seen == 0);
  const auto train = small_train();
  for (std::size_t start = 0; start < 3000; start += 500) {  // more than fits: oldest blocks are replaced
    Dataset block;
    block.images.assign(train->image(start), train->image(start + 500));
    block.labels.assign(train->labels.begin() + start, train->labels.begin() + start + 500);
    cache->add(block);
  }
  CHECK(cache->size() == 1000);
  CHECK(cache->samples_added() == 3000);
  // The last evaluation finishes in slices after the run does.
  auto done = [&] { return trainer.progress()->state == RunState::finished && !trainer.progress()->evaluating; };
  for (int i = 0; i < 3000 && !done(); ++i) trainer.run_slice(4);
  const auto p = trainer.progress();
  CHECK(p->state == RunState::finished);
  CHECK_FALSE(p->starved);
  CHECK_FALSE(p->threaded);
  CHECK(p->evals.size() == 3);
  CHECK(p->last_eval->accuracy > 0.7);
}

TEST_CASE("teaching a drawing reports before and after, keeps it in the personal set; clear empties it", "[trainer]") {
  Trainer trainer(small_config(), small_train(), small_test());
  trainer.start();
  REQUIRE(wait_for([&] { return trainer.progress()->state == RunState::finished; }));
  const auto test = test::mnist("test");
  Image28 image{};
  image_to_unit(test->image(1), image.data());
  const int label = test->labels[1];
  trainer.teach(image, label);
  REQUIRE(wait_for([&] { return trainer.progress()->teachings == 1; }));
  const auto p = trainer.progress();
  REQUIRE(p->last_teach);
  const TeachReport& r = *p->last_teach;
  INFO(r.message);
  CHECK(r.taught);
  CHECK(r.label == label);
  CHECK(r.accuracy_before > 0.8);
  CHECK(r.accuracy_after >= r.accuracy_before - 0.005);
  CHECK(r.read_right_after());
  REQUIRE(p->personal);
  REQUIRE(p->personal->size() == 1);
  CHECK(p->personal->front().label == label);
  // The next teaching starts from what this one measured (the same
  // weights: no second evaluation of the slice)...
  const double known = r.accuracy_kept();
  Image28 other{};
  image_to_unit(test->image(2), other.data());
  trainer.teach(other, test->labels[2]);
  REQUIRE(wait_for([&] { return trainer.progress()->teachings == 2; }));
  const TeachReport& second = *trainer.progress()->last_teach;
  CHECK(second.taught);
  CHECK(second.accuracy_before == known);
  // ...and after training has moved the weights, from a fresh measurement.
  const std::uint64_t seen = trainer.progress()->samples_seen;
  Hyperparameters longer = small_config().hyper;
  longer.epochs = 1000;  // the finished run's schedule had brought the rate down to nothing
  trainer.set_hyperparameters(longer);
  trainer.step(5);
  REQUIRE(wait_for([&] { return trainer.progress()->samples_seen == seen + 5 * 64; }));
  const double now = evaluate(trainer.snapshot()->file.model, validation_slice(*small_test())).accuracy;
  CHECK(now != second.accuracy_kept());  // the steps changed it
  trainer.teach(other, test->labels[2]);
  REQUIRE(wait_for([&] { return trainer.progress()->teachings == 3; }));
  CHECK(trainer.progress()->last_teach->accuracy_before == now);
  CHECK_THROWS_AS(trainer.teach(image, 10), Error);
  const std::size_t kept = trainer.progress()->personal->size();
  for (int i = 0; i < 3; ++i) trainer.add_personal(image, label);
  REQUIRE(wait_for([&] { return trainer.progress()->personal->size() == kept + 3; }));
  trainer.clear_personal();
  REQUIRE(wait_for([&] { return trainer.progress()->personal->empty(); }));
  // Without a test set there is nothing to check a teaching with: it is refused.
  Trainer blind(small_config(), small_train(), nullptr);
  blind.teach(image, label);
  REQUIRE(wait_for([&] { return blind.progress()->teachings == 1; }));
  CHECK_FALSE(blind.progress()->last_teach->taught);
  CHECK(blind.progress()->personal->empty());
}

// Main-loop mode, a kept teaching in the middle of a batch: the pieces
// trained so far computed their gradients on the weights before the
// teaching, so they are dropped, not added to the taught weights. Then it
// makes no difference how far the batch had got: two trainers that were
// taught a few and a few dozen samples into it end up with the same weights.
TEST_CASE("a kept teaching drops the batch under way, whose gradients were of the old weights", "[trainer]") {
  const auto test = test::mnist("test");
  Image28 image{};
  image_to_unit(test->image(1), image.data());
  // Tiny slices until the batch under way has at least `samples` done. A
  // slice's budget doubles while it trains nothing (a slow build, under a
  // sanitizer say, spends microseconds before its first sample); progress is
  // published at 20 Hz and read through slices of no time, which train nothing.
  const auto train_into_batch = [](Trainer& trainer, int samples) {
    double budget_ms = 0.002;
    for (int done = 0; done < samples;) {
      trainer.run_slice(budget_ms);
      wait_for([&] {
        trainer.run_slice(0);
        return trainer.progress()->batch_samples_done > done;
      }, 60ms);
      if (trainer.progress()->batch_samples_done == done) budget_ms *= 2;
      done = trainer.progress()->batch_samples_done;
    }
  };
  const auto taught_after = [&](int samples) {
    TrainerConfig c = small_config();
    c.hyper.epochs = 1000;
    c.evaluate_each_epoch = false;
    Trainer trainer(c, small_train(), small_test(), /*threaded=*/false);
    trainer.step(40);
    for (int i = 0; i < 100000 && trainer.progress()->steps < 40; ++i) trainer.run_slice(50);
    trainer.step(1);
    train_into_batch(trainer, samples);
    REQUIRE(trainer.progress()->steps == 40);  // the batch is under way
    REQUIRE(trainer.progress()->batch_samples_done < c.hyper.batch_size);
    trainer.teach(image, test->labels[1]);
    trainer.run_slice(0);  // the teaching, nothing else
    REQUIRE(trainer.progress()->last_teach);
    INFO(trainer.progress()->last_teach->message);
    REQUIRE((trainer.progress()->last_teach->taught && !trainer.progress()->last_teach->restored));
    CHECK(trainer.progress()->batch_samples_done == 0);
    for (int i = 0; i < 100000 && trainer.progress()->steps < 41; ++i) trainer.run_slice(50);
    REQUIRE(trainer.progress()->steps == 41);
    return trainer.snapshot()->file.model.params;
  };
  const std::vector<float> early = taught_after(1), late = taught_after(24);
  REQUIRE(early.size() == late.size());
  double most = 0;
  for (std::size_t i = 0; i < early.size(); ++i) most = std::max(most, double(std::abs(early[i] - late[i])));
  INFO("largest difference of a weight: " << most);
  CHECK(most < 1e-6);
}

TEST_CASE("metric histories stay bounded over a long run", "[trainer]") {
  TrainerConfig c = endless_config();
  c.history_every = 64;  // one point per batch, so the bound is hit quickly
  c.evaluate_each_epoch = false;
  Trainer trainer(c, small_train(), nullptr);
  trainer.start();
  REQUIRE(wait_for([&] { return trainer.progress()->samples_seen > 64 * 3 * Trainer::kHistoryPoints; }, 60000ms));
  trainer.stop();
  const auto p = trainer.progress();
  CHECK(p->history.size() < Trainer::kHistoryPoints);
  CHECK(p->history.size() > Trainer::kHistoryPoints / 4);
  // Compaction keeps the whole run: the first point stays near the start.
  CHECK(p->history.front().epoch < 0.1 * p->history.back().epoch);
}

TEST_CASE("in main-loop mode an evaluation is spread over slices", "[trainer]") {
  const auto test_set = test::mnist("test");
  Trainer trainer(small_config(), small_train(), test_set, /*threaded=*/false);
  trainer.evaluate_now();
  std::vector<double> slice_ms;
  while (trainer.progress()->evals.empty() && slice_ms.size() < 100000) {
    const auto start = std::chrono::steady_clock::now();
    trainer.run_slice(1);
    slice_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  CHECK(slice_ms.size() > 5);  // pieces, not the 10,000 images at once
  // A slice keeps near its 1 ms budget: a piece is sized by the time a
  // sample took. A figure, with a bound ten times the budget on the median
  // (a busy machine stretches single slices, not the median).
  std::sort(slice_ms.begin(), slice_ms.end());
  const double median = slice_ms[slice_ms.size() / 2], p95 = slice_ms[slice_ms.size() * 95 / 100];
  WARN("evaluation in " << slice_ms.size() << " slices of 1 ms budget: median " << median << " ms, p95 " << p95
                        << " ms");
  CHECK(median < 10.0);
  const auto p = trainer.progress();
  REQUIRE(p->evals.size() == 1);
  // Pieced together, it is the same evaluation as in one go.
  const EvalResult whole = evaluate(trainer.snapshot()->file.model, *test_set);
  CHECK(p->last_eval->accuracy == Approx(whole.accuracy));
  CHECK(p->last_eval->confusion == whole.confusion);
  CHECK(p->last_eval->predicted == whole.predicted);
}

TEST_CASE("in main-loop mode a conv net's batch is trained in pieces, the same as in one go", "[trainer]") {
  TrainerConfig c = preset_trainer_config("cnn-small");
  c.hyper.augment.enabled = false;
  c.hyper.epochs = 1000;
  c.evaluate_each_epoch = false;
  Trainer sliced(c, small_train(), nullptr, /*threaded=*/false);
  sliced.step(3);
  int slices = 0;
  while (sliced.progress()->steps < 3 && slices < 100000) {
    sliced.run_slice(0.5);  // far less than a batch takes: every batch comes in pieces
    ++slices;
  }
  CHECK(slices > 6);
  REQUIRE(sliced.progress()->steps == 3);
  // The same three batches (the same seed, so the same samples) in slices
  // long enough for a batch at a time.
  Trainer roomy(c, small_train(), nullptr, /*threaded=*/false);
  roomy.step(3);
  for (int i = 0; i < 1000 && roomy.progress()->steps < 3; ++i) roomy.run_slice(10000);
  REQUIRE(roomy.progress()->steps == 3);
  const auto& a = sliced.snapshot()->file.model.params;
  const auto& b = roomy.snapshot()->file.model.params;
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); i += 13) REQUIRE(a[i] == Approx(b[i]).margin(1e-5));
}

// The browser e2e once had to press Resume after a NaN loss on the first
// batch of a main-loop run (the cnn preset, with its generated non-digits).
// Natively, over seeds and frame budgets from a tenth of a sample to several
// samples, every batch's loss must be finite and the run must not pause.
TEST_CASE("main-loop pieces of the cnn preset with non-digits give a finite loss from the first batch", "[trainer]") {
  TrainerConfig c = preset_trainer_config("cnn");
  REQUIRE(c.hyper.non_digits > 0);  // the case the browser hit
  c.hyper.epochs = 1000;
  c.evaluate_each_epoch = false;
  c.history_every = 64;  // a history point, and so a loss to read, after every batch
  for (std::uint64_t seed = 1; seed <= 12; ++seed)
    for (double budget_ms : {0.05, 0.7, 3.0}) {
      INFO("seed " << seed << ", slices of " << budget_ms << " ms");
      c.seed = seed;
      Trainer trainer(c, small_train(), nullptr, /*threaded=*/false);
      trainer.start();
      for (int i = 0; i < 200000 && trainer.progress()->steps < 3; ++i) {
        trainer.run_slice(budget_ms);
        const auto p = trainer.progress();
        INFO("diverged: " << p->diverged << " after " << p->steps << " steps, loss " << p->loss);
        REQUIRE(p->diverged.empty());
        REQUIRE(p->state == RunState::running);
      }
      const auto p = trainer.progress();
      REQUIRE(p->steps >= 3);
      REQUIRE(p->history.size() >= 3);
      CHECK(std::isfinite(p->loss));
      CHECK(p->loss > 0.5);  // a fresh net's loss, not a zero from an empty sum
      for (const MetricPoint& point : p->history) CHECK(std::isfinite(point.loss));
    }
}

TEST_CASE("a diverging run pauses, says why, and the best weights come back", "[trainer]") {
  TrainerConfig c = small_config();
  c.hyper.epochs = 1000;
  c.epoch_size = 1024;  // an evaluation every 16 batches
  c.hyper.optimizer.schedule = Schedule::constant;
  Trainer trainer(c, small_train(), small_test());
  trainer.start();
  REQUIRE(wait_for([&] { return trainer.progress()->evals.size() >= 3; }));
  const double best_before = trainer.progress()->best_accuracy;
  CHECK(best_before > 0.8);
  // Learning rate 10 throws the net out of its minimum within a few batches.
  Hyperparameters wild = c.hyper;
  wild.optimizer.lr = 10.0f;
  trainer.set_hyperparameters(wild);
  REQUIRE(wait_for([&] { return trainer.progress()->state == RunState::paused; }));
  const auto p = trainer.progress();
  CHECK((!p->diverged.empty() || p->message.find("not a number") != std::string::npos));
  CHECK(p->message.find("training diverged") != std::string::npos);
  CHECK(p->message.find("restore the best weights") != std::string::npos);
  trainer.restore_best();
  REQUIRE(wait_for([&] { return trainer.progress()->message.find("restored") != std::string::npos; }));
  const double restored = evaluate(trainer.snapshot()->file.model, *small_test()).accuracy;
  CHECK(restored == Approx(trainer.progress()->best_accuracy));
  CHECK(restored >= best_before);
  CHECK(trainer.progress()->state == RunState::paused);
  CHECK(trainer.progress()->diverged.empty());

  // With a sane rate again the run goes on, and is not paused at once.
  trainer.set_hyperparameters(c.hyper);
  const auto seen = trainer.progress()->samples_seen;
  trainer.resume();
  REQUIRE(wait_for([&] { return trainer.progress()->samples_seen > seen + 64 * 40; }));
  CHECK(trainer.progress()->state == RunState::running);
  CHECK(trainer.progress()->diverged.empty());
}

TEST_CASE("a saved run carries on where it was, with its curves", "[trainer]") {
  TrainerConfig c = small_config();
  c.hyper.epochs = 4;
  c.epoch_size = 1024;
  c.history_every = 128;
  Trainer first(c, small_train(), small_test());
  first.start();
  REQUIRE(wait_for([&] { return first.progress()->evals.size() >= 2; }));
  first.pause();
  REQUIRE(wait_for([&] { return first.progress()->state == RunState::paused; }));
  const auto saved = first.progress();
  const ModelFile weights = first.snapshot()->file;
  RunRecord run{RunState::running, saved->epoch, saved->history, saved->evals, saved->last_eval};

  Trainer second(c, small_train(), small_test());
  second.continue_run(weights, run);
  REQUIRE(wait_for([&] { return second.progress()->epoch > 0; }));
  auto p = second.progress();
  CHECK(p->state == RunState::paused);  // it was running: it waits for the user
  CHECK(p->epoch == Approx(saved->epoch).epsilon(0.01));
  CHECK(p->history.size() == saved->history.size());
  CHECK(p->evals.size() == saved->evals.size());
  REQUIRE(p->last_eval);
  CHECK(p->last_eval->accuracy == saved->last_eval->accuracy);
  CHECK(p->samples_seen == weights.meta.samples_seen);
  CHECK(second.snapshot()->file.model.params == weights.model.params);

  second.resume();
  REQUIRE(wait_for([&] { return second.progress()->state == RunState::finished; }));
  p = second.progress();
  CHECK(p->epoch == Approx(4.0));
  CHECK(p->history.size() > saved->history.size());  // the curve went on from the saved one
  CHECK(p->history.front().epoch == Approx(saved->history.front().epoch));
  CHECK(p->evals.size() == 4);  // two before the restart, two after
}

TEST_CASE("a net that answers at chance after it had learned is seen as diverged, though its loss is not high", "[trainer]") {
  MetricHistory history(64);
  const auto batch = [&](float loss, int correct) { history.add_batch(BatchStats{loss, correct, 64, 64}, 0.01, 0.0, 0.1f); };
  batch(2.3f, 7);
  batch(0.3f, 58);  // learned: 90% of a batch
  CHECK(history.divergence().empty());
  batch(2.29f, 6);  // every unit dead: the same answer for every image, loss just under chance
  CHECK(history.divergence().find("training accuracy fell to 9.4%") != std::string::npos);
  // Restored and resumed: the next point is made of the batches after that
  // alone, so ruinous batches not yet recorded do not pause the run again.
  MetricHistory resumed(128);
  resumed.add_batch(BatchStats{0.3f, 58, 64, 64}, 0.01, 0.0, 0.1f);
  resumed.add_batch(BatchStats{0.3f, 58, 64, 64}, 0.01, 0.0, 0.1f);  // a point at 90%
  resumed.add_batch(BatchStats{2.29f, 6, 64, 64}, 0.01, 0.0, 10.0f);  // half a point of the ruinous rate
  resumed.forget_divergence();
  resumed.add_batch(BatchStats{0.3f, 58, 64, 64}, 0.01, 0.0, 0.1f);
  resumed.add_batch(BatchStats{0.3f, 58, 64, 64}, 0.01, 0.0, 0.1f);
  CHECK(resumed.divergence().empty());
  CHECK(resumed.points().back().accuracy == Approx(58.0 / 64));
  // Before it had learned, chance is only the start.
  MetricHistory fresh(64);
  fresh.add_batch(BatchStats{2.3f, 6, 64, 64}, 0.01, 0.0, 0.1f);
  fresh.add_batch(BatchStats{2.3f, 5, 64, 64}, 0.01, 0.0, 0.1f);
  CHECK(fresh.divergence().empty());
}


// stop() and the destructor do not wait for a batch of a large net to end
// (seconds here, minutes for the largest nets a server accepts): the batch
// under way is dropped and counts for nothing. Were it not interrupted, the
// run would stop after it with one step done.
TEST_CASE("stop and the destructor cut a large net's batch short", "[trainer][interrupt]") {
  TrainerConfig c = endless_config();
  c.arch = parse_architecture("conv3x3x256,relu,conv3x3x256,relu,dense10");
  c.hyper.batch_size = 64;
  c.threads = 2;
  for (const bool by_destructor : {false, true}) {
    INFO((by_destructor ? "the destructor" : "stop()"));
    auto trainer = std::make_unique<Trainer>(c, small_train(), small_test());
    const auto fresh = trainer->snapshot()->file.model.params;
    trainer->start();
    REQUIRE(wait_for([&] { return trainer->progress()->state == RunState::running; }));
    std::this_thread::sleep_for(150ms);  // inside the first batch
    const auto start = std::chrono::steady_clock::now();
    if (by_destructor) {
      trainer.reset();
      WARN("the destructor returned after " << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s");
      continue;
    }
    trainer->stop();
    REQUIRE(wait_for([&] { return trainer->progress()->state == RunState::stopped; }));
    WARN("stopped after " << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s");
    CHECK(trainer->progress()->steps == 0);
    CHECK(trainer->progress()->samples_seen == 0);
    CHECK(trainer->snapshot()->file.model.params == fresh);
    // Stopped and cleared, it trains again.
    trainer->step(1);
    REQUIRE(wait_for([&] { return trainer->progress()->steps == 1; }, 60000ms));
  }
}
