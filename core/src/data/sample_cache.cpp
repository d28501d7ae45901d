#include <cstring>

#include "digitlab/data/sample_cache.h"
#include "util/rng.h"

namespace digitlab {

SampleCache::SampleCache(std::size_t capacity_samples) : capacity_(capacity_samples) {
  if (capacity_ == 0) throw Error("sample cache capacity must be positive");
  ring_.images.assign(capacity_ * kImagePixels, 0);
  ring_.labels.assign(capacity_, 0);
}

void SampleCache::add(const Dataset& block) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (std::size_t i = 0; i < block.size(); ++i) {
    std::size_t slot;
    if (size_ < capacity_) {
      slot = size_++;
    } else {  // full: overwrite the oldest sample
      slot = next_;
      next_ = (next_ + 1) % capacity_;
    }
    std::memcpy(&ring_.images[slot * kImagePixels], block.image(i), kImagePixels);
    ring_.labels[slot] = block.labels[i];
  }
  added_ += block.size();
}

std::size_t SampleCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return size_;
}

std::uint64_t SampleCache::samples_added() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return added_;
}

bool SampleCache::draw(std::size_t n, std::uint64_t& rng, std::uint8_t* images, std::uint8_t* labels) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (size_ == 0) return false;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t slot = random_below(rng, size_);
    std::memcpy(images + i * kImagePixels, &ring_.images[slot * kImagePixels], kImagePixels);
    labels[i] = ring_.labels[slot];
  }
  return true;
}

}  // namespace digitlab
