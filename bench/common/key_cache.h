// KeyCache: the key vectors of the size being benchmarked, generated once and reused by every
// benchmark of that size (generating 10M string keys takes about a second).
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
    if (cache.n_ != n || cache.keys_.size() != n) {
      cache.keys_.clear();
      cache.keys_.shrink_to_fit();
      cache.keys_ = make_keys<K>(kPresentStream, n);
      cache.n_ = n;
    }
    return cache.keys_;
  }

  // Absent keys for miss lookups: min(n, 2^20) of them, cycled through.
  static const std::vector<K>& absent(std::size_t n) {
    static KeyCache cache;
    const std::size_t count = std::min<std::size_t>(n, std::size_t{1} << 20);
    if (cache.n_ != count) {
      cache.keys_ = make_keys<K>(kAbsentStream, count);
      cache.n_ = count;
    }
    return cache.keys_;
  }

 private:
  std::size_t n_ = 0;
  std::vector<K> keys_;
};

}  // namespace mapbench
