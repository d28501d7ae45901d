// The weights as they were before each change the person made to them (a
// run, a kept teaching, a pull, a load, a reset, a new net, a restore),
// newest last, so that every change can be undone (issue 24: one drag of
// the learning rate ruined a pulled net and only "Pull latest" brought it
// back; a kept teaching of a letter as 4 could not be taken back). Bounded:
// the oldest goes first. No window here: unit-tested.
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "digitlab/io/weights.h"
#include "digitlab/train/teach.h"

namespace digitlab::gui {

// Which server version weights are (their fingerprint), so an undo also
// brings back "v5, unchanged" rather than "changed since" a later pull.
struct ServerMark {
  std::string model;
  std::optional<std::uint64_t> version;
  std::uint64_t fingerprint = 0;
};

struct WeightsBefore {
  std::string change;          // what replaced them, as "Undo: <change>" names it
  bool teaching = false;       // the change was a kept teaching (undone beside its report too)
  ModelFile weights;
  double test_accuracy = -1;   // theirs when known (< 0: not known)
  ServerMark server;
  // The personal set then, when the change added to it (a kept teaching);
  // null when the change left it alone.
  std::shared_ptr<const std::vector<LabelledDrawing>> personal;
  std::size_t pad_strokes = 0;  // strokes on the pad then: Ctrl+Z takes newer strokes back first
};

class WeightHistory {
 public:
  static constexpr std::size_t kKept = 8;

  void push(WeightsBefore before);
  std::optional<WeightsBefore> pop();  // the newest; nothing when empty
  const WeightsBefore* newest() const { return entries_.empty() ? nullptr : &entries_.back(); }
  const std::deque<WeightsBefore>& entries() const { return entries_; }
  // The pad was emptied: no stroke on it is newer than any change.
  void pad_cleared();
  // Steps kept from before a restart go before this run's own (the oldest
  // go first when there are more than kKept).
  void add_older(std::vector<WeightsBefore> older);
  // Changes with every push, pop and add_older: the kept copy is written then.
  std::uint64_t revision() const { return revision_; }

 private:
  void trim();

  std::deque<WeightsBefore> entries_;
  std::uint64_t revision_ = 0;
};

// The history as the app keeps it between starts (platform/storage.h, name
// "weight-history"): "DLU1", the JSON header's length (4 bytes,
// little-endian), the header (each step's change, accuracy, server version
// and the sizes of its parts), then each step's weights in core's binary
// format and its personal set (encode_personal_set). Where strokes on the
// pad stood is not kept. Decoding checks everything and throws Error.
std::vector<std::uint8_t> encode_weight_history(const WeightHistory& history);
std::vector<WeightsBefore> decode_weight_history(const std::uint8_t* data, std::size_t size);

// Ctrl+Z takes back the newest thing done: the pad's last stroke when it
// was drawn after the newest change of the weights, else that change.
enum class UndoTarget { nothing, stroke, weights };
UndoTarget undo_target(std::size_t pad_strokes, const WeightHistory& history);

}  // namespace digitlab::gui
