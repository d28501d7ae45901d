#include "http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <linux/sockios.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include "http_util.h"

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
      names.push_back(lower_ascii(std::string(line.substr(0, colon))));
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
// requests; this one keeps unread bytes for the next request. Reads block
// up to the socket timeout httplib set (5 s); writes wait for a slow client
// as write() says.
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
  // Sends what the socket takes now, waiting for room only as long as the
  // client deserves: kSlowClientGrace of waiting, plus a second per
  // kMinTransferRate bytes it has taken of this answer (sent less what
  // still sits in the socket's queue). The time the server takes to make
  // the answer does not count.
  ssize_t write(const char* ptr, std::size_t size) override {
    while (true) {
      const ssize_t n = ::send(sock_, ptr, size, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        if (n > 0) sent_ += static_cast<std::size_t>(n);
        return n;
      }
      int queued = 0;
      const std::size_t taken =
          ::ioctl(sock_, SIOCOUTQ, &queued) == 0 && sent_ > std::size_t(queued) ? sent_ - std::size_t(queued) : 0;
      const double allowed_s = static_cast<double>(kSlowClientGrace.count()) + taken / kMinTransferRate - send_waited_s_;
      if (allowed_s <= 0) {
        cut_off_ = true;
        return -1;
      }
      const auto start = Clock::now();
      pollfd p{sock_, POLLOUT, 0};
      ::poll(&p, 1, static_cast<int>(std::ceil(std::min(allowed_s, 1.0) * 1000)));
      send_waited_s_ += std::chrono::duration<double>(Clock::now() - start).count();
    }
  }
  // Whether write() gave up on a client too slow to take its answer.
  bool cut_off() const { return cut_off_; }
  // Starts the slow-client clock of write() again, for the next answer.
  void begin_answer() {
    sent_ = 0;
    send_waited_s_ = 0;
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
  std::size_t sent_ = 0;        // of the answer being written
  double send_waited_s_ = 0;    // waiting for the client to take it
  bool cut_off_ = false;
};

enum class Head { complete, incomplete, too_large };

// An answer the connection handling gives itself, written without waiting:
// the waiting thread must never block on a client that does not read (an
// answer this small fits an unused socket buffer).
void write_error(socket_t sock, int status, const char* reason, const std::string& body) {
  const std::string answer = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                             "\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: " +
                             std::to_string(body.size()) +
                             "\r\nCross-Origin-Opener-Policy: same-origin\r\n"
                             "Cross-Origin-Embedder-Policy: require-corp\r\n\r\n" +
                             body;
  ::send(sock, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

}  // namespace

struct HttpServer::Connection {
  explicit Connection(socket_t sock) : stream(sock) {}
  ConnectionStream stream;
  Clock::time_point waiting_since;  // given to the waiter: the keep-alive wait counts from here
  Clock::time_point head_since;     // the first byte of the head being read
  bool ended = false;               // the client closed, or reading failed
  // The unread bytes searched for the head's blank line so far, and the
  // line ends among them: each byte is looked at once, however slowly the
  // head trickles in.
  std::size_t scanned = 0, lines = 0;
  std::size_t head_bytes = 0;  // the complete head's length, blank line included

  // Whether the unread bytes begin with a whole request head, within the limits.
  Head scan_head(const ConnectionLimits& limits) {
    const std::string_view unread(stream.unread(), stream.buffered());
    const std::size_t end = unread.find("\r\n\r\n", scanned >= 3 ? scanned - 3 : 0);
    const std::size_t head_end = end == std::string_view::npos ? unread.size() : end + 4;
    for (std::size_t i = scanned; i < head_end; ++i) lines += unread[i] == '\n';
    scanned = head_end;
    if (head_end > limits.max_header_bytes || lines > limits.max_header_lines + 2) return Head::too_large;
    if (end == std::string_view::npos) return Head::incomplete;
    head_bytes = head_end;
    return Head::complete;
  }
};

// One thread that every connection waits in while it has no complete request
// head: a new connection, an idle keep-alive one, one whose head trickles in.
// It polls them all, answers 408 and 431 itself, and hands a connection to a
// worker only once its head is complete, so slow or idle clients cost a
// socket and a small buffer each, never a thread.
class HttpServer::Waiter {
 public:
  explicit Waiter(HttpServer& server) : server_(server), wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    thread_ = std::thread([this] { run(); });
  }
  ~Waiter() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopped_ = true;
    }
    wake();
    thread_.join();
    ::close(wake_fd_);
  }

  // A connection waits for its next request (the first, or after an answer).
  void add(std::shared_ptr<Connection> connection) {
    connection->waiting_since = Clock::now();
    connection->head_since = connection->waiting_since;  // leftover bytes of a pipelined request
    connection->scanned = connection->lines = connection->head_bytes = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!stopped_) {
        arrived_.push_back(std::move(connection));
        connection = nullptr;
      }
    }
    if (connection) return server_.close_connection(*connection);
    wake();
  }

  // Makes the thread look at its connections again (a stop began).
  void wake() {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(wake_fd_, &one, sizeof one);
  }

 private:
  void run() {
    std::vector<std::shared_ptr<Connection>> waiting;
    std::vector<pollfd> polled;
    while (true) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopped_) break;
        for (auto& c : arrived_) waiting.push_back(std::move(c));
        arrived_.clear();
      }
      const Clock::time_point now = Clock::now();
      Clock::time_point next_deadline = now + std::chrono::seconds(1);
      std::size_t kept = 0;
      for (auto& c : waiting) {
        const std::optional<Clock::time_point> deadline = judge(c, now);
        if (!deadline) continue;  // handed to a worker, or closed
        next_deadline = std::min(next_deadline, *deadline);
        waiting[kept++] = std::move(c);
      }
      waiting.resize(kept);
      while (waiting.size() > server_.limits_.max_waiting) {
        const auto oldest = std::min_element(waiting.begin(), waiting.end(), [](const auto& a, const auto& b) {
          return a->waiting_since < b->waiting_since;
        });
        server_.close_connection(**oldest);
        waiting.erase(oldest);
      }

      polled.assign(1, pollfd{wake_fd_, POLLIN, 0});
      for (const auto& c : waiting) polled.push_back(pollfd{c->stream.socket(), POLLIN, 0});
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_deadline - now).count() + 1;
      if (::poll(polled.data(), polled.size(), static_cast<int>(std::max<long long>(wait, 0))) < 0) continue;
      if (polled[0].revents) {
        std::uint64_t count;
        [[maybe_unused]] const ssize_t n = ::read(wake_fd_, &count, sizeof count);
      }
      for (std::size_t i = 0; i < waiting.size(); ++i) {
        if (!polled[i + 1].revents) continue;
        Connection& c = *waiting[i];
        const bool was_idle = c.stream.buffered() == 0;
        if (c.stream.receive() <= 0) c.ended = true;
        else if (was_idle) c.head_since = Clock::now();
      }
    }
    for (auto& c : waiting) server_.close_connection(*c);
    for (auto& c : arrived_) server_.close_connection(*c);
  }

  // Hands `c` to a worker or closes it (nullopt), or says until when it may
  // wait as it is.
  std::optional<Clock::time_point> judge(const std::shared_ptr<Connection>& connection, Clock::time_point now) {
    const ConnectionLimits& limits = server_.limits_;
    Connection& c = *connection;
    if (c.ended || server_.stopping_) {
      server_.close_connection(c);
      return std::nullopt;
    }
    if (c.stream.buffered() == 0) {  // waiting for a request's first byte
      const Clock::time_point deadline = c.waiting_since + std::chrono::milliseconds(limits.keep_alive_ms);
      if (now < deadline) return deadline;
      server_.close_connection(c);
      return std::nullopt;
    }
    switch (c.scan_head(limits)) {
      case Head::complete:
        server_.workers_->enqueue([this, connection] { server_.serve(connection); });
        return std::nullopt;
      case Head::too_large:
        answer(c, 431, "Request Header Fields Too Large", "header_fields_too_large",
               "a request head may hold at most " + std::to_string(limits.max_header_lines) + " header fields and " +
                   std::to_string(limits.max_header_bytes) + " bytes");
        return std::nullopt;
      case Head::incomplete: break;
    }
    const Clock::time_point deadline = c.head_since + std::chrono::milliseconds(limits.header_deadline_ms);
    if (now < deadline) return deadline;
    answer(c, 408, "Request Timeout", "request_timeout",
           "the request head did not arrive within " + std::to_string(limits.header_deadline_ms / 1000) + " s");
    return std::nullopt;
  }

  // Answers 408 or 431 and closes.
  void answer(Connection& c, int status, const char* reason, const std::string& code, const std::string& message) {
    write_error(c.stream.socket(), status, reason, server_.error_body_(status, code, message));
    server_.close_connection(c);
  }

  HttpServer& server_;
  const int wake_fd_;
  std::mutex mutex_;
  bool stopped_ = false;
  std::vector<std::shared_ptr<Connection>> arrived_;  // given since the thread last looked
  std::thread thread_;
};

namespace {
// httplib queues one task per accepted connection, run on the accepting
// thread: it only hands the socket to the waiter.
struct InlineTasks final : httplib::TaskQueue {
  void enqueue(std::function<void()> task) override { task(); }
  void shutdown() override {}
};
}  // namespace

HttpServer::HttpServer(ConnectionLimits limits, ErrorBody error_body)
    : limits_(limits),
      error_body_(std::move(error_body)),
      waiter_(std::make_unique<Waiter>(*this)),
      workers_(std::make_unique<httplib::ThreadPool>(limits.workers)) {
  new_task_queue = [] { return new InlineTasks; };
  set_keep_alive_timeout(limits.keep_alive_ms / 1000);  // what httplib's Keep-Alive answer header says
}

HttpServer::~HttpServer() {
  stop_reading();
  workers_->shutdown();  // the requests in hand finish; their connections close
  waiter_.reset();       // closes the waiting ones
}

void HttpServer::stop_reading() {
  stopping_ = true;
  std::lock_guard<std::mutex> lock(connections_mutex_);
  for (socket_t sock : connections_) ::shutdown(sock, SHUT_RD);
}

void HttpServer::close_after_response() { close_requested = true; }
void HttpServer::keep_connection_open() { close_requested = false; }

bool HttpServer::sent_empty_header(const std::string& name) {
  for (const std::string& field : empty_fields)
    if (field == lower_ascii(name)) return true;
  return false;
}

void HttpServer::mark_connection_close(httplib::Response& res) {
  if (!close_requested) return;
  res.headers.erase("Keep-Alive");
  res.headers.erase("Connection");
  res.headers.emplace("Connection", "close");
}

void HttpServer::stop_serving() {
  stop_reading();
  waiter_->wake();  // closes the waiting connections now
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
  waiter_->add(std::make_shared<Connection>(sock));
  return true;
}

void HttpServer::serve(const std::shared_ptr<Connection>& connection) {
  Connection& c = *connection;
  empty_fields = empty_header_fields(std::string_view(c.stream.unread(), c.head_bytes - 2));
  close_requested = true;  // until httplib has parsed the head (keep_connection_open in pre-routing)
  bool connection_closed = false;
  bool ok = false;
  if (!stopping_) {
    const Counted in_progress(requests_in_progress_);
    c.stream.begin_answer();
    ok = process_request(c.stream, false, connection_closed, nullptr);
  }
  if (!ok || connection_closed || close_requested || stopping_) return close_connection(c);
  waiter_->add(connection);  // waits for the next request, which may be in its buffer already
}

void HttpServer::close_connection(Connection& connection) {
  const socket_t sock = connection.stream.socket();
  {
    std::lock_guard<std::mutex> lock(connections_mutex_);
    connections_.erase(sock);
  }
  if (connection.stream.cut_off()) {
    // Reset, not a FIN after the rest of the answer: the socket's queue (up
    // to 4 MB) would otherwise still trickle out to the slow client.
    const linger reset{1, 0};
    ::setsockopt(sock, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  } else {
    ::shutdown(sock, SHUT_RDWR);
  }
  ::close(sock);
}


}  // namespace digitlab::server
