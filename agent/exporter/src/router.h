// Router: every HTTP request but the scrape itself, and the gate in front of the scrape.
//
// civetweb calls Router::route() first for every request (its begin_request callback) and every request is
// answered here: basic authentication (all paths but /healthz), the scrape, the landing page, health,
// readiness, reload and /debug/maps, wrong methods (405) and unknown paths (404). The scrape runs the
// SourceRegistry (the prometheus::Collectable of all sources), writes the text format with
// write_exposition() and gzips it when the scraper asks.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "basic_auth.h"
#include "map_registry.h"
#include "source_registry.h"

struct mg_connection;

namespace mapscope::exporter {

class Router {
 public:
  Router(std::string telemetry_path, std::shared_ptr<const MapRegistry> maps,
         std::shared_ptr<const SourceRegistry> sources);

  // Answers the request; returns the HTTP status sent.
  int route(mg_connection* conn);

  void set_reload_handler(std::function<bool()> handler);
  BasicAuth& auth() { return auth_; }

 private:
  int scrape(mg_connection* conn);
  int landing_page(mg_connection* conn, bool head);
  int debug_maps(mg_connection* conn, bool head);
  int reload(mg_connection* conn);

  const std::string telemetry_path_;
  const std::shared_ptr<const MapRegistry> maps_;
  const std::shared_ptr<const SourceRegistry> sources_;
  BasicAuth auth_;
  std::mutex reload_mutex_;  // guards reload_handler_; reloads run one at a time
  std::function<bool()> reload_handler_;
};

}  // namespace mapscope::exporter
