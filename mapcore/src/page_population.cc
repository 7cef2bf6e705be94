#include "mapcore/internal/page_population.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // <linux/mman.h> since Linux 5.14; older C libraries lack the name
#endif

namespace mapcore::internal {
namespace {
constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;  // x86-64's transparent huge page
}  // namespace

bool populate_for_writing(void* block, std::size_t bytes) noexcept {
  static const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto start = (reinterpret_cast<std::uintptr_t>(block) + page - 1) / page * page;
  const auto end = (reinterpret_cast<std::uintptr_t>(block) + bytes) / page * page;
  if (end <= start) {
    return true;  // no whole page inside: the block shares its pages with others, already mapped
  }
  // NOLINTNEXTLINE(performance-no-int-to-ptr): madvise takes the page-aligned address
  void* const pages = reinterpret_cast<void*>(start);
  if (end - start >= kHugePageBytes) {
    // Huge pages where the kernel has them (transparent huge pages in "madvise" or "always" mode): a
    // filled array is read at random, and 2 MiB pages let the TLB cover it. Asked for here only, where the
    // whole block is populated at once: a huge-page fault may compact memory first, which a write must not
    // wait for. Where the kernel refuses, the pages are ordinary ones.
    (void)madvise(pages, end - start, MADV_HUGEPAGE);
  }
  return madvise(pages, end - start, MADV_POPULATE_WRITE) == 0;
}

}  // namespace mapcore::internal
