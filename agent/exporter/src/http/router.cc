// Router: the endpoint table, dispatch by path and method, authentication, and the endpoints' handlers.
#include "http/router.h"

#include <civetweb.h>

#include <algorithm>
#include <utility>

#include "exposition_writer.h"
#include "http/debug_maps.h"
#include "http/gzip.h"
#include "http/http_response.h"
#include "http/landing_page.h"
#include "mapscope/exporter/logger.h"

namespace mapscope::exporter {
namespace {

// The Allow header's value for a set of Method bits.
std::string allow_header(unsigned methods) {
  std::string allow;
  for (const auto& [bit, name] :
       {std::pair{Router::kGet, "GET"}, {Router::kHead, "HEAD"}, {Router::kPost, "POST"}}) {
    if ((methods & bit) != 0) {
      allow += allow.empty() ? "" : ", ";
      allow += name;
    }
  }
  return allow;
}

unsigned method_bit(std::string_view method) {
  if (method == "GET") {
    return Router::kGet;
  }
  if (method == "HEAD") {
    return Router::kHead;
  }
  if (method == "POST") {
    return Router::kPost;
  }
  return 0;
}

}  // namespace

const std::vector<Router::Endpoint>& Router::fixed_endpoints() {
  // Liveness needs no credentials: probes rarely carry them, and it tells nothing about the maps.
  static const std::vector<Endpoint> endpoints = {
      {"/", kGet | kHead, true, "", &Router::landing_page},
      {"/debug/maps", kGet | kHead, true, "Map statistics with overflow-chain lengths (JSON)",
       &Router::debug_maps},
      {"/healthz", kGet | kHead, false, "Health", &Router::healthy},
      {"/-/healthy", kGet | kHead, false, "", &Router::healthy},  // Prometheus's and node_exporter's name
      {"/-/ready", kGet | kHead, true, "Readiness", &Router::ready},
      {"/-/reload", kPost, true, "", &Router::reload},
  };
  return endpoints;
}

Router::Router(std::string telemetry_path, std::shared_ptr<const MapRegistry> maps,
               std::shared_ptr<const SourceRegistry> sources)
    : telemetry_path_(std::move(telemetry_path)), maps_(std::move(maps)), sources_(std::move(sources)) {
  endpoints_.push_back({telemetry_path_, kGet | kHead, true, "Metrics", &Router::scrape});
  endpoints_.insert(endpoints_.end(), fixed_endpoints().begin(), fixed_endpoints().end());
}

void Router::set_reload_handler(std::function<bool()> handler) {
  std::lock_guard lock(reload_mutex_);
  reload_handler_ = std::move(handler);
}

const Router::Endpoint* Router::find(std::string_view path) const {
  const auto it = std::find_if(endpoints_.begin(), endpoints_.end(),
                               [path](const Endpoint& endpoint) { return endpoint.path == path; });
  return it == endpoints_.end() ? nullptr : &*it;
}

int Router::route(mg_connection* conn) {
  const mg_request_info* request = mg_get_request_info(conn);
  const std::string_view path = request->local_uri != nullptr ? request->local_uri : "";
  const std::string_view method = request->request_method != nullptr ? request->request_method : "";
  const bool head = method == "HEAD";

  const Endpoint* endpoint = find(path);
  if ((endpoint == nullptr || endpoint->needs_auth) && !auth_.allowed(mg_get_header(conn, "Authorization"))) {
    return respond_text(conn, 401, "unauthorized", false,
                        {{"WWW-Authenticate", "Basic realm=\"mapscope\", charset=\"UTF-8\""}});
  }
  if (endpoint == nullptr) {
    return respond_text(conn, 404, "not found", head);
  }
  if ((endpoint->methods & method_bit(method)) == 0) {
    return respond_text(conn, 405, "method not allowed", false, {{"Allow", allow_header(endpoint->methods)}});
  }
  return (this->*endpoint->handle)(conn, head);
}

int Router::scrape(mg_connection* conn, bool head) {
  const std::string text = write_exposition(sources_->collect());
  constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";
  if (accepts_gzip(mg_get_header(conn, "Accept-Encoding"))) {
    if (const auto compressed = gzip_compress(text)) {
      return respond(conn, 200, kContentType, *compressed, head, {{"Content-Encoding", "gzip"}});
    }
  }
  return respond(conn, 200, kContentType, text, head);
}

int Router::landing_page(mg_connection* conn, bool head) {
  const std::vector<MapSnapshot> maps = maps_->read(0, LandingPage::kMaxRows);
  const std::size_t total = std::max(maps.size(), maps_->size());
  std::vector<LandingPage::Link> links;
  for (const Endpoint& endpoint : endpoints_) {
    if (!endpoint.title.empty()) {
      links.push_back({endpoint.path, std::string(endpoint.title)});
    }
  }
  return respond(conn, 200, "text/html; charset=utf-8", LandingPage::render(maps, total, links), head);
}

int Router::healthy(mg_connection* conn, bool head) {
  return respond_text(conn, 200, "OK", head);
}

int Router::ready(mg_connection* conn, bool head) {
  return respond_text(conn, 200, "Ready", head);
}

int Router::debug_maps(mg_connection* conn, bool head) {
  std::string error;
  const auto page = DebugMaps::parse_query(mg_get_request_info(conn)->query_string, error);
  if (!page) {
    return respond_text(conn, 400, error, head);
  }
  const std::vector<MapSnapshot> maps = maps_->read(page->offset, page->limit);
  const std::size_t total = std::max(page->offset + maps.size(), maps_->size());
  return respond(conn, 200, "application/json", DebugMaps::render(maps, total, *page), head);
}

int Router::reload(mg_connection* conn, bool /*head*/) {
  std::lock_guard lock(reload_mutex_);
  if (!reload_handler_) {
    return respond_text(conn, 501, "this server has no configuration to reload");
  }
  bool ok = false;
  try {
    ok = reload_handler_();
  } catch (const std::exception& error) {
    log_error("reload handler failed", {{"err", error.what()}});
  }
  if (!ok) {
    return respond_text(conn, 500, "failed to reload the configuration; the log says why");
  }
  return respond_text(conn, 200, "OK");
}

}  // namespace mapscope::exporter
