// One line per request on stderr: method, target, status, bytes, milliseconds.
#pragma once
#include <httplib.h>

namespace digitlab::server {

// Takes the server's logger. The pre-routing handler calls
// note_request_started to start each request's clock.
void install_request_log(httplib::Server& server);
void note_request_started();

}  // namespace digitlab::server
