// One line per request on stderr: method, target, status, bytes, milliseconds.
#pragma once
#include <httplib.h>

namespace digitlab::server {

// Takes the server's pre-routing handler (to start each request's clock) and
// its logger.
void install_request_log(httplib::Server& server);

}  // namespace digitlab::server
