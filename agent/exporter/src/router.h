// Router: every HTTP request but the scrape itself, and the gate in front of the scrape.
//
// civetweb calls Router::route() first for every request (its begin_request callback). It checks basic
// authentication (all paths but /healthz), answers the landing page, health, readiness, reload and
// /debug/maps, refuses wrong methods (405) and unknown paths (404), and lets an authorised GET of the
// telemetry path through to prometheus-cpp's handler, which gzips when asked.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "basic_auth.h"
#include "map_registry.h"

struct mg_connection;

namespace mapscope::exporter {

class Router {
 public:
  Router(std::string telemetry_path, std::shared_ptr<const MapRegistry> maps);

  // 0: let civetweb pass the request on (an authorised GET of the telemetry path); otherwise the HTTP
  // status of the answer sent.
  int route(mg_connection* conn);

  void set_reload_handler(std::function<bool()> handler);
  BasicAuth& auth() { return auth_; }

 private:
  int landing_page(mg_connection* conn, bool head);
  int debug_maps(mg_connection* conn, bool head);
  int reload(mg_connection* conn);

  const std::string telemetry_path_;
  const std::shared_ptr<const MapRegistry> maps_;
  BasicAuth auth_;
  std::mutex reload_mutex_;  // guards reload_handler_; reloads run one at a time
  std::function<bool()> reload_handler_;
};

}  // namespace mapscope::exporter
