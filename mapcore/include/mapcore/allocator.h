// Allocators: where a map's memory comes from.
//
// A map allocator hands out zeroed blocks and takes them back with their size:
//   void* allocate_zeroed(std::size_t bytes);           // zeroed memory, or throws std::bad_alloc
//   void  deallocate(void* block, std::size_t bytes) noexcept;
// Zeroed memory matters: an all-zero bucket is a valid empty bucket (tophash 0 is "empty, and
// every later cell too"), and calloc gets large blocks from fresh mmap pages without touching
// them, so starting a grow costs no page faults up front.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>

namespace mapcore {

struct CallocAllocator {
  void* allocate_zeroed(std::size_t bytes) {
    void* block = std::calloc(1, bytes);
    if (block == nullptr) {
      throw std::bad_alloc();
    }
    return block;
  }
  void deallocate(void* block, std::size_t /*bytes*/) noexcept { std::free(block); }
};

template <class A>
concept MapAllocator = requires(A a, void* p, std::size_t n) {
  { a.allocate_zeroed(n) } -> std::same_as<void*>;
  { a.deallocate(p, n) }
  noexcept;
};

}  // namespace mapcore
