// AbslAdapter: absl::flat_hash_map (Swiss table, Debian's libabsl-dev) behind the benchmark
// interface (see std_adapter.h), with absl's own hash.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <cstddef>
#include <cstdint>

#include "standard_map_adapter.h"

namespace mapbench {

template <class K>
class AbslAdapter : public StandardMapAdapter<absl::flat_hash_map<K, std::int64_t>> {
 public:
  static constexpr const char* kName = "absl";

  using StandardMapAdapter<absl::flat_hash_map<K, std::int64_t>>::StandardMapAdapter;

  // One control byte per slot plus the cloned group (16 bytes), then the slots themselves.
  std::uint64_t own_bytes() const {
    const std::size_t capacity = this->map_.capacity();
    if (capacity == 0) {
      return 0;
    }
    const std::size_t control = (capacity + 1 + 15 + alignof(Slot) - 1) / alignof(Slot) * alignof(Slot);
    return control + capacity * sizeof(Slot);
  }

 private:
  using Slot = std::pair<const K, std::int64_t>;
};

}  // namespace mapbench
