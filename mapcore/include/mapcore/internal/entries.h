// Entries: how a map's keys and values live in bucket slots.
//
// A key or value of at most 128 bytes is constructed in its slot; a larger one in an allocation of
// its own (rounded to Go's size class, as Go stores maxKeySize/maxElemSize overflowing types),
// with the slot holding the pointer. Entries creates, destroys and moves them, and counts the
// out-of-line bytes (MapStats::indirect_bytes). Allocation goes through the map's allocator,
// passed in by the caller, which owns it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

#include "mapcore/allocator.h"
#include "mapcore/internal/bucket.h"
#include "mapcore/internal/map_statistics.h"
#include "mapcore/internal/size_classes.h"

namespace mapcore::internal {

template <class K, class V, MapAllocator Alloc>
class Entries {
 public:
  using Bucket = internal::Bucket<K, V>;
  static constexpr bool kIndirectKey = Slot<K>::kIndirect;
  static constexpr bool kIndirectValue = Slot<V>::kIndirect;
  // Nothing to run when entries die: clear() and the destructor then skip the walk.
  static constexpr bool kTrivial = !kIndirectKey && !kIndirectValue && std::is_trivially_destructible_v<K> &&
                                   std::is_trivially_destructible_v<V>;

  static_assert(kIndirectKey || std::is_nothrow_move_constructible_v<K>,
                "evacuation moves keys and must not throw");
  static_assert(kIndirectValue || std::is_nothrow_move_constructible_v<V>,
                "evacuation moves values and must not throw");

  // Places a new entry in the empty cell (b, i); on any exception the cell stays empty and
  // nothing leaks.
  void construct(Alloc& alloc, Bucket* b, std::size_t i, const K& key, V&& value) {
    if constexpr (kIndirectKey) {
      *b->key_slot(i) = construct_out_of_line<K>(alloc, key);
    } else {
      ::new (static_cast<void*>(b->key_slot(i))) K(key);
    }
    try {
      if constexpr (kIndirectValue) {
        *b->value_slot(i) = construct_out_of_line<V>(alloc, std::move(value));
      } else {
        ::new (static_cast<void*>(b->value_slot(i))) V(std::move(value));
      }
    } catch (...) {
      destroy_key(alloc, b, i);
      throw;
    }
  }

  void destroy(Alloc& alloc, Bucket* b, std::size_t i) noexcept {
    destroy_key(alloc, b, i);
    destroy_value(alloc, b, i);
  }

  // Destroys every live entry of the chain that starts at b.
  void destroy_chain(Alloc& alloc, Bucket* b) noexcept {
    for (; b != nullptr; b = b->overflow) {
      for (std::size_t i = 0; i < kSlots; ++i) {
        if (b->tophash[i] >= kMinTopHash) {
          destroy(alloc, b, i);
        }
      }
    }
  }

  // Moves the entry of cell (from, i) into cell (to, j); the source slot is dead afterwards. An
  // out-of-line key or value moves as its pointer.
  static void move(Bucket* from, std::size_t i, Bucket* to, std::size_t j) noexcept {
    if constexpr (kIndirectKey) {
      *to->key_slot(j) = *from->key_slot(i);
    } else {
      ::new (static_cast<void*>(to->key_slot(j))) K(std::move(*from->key_slot(i)));
      from->key_slot(i)->~K();
    }
    if constexpr (kIndirectValue) {
      *to->value_slot(j) = *from->value_slot(i);
    } else {
      ::new (static_cast<void*>(to->value_slot(j))) V(std::move(*from->value_slot(i)));
      from->value_slot(i)->~V();
    }
  }

  // Calls f(key, value) for every live entry of the chain that starts at b.
  template <class F>
  static void visit_chain(Bucket* b, F& f) {
    for (; b != nullptr; b = b->overflow) {
      for (std::size_t i = 0; i < kSlots; ++i) {
        if (b->tophash[i] >= kMinTopHash) {
          f(std::as_const(b->key(i)), std::as_const(b->value(i)));
        }
      }
    }
  }

  // Bytes held out of line; any thread.
  std::uint64_t indirect_bytes() const noexcept { return indirect_bytes_.get(); }

 private:
  // Each out-of-line object is one allocation, rounded to Go's size class as Go's would be.
  template <class T, class Arg>
  T* construct_out_of_line(Alloc& alloc, Arg&& arg) {
    const std::size_t bytes = go_rounded_size(sizeof(T));
    void* block = alloc.allocate_zeroed(bytes);
    try {
      T* object = ::new (block) T(std::forward<Arg>(arg));
      indirect_bytes_.add(bytes);
      return object;
    } catch (...) {
      alloc.deallocate(block, bytes);
      throw;
    }
  }

  template <class T>
  void destroy_out_of_line(Alloc& alloc, T* object) noexcept {
    object->~T();
    const std::size_t bytes = go_rounded_size(sizeof(T));
    alloc.deallocate(object, bytes);
    indirect_bytes_.sub(bytes);
  }

  void destroy_key(Alloc& alloc, Bucket* b, std::size_t i) noexcept {
    if constexpr (kIndirectKey) {
      destroy_out_of_line(alloc, *b->key_slot(i));
    } else {
      b->key_slot(i)->~K();
    }
  }

  void destroy_value(Alloc& alloc, Bucket* b, std::size_t i) noexcept {
    if constexpr (kIndirectValue) {
      destroy_out_of_line(alloc, *b->value_slot(i));
    } else {
      b->value_slot(i)->~V();
    }
  }

  OwnerCounter indirect_bytes_;  // owner writes, any thread reads
};

}  // namespace mapcore::internal
