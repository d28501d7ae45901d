#include "app/data_feed.h"

#include <algorithm>

#include "app/server_sync.h"

namespace digitlab::gui {
namespace {

HttpRequest block_request(std::string path) {
  HttpRequest request;
  request.path = std::move(path);
  request.headers = {{"Accept", "application/octet-stream"}};
  return request;
}

bool test_complete(const AppState& app) { return app.data.test && app.data.test->size() > 0; }

// Teaching checks a drawing on the test set's first digits and mixes
// replayed training samples into its batches (core's teach.h).
bool teach_data_ready(const AppState& app) {
  const DataState& d = app.data;
  return test_complete(app) && d.cache->size() >= std::min(d.plan.teach_samples, d.cache->capacity());
}

void request_train_block(AppState& app) {
  DataState& d = app.data;
  ++d.train_blocks_in_flight;
  const std::uint64_t seed = d.next_block_seed++;
  app.http->send(block_request(random_samples_path(d.dataset, "train", d.plan.block_samples, seed)),
                 [&app](const HttpResponse& response) {
                   DataState& d = app.data;
                   --d.train_blocks_in_flight;
                   if (!response.ok()) return note_server_error(app, "training data", response);
                   try {
                     const SampleBlock block = decode_sample_block(
                         reinterpret_cast<const std::uint8_t*>(response.body.data()), response.body.size());
                     d.cache->add(block.samples);
                     note_server_ok(app);
                   } catch (const std::exception& e) {
                     app.log.add(std::string("bad training block: ") + e.what());
                   }
                 });
}

void request_test_block(AppState& app) {
  DataState& d = app.data;
  const std::size_t offset = d.test_loading.size();
  const std::size_t count = std::min(d.plan.block_samples, d.test_size - offset);
  d.test_block_in_flight = true;
  app.http->send(block_request(samples_path(d.dataset, "test", offset, count)), [&app, offset](const HttpResponse& response) {
    DataState& d = app.data;
    d.test_block_in_flight = false;
    if (!response.ok()) return note_server_error(app, "test data", response);
    try {
      const SampleBlock block =
          decode_sample_block(reinterpret_cast<const std::uint8_t*>(response.body.data()), response.body.size());
      if (d.test_loading.size() != offset) return;  // a stale answer
      const Dataset& s = block.samples;
      d.test_loading.images.insert(d.test_loading.images.end(), s.images.begin(), s.images.end());
      d.test_loading.labels.insert(d.test_loading.labels.end(), s.labels.begin(), s.labels.end());
      note_server_ok(app);
      if (d.test_loading.size() >= d.test_size || s.size() == 0) {
        d.test = std::make_shared<const Dataset>(std::move(d.test_loading));
        d.test_loading = Dataset{};
        d.test_size = d.test->size();
        app.trainer->set_test_set(d.test);
        app.log.add("test set loaded: " + std::to_string(d.test->size()) + " samples");
        if (d.evaluate_when_loaded) app.trainer->evaluate_now();
        d.evaluate_when_loaded = false;
      }
    } catch (const std::exception& e) {
      app.log.add(std::string("bad test block: ") + e.what());
    }
  });
}

// The gallery's digits: one small block at start, so the first screen shows
// real test digits without the whole split.
void request_gallery(AppState& app) {
  DataState& d = app.data;
  d.gallery_requested = true;
  app.http->send(block_request(samples_path(d.dataset, "test", 0, kGallerySamples)), [&app](const HttpResponse& response) {
    if (!response.ok()) {
      app.data.gallery_requested = false;  // asked again after the backoff
      return note_server_error(app, "test digits", response);
    }
    try {
      app.data.gallery = decode_sample_block(reinterpret_cast<const std::uint8_t*>(response.body.data()),
                                             response.body.size()).samples;
      note_server_ok(app);
    } catch (const std::exception& e) {
      app.log.add(std::string("bad test block: ") + e.what());
    }
  });
}

}  // namespace

void feed_data(AppState& app) {
  DataState& d = app.data;
  if (app.progress) {
    const TrainerProgress& p = *app.progress;
    if (p.state == RunState::running) d.fed.training_started = d.test_wanted = true;
    count_training(d.fed, p.steps, p.epoch, d.train_size);
  }
  if (d.teach_when_loaded && teach_data_ready(app)) {
    app.trainer->teach(d.teach_when_loaded->image, d.teach_when_loaded->label);
    d.teach_when_loaded.reset();
  }
  if (!d.info_loaded || now_seconds() < d.retry_at) return;
  if (!d.gallery_requested && d.gallery.size() == 0) request_gallery(app);
  for (int n = train_blocks_to_request(d.plan, d.fed, d.cache->samples_added(), d.train_blocks_in_flight); n > 0; --n)
    request_train_block(app);
  if (d.test_wanted && !test_complete(app) && !d.test_block_in_flight) request_test_block(app);
}

void evaluate_when_ready(AppState& app) {
  if (test_complete(app)) return app.trainer->evaluate_now();
  app.data.test_wanted = true;
  app.data.evaluate_when_loaded = true;
}

void teach_when_ready(AppState& app, const Image28& image, int label) {
  if (!app.http || teach_data_ready(app)) return app.trainer->teach(image, label);
  app.data.fed.teaching_asked = app.data.test_wanted = true;
  app.data.teach_when_loaded = LabelledDrawing{image, label};
}

bool teach_waiting(const AppState& app) { return app.data.teach_when_loaded.has_value(); }

void cancel_teach_wait(AppState& app) {
  app.data.teach_when_loaded.reset();
  app.pad.teach_asked = app.progress ? app.progress->teachings : 0;
  app.log.add("teaching cancelled: the digits it is checked with did not arrive");
}

const Dataset* gallery_digits(const AppState& app) {
  if (test_complete(app)) return app.data.test.get();
  return app.data.gallery.size() > 0 ? &app.data.gallery : nullptr;
}

}  // namespace digitlab::gui
