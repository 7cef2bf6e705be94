#include "value_sizes.h"

#include <algorithm>

#include "mapcore/go_layout.h"

namespace mapscope::scenarios {

static_assert(kMaxInlineValueSize == mapcore::go::kMaxInlineBytes);

std::size_t stored_value_size(std::uint64_t configured) {
  if (configured > kMaxInlineValueSize) {
    return mapcore::go::rounded_size(configured);
  }
  return *std::lower_bound(kInlineValueSizes.begin(), kInlineValueSizes.end(), configured);
}

}  // namespace mapscope::scenarios
