// Page population: making a block's pages resident before the writes that fill it.
//
// A large zeroed array from calloc is untouched mmap memory. The first read of each 4 KiB page maps
// the shared zero page, and the first write then faults again to give the page its own frame: two
// faults per page, each paid by whichever insert happens to touch the page first. A map made with a
// size hint is about to be filled, so its constructor populates the array at once, writable, in one
// call: one frame per page, and no fault left for the inserts. Such an array of 2 MiB or more is also
// offered transparent huge pages, since it is populated here and never faulted by a write: a filled
// array is read at random, and huge pages let the TLB cover it (hinted int64 and string_view fills
// at 1M and 10M took 11-50% less time, A/B on this project's machine). A grow's new array is neither
// populated nor made of huge pages: population would put work proportional to the array into the one
// insert that starts the grow, and a huge-page fault may compact memory inside a write.
#pragma once

#include <cstddef>

namespace mapcore::internal {

// Makes the whole pages inside [block, block + bytes) resident and writable (madvise
// MADV_POPULATE_WRITE, Linux 5.14 and later), as huge pages where the block spans one and the kernel
// allows them (MADV_HUGEPAGE). Returns false where the kernel refuses population, and then nothing
// changed: the pages fault in as they are written.
bool populate_for_writing(void* block, std::size_t bytes) noexcept;

}  // namespace mapcore::internal
