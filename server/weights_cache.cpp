#include "weights_cache.h"

namespace digitlab::server {

WeightsCache::Body WeightsCache::get(const std::string& model, std::int64_t version, WeightsFormat format,
                                     const std::function<Body()>& make) {
  // Model names never contain '/', so the key is unambiguous.
  const std::string key = model + "/" + std::to_string(version) + "/" + format_name(format);
  std::promise<Body> promise;
  std::shared_future<Body> pending;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto hit = index_.find(key);
    if (hit != index_.end()) {
      lru_.splice(lru_.begin(), lru_, hit->second);
      return hit->second->body;
    }
    const auto loading = loading_.find(key);
    if (loading != loading_.end()) {
      pending = loading->second;
    } else {
      loading_.emplace(key, promise.get_future().share());
    }
  }
  if (pending.valid()) return pending.get();  // another request is loading it
  Body body;
  try {
    body = make();
  } catch (...) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      loading_.erase(key);
    }
    promise.set_exception(std::current_exception());
    throw;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    loading_.erase(key);
    if (body) insert(key, body);
  }
  promise.set_value(body);
  return body;
}

void WeightsCache::insert(const std::string& key, const Body& body) {
  if (body->size() > capacity_) return;
  lru_.push_front(Entry{key, body});
  index_[key] = lru_.begin();
  bytes_ += body->size();
  while (bytes_ > capacity_) {
    bytes_ -= lru_.back().body->size();
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

}  // namespace digitlab::server
