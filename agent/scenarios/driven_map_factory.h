// make_driven_map: the DrivenMap a scenario's `map` section describes.
//
// Key int64 or string of the given length; value int64 or bytes of the given size, stored at
// stored_value_size(size) (value_sizes.h): in the bucket up to 128 bytes, out of line above, as Go
// stores them; profile, hint, hash and maintenance as configured.
#pragma once

#include <cstddef>
#include <memory>

#include "driven_map.h"
#include "mapscope/config/schema.h"

namespace mapscope::scenarios {

std::unique_ptr<DrivenMap> make_driven_map(const config::MapSpec& spec);

// The compiled map types for key type K, one file per key type so that they build in parallel
// (typed_maps_*.cc). stored_size 0 means an int64 value; otherwise it is a stored_value_size().
template <class K>
std::unique_ptr<DrivenMap> make_typed_map(const config::MapSpec& spec, std::size_t stored_size);

}  // namespace mapscope::scenarios
