// HTTP responses written in one piece.
#include "http_response.h"

#include <civetweb.h>

#include <strings.h>

namespace mapscope::exporter {
namespace {

// Whether the connection stays open after this response, as HTTP/1.1 says: the client did not ask to close
// (HTTP/1.0 must ask to keep it), the answer is not a 401 (civetweb closes after those; a client that
// retries with credentials opens a new connection), and the request had no body, which no endpoint reads
// and civetweb would otherwise read through to reach the next request.
bool keeps_alive(const mg_connection* conn, int status) {
  const mg_request_info* request = mg_get_request_info(conn);
  if (status == 401 || request->content_length > 0 || mg_get_header(conn, "Transfer-Encoding") != nullptr) {
    return false;
  }
  const char* connection = mg_get_header(conn, "Connection");
  if (connection != nullptr) {
    return ::strcasecmp(connection, "keep-alive") == 0;
  }
  const char* version = request->http_version;
  return version != nullptr && std::string_view(version) == "1.1";
}

}  // namespace

int respond(mg_connection* conn, int status, std::string_view content_type, std::string_view body, bool head,
            const HttpHeaders& headers) {
  std::string response =
      "HTTP/1.1 " + std::to_string(status) + " " + mg_get_response_code_text(conn, status) + "\r\n";
  response += "Content-Type: ";
  response += content_type;
  response += "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  response += "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n";
  if (keeps_alive(conn, status)) {
    response += "Connection: keep-alive\r\n";
  } else {
    mg_disable_keep_alive(conn);
    response += "Connection: close\r\n";
  }
  for (const auto& [name, value] : headers) {
    response += name;
    response += ": ";
    response += value;
    response += "\r\n";
  }
  response += "\r\n";
  // A small answer goes out in one write: on a kept-alive connection, a second small write would wait for the
  // client's delayed ACK of the first (about 40 ms) unless TCP_NODELAY is set, which HttpServer also does.
  constexpr std::size_t kCopiedBodyLimit = std::size_t{64} * 1024;
  if (!head && body.size() <= kCopiedBodyLimit) {
    response += body;
  }
  mg_write(conn, response.data(), response.size());
  if (!head && body.size() > kCopiedBodyLimit) {
    mg_write(conn, body.data(), body.size());
  }
  return status;
}

int respond_text(mg_connection* conn, int status, std::string_view text, bool head,
                 const HttpHeaders& headers) {
  std::string body(text);
  body += '\n';
  return respond(conn, status, "text/plain; charset=utf-8", body, head, headers);
}

}  // namespace mapscope::exporter
