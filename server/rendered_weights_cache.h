// Stored versions never change, so a version rendered once (JSON is costly:
// ~100k floats printed) can be served again from memory. LRU, bounded by bytes.
#pragma once
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "weights_payload.h"

namespace digitlab::server {

class RenderedWeightsCache {
 public:
  using Body = std::shared_ptr<const std::string>;
  explicit RenderedWeightsCache(std::size_t capacity_bytes) : capacity_(capacity_bytes) {}

  // The cached body, or render() (outside the lock) and remember it.
  // render returns nullptr when the version does not exist.
  Body get(const std::string& model, std::int64_t version, WeightsFormat format,
           const std::function<Body()>& render);

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
};

}  // namespace digitlab::server
