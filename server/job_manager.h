// Training jobs: rows in the store that any server sharing the database may
// run. A server claims a queued job when one of its `max_running` slots is
// free, trains it with core's Trainer on its own in-memory data, writes the
// progress to the row a few times a second (which also renews its lease),
// and stores the result as the model's next version in the same transaction
// that marks the job finished. A server that dies stops renewing: once the
// lease has run out another one claims the job and runs it again, and only
// the attempt that still holds the job can store its result. A server that
// stops cleanly hands its jobs back to the queue. Running + queued jobs are
// bounded across all servers (429 beyond).
#pragma once
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include <digitlab/store/model_store.h>

#include "training_request.h"

namespace digitlab {
class Trainer;
}

namespace digitlab::server {

class DataCatalog;

struct JobLimits {
  std::size_t max_running = 1;  // on this server
  std::size_t max_queued = 4;   // waiting, across all servers
  std::int64_t lease_ms = 10000;
  JobBudget budget;             // what one job may cost
};

class JobManager {
 public:
  JobManager(store::ModelStore& store, const DataCatalog& data, JobLimits limits, std::string replica);
  ~JobManager();  // stops this server's jobs and hands them back to the queue
  JobManager(const JobManager&) = delete;
  JobManager& operator=(const JobManager&) = delete;

  // Validates the request (ApiError 400/404), queues the job, starts it at
  // once when this server has a free slot, and returns its status. ApiError
  // 429 when the cluster's slots and queue are full.
  nlohmann::json submit(const std::string& model, const std::string& body);
  // Status as GET /api/jobs/{id} shows it; nullopt for an unknown id.
  std::optional<nlohmann::json> status(std::int64_t id) const;
  // Cancels a queued or running job, wherever it runs (a finished one stays
  // as it is), and returns its status; nullopt for an unknown id.
  std::optional<nlohmann::json> cancel(std::int64_t id);
  store::JobCounts counts() const { return store_.job_counts(); }
  // Training threads alive on this server: its running jobs and the
  // cancelled ones whose threads are still ending. Never above max_running.
  std::size_t trainers() const;
  const std::string& replica() const { return replica_; }

 private:
  struct Running;
  void watch();        // the monitor thread: progress, endings, claims
  void tick_locked();  // one round of it
  void claim_locked(std::int64_t now);
  void start_locked(const store::JobRow& claimed);

  store::ModelStore& store_;
  const DataCatalog& data_;
  const JobLimits limits_;
  const std::string replica_;
  mutable std::mutex mutex_;  // running_, stopping_ and the monitor's rounds
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<std::int64_t, std::unique_ptr<Running>> running_;  // this server's jobs
  // Cancelled trainers a DELETE is joining outside the lock: they hold
  // their slot until their thread has ended.
  std::size_t ending_ = 0;
  std::int64_t next_heartbeat_ms_ = 0;
  std::int64_t next_claim_ms_ = 0;
  std::int64_t next_cleanup_ms_ = 0;
  std::thread monitor_;
};

}  // namespace digitlab::server
