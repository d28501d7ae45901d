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
  j["pad_rect"] = rect_json(r.pad_rect);
  j["buttons"] = json::object();
  for (const auto& [name, rect] : r.buttons) j["buttons"][name] = rect_json(rect);
  j["model"] = {{"name", r.model_name},
                {"version", r.server_version ? json(*r.server_version) : json(nullptr)},
                {"local_version", r.local_version},
                {"trained", r.trained}};
  j["training"] = {{"state", r.train_state},
                   {"threaded", r.threaded},
                   {"cross_origin_isolated", r.cross_origin_isolated},
                   {"epoch", r.epoch},
                   {"total_epochs", r.total_epochs},
                   {"steps", r.steps},
                   {"samples_seen", r.samples_seen},
                   {"loss", r.loss},
                   {"accuracy", r.accuracy},
                   {"test_accuracy", r.test_accuracy ? json(*r.test_accuracy) : json(nullptr)},
                   {"samples_per_s", r.samples_per_s},
                   {"eta_s", r.eta_s},
                   {"starved", r.starved}};
  j["data"] = {{"source", r.data_source},
               {"cache_size", r.cache_size},
               {"cache_capacity", r.cache_capacity},
               {"cache_fill", r.cache_capacity ? double(r.cache_size) / double(r.cache_capacity) : 0.0},
               {"test_samples", r.test_samples}};
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
  // Never throw on a stray invalid UTF-8 byte in a server message.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace digitlab::gui
