// MapSource: the mapcore_map_* families of every tracked map.
#pragma once

#include <atomic>
#include <memory>

#include "map_registry.h"
#include "mapscope/exporter/map_families.h"
#include "mapscope/exporter/metric_source.h"

namespace mapscope::exporter {

class MapSource final : public MetricSource {
 public:
  MapSource(std::shared_ptr<const MapRegistry> registry, bool write_pause_buckets)
      : registry_(std::move(registry)), write_pause_buckets_(write_pause_buckets) {}
  std::string name() const override { return "maps"; }
  void collect(std::vector<prometheus::MetricFamily>& out) override;

  // Whether the write-pause histograms keep their buckets; a reload changes it while serving.
  void set_write_pause_buckets(bool on) { write_pause_buckets_.store(on, std::memory_order_relaxed); }

  // The families of these snapshots (every family present, with no series when there are no maps).
  static std::vector<prometheus::MetricFamily> families(const std::vector<MapSnapshot>& maps,
                                                        PauseBuckets pause_buckets = PauseBuckets::All);

 private:
  std::shared_ptr<const MapRegistry> registry_;
  std::atomic<bool> write_pause_buckets_;
};

}  // namespace mapscope::exporter
