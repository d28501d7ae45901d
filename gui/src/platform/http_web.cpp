// Browser HTTP: emscripten_fetch started from the main thread, whose
// callbacks arrive on the main thread between frames; they only queue the
// response, and poll() runs the app's callbacks like on the desktop.
#include <emscripten.h>
#include <emscripten/fetch.h>

#include <cctype>
#include <cstring>
#include <deque>

#include "platform/http.h"

namespace digitlab::gui {
namespace {

// Everything a fetch needs alive until it completes.
struct Pending {
  HttpClient::Impl* owner;
  HttpRequest request;
  HttpCallback done;
  std::vector<const char*> header_ptrs;  // name, value, ..., nullptr
};

std::string find_etag(emscripten_fetch_t* fetch) {
  const std::size_t length = emscripten_fetch_get_response_headers_length(fetch);
  std::string headers(length + 1, '\0');
  emscripten_fetch_get_response_headers(fetch, headers.data(), headers.size());
  for (char& c : headers) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto at = headers.find("etag:");
  if (at == std::string::npos) return {};
  auto begin = headers.find_first_not_of(' ', at + 5);
  auto end = headers.find_first_of("\r\n", begin);
  return headers.substr(begin, end - begin);  // version numbers: lower-casing is harmless
}

}  // namespace

struct HttpClient::Impl {
  struct Finished {
    HttpCallback done;
    HttpResponse response;
  };
  std::deque<Finished> finished;
};

namespace {

void on_complete(emscripten_fetch_t* fetch) {
  auto* pending = static_cast<Pending*>(fetch->userData);
  HttpResponse response;
  response.status = fetch->status;
  if (fetch->numBytes > 0) response.body.assign(fetch->data, static_cast<std::size_t>(fetch->numBytes));
  if (response.status == 0) response.error = "no response from the server";
  else response.etag = find_etag(fetch);
  emscripten_fetch_close(fetch);
  pending->owner->finished.push_back({std::move(pending->done), std::move(response)});
  delete pending;
}

}  // namespace

HttpClient::HttpClient(std::string base_url) : base_url_(std::move(base_url)), impl_(std::make_unique<Impl>()) {}

// The client lives as long as the page; fetches still in flight when it is
// destroyed would call into freed memory, so the app keeps it to the end.
HttpClient::~HttpClient() = default;

void HttpClient::send(HttpRequest request, HttpCallback done) {
  auto* pending = new Pending{impl_.get(), std::move(request), std::move(done), {}};
  for (const auto& [name, value] : pending->request.headers) {
    pending->header_ptrs.push_back(name.c_str());
    pending->header_ptrs.push_back(value.c_str());
  }
  if (!pending->request.content_type.empty()) {
    pending->header_ptrs.push_back("Content-Type");
    pending->header_ptrs.push_back(pending->request.content_type.c_str());
  }
  pending->header_ptrs.push_back(nullptr);

  emscripten_fetch_attr_t attr;
  emscripten_fetch_attr_init(&attr);
  std::strncpy(attr.requestMethod, pending->request.method.c_str(), sizeof attr.requestMethod - 1);
  attr.attributes = EMSCRIPTEN_FETCH_LOAD_TO_MEMORY;
  attr.requestHeaders = pending->header_ptrs.data();
  attr.requestData = pending->request.body.data();
  attr.requestDataSize = pending->request.body.size();
  attr.userData = pending;
  attr.onsuccess = on_complete;
  attr.onerror = on_complete;  // HTTP errors carry a status and a JSON body too
  emscripten_fetch(&attr, (base_url_ + pending->request.path).c_str());
}

std::uint64_t bytes_downloaded() {
  return static_cast<std::uint64_t>(EM_ASM_DOUBLE({
    if (Module['digitlabBytes'] === undefined) {
      // Entries from before this call are buffered, the page itself included.
      Module['digitlabBytes'] = 0;
      const add = (list) => { for (const e of list.getEntries()) Module['digitlabBytes'] += e.transferSize || 0; };
      new PerformanceObserver(add).observe({type: 'resource', buffered: true});
      new PerformanceObserver(add).observe({type: 'navigation', buffered: true});
    }
    return Module['digitlabBytes'];
  }));
}

void HttpClient::poll() {
  std::deque<Impl::Finished> done;
  done.swap(impl_->finished);
  for (auto& f : done) f.done(f.response);
}

}  // namespace digitlab::gui
