// A cache of training samples that a client keeps filled (the browser fetches
// blocks from the server), for a Trainer to draw its batches from.
#pragma once
#include <cstddef>
#include <cstdint>
#include <mutex>

#include "digitlab/data/dataset.h"

namespace digitlab {

// Training draws random minibatches from what is
// there, so it never starves once the cache holds anything; new blocks
// replace the oldest ones.
class SampleCache {
 public:
  explicit SampleCache(std::size_t capacity_samples);
  void add(const Dataset& block);          // any thread
  std::size_t size() const;                // samples held
  std::size_t capacity() const { return capacity_; }
  std::uint64_t samples_added() const;
  // Copies n random samples; false when the cache is empty.
  bool draw(std::size_t n, std::uint64_t& rng, std::uint8_t* images, std::uint8_t* labels) const;

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  Dataset ring_;            // [capacity] slots, filled up to size_
  std::size_t size_ = 0;
  std::size_t next_ = 0;    // slot the next sample overwrites once full
  std::uint64_t added_ = 0;
};

}  // namespace digitlab
