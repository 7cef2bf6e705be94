// Bucket: Go's bmap, 8 slots of one hash chain.
//
// Layout, as in Go: 8 one-byte tophash cells, then 8 keys, then 8 values, then the overflow
// pointer. Keeping all keys together and all values together avoids padding between a small key
// and a large value; for int64 -> int64 a bucket is 8 + 64 + 64 + 8 = 144 bytes, Go's size.
// A key or value larger than 128 bytes is stored out of line: its slot holds a pointer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>

namespace mapcore::internal {

inline constexpr std::size_t kSlots = 8;
inline constexpr std::size_t kMaxInlineBytes = 128;

// tophash cell states. Values below kMinTopHash are reserved; a real tophash is bumped past them.
inline constexpr std::uint8_t kEmptyRest = 0;       // empty, and so is every later cell of the chain
inline constexpr std::uint8_t kEmptyOne = 1;        // empty
inline constexpr std::uint8_t kEvacuatedX = 2;      // entry moved to the first half of a doubled array
inline constexpr std::uint8_t kEvacuatedY = 3;      // entry moved to the second half
inline constexpr std::uint8_t kEvacuatedEmpty = 4;  // empty, and the bucket is evacuated
inline constexpr std::uint8_t kMinTopHash = 5;

inline bool is_empty_cell(std::uint8_t top) noexcept {
  return top <= kEmptyOne;
}

inline std::uint8_t tophash_of(std::uint64_t hash) noexcept {
  const auto top = static_cast<std::uint8_t>(hash >> 56);
  return top < kMinTopHash ? static_cast<std::uint8_t>(top + kMinTopHash) : top;
}

// How a key or value type is held in its slot.
template <class T>
struct Slot {
  static constexpr bool kIndirect = sizeof(T) > kMaxInlineBytes;
  using Storage = std::conditional_t<kIndirect, T*, T>;
};

template <class K, class V>
struct Bucket {
  using KeyStorage = typename Slot<K>::Storage;
  using ValueStorage = typename Slot<V>::Storage;

  std::uint8_t tophash[kSlots];
  alignas(KeyStorage) unsigned char key_bytes[kSlots * sizeof(KeyStorage)];
  alignas(ValueStorage) unsigned char value_bytes[kSlots * sizeof(ValueStorage)];
  Bucket* overflow;

  KeyStorage* key_slot(std::size_t i) noexcept {
    return std::launder(reinterpret_cast<KeyStorage*>(key_bytes + i * sizeof(KeyStorage)));
  }
  ValueStorage* value_slot(std::size_t i) noexcept {
    return std::launder(reinterpret_cast<ValueStorage*>(value_bytes + i * sizeof(ValueStorage)));
  }
  const K& key(std::size_t i) noexcept {
    if constexpr (Slot<K>::kIndirect) {
      return **key_slot(i);
    } else {
      return *key_slot(i);
    }
  }
  V& value(std::size_t i) noexcept {
    if constexpr (Slot<V>::kIndirect) {
      return **value_slot(i);
    } else {
      return *value_slot(i);
    }
  }

  // Go's evacuated(b): a bucket's first cell tells whether the whole bucket was evacuated.
  bool evacuated() const noexcept { return tophash[0] > kEmptyOne && tophash[0] < kMinTopHash; }
};

static_assert(std::is_trivial_v<Bucket<std::int64_t, std::int64_t>>);
static_assert(sizeof(Bucket<std::int64_t, std::int64_t>) == 144, "Go's bucket size for map[int64]int64");

}  // namespace mapcore::internal
