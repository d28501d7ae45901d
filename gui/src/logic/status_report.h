// The app's state as JSON for automation: the web build returns it from
// digitlab_state_json() and the desktop build writes it for --autotest. The
// report is a plain struct the app fills each frame, so the JSON is testable
// without a window or a trainer.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "logic/frame_stats.h"
#include "logic/layout.h"

namespace digitlab::gui {

struct StatusReport {
  // What the pad shows.
  std::optional<int> prediction;          // none for an empty pad or a drawing too small to read
  std::string pad_message;                // why there is none: "nothing drawn", "draw it bigger"
  std::array<float, 10> probabilities{};  // meaningful only with a prediction
  Rect pad_rect;                          // CSS / window pixels
  std::map<std::string, Rect> buttons;    // clickable buttons on screen now, by name

  // The model in use.
  std::string model_name;
  std::optional<std::uint64_t> server_version;  // version pulled or pushed last
  std::uint64_t local_version = 0;              // grows with every weights change
  bool trained = false;

  // Training.
  std::string train_state = "idle";
  bool threaded = true;
  bool cross_origin_isolated = false;
  double epoch = 0;
  int total_epochs = 0;
  std::uint64_t steps = 0;
  std::uint64_t samples_seen = 0;
  float loss = 0;
  float accuracy = 0;
  std::optional<double> test_accuracy;  // last evaluation
  float samples_per_s = 0;
  double eta_s = 0;
  bool starved = false;

  // Data.
  std::string data_source;  // "local: DIR" or "server: URL"
  std::size_t cache_size = 0;
  std::size_t cache_capacity = 0;
  std::size_t test_samples = 0;

  // Server.
  bool server_enabled = false;
  bool server_reachable = false;
  std::string server_error;
  bool version_conflict = false;
  std::string job_state;  // server training job, empty when none

  FrameSummary frame;       // frame-to-frame interval
  FrameSummary frame_training;  // the same over the last frames while training ran
  FrameSummary frame_work;  // time the app spent inside a frame
  std::uint64_t frames_drawn = 0;  // frames rendered (unchanged ones are skipped)
  std::vector<std::string> messages;  // the latest few
};

std::string status_json(const StatusReport& report);

}  // namespace digitlab::gui
