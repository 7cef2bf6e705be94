// MapFamilies: the per-map families (mapcore_map_*), built from MapStats for any number of maps.
//
// The exporter's maps source builds them for tracked mapcore maps, and the Go-process source for maps read
// from running Go programs, so a dashboard or an alert written for one serves the other: same names, same
// help, same meaning. Go maps count no operations, so their families are the map's state only.
#pragma once

#include <cstddef>
#include <vector>

#include <mapcore/map_stats.h>
#include <mapcore/pause_histogram.h>
#include <prometheus/metric_family.h>

#include "mapscope/exporter/families.h"

namespace mapscope::exporter {

// The label that names a map in every per-map series.
inline constexpr const char* kMapLabel = "map";

enum class MapFamilySet {
  // Shape, bytes and grow state (entries, buckets, memory by region, grow in progress and start, ...).
  StateOnly,
  // The state plus what mapcore counts as it runs: grows_total, evacuated_buckets_total,
  // operations_total and the write-pause histogram.
  StateAndActivity,
};

// Which buckets of the write-pause histogram a StateAndActivity set exposes: every bound, or only +Inf
// (with _sum and _count, 3 series instead of 19, for many maps whose pause distribution is not needed).
enum class PauseBuckets { All, InfOnly };

class MapFamilies {
 public:
  explicit MapFamilies(MapFamilySet set, std::size_t expected_maps = 0,
                       PauseBuckets pause_buckets = PauseBuckets::All);

  // One map's series. `labels` identify it (the map label first, then any others); `write_pauses` is
  // read only for StateAndActivity.
  void add(const LabelList& labels, const mapcore::MapStats& stats,
           const mapcore::PauseHistogramSnapshot& write_pauses = {});

  // Every family of the set, in exposition order, each present even without series.
  std::vector<prometheus::MetricFamily> take() &&;

 private:
  void add_state(const LabelList& labels, const mapcore::MapStats& stats);
  void add_activity(const LabelList& labels, const mapcore::MapStats& stats,
                    const mapcore::PauseHistogramSnapshot& write_pauses);

  MapFamilySet set_;
  PauseBuckets pause_buckets_;
  std::vector<prometheus::MetricFamily> families_;
};

}  // namespace mapscope::exporter
