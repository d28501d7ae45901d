#include "job_manager.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "api_error.h"
#include "data_catalog.h"
#include "http_util.h"
#include "store.h"
#include "time_util.h"
#include "weights_payload.h"

namespace digitlab::server {

namespace {

using nlohmann::json;

// Finished, failed and cancelled jobs kept for GET /api/jobs/{id}.
constexpr std::size_t kKeptFinishedJobs = 100;
// How often the monitor looks for jobs whose training has ended.
constexpr auto kPollInterval = std::chrono::milliseconds(100);

enum class JobState { queued, running, storing, finished, failed, cancelled };

const char* state_name(JobState state) {
  switch (state) {
    case JobState::queued: return "queued";
    case JobState::running:
    case JobState::storing: return "running";  // storing is the last moment of running
    case JobState::finished: return "finished";
    case JobState::failed: return "failed";
    case JobState::cancelled: return "cancelled";
  }
  return "unknown";
}

bool is_over(JobState state) {
  return state == JobState::finished || state == JobState::failed || state == JobState::cancelled;
}

json progress_json(const TrainerProgress& p) {
  const json test_accuracy = p.last_eval ? json(p.last_eval->accuracy) : json();
  const json test_loss = p.last_eval ? float_json(static_cast<float>(p.last_eval->loss)) : json();
  return {{"epoch", p.epoch},
          {"total_epochs", p.total_epochs},
          {"loss", float_json(p.loss)},
          {"accuracy", float_json(p.accuracy)},
          {"samples_per_s", float_json(p.samples_per_s)},
          {"samples_seen", p.samples_seen},
          {"eta_s", p.eta_s},
          {"test_accuracy", test_accuracy},
          {"test_loss", test_loss}};
}

json time_or_null(std::int64_t ms) { return ms ? json(iso_time(ms)) : json(); }

}  // namespace

struct JobManager::Job {
  std::uint64_t id = 0;
  TrainingRequest request;
  JobState state = JobState::queued;
  std::unique_ptr<Trainer> trainer;                  // while running
  std::shared_ptr<const TrainerProgress> progress;   // last seen, kept when the trainer is gone
  std::int64_t version = 0;                          // stored when finished
  std::string error;
  std::int64_t created_ms = 0;
  std::int64_t started_ms = 0;
  std::int64_t ended_ms = 0;
};

JobManager::JobManager(ModelStore& store, JobLimits limits) : store_(store), limits_(limits) {
  monitor_ = std::thread([this] { watch(); });
}

JobManager::~JobManager() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    for (auto& entry : jobs_)
      if (entry.second->trainer) entry.second->trainer->stop();
  }
  wake_.notify_all();
  monitor_.join();
}

json JobManager::submit(TrainingRequest request) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (running_ >= limits_.max_running && queue_.size() >= limits_.max_queued)
    throw ApiError(429, "too_many_jobs",
                   std::to_string(running_) + " job(s) running and " + std::to_string(queue_.size()) +
                       " queued, the most this server takes; try again later");
  auto job = std::make_shared<Job>();
  job->id = next_id_++;
  job->request = std::move(request);
  job->created_ms = unix_time_ms();
  jobs_[job->id] = job;
  queue_.push_back(job->id);
  start_queued_locked();
  forget_old_locked();
  return status_locked(*job);
}

std::optional<json> JobManager::status(std::uint64_t id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return status_locked(*it->second);
}

std::optional<json> JobManager::cancel(std::uint64_t id) {
  std::unique_ptr<Trainer> stopped;
  json status;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = jobs_.find(id);
    if (it == jobs_.end()) return std::nullopt;
    Job& job = *it->second;
    if (job.state == JobState::queued) {
      queue_.erase(std::find(queue_.begin(), queue_.end(), id));
    } else if (job.state == JobState::running) {
      job.progress = job.trainer->progress();
      job.trainer->stop();
      stopped = std::move(job.trainer);
      --running_;
    }
    if (job.state == JobState::queued || job.state == JobState::running) {
      job.state = JobState::cancelled;
      job.ended_ms = unix_time_ms();
    }
    status = status_locked(job);
  }
  wake_.notify_all();  // a slot may be free for a queued job
  stopped.reset();     // joins the training thread, outside the lock
  return status;
}

JobManager::Counts JobManager::counts() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return Counts{running_, queue_.size()};
}

void JobManager::watch() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, kPollInterval);
    if (stopping_) break;
    std::vector<std::pair<std::shared_ptr<Job>, std::unique_ptr<Trainer>>> ended;
    for (auto& entry : jobs_) {
      Job& job = *entry.second;
      if (job.state != JobState::running) continue;
      job.progress = job.trainer->progress();
      if (job.progress->state != RunState::finished && job.progress->state != RunState::stopped) continue;
      job.state = JobState::storing;
      ended.emplace_back(entry.second, std::move(job.trainer));
    }
    if (ended.empty()) {
      start_queued_locked();
      continue;
    }
    // Storing writes to SQLite: let status requests through meanwhile.
    lock.unlock();
    std::vector<Ending> endings;
    for (auto& [job, trainer] : ended) {
      endings.push_back(finish(*job, *trainer));
      trainer.reset();
    }
    lock.lock();
    for (std::size_t i = 0; i < ended.size(); ++i) {
      Job& job = *ended[i].first;
      job.version = endings[i].version;
      job.error = endings[i].error;
      job.state = job.error.empty() ? JobState::finished : JobState::failed;
      job.ended_ms = unix_time_ms();
      --running_;
    }
    start_queued_locked();
    forget_old_locked();
  }
}

JobManager::Ending JobManager::finish(const Job& job, const Trainer& trainer) {
  Ending ending;
  if (job.progress->state != RunState::finished) {
    ending.error = job.progress->message.empty() ? "training stopped" : job.progress->message;
    return ending;
  }
  try {
    // Core publishes the final snapshot before the progress that says
    // "finished", so this snapshot holds the finished run's weights.
    ModelFile model = trainer.snapshot()->file;
    model.meta.note = "trained on the server by job " + std::to_string(job.id);
    ending.version = store_.put(job.request.model, WriteCondition{}, make_new_version(model, "trained")).info.version;
  } catch (const std::exception& e) {
    ending.error = std::string("storing the trained weights failed: ") + e.what();
  }
  return ending;
}

void JobManager::start_queued_locked() {
  while (running_ < limits_.max_running && !queue_.empty()) {
    Job& job = *jobs_.at(queue_.front());
    queue_.pop_front();
    const TrainingRequest& request = job.request;
    try {
      job.trainer = std::make_unique<Trainer>(request.config, request.dataset->train, request.dataset->test);
      if (request.start_from) job.trainer->load_model(*request.start_from);
      job.trainer->start();
      job.state = JobState::running;
      job.started_ms = unix_time_ms();
      ++running_;
    } catch (const std::exception& e) {
      job.trainer.reset();
      job.state = JobState::failed;
      job.error = e.what();
      job.ended_ms = unix_time_ms();
    }
    job.request.start_from.reset();  // loaded into the trainer; no need to hold a copy
  }
}

void JobManager::forget_old_locked() {
  std::size_t over = 0;
  for (const auto& entry : jobs_) over += is_over(entry.second->state);
  for (auto it = jobs_.begin(); it != jobs_.end() && over > kKeptFinishedJobs;) {
    if (is_over(it->second->state)) {
      it = jobs_.erase(it);
      --over;
    } else {
      ++it;
    }
  }
}

json JobManager::status_locked(const Job& job) const {
  const auto progress = job.trainer ? job.trainer->progress() : job.progress;
  return {{"id", job.id},
          {"model", job.request.model},
          {"state", state_name(job.state)},
          {"settings", job.request.settings},
          {"progress", progress ? progress_json(*progress) : json()},
          {"version", job.version ? json(job.version) : json()},
          {"error", job.error.empty() ? json() : json(job.error)},
          {"created", time_or_null(job.created_ms)},
          {"started", time_or_null(job.started_ms)},
          {"ended", time_or_null(job.ended_ms)}};
}

}  // namespace digitlab::server
