// StandardMapAdapter: the benchmark interface (see std_adapter.h) over any map with the standard
// associative interface (reserve, insert_or_assign, find, erase, iteration), as std::unordered_map
// and absl::flat_hash_map both have. Each adapter adds its name and how it counts its own bytes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mapbench {

template <class MapT>
class StandardMapAdapter {
 public:
  using Key = typename MapT::key_type;

  explicit StandardMapAdapter(std::size_t hint) {
    if (hint != 0) {
      map_.reserve(hint);
    }
  }

  void insert(const Key& key, std::int64_t value) { map_.insert_or_assign(key, value); }
  const std::int64_t* find(const Key& key) const {
    const auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second;
  }
  bool erase(const Key& key) { return map_.erase(key) != 0; }
  template <class F>
  void for_each(F&& visit) const {
    for (const auto& [key, value] : map_) {
      visit(key, value);
    }
  }
  std::size_t size() const { return map_.size(); }

 protected:
  MapT map_;
};

}  // namespace mapbench
