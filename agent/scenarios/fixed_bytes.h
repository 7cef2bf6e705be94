// The byte-array values a scenario's `bytes` value type is made of, stored where Go stores [N]byte.
//
//   - FixedBytes<N> (N <= 128): Go keeps such a value in the bucket, so it is a value type of exactly N
//     bytes; the map lays it out by its type. Alignment 1, as Go's byte arrays, so the bucket has no
//     padding between values.
//   - OutOfLineBytes (N > 128): Go keeps only a pointer in the bucket, to one allocation of N bytes
//     rounded up to its size class. OutOfLineBytes is that pointer: an 8-byte owning handle, so the
//     bucket is Go's whatever N is, and every out-of-line size shares one map type. The driver knows
//     N and counts the blocks as Go's map would (TypedDrivenMap::stats()).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

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

class OutOfLineBytes {
 public:
  OutOfLineBytes() noexcept = default;
  OutOfLineBytes(OutOfLineBytes&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  OutOfLineBytes& operator=(OutOfLineBytes&& other) noexcept {
    std::swap(block_, other.block_);
    return *this;
  }
  OutOfLineBytes(const OutOfLineBytes&) = delete;
  OutOfLineBytes& operator=(const OutOfLineBytes&) = delete;
  ~OutOfLineBytes() { std::free(block_); }

  // A zeroed block of `block_bytes` whose first `used` bytes (<= block_bytes) all hold the low byte
  // of `stamp`.
  static OutOfLineBytes filled(std::uint64_t stamp, std::size_t used, std::size_t block_bytes) {
    OutOfLineBytes value;
    value.block_ = static_cast<std::byte*>(std::calloc(1, block_bytes));
    if (value.block_ == nullptr) {
      throw std::bad_alloc();
    }
    std::memset(value.block_, static_cast<int>(stamp & 0xff), used < block_bytes ? used : block_bytes);
    return value;
  }

  const std::byte* data() const noexcept { return block_; }

 private:
  std::byte* block_ = nullptr;
};

static_assert(sizeof(OutOfLineBytes) == sizeof(void*), "the bucket slot holds just the pointer, as Go's");

}  // namespace mapscope::scenarios
