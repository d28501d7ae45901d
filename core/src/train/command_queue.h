// Commands to the training loop from any thread: queued without waiting for
// a batch, run by the loop between batches, in order.
#pragma once
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

namespace digitlab {

class CommandQueue {
 public:
  void post(std::function<void()> command) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.push_back(std::move(command));
    }
    wake_.notify_all();
  }
  // Runs every command queued so far; false when there were none.
  bool run_all() {
    std::deque<std::function<void()>> pending;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      pending.swap(queue_);
    }
    for (auto& command : pending) command();
    return !pending.empty();
  }
  // Waits up to `wait` for a command or quit(); true once quit() was called.
  bool wait(std::chrono::milliseconds wait) {
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait_for(lock, wait, [this] { return quit_ || !queue_.empty(); });
    return quit_;
  }
  bool quitting() {
    std::lock_guard<std::mutex> lock(mutex_);
    return quit_;
  }
  void quit() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      quit_ = true;
    }
    wake_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool quit_ = false;
};

}  // namespace digitlab
