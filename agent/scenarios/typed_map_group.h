// The definition behind make_typed_map<K, G>, included only by the typed_maps_*.cc files that
// instantiate it: each instantiation compiles one mapcore map type per size of its group.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include "driven_map_factory.h"
#include "fixed_bytes.h"
#include "typed_driven_map.h"
#include "value_sizes.h"

namespace mapscope::scenarios {

namespace typed_map_group {

inline constexpr std::size_t kIndirectSplit = kIndirectValueSizes.size() / 2;

template <class K, const auto& kSizes, std::size_t kFirst, std::size_t... I>
std::unique_ptr<DrivenMap> make_bytes_map(const config::MapSpec& spec, std::size_t stored_size,
                                          std::index_sequence<I...> /*indexes*/) {
  std::unique_ptr<DrivenMap> out;
  const auto try_size = [&]<std::size_t kSize>() {
    if (kSize != stored_size) {
      return false;
    }
    out = std::make_unique<TypedDrivenMap<K, FixedBytes<kSize>>>(spec);
    return true;
  };
  (try_size.template operator()<kSizes[kFirst + I]>() || ...);
  return out;
}

}  // namespace typed_map_group

template <class K, SizeGroup G>
std::unique_ptr<DrivenMap> make_typed_map(const config::MapSpec& spec, std::size_t stored_size) {
  using typed_map_group::kIndirectSplit;
  using typed_map_group::make_bytes_map;
  if constexpr (G == SizeGroup::Small) {
    if (stored_size == 0) {
      return std::make_unique<TypedDrivenMap<K, std::int64_t>>(spec);
    }
    return make_bytes_map<K, kInlineValueSizes, 0>(spec, stored_size,
                                                   std::make_index_sequence<kInlineValueSizes.size()>{});
  } else if constexpr (G == SizeGroup::IndirectLow) {
    return make_bytes_map<K, kIndirectValueSizes, 0>(spec, stored_size,
                                                     std::make_index_sequence<kIndirectSplit>{});
  } else {
    return make_bytes_map<K, kIndirectValueSizes, kIndirectSplit>(
        spec, stored_size, std::make_index_sequence<kIndirectValueSizes.size() - kIndirectSplit>{});
  }
}

}  // namespace mapscope::scenarios
