// Go's allocator size classes (runtime/sizeclasses.go, go1.19): mapcore requests every block at
// the size Go's allocator would round it to, so its byte figures equal Go's.
#pragma once

#include <cstddef>

namespace mapcore::internal {

// The size Go's mallocgc rounds a request of `bytes` up to: the next size class below 32 KiB,
// a multiple of the 8 KiB page above.
std::size_t go_rounded_size(std::size_t bytes) noexcept;

}  // namespace mapcore::internal
