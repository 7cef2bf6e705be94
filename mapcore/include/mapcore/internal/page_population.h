// Page population: making a block's pages resident before the writes that fill it.
//
// A large zeroed array from calloc is untouched mmap memory. The first read of each 4 KiB page maps
// the shared zero page, and the first write then faults again to give the page its own frame: two
// faults per page, each paid by whichever insert happens to touch the page first. A map made with a
// size hint is about to be filled, so its constructor populates the array at once, writable, in one
// call: one frame per page, and no fault left for the inserts. (A grow's new array is not populated:
// that would put work proportional to the array into the one insert that starts the grow.)
#pragma once

#include <cstddef>

namespace mapcore::internal {

// Makes the whole pages inside [block, block + bytes) resident and writable (madvise
// MADV_POPULATE_WRITE, Linux 5.14 and later). Returns false where the kernel refuses, and then
// nothing changed: the pages fault in as they are written.
bool populate_for_writing(void* block, std::size_t bytes) noexcept;

}  // namespace mapcore::internal
