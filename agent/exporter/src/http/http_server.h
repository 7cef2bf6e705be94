// HttpServer: a civetweb server whose every request the Router answers.
//
// The server is started with mg_start2 and this HttpServer as its user data: civetweb's begin_request
// callback hands each request to the Router before civetweb would look for a file or handler of its own,
// and the log_message callback keeps the first error of a failed start (mg_start2's own text only says
// "Failed to setup server ports" when the port is taken).
#pragma once

#include <cstdint>
#include <mutex>
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

  Router& router_;
  std::mutex startup_mutex_;   // guards the two below: civetweb's threads may log while mg_start2 runs
  std::string startup_error_;  // the first message civetweb logged while starting
  bool starting_ = true;
  mg_context* context_ = nullptr;
  std::uint16_t port_ = 0;
  std::string wake_address_;  // where the destructor knocks to wake civetweb's listening thread
};

}  // namespace mapscope::exporter
