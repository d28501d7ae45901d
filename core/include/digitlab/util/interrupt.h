// A request from another thread to abandon the computation under way. One
// batch of a large net can take many seconds (a conv11x11x256 over 256
// channels is 12 GFLOP per image), and a cancelled job or a server shutting
// down must not wait for its end: the net polls the flag between layers and
// between the blocks of its products (a few per millisecond of work) and
// throws Interrupted. Nothing is half-updated: an interrupted batch has not
// reached its optimizer step.
#pragma once
#include <atomic>

#include "digitlab/util/common.h"

namespace digitlab {

class Interrupted : public Error {
 public:
  Interrupted() : Error("interrupted") {}
};

class Interrupt {
 public:
  void request() { requested_.store(true, std::memory_order_relaxed); }
  void clear() { requested_.store(false, std::memory_order_relaxed); }
  bool requested() const { return requested_.load(std::memory_order_relaxed); }
  // Throws Interrupted once requested (a null Interrupt never is).
  static void poll(const Interrupt* interrupt) {
    if (interrupt && interrupt->requested()) throw Interrupted();
  }

 private:
  std::atomic<bool> requested_{false};
};

}  // namespace digitlab
