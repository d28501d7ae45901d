#include "job_manager.h"

#include <chrono>
#include <vector>

#include <digitlab/train/trainer.h>
#include <digitlab/util/number_text.h>

#include "api_error.h"
#include "data_catalog.h"
#include "http_util.h"
#include <digitlab/store/time.h>
#include "training_request.h"
#include "weights_payload.h"

namespace digitlab::server {

namespace {

using nlohmann::json;

// Ended jobs kept for GET /api/jobs/{id}.
constexpr std::int64_t kKeptEndedJobs = 100;
// A round of the monitor: progress written, lease renewed, endings stored.
constexpr std::int64_t kRoundMs = 250;
// How often an idle server looks for queued jobs (and for jobs of dead
// replicas), and says it is alive; a submit or a cancel on this server
// looks at once.
constexpr std::int64_t kClaimMs = 500;
constexpr std::int64_t kHeartbeatMs = 1000;
constexpr std::int64_t kCleanupMs = 30000;

json progress_json(const TrainerProgress& p) {
  const json test_accuracy = p.last_eval ? json(p.last_eval->accuracy) : json();
  const json test_loss = p.last_eval ? json(printed_float(static_cast<float>(p.last_eval->loss))) : json();
  return {{"epoch", p.epoch},
          {"total_epochs", p.total_epochs},
          {"loss", printed_float(p.loss)},
          {"accuracy", printed_float(p.accuracy)},
          {"samples_per_s", printed_float(p.samples_per_s)},
          {"samples_seen", p.samples_seen},
          {"eta_s", p.eta_s},
          {"test_accuracy", test_accuracy},
          {"test_loss", test_loss}};
}

json time_or_null(std::int64_t ms) { return ms ? json(store::iso_time(ms)) : json(); }

json status_json(const store::JobRow& job) {
  return {{"id", job.id},
          {"model", job.model},
          {"state", job.state},
          {"settings", json::parse(job.settings)},
          {"progress", job.progress.empty() ? json() : json::parse(job.progress)},
          {"version", job.version ? json(job.version) : json()},
          {"error", job.error.empty() ? json() : json(job.error)},
          {"replica", job.replica.empty() ? json() : json(job.replica)},
          {"attempt", job.attempt},
          {"created", time_or_null(job.created_ms)},
          {"started", time_or_null(job.started_ms)},
          {"ended", time_or_null(job.ended_ms)}};
}

}  // namespace

struct JobManager::Running {
  store::JobRow claimed;
  std::unique_ptr<Trainer> trainer;
};

JobManager::JobManager(store::ModelStore& store, const DataCatalog& data, JobLimits limits, std::string replica)
    : store_(store), data_(data), limits_(limits), replica_(std::move(replica)) {
  // Counted among the live replicas before the first submit arrives.
  store_.heartbeat(replica_, static_cast<std::int64_t>(limits_.max_running));
  next_heartbeat_ms_ = store::unix_time_ms() + kHeartbeatMs;
  monitor_ = std::thread([this] { watch(); });
}

JobManager::~JobManager() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  monitor_.join();
  for (auto& [id, job] : running_) job->trainer->stop();
  running_.clear();  // joins the training threads
  try {
    store_.release_jobs(replica_);
    store_.remove_replica(replica_);
  } catch (const store::StoreError&) {
    // The database is gone too: the jobs' leases run out and another server takes them.
  }
}

json JobManager::submit(const std::string& model, const std::string& body) {
  const TrainingRequest request = parse_training_request(model, body, data_, store_, limits_.budget);
  const store::JobAdmission admission{static_cast<std::int64_t>(limits_.max_queued), store::unix_time_ms() - limits_.lease_ms};
  const store::SubmitOutcome outcome = store_.submit_job(model, body, request.settings.dump(), admission);
  if (!outcome.job)
    throw ApiError(429, "too_many_jobs",
                   std::to_string(outcome.counts.running) + " job(s) running and " +
                       std::to_string(outcome.counts.queued) + " queued, the most this service takes; try again later");
  {
    std::lock_guard<std::mutex> lock(mutex_);
    next_claim_ms_ = 0;
    claim_locked(store::unix_time_ms());
  }
  const auto job = store_.job(outcome.job->id);
  return status_json(job ? *job : *outcome.job);
}

std::optional<json> JobManager::status(std::int64_t id) const {
  const auto job = store_.job(id);
  if (!job) return std::nullopt;
  return status_json(*job);
}

std::optional<json> JobManager::cancel(std::int64_t id) {
  const auto job = store_.cancel_job(id);
  if (!job) return std::nullopt;
  std::unique_ptr<Running> stopped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (const auto it = running_.find(id); it != running_.end()) {
      stopped = std::move(it->second);
      running_.erase(it);
      stopped->trainer->stop();  // interrupts its batch (core's Interrupt)
      ++ending_;
    }
  }
  if (stopped) {
    stopped.reset();  // joins the training thread, outside the lock
    std::lock_guard<std::mutex> lock(mutex_);
    --ending_;
    next_claim_ms_ = 0;  // now the slot is free for a queued job
  }
  wake_.notify_all();
  return status_json(*job);
}

std::size_t JobManager::trainers() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return running_.size() + ending_;
}

void JobManager::watch() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(kRoundMs));
    if (stopping_) break;
    try {
      tick_locked();
    } catch (const std::exception& e) {
      // The database is unreachable for now: leases run on, try again next round.
      std::fprintf(stderr, "digitlab-server: jobs: %s\n", e.what());
    }
  }
}

void JobManager::tick_locked() {
  const std::int64_t now = store::unix_time_ms();
  if (now >= next_heartbeat_ms_) {
    store_.heartbeat(replica_, static_cast<std::int64_t>(limits_.max_running));
    next_heartbeat_ms_ = now + kHeartbeatMs;
  }
  for (auto it = running_.begin(); it != running_.end();) {
    Running& job = *it->second;
    const auto progress = job.trainer->progress();
    const std::string progress_text = progress_json(*progress).dump();
    const bool ended = progress->state == RunState::finished || progress->state == RunState::stopped;
    if (!ended && store_.renew_job(job.claimed, progress_text, now + limits_.lease_ms)) {
      ++it;
      continue;
    }
    if (ended) {
      std::optional<store::NewVersion> result;
      std::string error;
      if (progress->state != RunState::finished) {
        error = progress->message.empty() ? "training stopped" : progress->message;
      } else {
        // Core publishes the final snapshot before the progress that says
        // "finished", so this snapshot holds the finished run's weights.
        ModelFile model = job.trainer->snapshot()->file;
        model.meta.note = "trained on the server by job " + std::to_string(job.claimed.id);
        result = make_new_version(model, "trained");
      }
      store_.end_job(job.claimed, progress_text, result, error);
    } else {
      job.trainer->stop();  // cancelled, or the lease was lost and another server runs it
    }
    it = running_.erase(it);
    next_claim_ms_ = 0;
  }
  claim_locked(now);
  if (now >= next_cleanup_ms_) {
    store_.forget_ended_jobs(kKeptEndedJobs);
    next_cleanup_ms_ = now + kCleanupMs;
  }
}

void JobManager::claim_locked(std::int64_t now) {
  if (stopping_ || now < next_claim_ms_) return;
  while (running_.size() + ending_ < limits_.max_running) {
    const auto claimed = store_.claim_job(replica_, now + limits_.lease_ms);
    if (!claimed) break;
    start_locked(*claimed);
  }
  next_claim_ms_ = now + kClaimMs;
}

void JobManager::start_locked(const store::JobRow& claimed) {
  try {
    // Parsed again here: the server that runs a job may not be the one that took it.
    TrainingRequest request = parse_training_request(claimed.model, claimed.request, data_, store_, limits_.budget);
    auto job = std::make_unique<Running>();
    job->claimed = claimed;
    job->trainer = std::make_unique<Trainer>(request.config, request.dataset->train, request.dataset->test);
    if (request.start_from) job->trainer->load_model(*request.start_from);
    job->trainer->start();
    running_[claimed.id] = std::move(job);
  } catch (const std::exception& e) {
    store_.end_job(claimed, "", std::nullopt, e.what());
  }
}

}  // namespace digitlab::server
