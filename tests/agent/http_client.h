// A minimal blocking HTTP/1.1 client for the exporter's tests: one request per connection, or several on
// one kept-alive connection.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace mapscope::testing {

struct HttpResponse {
  int status = 0;                              // 0 when the request failed
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

// Sends `method path` to 127.0.0.1:port with the extra header lines (each "Name: value\r\n").
HttpResponse http_request(std::uint16_t port, const std::string& method, const std::string& path,
                          const std::string& extra_headers = "");

inline HttpResponse http_get(std::uint16_t port, const std::string& path,
                             const std::string& extra_headers = "") {
  return http_request(port, "GET", path, extra_headers);
}

// One connection kept open for several requests (HTTP keep-alive); bodies are read by Content-Length.
class HttpConnection {
 public:
  explicit HttpConnection(std::uint16_t port);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // status 0 when the server closed the connection or the answer was malformed.
  HttpResponse request(const std::string& method, const std::string& path,
                       const std::string& extra_headers = "");

 private:
  int fd_ = -1;
  std::string pending_;  // bytes received past the last response
};

// "Authorization: Basic <base64(user:password)>\r\n"
std::string basic_auth_header(const std::string& user, const std::string& password);

}  // namespace mapscope::testing
