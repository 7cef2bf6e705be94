// A map made with a size hint has its array resident from the constructor on, so filling it faults
// in no page of the array (internal/page_population.h); a map grown from empty faults its arrays in
// as it fills them.
#include <gtest/gtest.h>
#include <sys/resource.h>

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
  // The last array alone has as many pages as the hinted one; none of them was populated ahead.
  EXPECT_GT(static_cast<std::uint64_t>(faults), grown.stats().bucket_bytes / kPage);
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
