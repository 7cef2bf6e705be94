// Page population: making a block's pages resident before the writes that fill it.
//
// A large zeroed array from calloc is untouched mmap memory. The first read of each 4 KiB page maps
// the shared zero page, and the first write then faults again to give the page its own frame: two
// faults per page, each paid by whichever insert happens to touch the page first. A map made with a
// size hint is about to be filled, so its constructor populates the array at once, writable, in one
// call: one frame per page, and no fault left for the inserts.
//
// A grow's new array is populated too, but a slice at a time (SlicedPopulation): populating it at
// once would put work proportional to the array into the one insert that starts the grow. Each
// write that does grow work populates the next slice first, so the array is resident long before
// the grow ends and the evacuation cursor's writes find their pages ready, while no write makes
// more than one slice resident.
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>

namespace mapcore::internal {

// Makes the whole pages inside [block, block + bytes) resident and writable (madvise
// MADV_POPULATE_WRITE, Linux 5.14 and later). Returns false where the kernel refuses, and then
// nothing changed: the pages fault in as they are written.
bool populate_for_writing(void* block, std::size_t bytes) noexcept;

// How much one write populates of a grow's new array: 16 pages. Evacuation fills the parts of the
// array front to back at about one bucket per write, so any slice of a page or more outruns it;
// the slice is made larger so that the array is resident early in the grow, when the random
// old bucket each write evacuates would otherwise fault in pages of its own (2^21 buckets of 144
// bytes and their overflow buckets, 306 MiB, are resident after about 4,900 of the grow's roughly
// 700,000 writes). It is not made larger still because each page populated still costs the kernel
// a frame to allocate and zero (and counts as a fault of the calling thread, taken without a trap):
// the slice bounds the work one write adds.
inline constexpr std::size_t kPopulationSliceBytes = std::size_t{64} << 10;

// Arrays smaller than this are not populated: glibc serves them from its heap (128 KiB is its
// default mmap threshold), where they often reuse memory that is already resident, and the few
// pages left to fault are not worth a system call on every grow of the many small maps.
inline constexpr std::size_t kSmallestPopulatedArrayBytes = std::size_t{128} << 10;

// A block made resident a slice at a time, in parts that are each populated front to back: the
// parts a grow's evacuation writes at the same time (map.h picks them), taken in turn so that
// every part stays ahead of the writes that fill it. Only whole pages inside the block are
// populated; the parts are split at page boundaries, so every such page belongs to one part.
class SlicedPopulation {
 public:
  static constexpr std::size_t kMaxParts = 3;

  // Starts populating [block, block + bytes), split at the given byte offsets into parts (at most
  // kMaxParts). A block below kSmallestPopulatedArrayBytes is left alone.
  void start(void* block, std::size_t bytes, std::initializer_list<std::size_t> split_offsets) noexcept;

  // Populates the next slice of the next part that is not resident yet; nothing once every part
  // is, or after the kernel refused (the pages then fault in as they are written).
  void populate_next_slice() noexcept;

  bool done() const noexcept { return parts_left_ == 0; }

 private:
  struct Part {
    char* next = nullptr;  // page-aligned: the first page not populated yet
    char* end = nullptr;   // page-aligned
  };

  void stop() noexcept { parts_left_ = 0; }

  std::array<Part, kMaxParts> parts_{};
  std::size_t part_count_ = 0;
  std::size_t parts_left_ = 0;
  std::size_t turn_ = 0;  // the part the next slice comes from
};

}  // namespace mapcore::internal
