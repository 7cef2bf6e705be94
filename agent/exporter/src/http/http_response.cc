// HTTP responses written in one piece.
#include "http_response.h"

#include <civetweb.h>

namespace mapscope::exporter {

int respond(mg_connection* conn, int status, std::string_view content_type, std::string_view body, bool head,
            const HttpHeaders& headers) {
  std::string response =
      "HTTP/1.1 " + std::to_string(status) + " " + mg_get_response_code_text(conn, status) + "\r\n";
  response += "Content-Type: ";
  response += content_type;
  response += "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  response += "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n";
  for (const auto& [name, value] : headers) {
    response += name;
    response += ": ";
    response += value;
    response += "\r\n";
  }
  response += "\r\n";
  mg_write(conn, response.data(), response.size());
  if (!head && !body.empty()) {
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
