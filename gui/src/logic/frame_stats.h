// Frame-time statistics over the last frames: the app measures itself so the
// "smooth while training" promise is checked, not assumed.
#pragma once
#include <cstddef>
#include <vector>

namespace digitlab::gui {

struct FrameSummary {
  std::size_t count = 0;  // frames in the window
  double p50_ms = 0;
  double p95_ms = 0;
  double max_ms = 0;
};

class FrameStats {
 public:
  explicit FrameStats(std::size_t window = 600) : samples_(window, 0.0) {}
  void add(double ms);
  FrameSummary summary() const;  // percentiles of the last window() frames
  std::size_t window() const { return samples_.size(); }

 private:
  std::vector<double> samples_;  // ring buffer: bounded however long the session runs
  std::size_t next_ = 0;
  std::size_t count_ = 0;
};

}  // namespace digitlab::gui
