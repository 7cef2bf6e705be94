// KeyCache: the key vectors of the size being benchmarked, generated once and reused by every
// benchmark of that size (generating 10M string keys takes about a second). string_view keys
// view an arena the cache holds alongside them (keys.h).
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include "keys.h"

namespace mapbench {

template <class K>
class KeyCache {
 public:
  // The n present keys, in insertion order.
  static const std::vector<K>& present(std::size_t n) {
    static KeyCache cache;
    if (cache.n_ != n || cache.set_.keys.size() != n) {
      cache.set_ = KeySet<K>{};  // the old keys go before the new ones are made
      cache.set_ = make_key_set<K>(kPresentStream, n);
      cache.n_ = n;
    }
    return cache.set_.keys;
  }

  // Absent keys for miss lookups: min(n, 2^20) of them, cycled through.
  static const std::vector<K>& absent(std::size_t n) {
    static KeyCache cache;
    const std::size_t count = std::min<std::size_t>(n, std::size_t{1} << 20);
    if (cache.n_ != count) {
      cache.set_ = make_key_set<K>(kAbsentStream, count);
      cache.n_ = count;
    }
    return cache.set_.keys;
  }

 private:
  std::size_t n_ = 0;
  KeySet<K> set_;
};

}  // namespace mapbench
