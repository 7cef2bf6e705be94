// Router: dispatch by path and method, authentication, and the small endpoints.
#include "router.h"

#include <civetweb.h>

#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

#include "debug_maps.h"
#include "exposition_writer.h"
#include "gzip.h"
#include "http_response.h"
#include "landing_page.h"
#include "mapscope/exporter/logger.h"

namespace mapscope::exporter {
namespace {

int method_not_allowed(mg_connection* conn, const char* allow) {
  return respond_text(conn, 405, "method not allowed", false, {{"Allow", allow}});
}

bool is_read(std::string_view method) {
  return method == "GET" || method == "HEAD";
}

}  // namespace

Router::Router(std::string telemetry_path, std::shared_ptr<const MapRegistry> maps,
               std::shared_ptr<const SourceRegistry> sources)
    : telemetry_path_(std::move(telemetry_path)), maps_(std::move(maps)), sources_(std::move(sources)) {}

void Router::set_reload_handler(std::function<bool()> handler) {
  std::lock_guard lock(reload_mutex_);
  reload_handler_ = std::move(handler);
}

int Router::route(mg_connection* conn) {
  const mg_request_info* request = mg_get_request_info(conn);
  const std::string_view path = request->local_uri != nullptr ? request->local_uri : "";
  const std::string_view method = request->request_method != nullptr ? request->request_method : "";
  const bool head = method == "HEAD";

  // Liveness answers without credentials: probes rarely carry them, and it tells nothing about the maps.
  if (path == "/healthz") {
    return is_read(method) ? respond_text(conn, 200, "OK", head) : method_not_allowed(conn, "GET, HEAD");
  }
  if (!auth_.allowed(mg_get_header(conn, "Authorization"))) {
    return respond_text(conn, 401, "unauthorized", false,
                        {{"WWW-Authenticate", "Basic realm=\"mapscope\", charset=\"UTF-8\""}});
  }
  if (path == telemetry_path_) {
    return method == "GET" ? scrape(conn) : method_not_allowed(conn, "GET");
  }
  if (path == "/") {
    return is_read(method) ? landing_page(conn, head) : method_not_allowed(conn, "GET, HEAD");
  }
  if (path == "/-/ready") {
    return is_read(method) ? respond_text(conn, 200, "Ready", head) : method_not_allowed(conn, "GET, HEAD");
  }
  if (path == "/-/reload") {
    return method == "POST" ? reload(conn) : method_not_allowed(conn, "POST");
  }
  if (path == "/debug/maps") {
    return is_read(method) ? debug_maps(conn, head) : method_not_allowed(conn, "GET, HEAD");
  }
  return respond_text(conn, 404, "not found", head);
}

int Router::scrape(mg_connection* conn) {
  const std::string text = write_exposition(sources_->Collect());
  constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";
  if (accepts_gzip(mg_get_header(conn, "Accept-Encoding"))) {
    if (const auto compressed = gzip_compress(text)) {
      return respond(conn, 200, kContentType, *compressed, false, {{"Content-Encoding", "gzip"}});
    }
  }
  return respond(conn, 200, kContentType, text);
}

int Router::landing_page(mg_connection* conn, bool head) {
  const std::vector<MapSnapshot> maps = maps_->read(0, LandingPage::kMaxRows);
  const std::size_t total = std::max(maps.size(), maps_->size());
  return respond(conn, 200, "text/html; charset=utf-8", LandingPage::render(maps, total, telemetry_path_),
                 head);
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

int Router::reload(mg_connection* conn) {
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
