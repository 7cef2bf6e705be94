// MapcoreAdapter: mapcore::Map behind the interface every benchmark drives (see std_adapter.h).
// Compiled with MAPCORE_STATS=0 it names itself "mapcore_nostats", so that both builds of the
// same benchmark can be told apart in the results.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "mapcore/map.h"

namespace mapbench {

template <class K>
class MapcoreAdapter {
 public:
  static constexpr const char* kName = MAPCORE_STATS ? "mapcore" : "mapcore_nostats";

  explicit MapcoreAdapter(std::size_t hint) : map_(hint) {}

  void insert(const K& key, std::int64_t value) { map_.insert_or_assign(key, value); }
  const std::int64_t* find(const K& key) const { return map_.find(key); }
  // The batched lookup only mapcore offers (keys: K, or views for std::string keys).
  template <class Q>
  void find_many(std::span<const Q> keys, std::span<const std::int64_t*> out) const {
    map_.find_many(keys, out);
  }
  bool erase(const K& key) { return map_.erase(key); }
  template <class F>
  void for_each(F&& visit) const {
    map_.for_each(visit);
  }
  std::size_t size() const { return map_.size(); }

  // The map's own figure: every byte it holds from its allocator (bucket arrays with Go's
  // size-class rounding, overflow buckets, old arrays). Heap bytes owned by the keys (a long
  // std::string's buffer) are not the map's and not counted, for any map.
  std::uint64_t own_bytes() const { return map_.stats().total_bytes(); }

 private:
  mapcore::Map<K, std::int64_t> map_;
};

}  // namespace mapbench
