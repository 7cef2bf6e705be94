// SharedMap: a mapcore::Map that several threads may use, guarded by one mutex.
//
// Every operation takes the lock for its own length; stats() and write_pauses() never take it, so
// a scrape cannot delay a writer. A mapcore::Collector doing growth work also takes this lock, one
// short slice at a time, so owners wait at most one slice.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <utility>

#include "mapcore/map.h"

namespace mapcore {

template <class K, class V, class Hash = mapcore::Hash<K>, class Eq = std::equal_to<>,
          MapAllocator Alloc = CallocAllocator>
class SharedMap {
 public:
  using MapType = Map<K, V, Hash, Eq, Alloc>;
  using key_type = K;
  using mapped_type = V;

  explicit SharedMap(std::size_t hint = 0, Options options = {}, Hash hash = Hash{}, Eq eq = Eq{},
                     Alloc alloc = Alloc{})
      : map_(hint, options, std::move(hash), std::move(eq), std::move(alloc)) {}

  bool insert_or_assign(const K& key, V value) {
    std::lock_guard lock(mutex_);
    return map_.insert_or_assign(key, std::move(value));
  }

  // A copy of the value: a pointer into the map would outlive the lock.
  std::optional<V> get(const K& key) const {
    std::lock_guard lock(mutex_);
    const V* value = map_.find(key);
    return value != nullptr ? std::optional<V>(*value) : std::nullopt;
  }

  bool contains(const K& key) const {
    std::lock_guard lock(mutex_);
    return map_.contains(key);
  }

  // The same for any key a transparent Hash and Eq take (TransparentLookup): get(std::string_view) on a
  // SharedMap<std::string, V> builds no std::string.
  template <class Q>
  requires TransparentLookup<Hash, Eq> std::optional<V> get(const Q& key)
  const {
    std::lock_guard lock(mutex_);
    const V* value = map_.find(key);
    return value != nullptr ? std::optional<V>(*value) : std::nullopt;
  }
  template <class Q>
  requires TransparentLookup<Hash, Eq>
  bool contains(const Q& key) const {
    std::lock_guard lock(mutex_);
    return map_.contains(key);
  }

  bool erase(const K& key) {
    std::lock_guard lock(mutex_);
    return map_.erase(key);
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return map_.size();
  }

  void clear() {
    std::lock_guard lock(mutex_);
    map_.clear();
  }

  template <class F>
  void for_each(F&& f) const {
    std::lock_guard lock(mutex_);
    map_.for_each(std::forward<F>(f));
  }

  // Runs f(map) under the lock: for several operations that must see one state.
  template <class F>
  decltype(auto) with_lock(F&& f) {
    std::lock_guard lock(mutex_);
    return std::forward<F>(f)(map_);
  }
  template <class F>
  decltype(auto) with_lock(F&& f) const {
    std::lock_guard lock(mutex_);
    return std::forward<F>(f)(std::as_const(map_));
  }

  std::size_t evacuate(std::size_t max_buckets) {
    std::lock_guard lock(mutex_);
    return map_.evacuate(max_buckets);
  }

  bool shrink_to_fit() {
    std::lock_guard lock(mutex_);
    return map_.shrink_to_fit();
  }

  // Starts a shrink only when the map is below its low-water mark (see Map::sparse()).
  bool shrink_if_sparse() {
    std::lock_guard lock(mutex_);
    return map_.sparse() && map_.shrink_to_fit();
  }

  MapStats stats() const { return map_.stats(); }                              // lock-free
  PauseHistogramSnapshot write_pauses() const { return map_.write_pauses(); }  // lock-free
  const Options& options() const { return map_.options(); }

 private:
  mutable std::mutex mutex_;
  MapType map_;
};

}  // namespace mapcore
