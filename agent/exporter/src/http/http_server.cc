// HttpServer: starting and stopping civetweb, and its callbacks.
#include "http_server.h"

#include <civetweb.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "http/router.h"
#include "mapscope/exporter/logger.h"

namespace mapscope::exporter {
namespace {

// How long a connection may take to send its request (and to take the response): a client that stalls
// mid-header holds one worker at most this long. docs/reliability.md has the measurements behind it.
constexpr const char* kRequestTimeoutMs = "5000";
// How long a kept-alive connection keeps its worker waiting for the next request (civetweb applies it to the
// whole next request): above Prometheus's usual scrape intervals, so that a scraper reuses its connection.
constexpr const char* kKeepAliveTimeoutMs = "120000";

// The dotted IPv4 address of `host` (a literal or a name resolved through getaddrinfo).
std::optional<std::string> resolve_ipv4(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) {
    return std::nullopt;
  }
  char text[INET_ADDRSTRLEN] = {};
  const auto* address = reinterpret_cast<const sockaddr_in*>(found->ai_addr);
  const bool ok = ::inet_ntop(AF_INET, &address->sin_addr, text, sizeof text) != nullptr;
  ::freeaddrinfo(found);
  if (!ok) {
    return std::nullopt;
  }
  return std::string(text);
}

// Opens and closes a TCP connection to address:port, ignoring failures.
void knock(const std::string& address, std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return;
  }
  sockaddr_in target{};
  target.sin_family = AF_INET;
  target.sin_port = htons(port);
  if (::inet_pton(AF_INET, address.c_str(), &target.sin_addr) == 1) {
    // A refused or failed knock changes nothing: the next one follows in 20 ms.
    (void)::connect(fd, reinterpret_cast<const sockaddr*>(&target), sizeof target);
  }
  ::close(fd);
}

}  // namespace

std::string HttpServer::civetweb_ports(const std::string& listen_address) {
  const std::size_t colon = listen_address.rfind(':');
  if (colon == std::string::npos) {
    throw std::invalid_argument("listen address '" + listen_address + "' must be HOST:PORT or :PORT");
  }
  const std::string host = listen_address.substr(0, colon);
  std::string port = listen_address.substr(colon + 1);
  unsigned value = 0;
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || error != std::errc{} || end != port.data() + port.size() || value > 65535) {
    throw std::invalid_argument("listen address '" + listen_address +
                                "': the port must be a number from 0 to 65535");
  }
  if (host.empty()) {
    return port;  // every IPv4 interface
  }
  if (host.starts_with('[')) {
    throw std::invalid_argument("listen address '" + listen_address +
                                "': IPv6 is not supported by this civetweb");
  }
  // civetweb reads a trailing letter as an option ("8931s" is TLS): the port was checked to be digits only.
  const auto address = resolve_ipv4(host);
  if (!address) {
    throw std::invalid_argument("listen address '" + listen_address + "': '" + host +
                                "' has no IPv4 address");
  }
  return *address + ":" + port;
}

HttpServer::HttpServer(const std::string& listen_address, std::size_t threads, Router& router)
    : router_(router) {
  const std::string ports = civetweb_ports(listen_address);
  const std::string num_threads = std::to_string(std::max<std::size_t>(threads, 1));
  // clang-format off
  const char* options[] = {
      "listening_ports",       ports.c_str(),
      "num_threads",           num_threads.c_str(),
      "request_timeout_ms",    kRequestTimeoutMs,
      "enable_keep_alive",     "yes",
      "keep_alive_timeout_ms", kKeepAliveTimeoutMs,
      "tcp_nodelay",           "1",  // no Nagle delay between the writes of one answer
      nullptr};
  // clang-format on
  mg_callbacks callbacks{};
  callbacks.begin_request = &HttpServer::begin_request;
  callbacks.log_message = &HttpServer::log_message;
  mg_init_data init{};
  init.callbacks = &callbacks;
  init.user_data = this;
  init.configuration_options = options;
  char error_text[256] = {};
  unsigned error_code = 0;
  mg_error_data error{};
  error.code = &error_code;
  error.text = error_text;
  error.text_buffer_size = sizeof error_text;

  context_ = mg_start2(&init, &error);
  std::string startup_error;
  {
    std::lock_guard lock(startup_mutex_);
    starting_ = false;
    startup_error = std::move(startup_error_);
  }
  if (context_ == nullptr) {
    const std::string_view text = startup_error.empty() ? std::string_view(error_text) : startup_error;
    throw std::runtime_error("cannot listen on " + listen_address + ": " +
                             std::string(text.substr(0, text.find_first_of("\r\n"))));
  }
  int port = 0;
  mg_server_port bound{};
  if (mg_get_server_ports(context_, 1, &bound) == 1) {
    port = bound.port;
  }
  port_ = static_cast<std::uint16_t>(port);
  const std::size_t colon = ports.rfind(':');
  wake_address_ = colon == std::string::npos || ports.compare(0, colon, "0.0.0.0") == 0
                      ? "127.0.0.1"
                      : ports.substr(0, colon);
}

HttpServer::~HttpServer() {
  // civetweb's listening thread notices the stop flag only when its poll() returns, which it does every
  // two seconds or on a connection: knocking on the port while civetweb stops makes stopping prompt.
  std::atomic<bool> stopped{false};
  std::thread knocker([this, &stopped] {
    while (!stopped.load()) {
      knock(wake_address_, port_);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  mg_stop(context_);  // joins civetweb's threads: no request runs after this
  stopped.store(true);
  knocker.join();
}

int HttpServer::begin_request(mg_connection* conn) {
  return static_cast<HttpServer*>(mg_get_user_data(mg_get_context(conn)))->router_.route(conn);
}

int HttpServer::log_message(const mg_connection* conn, const char* message) {
  auto* server = conn != nullptr ? static_cast<HttpServer*>(mg_get_user_data(mg_get_context(conn))) : nullptr;
  if (server != nullptr) {
    std::lock_guard lock(server->startup_mutex_);
    if (server->starting_ && server->startup_error_.empty()) {
      // "cannot bind to 127.0.0.1:8931: 98 (Address already in use)" explains a failed start.
      const std::string_view text(message);
      server->startup_error_ = std::string(text.substr(0, text.find_first_of("\r\n")));
    }
  }
  log_debug("civetweb", {{"detail", message}});
  return 1;
}

}  // namespace mapscope::exporter
