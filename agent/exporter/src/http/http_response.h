// Writing a complete HTTP response on a civetweb connection.
//
// Responses are written whole with mg_write rather than with mg_response_header_*: those add a Date header
// through gmtime(), whose static buffer two civetweb workers would share.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct mg_connection;

namespace mapscope::exporter {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// Sends status line, headers (Content-Type, Content-Length, Cache-Control: no-store, nosniff, Connection:
// keep-alive or close, then `headers`) and, unless `head`, the body. Returns `status`. The connection stays
// open for the next request when the client's HTTP version and Connection header allow it and the status
// is not 401.
int respond(mg_connection* conn, int status, std::string_view content_type, std::string_view body,
            bool head = false, const HttpHeaders& headers = {});

// A text/plain response of `text` and a newline.
int respond_text(mg_connection* conn, int status, std::string_view text, bool head = false,
                 const HttpHeaders& headers = {});

}  // namespace mapscope::exporter
