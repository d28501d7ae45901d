#include "logic/frame_stats.h"

#include <algorithm>
#include <cmath>

namespace digitlab::gui {

void FrameStats::add(double ms) {
  samples_[next_] = ms;
  next_ = (next_ + 1) % samples_.size();
  count_ = std::min(count_ + 1, samples_.size());
}

FrameSummary FrameStats::summary() const {
  FrameSummary s;
  s.count = count_;
  if (count_ == 0) return s;
  std::vector<double> sorted(samples_.begin(), samples_.begin() + static_cast<long>(count_));
  std::sort(sorted.begin(), sorted.end());
  // Nearest-rank percentiles.
  const auto rank = [&](double p) {
    const auto k = static_cast<std::size_t>(std::ceil(p * static_cast<double>(count_)));
    return sorted[std::clamp<std::size_t>(k, 1, count_) - 1];
  };
  s.p50_ms = rank(0.50);
  s.p95_ms = rank(0.95);
  s.max_ms = sorted.back();
  return s;
}

}  // namespace digitlab::gui
