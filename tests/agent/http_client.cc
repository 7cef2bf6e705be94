// A minimal blocking HTTP/1.1 client over a TCP socket: Connection: close with the body read to EOF, or a
// kept-alive connection with bodies read by Content-Length.
#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace mapscope::testing {
namespace {

bool send_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      return false;
    }
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

HttpResponse parse_response(const std::string& raw) {
  HttpResponse response;
  const std::size_t header_end = raw.find("\r\n\r\n");
  if (header_end == std::string::npos || raw.compare(0, 5, "HTTP/") != 0) {
    return response;
  }
  const std::size_t space = raw.find(' ');
  response.status = std::stoi(raw.substr(space + 1, 3));
  std::size_t pos = raw.find("\r\n") + 2;
  while (pos < header_end) {
    const std::size_t end = raw.find("\r\n", pos);
    const std::string line = raw.substr(pos, end - pos);
    const std::size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      response.headers[name] = value;
    }
    pos = end + 2;
  }
  response.body = raw.substr(header_end + 4);
  return response;
}

int connect_loopback(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return -1;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

HttpConnection::HttpConnection(std::uint16_t port) : fd_(connect_loopback(port)) {}

HttpConnection::~HttpConnection() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

HttpResponse HttpConnection::request(const std::string& method, const std::string& path,
                                     const std::string& extra_headers) {
  const std::string request =
      method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers + "\r\n";
  if (fd_ < 0 || !send_all(fd_, request)) {
    return {};
  }
  char buffer[65536];
  const auto receive = [&] {
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n > 0) {
      pending_.append(buffer, static_cast<std::size_t>(n));
    }
    return n > 0;
  };
  while (pending_.find("\r\n\r\n") == std::string::npos) {
    if (!receive()) {
      return {};
    }
  }
  const std::size_t head_size = pending_.find("\r\n\r\n") + 4;
  HttpResponse response = parse_response(pending_.substr(0, head_size));
  const auto length = response.headers.find("content-length");
  const std::size_t body_size =
      method == "HEAD" || length == response.headers.end() ? 0 : std::stoul(length->second);
  while (pending_.size() < head_size + body_size) {
    if (!receive()) {
      return {};
    }
  }
  response.body = pending_.substr(head_size, body_size);
  pending_.erase(0, head_size + body_size);
  return response;
}

HttpResponse http_request(std::uint16_t port, const std::string& method, const std::string& path,
                          const std::string& extra_headers) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return {};
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string raw;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
    const std::string request = method + " " + path +
                                " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                                (method == "POST" ? "Content-Length: 0\r\n" : "") + extra_headers + "\r\n";
    if (send_all(fd, request)) {
      char buffer[65536];
      for (;;) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) {
          break;
        }
        raw.append(buffer, static_cast<std::size_t>(n));
      }
    }
  }
  ::close(fd);
  return parse_response(raw);
}

std::string basic_auth_header(const std::string& user, const std::string& password) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::string in = user + ":" + password;
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, in.size() - i);
    unsigned bits = 0;
    for (std::size_t j = 0; j < 3; ++j) {
      bits = (bits << 8) | (j < n ? static_cast<unsigned char>(in[i + j]) : 0u);
    }
    for (std::size_t j = 0; j < 4; ++j) {
      out += j <= n ? kAlphabet[(bits >> (18 - 6 * j)) & 63] : '=';
    }
  }
  return "Authorization: Basic " + out + "\r\n";
}

}  // namespace mapscope::testing
