// Exporter: wires the registries, the built-in sources, the router and the HTTP server together.
#include "mapscope/exporter/exporter.h"

#include <stdexcept>

#include "http/http_server.h"
#include "http/router.h"
#include "map_registry.h"
#include "mapscope/exporter/logger.h"
#include "reload_status.h"
#include "source_registry.h"
#include "sources/agent_source.h"
#include "sources/heap_source.h"
#include "sources/map_source.h"
#include "sources/process_source.h"

namespace mapscope::exporter {
namespace {

void check_options(const ExporterOptions& options) {
  Exporter::check_telemetry_path(options.telemetry_path);
  Exporter::check_labels(options.labels);
}

}  // namespace

void Exporter::check_labels(const Labels& labels) {
  if (const auto problem = labels_problem(labels)) {
    throw std::invalid_argument(*problem);
  }
}

class Exporter::Impl {
 public:
  explicit Impl(ExporterOptions opts)
      : options(std::move(opts)),
        maps(std::make_shared<MapRegistry>(options.labels, options.max_tracked_maps)),
        sources(std::make_shared<SourceRegistry>()),
        reload(std::make_shared<ReloadStatus>()),
        router(options.telemetry_path, maps, sources) {
    reload->record(true);
    router.auth().set_config(options.web_config);
    map_source = std::make_shared<MapSource>(maps, options.write_pause_buckets);
    builtin.push_back(sources->add(map_source, true));
    builtin.push_back(sources->add(std::make_shared<HeapSource>(), true));
    builtin.push_back(sources->add(std::make_shared<ProcessSource>(), true));
    builtin.push_back(sources->add(std::make_shared<AgentSource>(maps, reload), true));
    server = std::make_unique<HttpServer>(options.listen_address, options.threads, router);
  }

  ~Impl() { server.reset(); }  // no request in flight past this point

  ExporterOptions options;
  std::shared_ptr<MapRegistry> maps;
  std::shared_ptr<SourceRegistry> sources;
  std::shared_ptr<ReloadStatus> reload;
  std::shared_ptr<MapSource> map_source;
  Router router;
  std::vector<SourceHandle> builtin;
  std::unique_ptr<HttpServer> server;  // last: destroyed first
};

Exporter::Exporter(ExporterOptions options) {
  check_options(options);
  impl_ = std::make_shared<Impl>(std::move(options));
  log_info("listening", {{"address", impl_->options.listen_address},
                         {"port", std::to_string(impl_->server->port())},
                         {"telemetry_path", impl_->options.telemetry_path},
                         {"basic_auth", impl_->router.auth().required() ? "on" : "off"}});
}

Exporter::~Exporter() = default;

std::uint16_t Exporter::port() const {
  return impl_->server->port();
}

const ExporterOptions& Exporter::options() const {
  return impl_->options;
}

TrackHandle Exporter::track_map(std::string name, std::unique_ptr<TrackedMap> map, Labels labels) {
  return impl_->maps->add(std::move(name), std::move(map), std::move(labels));
}

SourceHandle Exporter::add_source(std::shared_ptr<MetricSource> source) {
  return impl_->sources->add(std::move(source), false);
}

void Exporter::set_reload_handler(std::function<bool()> handler) {
  impl_->router.set_reload_handler(std::move(handler));
}

void Exporter::record_reload(bool ok) {
  impl_->reload->record(ok);
}

void Exporter::set_web_config(std::optional<WebConfig> web_config) {
  impl_->router.auth().set_config(std::move(web_config));
}

void Exporter::check_telemetry_path(const std::string& path) {
  if (path.empty() || path[0] != '/' || path == "/" || path.find_first_of("?# ") != std::string::npos) {
    throw std::invalid_argument("telemetry path '" + path +
                                "' must start with '/', not be '/', and hold no '?', '#' or space");
  }
  for (const Router::Endpoint& endpoint : Router::fixed_endpoints()) {
    if (path == endpoint.path) {
      throw std::invalid_argument("telemetry path '" + path + "' is taken by another endpoint");
    }
  }
}

void Exporter::check_listen_address(const std::string& listen_address) {
  HttpServer::civetweb_ports(listen_address);
}

void Exporter::set_labels(Labels labels) {
  check_labels(labels);
  impl_->maps->set_exporter_labels(std::move(labels));
}

void Exporter::set_max_tracked_maps(std::uint64_t max_tracked_maps) {
  impl_->maps->set_max_maps(max_tracked_maps);
}

void Exporter::set_write_pause_buckets(bool write_pause_buckets) {
  impl_->map_source->set_write_pause_buckets(write_pause_buckets);
}

std::size_t Exporter::tracked_maps() const {
  return impl_->maps->size();
}

}  // namespace mapscope::exporter
