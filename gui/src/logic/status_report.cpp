#include "logic/status_report.h"

#include <nlohmann/json.hpp>

namespace digitlab::gui {
namespace {

nlohmann::json rect_json(const Rect& r) { return {{"x", r.x}, {"y", r.y}, {"width", r.w}, {"height", r.h}}; }

nlohmann::json frame_json(const FrameSummary& f) {
  return {{"count", f.count}, {"p50", f.p50_ms}, {"p95", f.p95_ms}, {"max", f.max_ms}};
}

}  // namespace

std::string status_json(const StatusReport& r) {
  using nlohmann::json;
  json j;
  j["prediction"] = r.prediction ? json(*r.prediction) : json(nullptr);
  j["pad_message"] = r.pad_message;
  j["probabilities"] = r.prediction ? json(r.probabilities) : json(nullptr);
  j["confidence"] = r.prediction ? json(r.confidence) : json(nullptr);
  j["unsure"] = r.unsure;
  j["pad_rect"] = rect_json(r.pad_rect);
  j["pad_points"] = r.pad_points;
  j["buttons"] = json::object();
  for (const auto& [name, rect] : r.buttons) j["buttons"][name] = rect_json(rect);
  j["panels"] = json::object();
  for (const auto& [name, place] : r.panels) {
    json p = rect_json(place.rect);
    p["shown"] = !place.rect.empty();
    p["tabbed"] = place.tabbed;
    p["scroll_y"] = place.scroll_y;
    j["panels"][name] = p;
  }
  j["layout"] = {{"mode", r.layout_mode}, {"width", r.viewport_w}, {"height", r.viewport_h}, {"touch", r.touch}};
  const auto optional = [](const auto& v) { return v ? json(*v) : json(nullptr); };
  j["model"] = {{"name", r.model_name},
                {"version", optional(r.server_version)},
                {"local_version", r.local_version},
                {"trained", r.trained},
                {"changed", r.changed_since_server},
                {"recorded_test_accuracy", optional(r.recorded_test_accuracy)}};
  j["settings"] = r.settings;
  j["training"] = {{"state", r.train_state},
                   {"threaded", r.threaded},
                   {"cross_origin_isolated", r.cross_origin_isolated},
                   {"epoch", r.epoch},
                   {"total_epochs", r.total_epochs},
                   {"steps", r.steps},
                   {"samples_seen", r.samples_seen},
                   {"loss", r.loss},
                   {"accuracy", r.accuracy},
                   {"test_accuracy", optional(r.test_accuracy)},
                   {"diverged", r.diverged},
                   {"best_accuracy", optional(r.best_accuracy)},
                   {"history_points", r.history_points},
                   {"evaluations", r.evaluations},
                   {"evaluating", r.evaluating},
                   {"message", r.trainer_message},
                   {"samples_per_s", r.samples_per_s},
                   {"eta_s", r.eta_s},
                   {"starved", r.starved}};
  j["test_accuracy"] = optional(r.test_accuracy);
  json teach = nullptr;
  if (const auto& t = r.teach)
    teach = {{"taught", t->taught},
             {"restored", t->restored},
             {"label", t->label},
             {"guess_before", t->guess_before},
             {"guess_after", t->guess_after},
             {"read_right", t->read_right_after()},
             {"accuracy_before", t->accuracy_before},
             {"accuracy_after", t->accuracy_after},
             {"steps", t->steps},
             {"message", t->message}};
  j["teach"] = {{"count", r.teachings},       {"label", r.teach_label},       {"pending", r.teach_pending},
                {"waiting", r.teach_waiting}, {"last", teach},                {"personal_set", r.personal_set}};
  j["data"] = {{"source", r.data_source},
               {"cache_size", r.cache_size},
               {"cache_capacity", r.cache_capacity},
               {"cache_fill", r.cache_capacity ? double(r.cache_size) / double(r.cache_capacity) : 0.0},
               {"test_samples", r.test_samples},
               {"bytes_downloaded", r.bytes_downloaded}};
  j["session"] = {{"offered", r.session_offered},
                  {"restored", r.session_restored},
                  {"saved_age_s", optional(r.session_saved_age_s)}};
  j["server"] = {{"enabled", r.server_enabled},
                 {"reachable", r.server_reachable},
                 {"error", r.server_error},
                 {"version_conflict", r.version_conflict},
                 {"job_state", r.job_state}};
  j["frame_ms"] = frame_json(r.frame);
  j["frame_ms_training"] = frame_json(r.frame_training);
  j["frame_work_ms"] = frame_json(r.frame_work);
  j["frames_drawn"] = r.frames_drawn;
  j["messages"] = r.messages;
  j["status_line"] = {{"message", r.status_message}, {"timings", r.status_timings}};
  j["undo"] = {{"steps", r.undo_steps},
               {"run_start", r.run_start},
               {"kept", r.undo_kept},
               {"run_start_accuracy", optional(r.run_start_accuracy)}};
  // Never throw on a stray invalid UTF-8 byte in a server message.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace digitlab::gui
