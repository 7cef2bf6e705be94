// MapSource: the mapcore_map_* families of every tracked map.
#pragma once

#include <memory>

#include "map_registry.h"
#include "mapscope/exporter/metric_source.h"

namespace mapscope::exporter {

class MapSource final : public MetricSource {
 public:
  explicit MapSource(std::shared_ptr<const MapRegistry> registry) : registry_(std::move(registry)) {}
  std::string name() const override { return "maps"; }
  void collect(std::vector<prometheus::MetricFamily>& out) override;

  // The families of these snapshots (every family present, with no series when there are no maps).
  static std::vector<prometheus::MetricFamily> families(const std::vector<MapSnapshot>& maps);

 private:
  std::shared_ptr<const MapRegistry> registry_;
};

}  // namespace mapscope::exporter
