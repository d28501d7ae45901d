// httplib's server with our own connection handling: connections wait for
// their requests in one polling thread, and a worker thread is only spent on
// a request whose head has fully arrived; heads are read under limits and one
// deadline, pipelined requests are answered in order, and a stop finishes
// in-flight requests without waiting for slow clients.
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include <httplib.h>

namespace digitlab::server {

// What a connection may take. Debian's httplib is compiled with fixed limits
// (8 KiB per line, no count, a 5 s timeout per read only), so these are
// enforced here, before httplib parses anything.
struct ConnectionLimits {
  std::size_t max_header_bytes = 64u << 10;  // request line + headers: 431 above
  std::size_t max_header_lines = 100;        // header fields: 431 above
  int header_deadline_ms = 10000;            // whole request head from its first byte: 408 after
  int keep_alive_ms = 2000;                  // wait for a request's first byte, then the connection closes
  std::size_t workers = 64;                  // threads handling requests (heads complete)
  // Connections waiting for a request at once. Past it the one that has
  // waited longest is closed: a client that sends its request promptly is
  // never the one.
  std::size_t max_waiting = 4096;
};

// A client must keep up: once a request body or an answer has kept the
// server waiting kSlowClientGrace, it must have moved at kMinTransferRate on
// average, else it is cut off. A client that sends or reads a byte now and
// then would otherwise hold a worker for as long as it likes.
constexpr std::chrono::seconds kSlowClientGrace{5};
constexpr double kMinTransferRate = 16 * 1024;  // bytes per second: 128 kbit/s

class HttpServer : public httplib::Server {
 public:
  // Renders a JSON error body (status, code, message) for answers the
  // connection handling gives itself (408, 431), so they look like every other.
  using ErrorBody = std::function<std::string(int status, const std::string& code, const std::string& message)>;

  HttpServer(ConnectionLimits limits, ErrorBody error_body);
  // Finishes the requests being handled and closes every connection.
  ~HttpServer() override;
  const ConnectionLimits& limits() const { return limits_; }

  // Debian's libcpp-httplib is compiled with a listen backlog of 5: a burst of
  // new connections (a browser opens six at once; a load test opens 64)
  // overflows it, and each overflowed connection waits for a 1 s SYN-ACK
  // retransmit. Linux lets listen() be called again on a bound, listening
  // socket to change the backlog. Call after bind_to_port.
  bool widen_listen_backlog(int backlog) { return ::listen(svr_sock_, backlog) == 0; }

  // Ends every connection's reading side (idle and slow connections close at
  // once), lets the requests being handled finish their answers (at most
  // kDrainMs), then stops accepting.
  void stop_serving();
  static constexpr int kDrainMs = 3000;

  // For a handler that answers without reading the request's body: the
  // connection closes after this response (its unread body would otherwise
  // be read as the next request), and the response says Connection: close.
  static void close_after_response();
  // Undoes close_after_response: once the body has been read after all, and
  // first thing in pre-routing. A request starts marked to close, so one
  // httplib could not parse (answered 400 before routing, its headers and
  // body unread) never has its leftover bytes read as the next request: RFC
  // 9112 asks a server that cannot parse a request line to close.
  static void keep_connection_open();
  // Whether the request being handled on this thread sent header `name`
  // with an empty value: httplib drops such fields, so a handler could not
  // tell "If-Match:" from no If-Match at all.
  static bool sent_empty_header(const std::string& name);
  // Called on every response (post-routing): says Connection: close if so.
  static void mark_connection_close(httplib::Response& res);

 private:
  struct Connection;  // a socket and the bytes read from it but not yet used
  class Waiter;       // the thread connections wait for their next request in

  // httplib's accept loop hands each new socket here; it goes to the waiter.
  bool process_and_close_socket(socket_t sock) override;
  // On a worker: answers the request whose head the waiter saw complete,
  // then gives the connection back to the waiter (or closes it).
  void serve(const std::shared_ptr<Connection>& connection);
  void close_connection(Connection& connection);
  // Marks the server stopping and shuts every connection's reading side:
  // waiting ones end, and none reads another request.
  void stop_reading();

  const ConnectionLimits limits_;
  const ErrorBody error_body_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_in_progress_{0};
  std::mutex connections_mutex_;
  std::set<socket_t> connections_;  // every open connection, waiting or served
  std::unique_ptr<Waiter> waiter_;
  std::unique_ptr<httplib::ThreadPool> workers_;
};

}  // namespace digitlab::server
