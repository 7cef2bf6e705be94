// Where a configured `bytes` value of the scenario engine is stored, and at what size.
//
// Go keeps a value of up to 128 bytes in the bucket and a larger one out of line, in an allocation
// rounded up by its allocator. The engine does the same:
//   - in the bucket (1 .. 128 bytes): mapcore lays a value out by its C++ type, so every stored size
//     is a map type of its own (FixedBytes<N>), compiled for the multiples of 8. A size that is not
//     one is held at the next one, so such a bucket is up to 56 bytes larger than Go's;
//   - out of line (129 bytes .. 1 MiB): one map type for every size (OutOfLineBytes), each value one
//     block of exactly what Go's allocator hands out for it (size classes to 32 KiB, then 8 KiB
//     pages), so indirect_bytes are exactly Go's.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace mapscope::scenarios {

inline constexpr std::array<std::size_t, 16> kInlineValueSizes = {8,  16, 24, 32, 40,  48,  56,  64,
                                                                  72, 80, 88, 96, 104, 112, 120, 128};

// The largest value Go keeps in the bucket (maxElemSize).
inline constexpr std::size_t kMaxInlineValueSize = kInlineValueSizes.back();

// The size a configured `bytes` value (1 .. 1 MiB) is stored at: the smallest compiled inline size
// that holds it, or above kMaxInlineValueSize the block Go's allocator would give it.
std::size_t stored_value_size(std::uint64_t configured);

}  // namespace mapscope::scenarios
