// A few threads that run one job together and return when all are done
// (fork-join): a data-parallel Learner hands each thread a slice of the
// batch. The caller's thread is thread 0; the others wait between jobs.
#pragma once
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace digitlab {

class ForkJoin {
 public:
  explicit ForkJoin(int threads);  // threads >= 1; starts threads - 1 workers
  ~ForkJoin();
  ForkJoin(const ForkJoin&) = delete;
  ForkJoin& operator=(const ForkJoin&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }
  // job(t) for every t in [0, threads()), t = 0 on the calling thread;
  // returns when every call has returned, then rethrows the first exception
  // a call threw (an interrupted batch: every slice stops at its next poll).
  void run(const std::function<void(int)>& job);

 private:
  void work(int t);
  void call(int t, const std::function<void(int)>& job);  // job(t), its exception kept in error_

  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(int)>* job_ = nullptr;
  unsigned long generation_ = 0;
  int running_ = 0;
  std::exception_ptr error_;  // the first a call of this run threw
  bool quit_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace digitlab
