// httplib's server with a listen backlog that suits bursts of connections.
#pragma once
#include <httplib.h>

namespace digitlab::server {

class HttpServer : public httplib::Server {
 public:
  // Debian's libcpp-httplib is compiled with a listen backlog of 5: a burst of
  // new connections (a browser opens six at once; a load test opens 64)
  // overflows it, and each overflowed connection waits for a 1 s SYN-ACK
  // retransmit. Linux lets listen() be called again on a bound, listening
  // socket to change the backlog. Call after bind_to_port.
  bool widen_listen_backlog(int backlog) { return ::listen(svr_sock_, backlog) == 0; }
};

}  // namespace digitlab::server
