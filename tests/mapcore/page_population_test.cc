// A map made with a size hint has its array resident from the constructor on, so filling it faults
// in no page of the array (internal/page_population.h); a map grown from empty makes each new array
// resident during its grow, a slice per write of growth work, so that the rest of the grow's writes
// find their pages resident.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "mapcore/internal/page_population.h"
#include "mapcore/map.h"

namespace mapcore {
namespace {

constexpr std::size_t kEntries = std::size_t{1} << 20;
constexpr std::uint64_t kPage = 4096;

long faults_of_this_thread() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return usage.ru_minflt + usage.ru_majflt;
}

std::vector<std::int64_t> keys() {
  std::vector<std::int64_t> out(kEntries);
  std::uint64_t x = 1;
  for (auto& key : out) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    key = static_cast<std::int64_t>(x);
  }
  return out;
}

// Page faults taken while inserting every key into map.
long faults_filling(Map<std::int64_t, std::int64_t>& map, const std::vector<std::int64_t>& all) {
  const long before = faults_of_this_thread();
  for (const std::int64_t key : all) {
    map.insert_or_assign(key, key);
  }
  return faults_of_this_thread() - before;
}

TEST(PagePopulation, AHintedMapIsFilledWithoutFaultingInItsArray) {
  const std::vector<std::int64_t> all = keys();
  Map<std::int64_t, std::int64_t> hinted(kEntries);
  const std::uint64_t array_pages = hinted.stats().bucket_bytes / kPage;
  ASSERT_GT(array_pages, 9000U);  // 2^18 buckets of 144 bytes and their extra overflow buckets
  const long faults = faults_filling(hinted, all);
  ASSERT_EQ(hinted.stats().log2_buckets, 18U);  // no grow: the hint held every entry
  // Without population the array alone takes one to two faults per page. What may fault here is
  // the odd overflow bucket allocated alone and, under AddressSanitizer, the shadow of the array
  // (one byte per eight): well under a quarter of the array's pages.
  EXPECT_LT(static_cast<std::uint64_t>(faults), array_pages / 4) << faults << " faults";
}

TEST(PagePopulation, AMapGrownFromEmptyFaultsInItsArraysAsItFillsThem) {
  const std::vector<std::int64_t> all = keys();
  Map<std::int64_t, std::int64_t> grown;
  const long faults = faults_filling(grown, all);
  // The last array alone has as many pages as the hinted one. Populated during its grow or faulted
  // in by a write, each page is faulted in by this thread (the kernel counts the pages madvise
  // populates as faults of its caller), and after the inserts that fill it.
  EXPECT_GT(static_cast<std::uint64_t>(faults), grown.stats().bucket_bytes / kPage);
}

// Inserts the keys from all[next] on until the map is doubling into 2^log2 buckets; returns the
// index of the first key left.
std::size_t fill_until_doubling_into(Map<std::int64_t, std::int64_t>& map,
                                     const std::vector<std::int64_t>& all, std::size_t next,
                                     std::uint8_t log2) {
  while (!(map.growing() && map.stats().log2_buckets == log2)) {
    map.insert_or_assign(all[next], all[next]);
    ++next;
  }
  return next;
}

TEST(PagePopulation, AGrowsNewArrayIsResidentAfterOneSlicePerWriteAndNoWriteDoesMore) {
  const std::vector<std::int64_t> all = keys();
  Map<std::int64_t, std::int64_t> map;
  std::size_t next = fill_until_doubling_into(map, all, 0, 18);
  const std::uint64_t array_bytes = map.stats().bucket_bytes;  // the new array: about 9,800 pages
  // Enough writes for one slice each to cover every part of the new array.
  const std::uint64_t populating_writes =
      array_bytes / internal::kPopulationSliceBytes + internal::SlicedPopulation::kMaxParts;
  long most_faults_of_one_write = 0;
  for (const std::size_t end = next + populating_writes; next != end; ++next) {
    const long before = faults_of_this_thread();
    map.insert_or_assign(all[next], all[next]);
    most_faults_of_one_write = std::max(most_faults_of_one_write, faults_of_this_thread() - before);
  }
  // A write populates one slice. Before the slices reach them, the random old bucket it evacuates
  // may fault in the pages of its two destinations (each may straddle two pages), and an overflow
  // bucket or two.
  EXPECT_LE(static_cast<std::uint64_t>(most_faults_of_one_write),
            internal::kPopulationSliceBytes / kPage + 8);

  constexpr std::size_t kLaterWrites = 2000;
  const long before = faults_of_this_thread();
  for (const std::size_t end = next + kLaterWrites; next != end; ++next) {
    map.insert_or_assign(all[next], all[next]);
  }
  const long later_faults = faults_of_this_thread() - before;
  ASSERT_TRUE(map.growing());
  ASSERT_EQ(map.stats().log2_buckets, 18U);
  // Left to fault in as written, the array would still take a page or two for nearly every write
  // (each evacuates a random old bucket into two random new pages, and fewer than a fifth of the
  // pages were written so far). Resident, what may fault is the odd overflow bucket allocated
  // alone: a few pages of heap.
  EXPECT_LT(later_faults, static_cast<long>(kLaterWrites / 20)) << later_faults << " faults";
}

TEST(PagePopulation, OnlyWholePagesInsideTheBlockArePopulated) {
  void* small = std::malloc(100);  // inside a page shared with other blocks: nothing to do
  ASSERT_NE(small, nullptr);
  EXPECT_TRUE(internal::populate_for_writing(small, 100));
  std::free(small);
  const std::size_t bytes = 64 * kPage + 100;
  void* large = std::calloc(1, bytes);
  ASSERT_NE(large, nullptr);
  EXPECT_TRUE(internal::populate_for_writing(large, bytes));  // Linux 5.14 and later, Debian 12's 6.1
  const long before = faults_of_this_thread();
  static_cast<volatile char*>(large)[32 * kPage] = 1;  // a page in the middle is resident and writable
  EXPECT_EQ(faults_of_this_thread() - before, 0);
  std::free(large);
}

}  // namespace
}  // namespace mapcore
