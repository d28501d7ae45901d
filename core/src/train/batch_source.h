// Where a trainer's minibatches come from: an in-memory data set read in a
// shuffled order that is reshuffled every epoch, or a sample cache a client
// keeps filled, drawn at random; augmentation when it is on; a share of
// generated non-digits (non_digits.h) rendered through core's stroke path,
// with the uniform target (outlier exposure), and as many digits redrawn
// through that path; one drawing of the user's
// personal set in every batch. All randomness comes from one seeded
// generator, so a run is reproducible.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "digitlab/data/augment.h"
#include "digitlab/data/sample_cache.h"
#include "digitlab/train/settings.h"
#include "digitlab/train/teach.h"

namespace digitlab {

class BatchSource {
 public:
  static constexpr std::size_t kMaxPersonal = 256;

  // One of train / cache is set.
  BatchSource(std::shared_ptr<const Dataset> train, std::shared_ptr<SampleCache> cache);
  // Starts over as at the beginning of a run: generator and order from the seed.
  void restart(std::uint64_t seed);
  // pixels [n, 784] in [0, 1] and labels [n] (kUniformTarget for a
  // non-digit); false when the cache is empty.
  bool fill(int n, const Hyperparameters& hyper, float* pixels, std::uint8_t* labels);
  // One generated non-digit through the stroke path into pixels [784]
  // (digits for "several digits" come from the training data).
  void non_digit(float* pixels);
  // A digit's pixels [784] redrawn in place through the stroke path (its
  // centre lines with the MNIST pen), as a non-digit is drawn.
  void redraw(float* pixels);
  // Samples an epoch has: the data set's size, or 0 for a cache.
  std::size_t dataset_size() const { return train_ ? train_->size() : 0; }

  // The user's personal set, oldest first: this source is its one owner,
  // and hands out immutable copies (a trainer publishes them).
  void add_personal(const Image28& image, int label);  // drops the oldest beyond kMaxPersonal
  void clear_personal();
  const std::shared_ptr<const std::vector<LabelledDrawing>>& personal() const { return personal_; }

 private:
  void shuffle();
  std::vector<Stroke> random_digit_lines();
  void take(const std::uint8_t* image, std::uint8_t label, const AugmentConfig& augment, float* pixels,
            std::uint8_t* labels, int i);

  std::shared_ptr<const Dataset> train_;
  std::shared_ptr<SampleCache> cache_;
  std::uint64_t rng_ = 0;
  std::vector<std::uint32_t> order_;  // shuffled sample order of the in-memory set
  std::size_t cursor_ = 0;
  std::vector<std::uint8_t> drawn_images_, drawn_labels_;  // scratch for cache draws
  std::shared_ptr<const std::vector<LabelledDrawing>> personal_ = std::make_shared<std::vector<LabelledDrawing>>();
  std::size_t personal_cursor_ = 0;
};

}  // namespace digitlab
