// mapcore against the figures measured on go1.19.8 (docs/go-map-facts.md): when grows start, how
// arrays are sized, that only writes evacuate, same-size growth, and that nothing shrinks.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "mapcore/map.h"
#include "test_support.h"

namespace mapcore {
namespace {

using IntMap = Map<std::int64_t, std::int64_t>;

// Inserts keys 0..n-1 in order and returns the insert numbers at which a doubling started.
std::vector<std::uint64_t> doubling_starts(IntMap& map, std::uint64_t n) {
  std::vector<std::uint64_t> starts;
  std::uint64_t doublings = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    map.insert_or_assign(static_cast<std::int64_t>(i), static_cast<std::int64_t>(i));
    const MapStats s = map.stats();
    if (s.grows_double_total != doublings) {
      doublings = s.grows_double_total;
      starts.push_back(i + 1);
    }
  }
  return starts;
}

TEST(GoFidelity, SequentialInsertsStartDoublingsAtGosInsertNumbers) {
  IntMap map;
  const auto& expected = testing::go_doubling_starts();
  EXPECT_EQ(doubling_starts(map, expected.back() + 1000), expected);
  EXPECT_EQ(map.stats().grows_same_size_total, 0u);
}

TEST(GoFidelity, LogBucketsAfterNInsertsEqualsGos) {
  IntMap map;
  const auto& starts = testing::go_doubling_starts();
  std::uint64_t inserted = 0;
  for (std::uint64_t n :
       {1ULL, 8ULL, 9ULL, 13ULL, 14ULL, 100ULL, 6656ULL, 6657ULL, 50000ULL, 1703936ULL, 1703937ULL}) {
    for (; inserted < n; ++inserted) map.insert_or_assign(static_cast<std::int64_t>(inserted), 0);
    std::uint64_t go_log2 = 0;
    for (std::uint64_t start : starts) go_log2 += start <= n ? 1 : 0;
    EXPECT_EQ(map.stats().log2_buckets, go_log2) << "after " << n << " inserts";
  }
}

TEST(GoFidelity, HintGivesGosLogBuckets) {
  const std::vector<std::pair<std::size_t, std::uint64_t>> hint_to_log2 = {
      {0, 0},  {8, 0},  {9, 1},   {13, 1},  {14, 2},   {26, 2},    {27, 3},
      {52, 3}, {53, 4}, {104, 4}, {105, 5}, {1000, 8}, {6656, 10}, {6657, 11}};
  for (const auto& [hint, log2] : hint_to_log2) {
    IntMap map(hint);
    EXPECT_EQ(map.stats().log2_buckets, log2) << "hint " << hint;
    EXPECT_EQ(map.stats().buckets, std::uint64_t{1} << log2) << "hint " << hint;
  }
}

TEST(GoFidelity, ArrayBytesFromHintEqualGos) {
  for (const auto& row : testing::go_arrays()) {
    IntMap map(row.max_entries);
    ASSERT_EQ(map.stats().log2_buckets, row.log2);
    // Go allocates no array for B = 0 until the first insert; mapcore does the same.
    if (row.log2 == 0) {
      EXPECT_EQ(map.stats().bucket_bytes, 0u);
      map.insert_or_assign(1, 1);
    }
    EXPECT_EQ(map.stats().bucket_bytes, row.bytes) << "B = " << row.log2;
    EXPECT_EQ(map.stats().bucket_bytes / 144, row.buckets) << "B = " << row.log2;
  }
}

TEST(GoFidelity, ArrayBytesReachedByGrowthEqualGos) {
  IntMap map;
  std::int64_t key = 0;
  map.insert_or_assign(key++, 0);  // the first insert allocates the B = 0 array
  for (const auto& row : testing::go_arrays()) {
    while (map.stats().log2_buckets < row.log2) map.insert_or_assign(key++, 0);
    EXPECT_EQ(map.stats().log2_buckets, row.log2);
    EXPECT_EQ(map.stats().bucket_bytes, row.bytes) << "B = " << row.log2;
  }
}

// map[string]int64: a Go string is a 16-byte header (pointer, length), so Go's bucket is
// 8 tophash bytes + 8 * 16 + 8 * 8 + an 8-byte overflow pointer. Map<std::string_view, int64_t>
// holds the same 16-byte views (the caller owns the bytes, as Go's strings share theirs), so its
// bucket and every array built from it take Go's bytes.
TEST(GoFidelity, StringViewKeysTakeGosStringBucketBytes) {
  constexpr std::size_t kGoStringBucket = go::kBucketSlots + go::kBucketSlots * 16 + go::kBucketSlots * 8 + 8;
  static_assert(kGoStringBucket == 208);
  static_assert(sizeof(internal::Bucket<std::string_view, std::int64_t>) == kGoStringBucket);
  using ViewMap = Map<std::string_view, std::int64_t>;
  for (const auto& row : testing::go_arrays()) {
    ViewMap map(row.max_entries);
    ASSERT_EQ(map.stats().log2_buckets, row.log2);
    if (row.log2 == 0) {
      map.insert_or_assign("k", 1);
    }
    const go::BucketArrayLayout layout =
        go::bucket_array_layout(static_cast<std::uint8_t>(row.log2), kGoStringBucket);
    EXPECT_EQ(map.stats().bucket_bytes, layout.bytes) << "B = " << row.log2;
  }
  // Two figures worked by hand: B = 0 is one 208-byte bucket (a size class); B = 4 asks for 18
  // buckets, 3744 bytes, which the 4096-byte class rounds up to (19 buckets' worth).
  EXPECT_EQ(go::bucket_array_layout(0, kGoStringBucket).bytes, 208u);
  EXPECT_EQ(go::bucket_array_layout(4, kGoStringBucket).bytes, 4096u);
  EXPECT_EQ(go::bucket_array_layout(4, kGoStringBucket).buckets, 19u);

  // Grown by inserts rather than sized by a hint: the same bytes at every B.
  std::vector<std::string> keys(30'000);
  for (std::size_t k = 0; k < keys.size(); ++k) {
    keys[k] = "key-" + std::to_string(k);
  }
  ViewMap grown;
  for (const std::string& key : keys) {
    grown.insert_or_assign(key, 0);
    const MapStats s = grown.stats();
    ASSERT_EQ(s.bucket_bytes,
              go::bucket_array_layout(static_cast<std::uint8_t>(s.log2_buckets), kGoStringBucket).bytes)
        << "after " << s.entries << " entries";
  }
}

// Fills to the insert that starts the 10 -> 11 doubling.
void fill_to_doubling_start(IntMap& map) {
  for (std::int64_t k = 0; k < 6657; ++k) map.insert_or_assign(k, k);
  ASSERT_TRUE(map.stats().growing);
  ASSERT_EQ(map.stats().log2_buckets, 11u);
  ASSERT_EQ(map.stats().old_buckets, 1024u);
}

TEST(GoFidelity, ReadsAndIterationNeverEvacuate) {
  IntMap map;
  fill_to_doubling_start(map);
  const MapStats before = map.stats();
  ASSERT_GT(before.oldbucket_bytes, 0u);
  ASSERT_GT(before.evacuated, 0u);  // the starting insert already did growth work
  std::int64_t found = 0;
  std::int64_t expected_found = 0;
  for (std::int64_t i = 0; i < 100000; ++i) {
    found += map.contains(i % 8000) ? 1 : 0;
    expected_found += i % 8000 < 6657 ? 1 : 0;
  }
  std::int64_t visited = 0;
  map.for_each([&](const std::int64_t&, const std::int64_t&) { ++visited; });
  const MapStats after = map.stats();
  EXPECT_EQ(found, expected_found);
  EXPECT_EQ(visited, 6657);
  EXPECT_EQ(after.evacuated, before.evacuated);
  EXPECT_EQ(after.evacuated_buckets_total, before.evacuated_buckets_total);
  EXPECT_EQ(after.oldbucket_bytes, before.oldbucket_bytes);
  EXPECT_TRUE(after.growing);
}

TEST(GoFidelity, EveryWriteAdvancesEvacuationAndTheGrowEndsWithinOldBucketWrites) {
  IntMap map;
  fill_to_doubling_start(map);
  const std::uint64_t old_buckets = map.stats().old_buckets;
  std::uint64_t writes = 0;
  std::int64_t next = 6657;
  while (map.stats().growing) {
    const MapStats before = map.stats();
    switch (writes % 3) {  // updates, inserts and deletes all do growth work
      case 0:
        map.insert_or_assign(static_cast<std::int64_t>(writes % 6000), -1);
        break;
      case 1:
        map.insert_or_assign(next++, 0);
        break;
      default:
        map.erase(static_cast<std::int64_t>(writes));
        break;
    }
    ++writes;
    const MapStats after = map.stats();
    if (after.growing) {
      EXPECT_GT(after.evacuated, before.evacuated) << "write " << writes;
    }
    EXPECT_GT(after.evacuated_buckets_total, before.evacuated_buckets_total) << "write " << writes;
  }
  EXPECT_LE(writes, old_buckets);
  EXPECT_EQ(map.stats().oldbucket_bytes, 0u);
  EXPECT_EQ(map.stats().old_buckets, 0u);
}

TEST(GoFidelity, DeleteInsertChurnAtFixedSizeMakesSameSizeGrows) {
  IntMap map(6000);
  std::mt19937_64 rng(42);
  std::vector<std::int64_t> keys;
  std::unordered_set<std::int64_t> present;
  while (keys.size() < 6000) {
    const auto k = static_cast<std::int64_t>(rng());
    if (present.insert(k).second) {
      keys.push_back(k);
      map.insert_or_assign(k, k);
    }
  }
  ASSERT_EQ(map.stats().log2_buckets, 10u);
  for (int op = 0; op < 1'000'000; ++op) {
    const std::size_t victim = rng() % keys.size();
    ASSERT_TRUE(map.erase(keys[victim]));
    present.erase(keys[victim]);
    std::int64_t fresh = static_cast<std::int64_t>(rng());
    while (!present.insert(fresh).second) fresh = static_cast<std::int64_t>(rng());
    keys[victim] = fresh;
    ASSERT_TRUE(map.insert_or_assign(fresh, fresh));
    ASSERT_EQ(map.stats().log2_buckets, 10u);
  }
  const MapStats s = map.stats();
  EXPECT_EQ(s.grows_double_total, 0u);
  // Go: about one same-size grow per 85,000 operations at this size (2,000,000 here).
  EXPECT_GE(s.grows_same_size_total, 5u);
  RecordProperty("same_size_grows", static_cast<int>(s.grows_same_size_total));
  EXPECT_EQ(map.size(), 6000u);
}

TEST(GoFidelity, DeletesNeverShrinkAndClearKeepsTheArray) {
  IntMap map;
  for (std::int64_t k = 0; k < 100000; ++k) map.insert_or_assign(k, k);
  for (std::int64_t k = 1; k < 100000; ++k) ASSERT_TRUE(map.erase(k));
  EXPECT_EQ(map.size(), 1u);
  EXPECT_EQ(map.stats().log2_buckets, 14u);
  const std::uint64_t bytes = map.stats().bucket_bytes;
  map.clear();
  EXPECT_EQ(map.size(), 0u);
  EXPECT_EQ(map.stats().log2_buckets, 14u);
  EXPECT_EQ(map.stats().bucket_bytes, bytes);
  EXPECT_EQ(map.stats().overflow_bytes, 0u);
  EXPECT_EQ(map.stats().oldbucket_bytes, 0u);
  EXPECT_FALSE(map.contains(0));
}

TEST(GoFidelity, ClearMidGrowDropsTheOldArray) {
  IntMap map;
  fill_to_doubling_start(map);
  map.clear();
  const MapStats s = map.stats();
  EXPECT_FALSE(s.growing);
  EXPECT_EQ(s.oldbucket_bytes, 0u);
  EXPECT_EQ(s.log2_buckets, 11u);
  map.insert_or_assign(5, 5);
  EXPECT_EQ(*map.find(5), 5);
}

TEST(GoFidelity, Go121ProfileDoublesAtSixPerBucket) {
  Options go121;
  go121.profile = Profile::Go121;
  IntMap map(0, go121);
  // go1.21: count > 8 and count > 12 * (2^B / 2): starts at 9, then 6 * 2^B + 1.
  std::vector<std::uint64_t> expected = {9};
  for (unsigned b = 1; b <= 12; ++b) expected.push_back(6 * (std::uint64_t{1} << b) + 1);
  EXPECT_EQ(doubling_starts(map, expected.back() + 10), expected);
  // The limit the exporter publishes (mapcore_map_load_factor_limit) is the one the map doubles at.
  EXPECT_EQ(map.stats().load_factor_limit, 6.0);
  EXPECT_EQ(IntMap().stats().load_factor_limit, 6.5);
}

TEST(GoFidelity, UpdatingExistingKeysNeverStartsAGrow) {
  IntMap map;
  for (std::int64_t k = 0; k < 6656; ++k) map.insert_or_assign(k, k);
  ASSERT_FALSE(map.stats().growing);
  for (std::int64_t round = 0; round < 5; ++round) {
    for (std::int64_t k = 0; k < 6656; ++k) EXPECT_FALSE(map.insert_or_assign(k, round));
  }
  EXPECT_FALSE(map.stats().growing);
  EXPECT_EQ(map.stats().grows_double_total, 10u);
  EXPECT_EQ(map.stats().updates_total, 5u * 6656u);
}

}  // namespace
}  // namespace mapcore
