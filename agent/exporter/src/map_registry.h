// MapRegistry: the maps an Exporter tracks, and the lock that keeps scrapes off destroyed maps.
//
// Tracking ends under the same mutex that a reader holds while it calls stats() and write_pauses(), so once
// unregister() returns no reader is inside the map and none will enter it. Readers hold the mutex only for
// those lock-free reads; everything built from them (families, HTML, JSON) is made after it is released.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <mapcore/map_stats.h>
#include <mapcore/pause_histogram.h>

#include "mapscope/exporter/handles.h"
#include "mapscope/exporter/labels.h"
#include "mapscope/exporter/tracked_map.h"

namespace mapscope::exporter {

// One map's state as read by one scrape. `labels` holds the static labels (the map's own and the
// exporter's), `map` excluded.
struct MapSnapshot {
  std::string name;
  Labels labels;
  mapcore::MapStats stats;
  mapcore::PauseHistogramSnapshot write_pauses;
};

class MapRegistry final : public Registrar, public std::enable_shared_from_this<MapRegistry> {
 public:
  MapRegistry(Labels exporter_labels, std::uint64_t max_maps);

  // The exporter-wide labels, added to every map's at read time (a map's own label of the same name wins).
  void set_exporter_labels(Labels labels);

  // Registers the map, or refuses it (empty handle, counted and logged) past the limit, for an invalid
  // name or label, or when a map with the same name and labels is tracked.
  TrackHandle add(std::string name, std::unique_ptr<TrackedMap> map, Labels labels);
  void unregister(std::uint64_t id) override;

  // Reads the maps in tracking order, skipping `offset` and returning at most `limit`.
  std::vector<MapSnapshot> read(std::size_t offset = 0, std::size_t limit = SIZE_MAX) const;

  std::size_t size() const;
  std::uint64_t rejected_total() const { return rejected_total_.load(std::memory_order_relaxed); }
  void set_max_maps(std::uint64_t max_maps) { max_maps_.store(max_maps, std::memory_order_relaxed); }

 private:
  struct Entry {
    std::string name;
    Labels labels;
    std::string identity;  // name and own labels, for duplicate detection
    std::unique_ptr<TrackedMap> map;
  };

  // Why the map cannot be tracked under these labels, or empty.
  std::string label_problem(const std::string& name, const Labels& labels) const;
  TrackHandle reject(const std::string& name, const std::string& reason, bool log_once);

  mutable std::mutex labels_mutex_;  // guards exporter_labels_
  Labels exporter_labels_;
  std::atomic<std::uint64_t> max_maps_;
  std::atomic<std::uint64_t> rejected_total_{0};
  std::atomic<bool> limit_logged_{false};

  mutable std::mutex mutex_;
  std::map<std::uint64_t, Entry> entries_;  // by id: tracking order
  std::set<std::string> identities_;
  std::uint64_t next_id_ = 1;
};

}  // namespace mapscope::exporter
