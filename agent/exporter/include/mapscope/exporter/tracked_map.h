// TrackedMap: what the exporter reads of a map, and the adapter for mapcore::Map and mapcore::SharedMap.
#pragma once

#include <mapcore/map_stats.h>
#include <mapcore/pause_histogram.h>

namespace mapscope::exporter {

// Both calls must be safe from any thread while the map's owner writes, and take no lock of the owner's
// (mapcore's stats() and write_pauses() are lock-free).
class TrackedMap {
 public:
  virtual ~TrackedMap() = default;
  virtual mapcore::MapStats stats() const = 0;
  virtual mapcore::PauseHistogramSnapshot write_pauses() const = 0;
};

// Adapts anything with stats() and write_pauses(): mapcore::Map, mapcore::SharedMap, or a user type.
// Holds a reference: the map must outlive the TrackHandle that owns this adapter.
template <class MapT>
class MapAdapter final : public TrackedMap {
 public:
  explicit MapAdapter(const MapT& map) : map_(map) {}
  mapcore::MapStats stats() const override { return map_.stats(); }
  mapcore::PauseHistogramSnapshot write_pauses() const override { return map_.write_pauses(); }

 private:
  const MapT& map_;
};

}  // namespace mapscope::exporter
