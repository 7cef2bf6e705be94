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

#include "standard_map_adapter.h"

namespace mapbench {

template <class K>
class StdAdapter : public StandardMapAdapter<std::unordered_map<K, std::int64_t>> {
 public:
  static constexpr const char* kName = "std";

  using StandardMapAdapter<std::unordered_map<K, std::int64_t>>::StandardMapAdapter;

  // The bucket array plus one node per entry: next pointer, the pair and (for keys whose hash is
  // not trivially cheap, such as std::string) the cached hash, in glibc malloc chunks (8 bytes of
  // header, 16-byte granularity, 32 bytes at least).
  std::uint64_t own_bytes() const {
    constexpr bool kCachesHash = !std::__is_fast_hash<std::hash<K>>::value;
    constexpr std::size_t kNode =
        sizeof(void*) + sizeof(std::pair<const K, std::int64_t>) + (kCachesHash ? sizeof(std::size_t) : 0);
    constexpr std::size_t kChunk = std::max<std::size_t>(32, (kNode + 8 + 15) / 16 * 16);
    return this->map_.bucket_count() * sizeof(void*) + this->map_.size() * kChunk;
  }
};

}  // namespace mapbench
