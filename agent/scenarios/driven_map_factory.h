// make_driven_map: the DrivenMap a scenario's `map` section describes.
//
// Key int64 or string of the given length; value int64 or bytes of the given size, stored at
// stored_value_size(size) (value_sizes.h); profile, hint, hash and maintenance as configured.
#pragma once

#include <cstddef>
#include <memory>

#include "driven_map.h"
#include "mapscope/config/schema.h"

namespace mapscope::scenarios {

std::unique_ptr<DrivenMap> make_driven_map(const config::MapSpec& spec);

// The compiled map types, split into groups so that they build in parallel (typed_maps_*.cc). Each
// returns nullptr when `stored_size` is not in its group; stored_size 0 means an int64 value.
enum class SizeGroup { Small, IndirectLow, IndirectHigh };
template <class K, SizeGroup G>
std::unique_ptr<DrivenMap> make_typed_map(const config::MapSpec& spec, std::size_t stored_size);

}  // namespace mapscope::scenarios
