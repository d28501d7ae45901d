#include "train/batch_source.h"

#include <algorithm>
#include <cmath>

#include "nn/loss.h"
#include "drawing/non_digits.h"
#include "util/rng.h"

namespace digitlab {

BatchSource::BatchSource(std::shared_ptr<const Dataset> train, std::shared_ptr<SampleCache> cache)
    : train_(std::move(train)), cache_(std::move(cache)) {
  if (train_ && train_->size() == 0) throw Error("trainer: the training set is empty");
  restart(1);
}

void BatchSource::restart(std::uint64_t seed) {
  rng_ = seed ^ 0x5DEECE66Dull;
  if (!train_) return;
  order_.resize(train_->size());
  for (std::size_t i = 0; i < order_.size(); ++i) order_[i] = static_cast<std::uint32_t>(i);
  shuffle();
}

void BatchSource::shuffle() {  // Fisher-Yates with the source's own generator
  for (std::size_t i = order_.size(); i > 1; --i) std::swap(order_[i - 1], order_[random_below(rng_, i)]);
  cursor_ = 0;
}

void BatchSource::take(const std::uint8_t* image, std::uint8_t label, const AugmentConfig& augment, float* pixels,
                       std::uint8_t* labels, int i) {
  float* out = pixels + static_cast<std::size_t>(i) * kImagePixels;
  if (augment.enabled) augment_image(image, out, augment, rng_);
  else image_to_unit(image, out);
  labels[i] = label;
}

bool BatchSource::fill(int n, const Hyperparameters& hyper, float* pixels, std::uint8_t* labels) {
  // How many non-digits: the share of n, the fraction rounded at random so
  // small batches get their share on average. No share draws no number, so
  // a run without non-digits sees the same samples as before they existed.
  const float expected = hyper.non_digits * static_cast<float>(n);
  const int strange = expected > 0 ? std::min(n, static_cast<int>(expected + random_unit(rng_))) : 0;
  const int samples = n - strange;
  if (train_) {
    for (int i = 0; i < samples; ++i) {
      if (cursor_ == order_.size()) shuffle();
      const std::uint32_t idx = order_[cursor_++];
      take(train_->image(idx), train_->labels[idx], hyper.augment, pixels, labels, i);
    }
  } else {
    const int drawn = std::max(samples, 1);  // several-digit non-digits draw from these
    drawn_images_.resize(static_cast<std::size_t>(drawn) * kImagePixels);  // the cache copies under its lock
    drawn_labels_.resize(drawn);
    if (!cache_->draw(drawn, rng_, drawn_images_.data(), drawn_labels_.data())) return false;
    for (int i = 0; i < samples; ++i)
      take(&drawn_images_[static_cast<std::size_t>(i) * kImagePixels], drawn_labels_[i], hyper.augment, pixels, labels, i);
  }
  for (int i = samples; i < n; ++i) {
    non_digit(pixels + static_cast<std::size_t>(i) * kImagePixels);
    labels[i] = kUniformTarget;
  }
  // As many digits are redrawn through the same stroke path, so the net
  // cannot tell a non-digit by its pen: only by its shape.
  for (int i = 0; i < std::min(strange, samples); ++i) redraw(pixels + static_cast<std::size_t>(i) * kImagePixels);
  if (!personal_->empty()) {  // one personal drawing per batch teaches the user's hand
    const LabelledDrawing& d = (*personal_)[personal_cursor_++ % personal_->size()];
    std::uint8_t image[kImagePixels];
    image_to_bytes(d.image.data(), image);
    take(image, static_cast<std::uint8_t>(d.label), hyper.augment, pixels, labels, 0);
  }
  return true;
}

std::vector<Stroke> BatchSource::random_digit_lines() {
  const std::uint8_t* image = train_ ? train_->image(random_below(rng_, train_->size()))
                                     : &drawn_images_[random_below(rng_, drawn_labels_.size()) * kImagePixels];
  float gray[kImagePixels];
  image_to_unit(image, gray);
  return ink_centre_lines(gray, kImageSide, kImageSide);
}

void BatchSource::redraw(float* pixels) {
  const NetInput input = preprocess_strokes(ink_centre_lines(pixels, kImageSide, kImageSide));
  if (input.ready()) std::copy(input.image.begin(), input.image.end(), pixels);
}

void BatchSource::non_digit(float* pixels) {
  // Some drawings come out too small to read (a few close dots): draw another.
  for (;;) {
    const NonDigitKind kind = random_non_digit_kind(rng_);
    const NetInput input = preprocess_strokes(make_non_digit(kind, rng_, [this] { return random_digit_lines(); }));
    if (!input.ready()) continue;
    std::copy(input.image.begin(), input.image.end(), pixels);
    return;
  }
}

void BatchSource::add_personal(const Image28& image, int label) {
  auto drawings = std::make_shared<std::vector<LabelledDrawing>>(*personal_);
  if (drawings->size() >= kMaxPersonal) drawings->erase(drawings->begin());  // drop the oldest
  drawings->push_back({image, label});
  personal_ = std::move(drawings);
}

void BatchSource::clear_personal() {
  personal_ = std::make_shared<std::vector<LabelledDrawing>>();
  personal_cursor_ = 0;
}

}  // namespace digitlab
