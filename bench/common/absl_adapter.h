// AbslAdapter: absl::flat_hash_map (Swiss table, Debian's libabsl-dev) behind the benchmark
// interface (see std_adapter.h), with absl's own hash.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <cstddef>
#include <cstdint>

namespace mapbench {

template <class K>
class AbslAdapter {
 public:
  static constexpr const char* kName = "absl";

  explicit AbslAdapter(std::size_t hint) {
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

  // One control byte per slot plus the cloned group (16 bytes), then the slots themselves.
  std::uint64_t own_bytes() const {
    const std::size_t capacity = map_.capacity();
    if (capacity == 0) {
      return 0;
    }
    const std::size_t control = (capacity + 1 + 15 + alignof(Slot) - 1) / alignof(Slot) * alignof(Slot);
    return control + capacity * sizeof(Slot);
  }

 private:
  using Slot = std::pair<const K, std::int64_t>;
  absl::flat_hash_map<K, std::int64_t> map_;
};

}  // namespace mapbench
