// ScenarioHash<K>: mapcore::Hash<K> or mapcore::WeakHash<K>, chosen when the map is made.
//
// Choosing at run time rather than as a template argument halves the map types the engine compiles (one
// per key and value type instead of two); the cost is one predictable branch per hash.
#pragma once

#include <cstdint>

#include "mapcore/hash.h"

namespace mapscope::scenarios {

template <class K>
struct ScenarioHash {
  bool weak = false;

  std::uint64_t operator()(const K& key, std::uint64_t seed) const {
    if (weak) {
      return mapcore::WeakHash<K>{}(key, seed);
    }
    return mapcore::Hash<K>{}(key, seed);
  }
};

}  // namespace mapscope::scenarios
