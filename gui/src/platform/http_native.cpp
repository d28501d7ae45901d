// Desktop HTTP: a small pool of worker threads, each with its own
// cpp-httplib client, so a slow request (a weights upload) does not hold up
// the data feed behind it.
#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "platform/http.h"

namespace digitlab::gui {
namespace {
std::atomic<std::uint64_t> downloaded{0};
}  // namespace

std::uint64_t bytes_downloaded() { return downloaded; }

struct HttpClient::Impl {
  static constexpr int kWorkers = 3;
  struct Job {
    HttpRequest request;
    HttpCallback done;
    HttpResponse response;
  };

  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Job> queued;
  std::deque<Job> finished;
  bool stopping = false;
  std::vector<std::thread> workers;

  void work(const std::string& base_url) {
    httplib::Client client(base_url);
    client.set_connection_timeout(3, 0);
    client.set_read_timeout(60, 0);  // a whole test split or a job status can take a while
    client.set_write_timeout(30, 0);
    for (;;) {
      Job job;
      {
        std::unique_lock<std::mutex> lock(mutex);
        wake.wait(lock, [&] { return stopping || !queued.empty(); });
        if (stopping) return;
        job = std::move(queued.front());
        queued.pop_front();
      }
      job.response = perform(client, job.request);
      std::lock_guard<std::mutex> lock(mutex);
      finished.push_back(std::move(job));
    }
  }

  static HttpResponse perform(httplib::Client& client, const HttpRequest& req) {
    httplib::Headers headers(req.headers.begin(), req.headers.end());
    httplib::Result result{nullptr, httplib::Error::Unknown};
    if (req.method == "GET") {
      result = client.Get(req.path.c_str(), headers);
    } else if (req.method == "PUT") {
      result = client.Put(req.path.c_str(), headers, req.body, req.content_type.c_str());
    } else if (req.method == "POST") {
      result = client.Post(req.path.c_str(), headers, req.body, req.content_type.c_str());
    } else if (req.method == "DELETE") {
      result = client.Delete(req.path.c_str(), headers);
    }
    HttpResponse response;
    if (!result) {
      response.error = httplib::to_string(result.error());
      return response;
    }
    response.status = result->status;
    // Content-Length is what crossed the wire when the body came gzipped.
    const std::uint64_t wire = result->get_header_value<std::uint64_t>("Content-Length");
    downloaded += wire ? wire : result->body.size();
    response.body = std::move(result->body);
    response.etag = result->get_header_value("ETag");
    return response;
  }
};

HttpClient::HttpClient(std::string base_url) : base_url_(std::move(base_url)), impl_(std::make_unique<Impl>()) {
  for (int i = 0; i < Impl::kWorkers; ++i) impl_->workers.emplace_back([this] { impl_->work(base_url_); });
}

HttpClient::~HttpClient() {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  for (auto& t : impl_->workers) t.join();  // bounded by the client timeouts
}

void HttpClient::send(HttpRequest request, HttpCallback done) {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->queued.push_back({std::move(request), std::move(done), {}});
  }
  impl_->wake.notify_one();
}

void HttpClient::poll() {
  std::deque<Impl::Job> done;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    done.swap(impl_->finished);
  }
  for (auto& job : done) job.done(job.response);
}

}  // namespace digitlab::gui
