// Training jobs: core's Trainer on its own thread over the server's in-memory
// data set. At most `max_running` run at once and `max_queued` wait; more are
// refused (429). A job that finishes stores its weights as the model's next
// version. Jobs live in memory: a restart forgets them (not their versions).
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "training_request.h"

namespace digitlab::server {

class ModelStore;

struct JobLimits {
  std::size_t max_running = 1;
  std::size_t max_queued = 4;
};

class JobManager {
 public:
  JobManager(ModelStore& store, JobLimits limits);
  ~JobManager();  // cancels whatever is queued or running
  JobManager(const JobManager&) = delete;
  JobManager& operator=(const JobManager&) = delete;

  // Queues the job (it starts at once when a slot is free) and returns its
  // status. ApiError 429 when the queue is full.
  nlohmann::json submit(TrainingRequest request);
  // Status as GET /api/jobs/{id} shows it; nullopt for an unknown id.
  std::optional<nlohmann::json> status(std::uint64_t id) const;
  // Cancels a queued or running job (a finished one stays as it is) and
  // returns its status; nullopt for an unknown id.
  std::optional<nlohmann::json> cancel(std::uint64_t id);

  struct Counts {
    std::size_t running = 0;
    std::size_t queued = 0;
  };
  Counts counts() const;

 private:
  struct Job;
  struct Ending {
    std::int64_t version = 0;  // stored, or 0
    std::string error;
  };
  void watch();                // the monitor thread
  void start_queued_locked();  // fills free slots from the queue
  // Stores the weights of a job whose training ended; called unlocked.
  Ending finish(const Job& job, const Trainer& trainer);
  void forget_old_locked();
  nlohmann::json status_locked(const Job& job) const;

  ModelStore& store_;
  const JobLimits limits_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, std::shared_ptr<Job>> jobs_;
  std::deque<std::uint64_t> queue_;
  std::size_t running_ = 0;
  std::thread monitor_;
};

}  // namespace digitlab::server
