#include "http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cctype>
#include <cstring>
#include <string_view>
#include <thread>
#include <vector>

namespace digitlab::server {

namespace {

// Counts what is in progress for as long as it lives.
struct Counted {
  explicit Counted(std::atomic<int>& n) : count(n) { ++count; }
  ~Counted() { --count; }
  std::atomic<int>& count;
};

using Clock = std::chrono::steady_clock;

// Set while a request is handled on this thread (httplib serves a
// connection's requests on one thread).
thread_local bool close_requested = false;
// Names (lower case) of the header fields with empty values in that request.
thread_local std::vector<std::string> empty_fields;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The fields of a complete request head whose values are empty.
std::vector<std::string> empty_header_fields(std::string_view head) {
  std::vector<std::string> names;
  std::size_t start = head.find("\r\n");  // past the request line
  while (start != std::string_view::npos && start + 2 < head.size()) {
    start += 2;
    const std::size_t end = head.find("\r\n", start);
    const std::string_view line = head.substr(start, end == std::string_view::npos ? end : end - start);
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos && line.find_first_not_of(" \t", colon + 1) == std::string_view::npos)
      names.push_back(lower(std::string(line.substr(0, colon))));
    start = end;
  }
  return names;
}

std::string address_text(const sockaddr_storage& addr, int& port) {
  char text[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(addr);
    inet_ntop(AF_INET, &in.sin_addr, text, sizeof text);
    port = ntohs(in.sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(addr);
    inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof text);
    port = ntohs(in6.sin6_port);
  }
  return text;
}

// A connection's byte stream for all its requests. httplib's own stream
// lives for one request and drops what it read ahead, which lost pipelined
// requests; this one keeps unread bytes for the next request. Reads and
// writes block up to the socket timeouts httplib set (5 s each).
class ConnectionStream final : public httplib::Stream {
 public:
  explicit ConnectionStream(socket_t sock) : sock_(sock) {}

  bool is_readable() const override { return buffered() > 0 || wait_readable(0) > 0; }
  bool is_writable() const override {
    pollfd p{sock_, POLLOUT, 0};
    return ::poll(&p, 1, 0) > 0;
  }
  ssize_t read(char* ptr, std::size_t size) override {
    if (buffered() == 0) {
      const ssize_t n = receive();
      if (n <= 0) return n;
    }
    const std::size_t n = std::min(size, buffered());
    std::memcpy(ptr, buffer_.data() + offset_, n);
    offset_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, std::size_t size) override {
    return ::send(sock_, ptr, size, MSG_NOSIGNAL);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getpeername(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) ip = address_text(addr, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) ip = address_text(addr, port);
  }
  socket_t socket() const override { return sock_; }

  std::size_t buffered() const { return buffer_.size() - offset_; }
  // Unread bytes, for looking at a request head before httplib reads it.
  const char* unread() const { return buffer_.data() + offset_; }
  // Polls for input up to `ms`: > 0 readable (or closed), 0 timeout, < 0 error.
  int wait_readable(int ms) const {
    pollfd p{sock_, POLLIN, 0};
    return ::poll(&p, 1, ms);
  }
  // Appends what the socket has (blocking up to its timeout): bytes read, 0
  // at end of stream, < 0 on error or timeout.
  ssize_t receive() {
    if (offset_ == buffer_.size()) {
      buffer_.clear();
      offset_ = 0;
    }
    char chunk[16384];
    const ssize_t n = ::recv(sock_, chunk, sizeof chunk, 0);
    if (n > 0) buffer_.append(chunk, static_cast<std::size_t>(n));
    return n;
  }

 private:
  socket_t sock_;
  std::string buffer_;
  std::size_t offset_ = 0;
};

enum class Head { complete, closed, too_large, too_slow };

// Waits until the unread bytes hold a whole request head (request line and
// headers up to the blank line), within the limits. Polls in short slices so
// a stop is noticed at once.
Head read_request_head(ConnectionStream& stream, const ConnectionLimits& limits, const std::atomic<bool>& stopping) {
  const auto slice = [&](int ms) { return std::min(ms, 100); };
  // The wait for the next request's first byte (keep-alive).
  for (int waited = 0; stream.buffered() == 0; waited += 100) {
    if (stopping || waited >= limits.keep_alive_ms) return Head::closed;
    const int ready = stream.wait_readable(slice(limits.keep_alive_ms - waited));
    if (ready < 0) return Head::closed;
    if (ready > 0 && stream.receive() <= 0) return Head::closed;
  }
  const auto deadline = Clock::now() + std::chrono::milliseconds(limits.header_deadline_ms);
  std::size_t scanned = 0;  // bytes already searched for the blank line
  while (true) {
    const std::string_view unread(stream.unread(), stream.buffered());
    const auto end = unread.find("\r\n\r\n", scanned >= 3 ? scanned - 3 : 0);
    const std::size_t head_bytes = end == std::string_view::npos ? unread.size() : end + 4;
    std::size_t lines = 0;
    for (std::size_t i = 0; i < std::min(head_bytes, unread.size()); ++i) lines += unread[i] == '\n';
    if (head_bytes > limits.max_header_bytes || lines > limits.max_header_lines + 2) return Head::too_large;
    if (end != std::string_view::npos) return Head::complete;
    scanned = unread.size();
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (stopping) return Head::closed;
    if (left <= 0) return Head::too_slow;
    const int ready = stream.wait_readable(slice(static_cast<int>(left)));
    if (ready < 0) return Head::closed;
    if (ready > 0 && stream.receive() <= 0) return Head::closed;
  }
}

void write_error(ConnectionStream& stream, int status, const char* reason, const std::string& body) {
  const std::string head = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                           "\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: " +
                           std::to_string(body.size()) +
                           "\r\nCross-Origin-Opener-Policy: same-origin\r\n"
                           "Cross-Origin-Embedder-Policy: require-corp\r\n\r\n";
  stream.write(head.data(), head.size());
  stream.write(body.data(), body.size());
}

}  // namespace

void HttpServer::close_after_response() { close_requested = true; }
void HttpServer::keep_connection_open() { close_requested = false; }

bool HttpServer::sent_empty_header(const std::string& name) {
  for (const std::string& field : empty_fields)
    if (field == lower(name)) return true;
  return false;
}

void HttpServer::mark_connection_close(httplib::Response& res) {
  if (!close_requested) return;
  res.headers.erase("Keep-Alive");
  res.headers.erase("Connection");
  res.headers.emplace("Connection", "close");
}

void HttpServer::stop_serving() {
  stopping_ = true;
  {
    std::lock_guard<std::mutex> lock(connections_mutex_);
    for (socket_t sock : connections_) ::shutdown(sock, SHUT_RD);
  }
  // httplib stops writing a body from a content provider (the weights are
  // sent that way) once stop() has run: the answers in progress are finished
  // first, for at most kDrainMs, so none is cut short. No new request is
  // read meanwhile: every connection's reading side is shut.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kDrainMs);
  while (requests_in_progress_ > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  stop();
}

bool HttpServer::process_and_close_socket(socket_t sock) {
  {
    std::lock_guard<std::mutex> lock(connections_mutex_);
    connections_.insert(sock);
  }
  if (stopping_) ::shutdown(sock, SHUT_RD);  // accepted just as the stop came
  serve_connection(sock);
  {
    std::lock_guard<std::mutex> lock(connections_mutex_);
    connections_.erase(sock);
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return true;
}

void HttpServer::serve_connection(socket_t sock) {
  ConnectionStream stream(sock);
  while (!stopping_) {
    switch (read_request_head(stream, limits_, stopping_)) {
      case Head::closed: return;
      case Head::too_large:
        write_error(stream, 431, "Request Header Fields Too Large",
                    error_body_(431, "header_fields_too_large",
                                "a request head may hold at most " + std::to_string(limits_.max_header_lines) +
                                    " header fields and " + std::to_string(limits_.max_header_bytes) + " bytes"));
        return;
      case Head::too_slow:
        write_error(stream, 408, "Request Timeout",
                    error_body_(408, "request_timeout",
                                "the request head did not arrive within " +
                                    std::to_string(limits_.header_deadline_ms / 1000) + " s"));
        return;
      case Head::complete: break;
    }
    const std::string_view unread(stream.unread(), stream.buffered());
    empty_fields = empty_header_fields(unread.substr(0, unread.find("\r\n\r\n") + 2));
    close_requested = false;
    bool connection_closed = false;
    bool ok = false;
    {
      const Counted in_progress(requests_in_progress_);
      ok = process_request(stream, false, connection_closed, nullptr);
    }
    if (!ok || connection_closed || close_requested) return;
  }
}

}  // namespace digitlab::server
