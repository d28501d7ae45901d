// Everything the interface shows and edits, in one plain struct. Each window
// is a function over AppState (windows.h); the per-frame logic that is not
// drawing lives in app.cpp, data_feed.cpp, server_sync.cpp and prediction.cpp.
#pragma once
#include <array>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "digitlab/digitlab.h"
#include "logic/feed_plan.h"
#include "logic/frame_stats.h"
#include "logic/layout.h"
#include "logic/message_log.h"
#include "logic/server_api.h"
#include "logic/session_file.h"
#include "logic/stroke_input.h"
#include "logic/stroke_pad.h"
#include "logic/weight_history.h"
#include "platform/gpu_image.h"
#include "platform/http.h"
#include "platform/launch.h"
#include "platform/window.h"

namespace digitlab::gui {

// The hyperparameters as the user edits them. The architecture and seed
// need a reset; the rest applies at the next batch.
struct TrainingSettings {
  Hyperparameters hyper;
  Architecture arch;
  char arch_text[512] = "";  // the spec being edited
  std::string arch_error;    // why arch_text does not parse, or empty
  std::uint64_t seed = 1;
  bool advanced = false;     // the Advanced section is open
};

// Shows an architecture in the editor.
inline void set_architecture_text(TrainingSettings& s, const Architecture& arch) {
  s.arch = arch;
  s.arch_error.clear();
  std::snprintf(s.arch_text, sizeof s.arch_text, "%s", to_string(arch).c_str());
}

struct PadView {
  static constexpr int kResolution = 140;  // 5x MNIST: fine strokes, cheap to rasterise
  StrokePad pad{kResolution};
  float brush_radius = 0.045f;             // pad units; MNIST-like stroke width
  NetInput input;                          // what the net sees, or why it sees nothing
  Reading reading;                         // its guess, or "not sure" (core's reading.h)
  std::uint64_t predicted_revision = ~0ull;  // pad revision and model version the
  std::uint64_t predicted_model = ~0ull;     // prediction was computed for
  std::uint64_t uploaded_revision = ~0ull;   // pad revision in pad_image
  GpuImage pad_image, input_image;
  int teach_label = 0;
  std::uint64_t teach_asked = 0;           // progress().teachings once the last "Train on it" is done
  Rect rect;  // where the pad was drawn, for automation
  StrokeInput strokes_in;  // the pointer's samples (AppState::pointer) into the pad's strokes
};

struct SampleView {
  int index = 0;
  bool first_requested = false;
  bool loading = false;
  bool loaded = false;
  int label = -1;
  std::array<std::uint8_t, kImagePixels> pixels{};
  std::array<float, kClasses> probs{};
  std::uint64_t predicted_model = ~0ull;
  bool image_dirty = false;
  GpuImage image;
  // Misclassified test samples of the last evaluation.
  std::shared_ptr<const EvalResult> eval_seen;
  std::vector<int> misclassified;
  int misclassified_pos = -1;
};

struct DataState {
  std::string source;                   // shown in the status bar
  std::string dataset = "mnist";
  bool info_loaded = false;             // split sizes known (server mode)
  std::size_t train_size = 60000;       // from /api/datasets when there is a server
  std::size_t test_size = 10000;
  std::shared_ptr<const Dataset> test;  // the whole test split once loaded
  // Server mode: training draws from a cache that fetches keep replenished,
  // from the first run on (logic/feed_plan.h).
  std::shared_ptr<SampleCache> cache;
  FeedPlan plan;
  FeedCounters fed;
  int train_blocks_in_flight = 0;
  std::uint64_t next_block_seed = 1;
  // The whole test split is fetched when an evaluation needs it (a run,
  // Evaluate); before that only the gallery's first digits.
  bool test_wanted = false;
  bool evaluate_when_loaded = false;    // Evaluate was pressed before the test set was here
  // "Train on it" was pressed before what teaching checks with (the test
  // set) and mixes in (training samples) was here: the drawing and its label.
  std::optional<LabelledDrawing> teach_when_loaded;
  Dataset gallery;                      // the first test digits, fetched at start
  bool gallery_requested = false;
  Dataset test_loading;                 // test split arriving block by block
  bool test_block_in_flight = false;
  int failures = 0;                     // consecutive failed fetches, for backoff
  double retry_at = 0;
};

// What a model file said about itself when it was loaded (pulled, uploaded,
// restored): shown until this app evaluates the weights itself.
struct RecordedMetrics {
  double test_accuracy = -1;  // < 0: unknown
  double test_loss = -1;
  double epochs = 0;
  std::string origin;         // "server v3", "the uploaded file"
};

struct SyncState {
  char model_name[kMaxModelNameLength + 1] = "default";
  std::optional<std::uint64_t> known_version;  // server version our weights came from / went to
  std::string known_model;                     // ... of this model
  std::uint64_t synced_weights = 0;            // fingerprint of those weights
  std::uint64_t checked_snapshot = ~0ull;      // snapshot version last fingerprinted
  bool changed = false;                        // the weights moved on since that version
  RecordedMetrics recorded;
  std::vector<std::string> models;
  std::vector<ModelVersion> versions;
  bool models_loading = false;
  bool versions_loading = false;
  int chosen_version = 0;
  bool busy = false;        // a push or pull is on its way
  bool conflict = false;    // the last push was refused: the server moved on
  std::string result;       // the last push/pull/save/load outcome, shown where it was asked for
  bool result_ok = true;
  bool result_from_files = false;  // shown under the file buttons, else under Push/Pull
  bool reachable = false;
  std::string last_error;
  double next_health_check = 0;
  std::optional<JobStatus> job;
  double next_job_poll = 0;
  char file_path[256] = "digitlab-weights.json";
};

// The personal set kept across reloads and restarts (app/personal_set.h).
struct PersonalSetStore {
  bool read_done = false;                                     // what was kept has reached the trainer
  std::shared_ptr<const std::vector<LabelledDrawing>> saved;  // the trainer's set as last written
};

struct InsightView {
  static constexpr int kGalleryColumns = 10;
  static constexpr int kGalleryRows = 6;
  static constexpr int kMaxTiles = 64;
  GpuImage gallery, weights;
  std::array<int, kGalleryColumns * kGalleryRows> gallery_predicted{};
  int tiles = 0;
  int tile_side = kImageSide;  // a dense unit's 28x28, a conv filter's K x K
  std::uint64_t rendered_model = ~0ull;
  std::size_t rendered_gallery = 0;  // digits the gallery had when drawn
};

// The session kept across reloads and restarts (app/session.cpp).
struct SessionState {
  std::optional<SavedSession> offer;  // a saved session the user may continue
  bool read_done = false;             // the store has answered at start
  bool restored = false;              // the user continued a saved session
  double next_save = 0;
  std::uint64_t saved_snapshot = ~0ull;  // snapshot version last saved
  std::size_t saved_history = 0;         // and the curve's length then
  std::optional<std::uint64_t> saved_server_version;  // and the server version the weights came from
  bool saved_changed = false;                         // and whether they differ from it
  double last_saved_at = -1;             // now_seconds() of the last completed save
  std::string error;
  bool confirm_quit = false;          // desktop: closed while training, asking
  bool quit = false;
};

struct AppState {
  LaunchOptions options;
  Fonts fonts;
  bool touch = false;     // a finger is the pointer: bigger targets
  std::vector<PointerSample> pointer;  // every pointer sample since the last frame
  bool isolated = false;  // crossOriginIsolated (always true on the desktop)
  bool threaded = false;  // trainer on its own thread, else slices in the frame
  std::unique_ptr<HttpClient> http;  // null without a server
  std::unique_ptr<Trainer> trainer;
  std::shared_ptr<const TrainerProgress> progress;  // refreshed every frame
  std::shared_ptr<const ModelSnapshot> snapshot;
  // Whatever changes by itself (training progress, weights, frame numbers)
  // changes on one shared tick, five times a second: every change means a
  // redraw, and a software renderer sharing the cores with the trainer
  // makes each redraw costly. Input is still answered in the next frame.
  bool live_tick = false;        // this frame is a tick
  std::uint64_t live_ticks = 0;
  double next_live_tick = 0;
  TrainingSettings settings;
  PadView pad;
  SampleView samples;
  DataState data;
  SyncState sync;
  InsightView insight;
  SessionState session;
  PersonalSetStore personal;
  Panel page = Panel::draw;  // the tab chosen when panels share the screen
  std::array<float, kPanels> panel_scroll{};  // each panel's scroll as last drawn, for automation
  FrameStats frame_interval;  // start to start: what the user sees
  FrameStats frame_training;  // the same, only frames while a run is going
  FrameStats frame_work;      // inside the app's frame function
  double last_frame_start = 0;
  // What the status bar shows, refreshed on live ticks.
  FrameSummary shown_frames;
  // Frame timings in the status line: a developer's figure, off on a touch
  // screen (they took four lines of a phone's bar), a checkbox in Advanced.
  bool show_frame_timings = true;
  std::string status_shown;  // the message as the status line showed it (cut or whole), for automation
  double drawn_per_s = 0;
  std::uint64_t drawn_at_last_summary = 0;
  double last_summary_at = 0;
  double slice_budget_ms = 6;  // main-loop training time per frame, adapted
  double started_at = 0;
  // Where a desktop --autotest run is (automation.cpp).
  struct AutotestRun {
    enum class Stage { starting, training, evaluating, showing } stage = Stage::starting;
    std::uint64_t samples_from = 0;  // samples seen when training started
    std::size_t evals_before = 0;    // evaluations before the autotest's own
    double shown_since = 0;          // when the state was written
  } autotest;
  Architecture applied_arch;        // the trainer's architecture as last seen
  std::uint64_t applied_seed = 1;   // the seed the trainer's weights started from
  // Undo (app/undo.h): the weights before each change, this run's start,
  // and a teaching whose report has not come yet.
  WeightHistory undo;
  std::optional<WeightsBefore> run_start;
  struct PendingTeaching {
    WeightsBefore before;
    std::uint64_t teachings = 0;  // progress().teachings when it was asked
  };
  std::optional<PendingTeaching> teaching_before;
  bool undo_read_done = false;          // the steps kept from before are in
  std::uint64_t undo_saved_revision = 0;  // undo.revision() as last written
  std::uint64_t undo_kept_revision = 0;   // ... and as storage said it was kept
  MessageLog log;
  Layout layout;
  // Buttons drawn this frame that automation may click, by name (see
  // clickable() in widgets.h); the state JSON reports them.
  std::map<std::string, Rect> clickables;
};

}  // namespace digitlab::gui
