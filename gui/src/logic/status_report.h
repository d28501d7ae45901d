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

#include "digitlab/train/teach.h"
#include "logic/frame_stats.h"
#include "logic/layout.h"

namespace digitlab::gui {

struct StatusReport {
  // What the pad shows.
  std::optional<int> prediction;          // the top guess; none for an empty pad or a drawing too small to read
  std::string pad_message;                // why there is none: "nothing drawn", "draw it bigger"
  std::array<float, 10> probabilities{};  // meaningful only with a prediction
  float confidence = 0;                   // the top guess's probability, with a prediction
  bool unsure = true;                     // the pad gives no answer: "not sure", or nothing to read
  Rect pad_rect;                          // CSS / window pixels
  int pad_points = 0;                     // points of every stroke on the pad: what the pointer's samples became
  std::map<std::string, Rect> buttons;    // clickable buttons on screen now, by name

  // The layout: each panel's place, or the tab it is behind.
  struct PanelPlace {
    Rect rect;            // empty when behind a tab not chosen
    bool tabbed = false;  // reached through the tab buttons["tab_page_NAME"]
    float scroll_y = 0;   // how far its content is scrolled
  };
  std::map<std::string, PanelPlace> panels;  // by panel_name(), plus "title", "tabs", "status"
  std::string layout_mode;
  float viewport_w = 0, viewport_h = 0;
  bool touch = false;

  // The model in use.
  std::string model_name;
  std::optional<std::uint64_t> server_version;  // version pulled or pushed last
  std::uint64_t local_version = 0;              // grows with every weights change
  bool trained = false;
  bool changed_since_server = false;            // trained or taught since server_version
  std::optional<double> recorded_test_accuracy; // the loaded file's own, until we evaluate

  // Training: the settings as the user set them (core's names and texts,
  // hyperparameters.h), then the run.
  std::map<std::string, std::string> settings;
  std::string train_state = "idle";
  bool threaded = true;
  bool cross_origin_isolated = false;
  double epoch = 0;
  int total_epochs = 0;
  std::uint64_t steps = 0;
  std::uint64_t samples_seen = 0;
  float loss = 0;
  float accuracy = 0;
  std::optional<double> test_accuracy;  // last evaluation (also at the top level of the JSON)
  std::string diverged;                 // why the trainer paused the run, or empty
  std::optional<double> best_accuracy;  // of this run, what restore_best brings back
  std::size_t history_points = 0;
  std::size_t evaluations = 0;
  bool evaluating = false;  // an evaluation is under way
  std::string trainer_message;
  float samples_per_s = 0;
  double eta_s = 0;
  bool starved = false;

  // Teaching: the last "Train on it" (core's report) and the personal set.
  std::optional<digitlab::TeachReport> teach;
  std::uint64_t teachings = 0;
  int teach_label = 0;  // the true label "Train on it" will teach
  bool teach_pending = false;  // "Train on it" pressed, its report not in yet
  bool teach_waiting = false;  // of those, waiting for the data teaching needs
  std::size_t personal_set = 0;

  // Data.
  std::string data_source;  // "local: DIR" or "server: URL"
  std::size_t cache_size = 0;
  std::size_t cache_capacity = 0;
  std::size_t test_samples = 0;
  std::uint64_t bytes_downloaded = 0;  // as it crossed the wire, everything the page fetched

  // Server.
  bool server_enabled = false;
  bool server_reachable = false;
  std::string server_error;
  bool version_conflict = false;
  std::string job_state;  // server training job, empty when none

  // The session kept across reloads.
  bool session_offered = false;   // a saved session waits for Continue / Start fresh
  bool session_restored = false;  // the user continued one
  std::optional<double> session_saved_age_s;  // since the last save

  FrameSummary frame;       // frame-to-frame interval
  FrameSummary frame_training;  // the same over the last frames while training ran
  FrameSummary frame_work;  // time the app spent inside a frame
  std::uint64_t frames_drawn = 0;  // frames rendered (unchanged ones are skipped)
  std::vector<std::string> messages;  // the latest few
  std::string status_message;         // the latest as the status line shows it (cut or whole)
  bool status_timings = false;        // frame timings are in the status line
  // Undo: the changes that can be undone, oldest first (what "Undo" names),
  // and the current run's start when there is one, with its accuracy.
  std::vector<std::string> undo_steps;
  bool run_start = false;
  std::optional<double> run_start_accuracy;
  bool undo_kept = true;  // the steps as they are now are in storage
};

std::string status_json(const StatusReport& report);

}  // namespace digitlab::gui
