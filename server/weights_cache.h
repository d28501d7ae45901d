// Stored versions never change, so the bytes served for one can be shared by
// every request: the canonical (binary) body is loaded once into memory and
// served from that one copy however many GETs run, and the JSON of versions
// small enough is kept rendered (JSON is costly: ~100k floats printed for the
// default net). LRU, bounded by bytes; concurrent requests for a version not
// yet in memory wait for one load instead of each loading their own.
#pragma once
#include <cstdint>
#include <functional>
#include <future>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "weights_payload.h"

namespace digitlab::server {

class WeightsCache {
 public:
  using Body = std::shared_ptr<const std::string>;
  explicit WeightsCache(std::size_t capacity_bytes) : capacity_(capacity_bytes) {}

  // The cached body, or make() (outside the lock, once for all concurrent
  // callers of the same key) and remember it if it fits. make returns
  // nullptr when the version does not exist; its exceptions reach every
  // caller waiting for it.
  Body get(const std::string& model, std::int64_t version, WeightsFormat format, const std::function<Body()>& make);

 private:
  struct Entry {
    std::string key;
    Body body;
  };
  void insert(const std::string& key, const Body& body);

  const std::size_t capacity_;
  std::size_t bytes_ = 0;
  std::mutex mutex_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  std::map<std::string, std::shared_future<Body>> loading_;
};

}  // namespace digitlab::server
