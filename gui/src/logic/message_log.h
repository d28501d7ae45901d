// The latest notices and errors, shown in the status bar and the state JSON.
// Bounded: old lines fall off.
#pragma once
#include <cstddef>
#include <deque>
#include <string>
#include <vector>

namespace digitlab::gui {

class MessageLog {
 public:
  static constexpr std::size_t kMaxLines = 40;
  void add(std::string line) {
    if (!lines_.empty() && lines_.back() == line) return;  // a repeating error is one line
    lines_.push_back(std::move(line));
    if (lines_.size() > kMaxLines) lines_.pop_front();
  }
  const std::deque<std::string>& lines() const { return lines_; }
  std::vector<std::string> latest(std::size_t n) const {
    const std::size_t from = lines_.size() > n ? lines_.size() - n : 0;
    return {lines_.begin() + static_cast<long>(from), lines_.end()};
  }

 private:
  std::deque<std::string> lines_;
};

}  // namespace digitlab::gui
