// StdAdapter: std::unordered_map (libstdc++) behind the interface every benchmark drives:
//   Adapter(hint)            an empty map, sized for `hint` entries when hint != 0
//   insert(key, value)       insert or assign
//   find(key)                pointer to the value or nullptr
//   erase(key)               true when the key was present
//   for_each(f)              f(key, value) for every entry
//   own_bytes()              the bytes the map itself holds, by the map's own figures
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <unordered_map>

namespace mapbench {

template <class K>
class StdAdapter {
 public:
  static constexpr const char* kName = "std";

  explicit StdAdapter(std::size_t hint) {
    if (hint != 0) {
      map_.reserve(hint);
    }
  }

  void insert(const K& key, std::int64_t value) { map_.insert_or_assign(key, value); }
  const std::int64_t* find(const K& key) const {
    const auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second;
  }
  bool erase(const K& key) { return map_.erase(key) != 0; }
  template <class F>
  void for_each(F&& visit) const {
    for (const auto& [key, value] : map_) {
      visit(key, value);
    }
  }
  std::size_t size() const { return map_.size(); }

  // The bucket array plus one node per entry: next pointer, the pair and (for keys whose hash is
  // not trivially cheap, such as std::string) the cached hash, in glibc malloc chunks (8 bytes of
  // header, 16-byte granularity, 32 bytes at least).
  std::uint64_t own_bytes() const {
    constexpr bool kCachesHash = !std::__is_fast_hash<std::hash<K>>::value;
    constexpr std::size_t kNode =
        sizeof(void*) + sizeof(std::pair<const K, std::int64_t>) + (kCachesHash ? sizeof(std::size_t) : 0);
    constexpr std::size_t kChunk = std::max<std::size_t>(32, (kNode + 8 + 15) / 16 * 16);
    return map_.bucket_count() * sizeof(void*) + map_.size() * kChunk;
  }

 private:
  std::unordered_map<K, std::int64_t> map_;
};

}  // namespace mapbench
