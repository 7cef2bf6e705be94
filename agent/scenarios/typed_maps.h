// The definition behind make_typed_map<K>, included only by the typed_maps_*.cc files that instantiate
// it: each instantiation compiles one mapcore map type per inline value size, one for int64 values and
// one for every out-of-line size (value_sizes.h).
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

namespace typed_maps {

template <class K, std::size_t... I>
std::unique_ptr<DrivenMap> make_inline_bytes_map(const config::MapSpec& spec, std::size_t stored_size,
                                                 std::index_sequence<I...> /*indexes*/) {
  std::unique_ptr<DrivenMap> out;
  const auto try_size = [&]<std::size_t kSize>() {
    if (kSize != stored_size) {
      return false;
    }
    out = std::make_unique<TypedDrivenMap<K, FixedBytes<kSize>>>(spec);
    return true;
  };
  (try_size.template operator()<kInlineValueSizes[I]>() || ...);
  return out;
}

}  // namespace typed_maps

template <class K>
std::unique_ptr<DrivenMap> make_typed_map(const config::MapSpec& spec, std::size_t stored_size) {
  if (stored_size == 0) {
    return std::make_unique<TypedDrivenMap<K, std::int64_t>>(spec);
  }
  if (stored_size > kMaxInlineValueSize) {
    return std::make_unique<TypedDrivenMap<K, OutOfLineBytes>>(spec);
  }
  return typed_maps::make_inline_bytes_map<K>(spec, stored_size,
                                              std::make_index_sequence<kInlineValueSizes.size()>{});
}

}  // namespace mapscope::scenarios
