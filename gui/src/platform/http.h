// Asynchronous HTTP to the DigitLab server, one interface for both builds:
// cpp-httplib on worker threads on the desktop, emscripten_fetch in the
// browser. Requests never block the caller; completed responses are handed
// to their callbacks inside poll(), on the thread that calls poll() (the UI
// thread), so callbacks may touch the app state freely.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace digitlab::gui {

struct HttpRequest {
  std::string method = "GET";
  std::string path;  // "/api/...", relative to the server
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type;
};

struct HttpResponse {
  int status = 0;     // 0: no response (connection refused, lost, timed out)
  std::string body;
  std::string etag;
  std::string error;  // transport error text when status == 0
  bool ok() const { return status >= 200 && status < 300; }
};

using HttpCallback = std::function<void(const HttpResponse&)>;

class HttpClient {
 public:
  // base_url: "http://host:port" on the desktop; "" in the browser (the page's origin).
  explicit HttpClient(std::string base_url);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  void send(HttpRequest request, HttpCallback done);
  void poll();  // runs the callbacks of completed requests
  const std::string& base_url() const { return base_url_; }

  struct Impl;  // defined by the platform's source file

 private:
  std::string base_url_;
  std::unique_ptr<Impl> impl_;
};

// Bytes downloaded so far, as they crossed the wire (compressed): in the
// browser everything the page fetched, its code and font included (Resource
// Timing); on the desktop the bodies of the client's responses.
std::uint64_t bytes_downloaded();

}  // namespace digitlab::gui
