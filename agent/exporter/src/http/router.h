// Router: every HTTP request, answered from one table of endpoints.
//
// HttpServer hands each request to route(). The table holds each endpoint's path, methods, whether it needs
// basic authentication and its handler; the landing page lists it, and Exporter::check_telemetry_path keeps
// the telemetry path off its fixed paths. When users are configured, every path that needs authentication
// and every unknown path answers 401 without credentials, so an anonymous client learns nothing about which
// paths exist. The scrape: SourceRegistry::collect(), write_exposition(), then gzip when the scraper asks.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "http/basic_auth.h"
#include "map_registry.h"
#include "source_registry.h"

struct mg_connection;

namespace mapscope::exporter {

class Router {
 public:
  enum Method : unsigned { kGet = 1, kHead = 2, kPost = 4 };

  struct Endpoint {
    std::string path;
    unsigned methods;        // Method bits
    bool needs_auth;         // when users are configured
    std::string_view title;  // the landing page's link text; empty: not linked
    int (Router::*handle)(mg_connection* conn, bool head);
  };

  Router(std::string telemetry_path, std::shared_ptr<const MapRegistry> maps,
         std::shared_ptr<const SourceRegistry> sources);

  // The endpoints at fixed paths: every one but the telemetry path.
  static const std::vector<Endpoint>& fixed_endpoints();
  // The telemetry endpoint first, then the fixed ones.
  const std::vector<Endpoint>& endpoints() const { return endpoints_; }

  // Answers the request; returns the HTTP status sent.
  int route(mg_connection* conn);

  void set_reload_handler(std::function<bool()> handler);
  BasicAuth& auth() { return auth_; }

 private:
  const Endpoint* find(std::string_view path) const;

  int scrape(mg_connection* conn, bool head);
  int landing_page(mg_connection* conn, bool head);
  int healthy(mg_connection* conn, bool head);
  int ready(mg_connection* conn, bool head);
  int debug_maps(mg_connection* conn, bool head);
  int reload(mg_connection* conn, bool head);

  const std::string telemetry_path_;
  const std::shared_ptr<const MapRegistry> maps_;
  const std::shared_ptr<const SourceRegistry> sources_;
  std::vector<Endpoint> endpoints_;
  BasicAuth auth_;
  std::mutex reload_mutex_;  // guards reload_handler_; reloads run one at a time
  std::function<bool()> reload_handler_;
};

}  // namespace mapscope::exporter
