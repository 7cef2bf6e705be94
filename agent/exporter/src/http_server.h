// HttpServer: prometheus-cpp's Exposer (civetweb) with the Router answering every request.
//
// The Exposer owns the civetweb server; the Router answers every request from civetweb's begin_request
// callback, the scrape included, so the Exposer's own handler is never reached. That callback carries no
// user pointer of ours (the Exposer owns the CivetServer), so each server's Router is
// found through a process-wide table keyed by civetweb context, filled in init_context while the Exposer
// is being constructed, before any request is processed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

struct mg_context;
struct mg_connection;
namespace prometheus {
class Exposer;
}

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
  static void init_context(const mg_context* context);
  static int begin_request(mg_connection* conn);
  static int log_message(const mg_connection* conn, const char* message);

  std::unique_ptr<prometheus::Exposer> exposer_;
  const mg_context* context_ = nullptr;
  std::uint16_t port_ = 0;
  std::string wake_address_;  // where the destructor knocks to wake civetweb's listening thread
};

}  // namespace mapscope::exporter
