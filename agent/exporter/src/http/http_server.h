// HttpServer: a civetweb server whose every request the Router answers.
//
// The server is started with mg_start2 and the Router as its user data; civetweb's begin_request callback
// hands each request to it before civetweb would look for a file or handler of its own.
#pragma once

#include <cstdint>
#include <string>

struct mg_context;
struct mg_connection;

namespace mapscope::exporter {

class Router;

class HttpServer {
 public:
  // Binds `listen_address` (HOST:PORT, :PORT) and serves. Throws std::runtime_error with one line on
  // failure, std::invalid_argument for an address that is not IPv4 HOST:PORT.
  HttpServer(const std::string& listen_address, std::size_t threads, Router& router);
  ~HttpServer();  // stops accepting, waits for requests in flight
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::uint16_t port() const { return port_; }

  // What civetweb's listening_ports option gets for a listen address; throws std::invalid_argument.
  static std::string civetweb_ports(const std::string& listen_address);

 private:
  static int begin_request(mg_connection* conn);
  static int log_message(const mg_connection* conn, const char* message);

  mg_context* context_ = nullptr;
  std::uint16_t port_ = 0;
  std::string wake_address_;  // where the destructor knocks to wake civetweb's listening thread
};

}  // namespace mapscope::exporter
