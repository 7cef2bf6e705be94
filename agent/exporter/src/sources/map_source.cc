// MapSource: the per-map families of every tracked map (built by MapFamilies).
#include "map_source.h"

#include "mapscope/exporter/map_families.h"

namespace mapscope::exporter {
namespace {

LabelList labels_of(const MapSnapshot& map) {
  LabelList labels;
  labels.reserve(map.labels.size() + 1);
  labels.push_back({kMapLabel, map.name});
  for (const auto& [key, value] : map.labels) {
    labels.push_back({key, value});
  }
  return labels;
}

}  // namespace

std::vector<prometheus::MetricFamily> MapSource::families(const std::vector<MapSnapshot>& maps,
                                                          PauseBuckets pause_buckets) {
  MapFamilies families(MapFamilySet::StateAndActivity, maps.size(), pause_buckets);
  for (const MapSnapshot& map : maps) {
    families.add(labels_of(map), map.stats, map.write_pauses);
  }
  return std::move(families).take();
}

void MapSource::collect(std::vector<prometheus::MetricFamily>& out) {
  const auto pause_buckets =
      write_pause_buckets_.load(std::memory_order_relaxed) ? PauseBuckets::All : PauseBuckets::InfOnly;
  for (auto& family : families(registry_->read(), pause_buckets)) {
    out.push_back(std::move(family));
  }
}

}  // namespace mapscope::exporter
