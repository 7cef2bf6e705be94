#include "mapcore/internal/page_population.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // <linux/mman.h> since Linux 5.14; older C libraries lack the name
#endif

namespace mapcore::internal {

bool populate_for_writing(void* block, std::size_t bytes) noexcept {
  static const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto start = (reinterpret_cast<std::uintptr_t>(block) + page - 1) / page * page;
  const auto end = (reinterpret_cast<std::uintptr_t>(block) + bytes) / page * page;
  if (end <= start) {
    return true;  // no whole page inside: the block shares its pages with others, already mapped
  }
  // NOLINTNEXTLINE(performance-no-int-to-ptr): madvise takes the page-aligned address
  return madvise(reinterpret_cast<void*>(start), end - start, MADV_POPULATE_WRITE) == 0;
}

}  // namespace mapcore::internal
