// Exporter: serves mapcore maps, a mapcore Collector, heap and process metrics over HTTP for Prometheus.
//
//   mapscope::exporter::Exporter exporter({.listen_address = "127.0.0.1:0"});
//   auto handle = exporter.track("sessions", sessions_map, {{"team", "core"}});
//   auto gc = exporter.attach(collector);
//
// Endpoints: the telemetry path (default /metrics), / (landing page), /healthz and /-/healthy, /-/ready,
// POST /-/reload and /debug/maps (JSON). With a WebConfig that has users, every endpoint but the two
// liveness ones asks for HTTP basic authentication. docs/exporter.md is the guide and docs/metrics.md the
// metric reference.
//
// Every metric is built at scrape time from live state: tracking a map costs its owner nothing, and a
// scrape reads each map's stats() without taking any lock of the owner's.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "mapscope/exporter/handles.h"
#include "mapscope/exporter/labels.h"
#include "mapscope/exporter/metric_source.h"
#include "mapscope/exporter/tracked_map.h"
#include "mapscope/exporter/web_config.h"

namespace mapcore {
class Collector;
}

namespace mapscope::exporter {

struct ExporterOptions {
  std::string listen_address =
      "127.0.0.1:8931";  // HOST:PORT (IPv4) or :PORT for every interface; port 0 picks one
  std::string telemetry_path = "/metrics";
  std::uint64_t max_tracked_maps = 1000;  // track() refuses maps past this many
  // false: each map's write-pause histogram keeps its +Inf bucket, _sum and _count only.
  bool write_pause_buckets = true;
  Labels labels{};                        // static labels added to every per-map series
  std::optional<WebConfig> web_config{};  // basic auth users (bcrypt)
  std::size_t threads = 256;  // HTTP worker threads: connections served at once, stalled ones included
};

class Exporter {
 public:
  // Binds and serves. Throws std::runtime_error with a one-line message when it cannot listen, and
  // std::invalid_argument for options that make no sense (bad telemetry path or static labels).
  explicit Exporter(ExporterOptions options);
  ~Exporter();  // stops serving after the requests in flight
  Exporter(const Exporter&) = delete;
  Exporter& operator=(const Exporter&) = delete;

  std::uint16_t port() const;              // the bound port (the one picked when the address said 0)
  const ExporterOptions& options() const;  // as constructed

  // Tracks a mapcore::Map or mapcore::SharedMap (anything with stats() and write_pauses()) under the
  // `map` label `name`, plus `labels`. Tracking ends when the handle is destroyed; after that no scrape
  // touches the map, so destroy the handle before the map. Returns an empty handle, counts
  // mapscope_track_rejected_total and logs (the limit once) past max_tracked_maps, for an invalid name or
  // label, or for a duplicate (same name and labels as a tracked map).
  template <class MapT>
  // NOLINTNEXTLINE(performance-unnecessary-value-param): both are moved into track_map, which keeps them
  [[nodiscard]] TrackHandle track(std::string name, const MapT& map, Labels labels = {}) {
    return track_map(std::move(name), std::make_unique<MapAdapter<MapT>>(map), std::move(labels));
  }
  [[nodiscard]] TrackHandle track_map(std::string name, std::unique_ptr<TrackedMap> map, Labels labels = {});

  // Attaches a mapcore::Collector: the mapcore_gc_* families appear while the handle lives. One collector
  // at a time: attaching a second returns an empty handle.
  [[nodiscard]] SourceHandle attach(const mapcore::Collector& collector);

  // Adds any MetricSource. Its name must be unique among the sources; otherwise the handle is empty.
  [[nodiscard]] SourceHandle add_source(std::shared_ptr<MetricSource> source);

  // POST /-/reload calls the handler (on an HTTP thread) and answers 200 when it returns true, 500 when
  // false. Without a handler it answers 501.
  void set_reload_handler(std::function<bool()> handler);

  // Sets mapscope_config_last_reload_successful and, on success, ..._success_timestamp_seconds to now.
  // The configuration the exporter starts with counts as a successful load.
  void record_reload(bool ok);

  // Settings that can change while serving (a reload applies them).
  void set_web_config(std::optional<WebConfig> web_config);
  void set_max_tracked_maps(std::uint64_t max_tracked_maps);
  void set_write_pause_buckets(bool write_pause_buckets);
  // Replaces the static labels of every map series (a map's own label of the same name wins). Throws
  // std::invalid_argument, changing nothing, when a name or value is invalid.
  void set_labels(Labels labels);

  // Throws std::invalid_argument with labels_problem()'s text when a name or value is invalid or reserved.
  static void check_labels(const Labels& labels);
  // Throws std::invalid_argument when the address is not one the exporter can listen on (syntax, IPv6, a
  // host name without an IPv4 address). Binding is not tried.
  static void check_listen_address(const std::string& listen_address);
  // Throws std::invalid_argument for a path that cannot be the telemetry path.
  static void check_telemetry_path(const std::string& path);

  std::size_t tracked_maps() const;

  class Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace mapscope::exporter
