// AgentSource: mapscope_build_info, tracked maps, refusals and reload status.
#include "agent_source.h"

#include <string>

#include "mapscope/exporter/build_info.h"
#include "mapscope/exporter/families.h"

namespace mapscope::exporter {

void AgentSource::collect(std::vector<prometheus::MetricFamily>& out) {
  using prometheus::MetricType;
  const BuildInfo& build = build_info();
  auto info =
      make_family("mapscope_build_info",
                  "A metric with a constant '1' value labeled by version, revision and compiler of mapscope.",
                  MetricType::Gauge);
  add_gauge(info,
            {{"version", std::string(build.version)},
             {"revision", std::string(build.revision)},
             {"compiler", std::string(build.compiler)}},
            1);
  auto tracked = make_family("mapscope_tracked_maps", "Maps the exporter tracks.", MetricType::Gauge);
  add_gauge(tracked, {}, static_cast<double>(maps_->size()));
  auto rejected = make_family(
      "mapscope_track_rejected_total",
      "Maps the exporter refused to track (limit reached, invalid or duplicate name).", MetricType::Counter);
  add_counter(rejected, {}, static_cast<double>(maps_->rejected_total()));
  auto reload_ok = make_family("mapscope_config_last_reload_successful",
                               "Whether the last configuration reload attempt was successful (1) or not (0).",
                               MetricType::Gauge);
  add_gauge(reload_ok, {}, reload_->last_successful.load(std::memory_order_relaxed) ? 1 : 0);
  auto reload_time = make_family("mapscope_config_last_reload_success_timestamp_seconds",
                                 "Unix time of the last successful configuration load.", MetricType::Gauge);
  add_gauge(reload_time, {}, reload_->last_success_unix_seconds.load(std::memory_order_relaxed));
  out.push_back(std::move(info));
  out.push_back(std::move(tracked));
  out.push_back(std::move(rejected));
  out.push_back(std::move(reload_ok));
  out.push_back(std::move(reload_time));
}

}  // namespace mapscope::exporter
