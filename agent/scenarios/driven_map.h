// DrivenMap: a scenario's map, whatever its key and value types, as the phase loop drives it.
//
// The configuration picks key and value types at run time; mapcore's map is a template. This interface
// is the boundary: TypedDrivenMap<K, V> implements it for each compiled type pair, and everything above
// it (phases, the runner, tracking) is written once. Operations take key numbers; the implementation
// turns them into keys. One thread drives a map: the operations are not meant to be called concurrently
// (contains(), stats(), write_pauses(), size() and growing() are, and the collector works through
// register_with()).
#pragma once

#include <cstdint>

#include "mapcore/collector.h"
#include "mapcore/map_stats.h"
#include "mapcore/pause_histogram.h"

namespace mapscope::scenarios {

class DrivenMap {
 public:
  virtual ~DrivenMap() = default;

  virtual void insert(std::uint64_t key) = 0;  // m[k] = v: inserts or overwrites
  virtual void update(std::uint64_t key) = 0;  // overwrites the value when the key is present, else nothing
  virtual void erase(std::uint64_t key) = 0;   // delete(m, k)
  virtual bool lookup(std::uint64_t key) = 0;  // _, ok := m[k]
  // The same question for inspection from any thread (builds its own key: slower, allocates for strings).
  virtual bool contains(std::uint64_t key) const = 0;

  virtual std::uint64_t size() const = 0;  // live entries (takes the map's lock)
  virtual bool growing() const = 0;        // a grow of any kind is in progress (takes the map's lock)

  // What the exporter reads (lock-free).
  virtual mapcore::MapStats stats() const = 0;
  virtual mapcore::PauseHistogramSnapshot write_pauses() const = 0;

  // Lets the collector maintain the map while the registration lives (it leaves Go-policy maps alone).
  [[nodiscard]] virtual mapcore::Collector::Registration register_with(mapcore::Collector& collector) = 0;
  virtual bool active_maintenance() const = 0;
};

}  // namespace mapscope::scenarios
