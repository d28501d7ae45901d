#include "rendered_weights_cache.h"

namespace digitlab::server {

RenderedWeightsCache::Body RenderedWeightsCache::get(const std::string& model, std::int64_t version,
                                                     WeightsFormat format, const std::function<Body()>& render) {
  // Model names never contain '/', so the key is unambiguous.
  const std::string key = model + "/" + std::to_string(version) + (format == WeightsFormat::json ? "/json" : "/bin");
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto hit = index_.find(key);
    if (hit != index_.end()) {
      lru_.splice(lru_.begin(), lru_, hit->second);
      return hit->second->body;
    }
  }
  Body body = render();
  if (body) insert(key, body);
  return body;
}

void RenderedWeightsCache::insert(const std::string& key, const Body& body) {
  if (body->size() > capacity_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (index_.count(key)) return;  // another thread rendered it meanwhile
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
