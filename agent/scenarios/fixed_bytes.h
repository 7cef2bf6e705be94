// FixedBytes<N>: a value of exactly N bytes, Go's [N]byte.
//
// mapcore decides from sizeof(V) whether a value sits in the bucket (up to 128 bytes) or out of line, and
// counts an out-of-line value as sizeof(V) rounded to Go's size classes. A value type of the configured
// size therefore gets both decisions right without mapcore knowing about scenarios. Alignment 1, as
// Go's byte arrays, so the bucket has no padding between values.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace mapscope::scenarios {

template <std::size_t N>
struct FixedBytes {
  std::array<std::byte, N> bytes;

  // A value whose first `used` bytes (<= N) all hold the low byte of `stamp`, the rest zero.
  static FixedBytes filled(std::uint64_t stamp, std::size_t used) {
    FixedBytes value{};
    std::memset(value.bytes.data(), static_cast<int>(stamp & 0xff), used < N ? used : N);
    return value;
  }
};

}  // namespace mapscope::scenarios
