#include "mapcore/internal/page_population.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // <linux/mman.h> since Linux 5.14; older C libraries lack the name
#endif

namespace mapcore::internal {
namespace {

std::uintptr_t page_size() noexcept {
  static const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  return page;
}

std::uintptr_t page_up(std::uintptr_t address) noexcept {
  return (address + page_size() - 1) / page_size() * page_size();
}

std::uintptr_t page_down(std::uintptr_t address) noexcept {
  return address / page_size() * page_size();
}

}  // namespace

bool populate_for_writing(void* block, std::size_t bytes) noexcept {
  const std::uintptr_t start = page_up(reinterpret_cast<std::uintptr_t>(block));
  const std::uintptr_t end = page_down(reinterpret_cast<std::uintptr_t>(block) + bytes);
  if (end <= start) {
    return true;  // no whole page inside: the block shares its pages with others, already mapped
  }
  // NOLINTNEXTLINE(performance-no-int-to-ptr): madvise takes the page-aligned address
  return madvise(reinterpret_cast<void*>(start), end - start, MADV_POPULATE_WRITE) == 0;
}

void SlicedPopulation::start(void* block, std::size_t bytes,
                             std::initializer_list<std::size_t> split_offsets) noexcept {
  *this = SlicedPopulation{};
  if (bytes < kSmallestPopulatedArrayBytes || split_offsets.size() >= kMaxParts) {
    return;
  }
  const auto begin = reinterpret_cast<std::uintptr_t>(block);
  std::uintptr_t part_begin = page_up(begin);
  const std::uintptr_t end = page_down(begin + bytes);
  auto add_part = [&](std::uintptr_t part_end) {
    part_end = std::clamp(part_end, part_begin, end);
    if (part_end > part_begin) {
      // NOLINTNEXTLINE(performance-no-int-to-ptr): page-aligned addresses inside the block
      parts_[part_count_++] = Part{reinterpret_cast<char*>(part_begin), reinterpret_cast<char*>(part_end)};
    }
    part_begin = part_end;
  };
  for (const std::size_t offset : split_offsets) {
    add_part(page_down(begin + offset));
  }
  add_part(end);
  parts_left_ = part_count_;
}

void SlicedPopulation::populate_next_slice() noexcept {
  if (parts_left_ == 0) {
    return;
  }
  while (parts_[turn_].next == parts_[turn_].end) {
    turn_ = (turn_ + 1) % part_count_;
  }
  Part& part = parts_[turn_];
  const std::size_t bytes = std::min(kPopulationSliceBytes, static_cast<std::size_t>(part.end - part.next));
  if (!populate_for_writing(part.next, bytes)) {
    stop();  // the kernel cannot populate (before 5.14): the pages fault in as they are written
    return;
  }
  part.next += bytes;
  parts_left_ -= part.next == part.end ? 1 : 0;
  turn_ = (turn_ + 1) % part_count_;
}

}  // namespace mapcore::internal
