#include "app/data_feed.h"

#include <algorithm>
#include <cmath>

#include "app/server_sync.h"

namespace digitlab::gui {
namespace {

// Each cached sample is trained on about this many times before a fresh one
// replaces it. Fresher data would need more fetching: at 60,000 samples/s,
// 8 means about 7 blocks (6 MB) a second, all decoded on the page's main
// thread and drawn by a server that may share the machine.
constexpr std::uint64_t kReusePerSample = 8;

HttpRequest block_request(std::string path) {
  HttpRequest request;
  request.path = std::move(path);
  request.headers = {{"Accept", "application/octet-stream"}};
  return request;
}

void count_trained_samples(AppState& app) {
  const std::uint64_t seen = app.progress ? app.progress->samples_seen : 0;
  // samples_seen restarts when weights are reset or loaded.
  if (seen >= app.data.last_samples_seen) app.data.samples_trained += seen - app.data.last_samples_seen;
  app.data.last_samples_seen = seen;
}

bool cache_wants_more(const AppState& app) {
  const DataState& d = app.data;
  const std::uint64_t coming = d.cache->samples_added() + std::uint64_t(d.train_blocks_in_flight) * kBlockSamples;
  return coming < d.cache->capacity() + d.samples_trained / kReusePerSample;
}

void request_train_block(AppState& app) {
  DataState& d = app.data;
  ++d.train_blocks_in_flight;
  const std::uint64_t seed = d.next_block_seed++;
  app.http->send(block_request(random_samples_path(d.dataset, "train", kBlockSamples, seed)),
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
  const std::size_t count = std::min(kBlockSamples, d.test_size - offset);
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
      }
    } catch (const std::exception& e) {
      app.log.add(std::string("bad test block: ") + e.what());
    }
  });
}

}  // namespace

void feed_data(AppState& app) {
  DataState& d = app.data;
  count_trained_samples(app);
  if (!d.info_loaded || now_seconds() < d.retry_at) return;
  while (d.train_blocks_in_flight < kTrainBlocksInFlight && cache_wants_more(app)) request_train_block(app);
  const bool test_complete = d.test && d.test->size() > 0;
  if (!test_complete && !d.test_block_in_flight) request_test_block(app);
}

}  // namespace digitlab::gui
