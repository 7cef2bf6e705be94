#include "value_sizes.h"

#include <algorithm>

namespace mapscope::scenarios {

std::size_t stored_value_size(std::uint64_t configured) {
  const auto inline_size = std::lower_bound(kInlineValueSizes.begin(), kInlineValueSizes.end(), configured);
  if (inline_size != kInlineValueSizes.end()) {
    return *inline_size;
  }
  const auto indirect = std::lower_bound(kIndirectValueSizes.begin(), kIndirectValueSizes.end(), configured);
  return indirect != kIndirectValueSizes.end() ? *indirect : kIndirectValueSizes.back();
}

}  // namespace mapscope::scenarios
