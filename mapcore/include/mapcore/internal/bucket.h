// Bucket: Go's bmap, 8 slots of one hash chain, and the chain walks that need nothing but buckets
// (and, for a write's search, the keys' equality).
//
// Size, as in Go: 8 one-byte tophash cells, then 8 keys, then 8 values, then the overflow
// pointer. Go keeps all keys together and all values together to avoid padding between a small
// key and a large value; for int64 -> int64 a bucket is 8 + 64 + 64 + 8 = 144 bytes. mapcore keeps
// that size exactly, and keeps Go's arrangement too, except where key and value slots have the
// same size and alignment: there each key sits beside its value (k0 v0 k1 v1 ...), which takes
// the same bytes with no padding, so that a hit reads the tophash line and one line holding both
// its key and its value instead of a key line and a value line.
// A key or value larger than 128 bytes is stored out of line: its slot holds a pointer.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>

#include "mapcore/go_layout.h"

namespace mapcore::internal {

inline constexpr std::size_t kSlots = go::kBucketSlots;
inline constexpr std::size_t kMaxInlineBytes = go::kMaxInlineBytes;

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

// Word-at-a-time cell tests (SWAR): a bucket's 8 tophash cells read as one 64-bit word, cell i
// in byte i. Each test returns a mask with the high bit of byte i set exactly when cell i passes
// (no false positives, unlike the cheaper borrow trick), so a caller walks candidates in cell
// order with first_cell() and `mask &= mask - 1`, visiting the same cells the byte loop would.
inline constexpr std::uint64_t kEachByte = 0x0101010101010101ULL;
inline constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;

inline std::uint64_t zero_cells(std::uint64_t word) noexcept {
  return ~(((word & kLow7) + kLow7) | word | kLow7);
}
// Cells holding `top`.
inline std::uint64_t matching_cells(std::uint64_t word, std::uint8_t top) noexcept {
  return zero_cells(word ^ (kEachByte * top));
}
// Empty cells (kEmptyRest or kEmptyOne).
inline std::uint64_t empty_cells(std::uint64_t word) noexcept {
  return zero_cells(word & ~kEachByte);
}
// kEmptyRest cells: when there is one, no later cell of the chain holds an entry.
inline std::uint64_t empty_rest_cells(std::uint64_t word) noexcept {
  return zero_cells(word);
}
inline std::size_t first_cell(std::uint64_t mask) noexcept {
  return static_cast<std::size_t>(std::countr_zero(mask)) / 8;
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

  // A slot's size: the key or value itself, or a pointer to it when it is out of line.
  static constexpr std::size_t kKeySlotBytes = sizeof(KeyStorage);      // NOLINT(bugprone-sizeof-expression)
  static constexpr std::size_t kValueSlotBytes = sizeof(ValueStorage);  // NOLINT(bugprone-sizeof-expression)

  // Key i beside value i (see the top of this file): the same bytes as Go's two arrays.
  static constexpr bool kInterleaved =
      kKeySlotBytes == kValueSlotBytes && alignof(KeyStorage) == alignof(ValueStorage);

  std::uint8_t tophash[kSlots];
  // Go's arrangement: key_bytes holds the 8 keys, value_bytes the 8 values. Interleaved, the two
  // arrays are one run of 8 (key, value) pairs that starts at key_bytes.
  alignas(KeyStorage) unsigned char key_bytes[kSlots * kKeySlotBytes];
  alignas(ValueStorage) unsigned char value_bytes[kSlots * kValueSlotBytes];
  Bucket* overflow;

  KeyStorage* key_slot(std::size_t i) noexcept {
    if constexpr (kInterleaved) {
      return std::launder(reinterpret_cast<KeyStorage*>(pairs() + i * (kKeySlotBytes + kValueSlotBytes)));
    } else {
      return std::launder(reinterpret_cast<KeyStorage*>(key_bytes + i * kKeySlotBytes));
    }
  }
  ValueStorage* value_slot(std::size_t i) noexcept {
    if constexpr (kInterleaved) {
      return std::launder(
          reinterpret_cast<ValueStorage*>(pairs() + i * (kKeySlotBytes + kValueSlotBytes) + kKeySlotBytes));
    } else {
      return std::launder(reinterpret_cast<ValueStorage*>(value_bytes + i * kValueSlotBytes));
    }
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

  // The 8 tophash cells as one word (cell i in byte i on this little-endian target).
  std::uint64_t cells() const noexcept {
    std::uint64_t word;
    std::memcpy(&word, tophash, sizeof word);
    return word;
  }

  // Asks for every cache line of the bucket at once, so that after the tophash line arrives the
  // key and value lines are already on their way instead of being missed one after the other.
  // Only buckets of at most four lines (small keys and values, such as int64 -> int64's 144
  // bytes) do it; in larger ones most lines are not needed by one lookup, and a key such as a
  // long std::string costs another miss on its own buffer anyway.
  template <bool kForWrite = false>
  void prefetch() const noexcept {
    constexpr std::size_t kLine = 64;
    if constexpr (sizeof(Bucket) <= 4 * kLine) {
      constexpr int kReadWrite = kForWrite ? 1 : 0;
      const char* base = reinterpret_cast<const char*>(this);
      for (std::size_t offset = 0; offset < sizeof(Bucket); offset += kLine) {
        __builtin_prefetch(base + offset, kReadWrite);
      }
      __builtin_prefetch(base + sizeof(Bucket) - 1, kReadWrite);  // the last line, if it straddles one more
    }
  }

  // The run of interleaved pairs: the bucket's bytes from key_bytes on (key_bytes and
  // value_bytes are adjacent when kInterleaved, see the static_assert below).
  unsigned char* pairs() noexcept {
    return reinterpret_cast<unsigned char*>(this) + offsetof(Bucket, key_bytes);
  }

  // Go's evacuated(b): a bucket's first cell tells whether the whole bucket was evacuated.
  bool evacuated() const noexcept { return tophash[0] > kEmptyOne && tophash[0] < kMinTopHash; }
};

// Empty cells in the chain that starts at b.
template <class Bucket>
std::size_t free_cells_in_chain(const Bucket* b) noexcept {
  std::size_t free_cells = 0;
  for (; b != nullptr; b = b->overflow) {
    for (std::size_t i = 0; i < kSlots; ++i) {
      free_cells += is_empty_cell(b->tophash[i]) ? 1 : 0;
    }
  }
  return free_cells;
}

// What a write learns from walking a key's chain.
template <class Bucket>
struct ChainSearch {
  Bucket* match = nullptr;  // the bucket holding the key, if present
  std::size_t match_index = 0;
  Bucket* free = nullptr;  // the first empty cell, if any
  std::size_t free_index = 0;
  Bucket* tail = nullptr;  // the chain's last bucket
  std::size_t chain_length = 0;
};

// A write's walk of the chain that starts at b, for the key with tophash top (eq compares keys):
// where the key is, else the first empty cell and the tail to extend when there is none.
template <class Bucket, class Key, class Eq>
ChainSearch<Bucket> search_chain_for_write(Bucket* b, std::uint8_t top, const Key& key, const Eq& eq) {
  ChainSearch<Bucket> out;
  b->template prefetch<true>();
  for (std::size_t length = 1;; ++length) {
    out.tail = b;
    out.chain_length = length;
    const std::uint64_t cells = b->cells();
    for (std::uint64_t match = matching_cells(cells, top); match != 0; match &= match - 1) {
      const std::size_t i = first_cell(match);
      if (eq(key, b->key(i))) {
        out.match = b;
        out.match_index = i;
        return out;
      }
    }
    if (out.free == nullptr) {
      const std::uint64_t empty = empty_cells(cells);
      if (empty != 0) {
        out.free = b;
        out.free_index = first_cell(empty);
      }
    }
    if (empty_rest_cells(cells) != 0 || b->overflow == nullptr) {
      return out;
    }
    b = b->overflow;
  }
}

// A delete's walk of the chain that starts at first: the bucket and cell holding the key with
// tophash top (eq compares keys), or a null bucket when the chain does not hold it.
template <class Bucket, class Key, class Eq>
std::pair<Bucket*, std::size_t> find_in_chain_for_write(Bucket* first, std::uint8_t top, const Key& key,
                                                        const Eq& eq) {
  first->template prefetch<true>();
  for (Bucket* b = first; b != nullptr; b = b->overflow) {
    const std::uint64_t cells = b->cells();
    for (std::uint64_t match = matching_cells(cells, top); match != 0; match &= match - 1) {
      const std::size_t i = first_cell(match);
      if (eq(key, b->key(i))) {
        return {b, i};
      }
    }
    if (empty_rest_cells(cells) != 0) {
      break;
    }
  }
  return {nullptr, 0};
}

// Go's mapdelete tail: when cell i of b (in the chain that starts at first) was just emptied and
// no live entry follows it, turn it and the empty cells before it into kEmptyRest, so that
// lookups stop there.
template <class Bucket>
void mark_empty_rest(Bucket* first, Bucket* b, std::size_t i) noexcept {
  if (i == kSlots - 1) {
    if (b->overflow != nullptr && b->overflow->tophash[0] != kEmptyRest) {
      return;
    }
  } else if (b->tophash[i + 1] != kEmptyRest) {
    return;
  }
  for (;;) {
    b->tophash[i] = kEmptyRest;
    if (i == 0) {
      if (b == first) {
        return;
      }
      Bucket* previous = first;
      while (previous->overflow != b) {
        previous = previous->overflow;
      }
      b = previous;
      i = kSlots - 1;
    } else {
      --i;
    }
    if (b->tophash[i] != kEmptyOne) {
      return;
    }
  }
}

// Go's bucket size (cmd/compile's bmap): tophash, 8 keys, 8 values and the overflow pointer, each
// aligned as its type is, the whole rounded to the largest alignment.
template <class K, class V>
constexpr std::size_t go_bucket_bytes() {
  using B = Bucket<K, V>;
  auto align = [](std::size_t n, std::size_t a) { return (n + a - 1) / a * a; };
  std::size_t bytes = kSlots;
  bytes = align(bytes, alignof(typename B::KeyStorage)) + kSlots * B::kKeySlotBytes;
  bytes = align(bytes, alignof(typename B::ValueStorage)) + kSlots * B::kValueSlotBytes;
  bytes = align(bytes, alignof(void*)) + sizeof(void*);
  return align(bytes, alignof(B));
}

// Interleaving is only allowed where it changes no byte: the pairs are exactly the two arrays.
template <class K, class V>
constexpr bool keeps_go_layout_bytes() {
  using B = Bucket<K, V>;
  return sizeof(B) == go_bucket_bytes<K, V>() &&
         (!B::kInterleaved || offsetof(B, value_bytes) == offsetof(B, key_bytes) + kSlots * B::kKeySlotBytes);
}

static_assert(std::endian::native == std::endian::little, "cells() puts cell i in byte i");
static_assert(std::is_trivial_v<Bucket<std::int64_t, std::int64_t>>);
static_assert(sizeof(Bucket<std::int64_t, std::int64_t>) == 144, "Go's bucket size for map[int64]int64");
static_assert(Bucket<std::int64_t, std::int64_t>::kInterleaved &&
              keeps_go_layout_bytes<std::int64_t, std::int64_t>());
static_assert(!Bucket<std::uint8_t, std::int64_t>::kInterleaved &&
              keeps_go_layout_bytes<std::uint8_t, std::int64_t>());
// A std::string_view is a Go string header's 16 bytes (pointer, length): 8 + 8 * 16 + 8 * 8 + 8.
static_assert(sizeof(Bucket<std::string_view, std::int64_t>) == 208, "Go's bucket size for map[string]int64");
static_assert(!Bucket<std::string_view, std::int64_t>::kInterleaved &&
              keeps_go_layout_bytes<std::string_view, std::int64_t>());

}  // namespace mapcore::internal
