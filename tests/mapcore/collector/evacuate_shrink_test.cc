// Map::evacuate, Map::shrink_to_fit and Map::sparse on one thread: growth work without writes,
// the shrink target, the low-water mark and its hysteresis, and contents kept through all of it.
#include <cstdint>
#include <limits>
#include <unordered_map>

#include <gtest/gtest.h>

#include "collector_test_support.h"
#include "mapcore/map.h"
#include "mapcore/shared_map.h"

namespace mapcore::testing {
namespace {

using IntMap = Map<std::int64_t, std::int64_t>;

// Inserts keys 0..n-1 (value = 3 * key) into map and reference.
template <class MapT>
void fill_sequential(MapT& map, Reference& reference, std::int64_t n) {
  for (std::int64_t key = 0; key < n; ++key) {
    map.insert_or_assign(key, key * 3);
    reference[key] = key * 3;
  }
}

// A map of 100,000 entries, which give B = 14 (docs/go-map-facts.md), with its grow finished and
// then drained to `keep` entries in that array (deleting never shrinks it); and its reference.
struct Drained {
  explicit Drained(std::size_t keep) {
    fill_sequential(map, reference, 100'000);
    map.evacuate(kAll);
    drain_to(map, reference, keep);
  }

  IntMap map;
  Reference reference;
};

// The doubling B=10 -> 11 starts at insert 6657 (docs/go-map-facts.md); the map is frozen there.
TEST(Evacuate, FinishesAFrozenDoublingWithoutWrites) {
  IntMap map;
  Reference reference;
  fill_sequential(map, reference, 6657);
  const MapStats frozen = map.stats();
  ASSERT_TRUE(frozen.growing);
  ASSERT_EQ(frozen.old_buckets, 1024u);
  ASSERT_GE(frozen.oldbucket_bytes, 163840u);
  const std::uint64_t pending = frozen.evacuation_pending;
  ASSERT_GT(pending, 1000u);

  // Reads never evacuate: that is the leak.
  expect_same_contents(map, reference);
  EXPECT_EQ(map.stats().evacuation_pending, pending);

  EXPECT_EQ(map.evacuate(100), 100u);
  MapStats s = map.stats();
  EXPECT_EQ(s.evacuation_pending, pending - 100);
  EXPECT_EQ(s.evacuated_by_collector_total, 100u);
  EXPECT_EQ(s.evacuated_buckets_total, frozen.evacuated_buckets_total + 100);
  expect_same_contents(map, reference);

  EXPECT_EQ(map.evacuate(kAll), pending - 100);
  s = map.stats();
  EXPECT_FALSE(s.growing);
  EXPECT_EQ(s.oldbucket_bytes, 0u);
  EXPECT_EQ(s.log2_buckets, 11u);
  EXPECT_EQ(s.bucket_bytes, 319488u);
  EXPECT_EQ(s.evacuated_by_collector_total, pending);
  EXPECT_EQ(s.inserts_total, 6657u);  // evacuation is not a write
  expect_same_contents(map, reference);

  EXPECT_EQ(map.evacuate(kAll), 0u) << "nothing to do when not growing";
}

TEST(Evacuate, NeverExceedsItsBucketLimit) {
  IntMap map;
  Reference reference;
  fill_sequential(map, reference, 6657);
  std::uint64_t pending = map.stats().evacuation_pending;
  std::uint64_t calls = 0;
  while (map.growing()) {
    const std::size_t done = map.evacuate(7);
    ASSERT_GE(done, 1u);
    ASSERT_LE(done, 7u);
    ASSERT_EQ(map.stats().evacuation_pending, map.growing() ? pending - done : 0u);
    pending -= done;
    ++calls;
  }
  EXPECT_EQ(pending, 0u);
  EXPECT_GE(calls, 1000u / 7);
  expect_same_contents(map, reference);
}

// The old array of a grow that evacuate() finishes can be handed over instead of freed, so that
// a caller holding a lock frees it after unlocking.
TEST(Evacuate, HandsTheFinishedGrowsOldArrayOver) {
  IntMap map;
  Reference reference;
  fill_sequential(map, reference, 6657);
  IntMap::Retired retired;
  map.evacuate(10, retired);
  EXPECT_EQ(retired.bytes(), 0u) << "nothing to hand over before the grow finishes";
  map.evacuate(kAll, retired);
  EXPECT_EQ(retired.bytes(), 163840u) << "the B = 10 array";
  const MapStats s = map.stats();
  EXPECT_FALSE(s.growing);
  EXPECT_EQ(s.oldbucket_bytes, 0u) << "the map no longer holds it";
  retired.release();
  EXPECT_EQ(retired.bytes(), 0u);
  expect_same_contents(map, reference);
}

// 1,000 entries left of 100,000 fit B = 9 at half the load factor.
TEST(Shrink, GoesToTheSmallestArrayHoldingTheEntriesAtHalfLoad) {
  Drained drained(1000);
  auto& [map, reference] = drained;
  ASSERT_EQ(map.stats().log2_buckets, 14u) << "deleting never shrinks by itself";
  ASSERT_TRUE(map.sparse());

  ASSERT_TRUE(map.shrink_to_fit());
  MapStats s = map.stats();
  EXPECT_TRUE(s.growing);
  EXPECT_TRUE(s.shrinking);
  EXPECT_FALSE(s.same_size_grow);
  EXPECT_EQ(s.shrinks_total, 1u);
  EXPECT_EQ(s.log2_buckets, 9u);  // 6.5 * 2^9 / 2 = 1664 >= 1000 > 6.5 * 2^8 / 2
  EXPECT_EQ(s.old_buckets, 16384u);
  EXPECT_EQ(s.bucket_bytes, 81920u);
  EXPECT_FALSE(map.sparse()) << "a growing map is never sparse";
  EXPECT_FALSE(map.shrink_to_fit()) << "no second grow while one is in progress";
  expect_same_contents(map, reference);

  EXPECT_EQ(map.evacuate(kAll), 16384u);
  s = map.stats();
  EXPECT_FALSE(s.growing);
  EXPECT_FALSE(s.shrinking);
  EXPECT_EQ(s.oldbucket_bytes, 0u);
  EXPECT_EQ(s.bucket_bytes, 81920u);
  EXPECT_EQ(s.evacuated_by_collector_total, 16384u);
  EXPECT_FALSE(map.sparse()) << "after a shrink the map must be above its low-water mark";
  expect_same_contents(map, reference);
}

// The low-water mark: sparse iff entries < 6.5 * 2^B / 8 (13312 for B = 14).
TEST(Shrink, LowWaterMarkIsAnEighthOfTheLoadFactor) {
  Drained drained(13312);
  auto& [map, reference] = drained;
  EXPECT_FALSE(map.sparse());
  drain_to(map, reference, 13311);
  EXPECT_TRUE(map.sparse());
  ASSERT_TRUE(map.shrink_to_fit());
  EXPECT_EQ(map.stats().log2_buckets, 12u);  // 6.5 * 2^12 / 2 = 13312 >= 13311
  map.evacuate(kAll);
  EXPECT_FALSE(map.sparse());
  expect_same_contents(map, reference);
}

// Hysteresis: after a shrink, refilling to the old size only doubles (5 times, B 9 -> 14), is
// never sparse on the way, and never asks for another shrink.
TEST(Shrink, RefillingAfterAShrinkDoesNotThrash) {
  Drained drained(1000);
  auto& [map, reference] = drained;
  ASSERT_TRUE(map.shrink_to_fit());
  map.evacuate(kAll);
  const MapStats shrunk = map.stats();
  ASSERT_EQ(shrunk.log2_buckets, 9u);

  std::size_t sparse_seen = 0;
  for (std::int64_t key = 0; key < 100'000; ++key) {
    if (reference.count(key) != 0) {
      continue;
    }
    map.insert_or_assign(key, key * 3);
    reference[key] = key * 3;
    if (map.sparse()) {
      ++sparse_seen;
    }
  }
  map.evacuate(kAll);
  const MapStats refilled = map.stats();
  EXPECT_EQ(sparse_seen, 0u);
  EXPECT_EQ(refilled.shrinks_total, 1u);
  EXPECT_EQ(refilled.grows_double_total, shrunk.grows_double_total + 5);
  EXPECT_EQ(refilled.log2_buckets, 14u);
  expect_same_contents(map, reference);

  // Draining again just to the mark that would shrink B = 14 back: still one shrink at a time,
  // and the result is again above its mark.
  drain_to(map, reference, 13000);
  ASSERT_TRUE(map.sparse());
  ASSERT_TRUE(map.shrink_to_fit());
  map.evacuate(kAll);
  EXPECT_FALSE(map.sparse());
  EXPECT_EQ(map.stats().shrinks_total, 2u);
  expect_same_contents(map, reference);
}

// Writes during a shrink do its evacuation work too, and everything stays consistent whether
// the collector or the writes finish it.
TEST(Shrink, InterruptedByWritesStaysCorrect) {
  for (const bool writes_finish : {false, true}) {
    SCOPED_TRACE(writes_finish ? "writes finish the shrink" : "evacuate() finishes the shrink");
    Options seeded;
    seeded.seed = 7;
    IntMap map(0, seeded);
    Reference reference;
    for (std::uint64_t i = 0; i < 60'000; ++i) {
      const auto key = static_cast<std::int64_t>(splitmix64(i));
      map.insert_or_assign(key, static_cast<std::int64_t>(i));
      reference[key] = static_cast<std::int64_t>(i);
    }
    map.evacuate(kAll);
    for (std::uint64_t i = 0; i < 59'000; ++i) {
      const auto key = static_cast<std::int64_t>(splitmix64(i));
      reference.erase(key);
      ASSERT_TRUE(map.erase(key));
    }
    ASSERT_TRUE(map.shrink_to_fit());
    EXPECT_EQ(map.evacuate(50), 50u);

    std::uint64_t step = 0;
    while (map.growing()) {
      const std::uint64_t r = splitmix64(1'000'000 + step);
      const auto key = static_cast<std::int64_t>(splitmix64(r % 70'000));  // old keys and new ones
      switch (r % 4) {
        case 0:
        case 1:
          map.insert_or_assign(key, static_cast<std::int64_t>(step));
          reference[key] = static_cast<std::int64_t>(step);
          break;
        case 2:
          EXPECT_EQ(map.erase(key), reference.erase(key) != 0);
          break;
        default: {
          const auto found = reference.find(key);
          const std::int64_t* value = map.find(key);
          ASSERT_EQ(value != nullptr, found != reference.end());
          if (value != nullptr) {
            EXPECT_EQ(*value, found->second);
          }
        }
      }
      if (!writes_finish && step % 16 == 0) {
        map.evacuate(3);
      }
      if (step % 500 == 0) {
        expect_same_contents(map, reference);
      }
      ++step;
    }
    const MapStats s = map.stats();
    EXPECT_EQ(s.shrinks_total, 1u);
    EXPECT_EQ(s.oldbucket_bytes, 0u);
    if (writes_finish) {
      EXPECT_EQ(s.evacuated_by_collector_total, 50u);
    } else {
      EXPECT_GT(s.evacuated_by_collector_total, 50u);
    }
    expect_same_contents(map, reference);
  }
}

// A hash that puts every key in one of three buckets: long overflow chains in the old array
// and in the shrink's destinations, which receive several old chains each.
struct ThreeBuckets {
  std::uint64_t operator()(std::int64_t key, std::uint64_t seed) const noexcept {
    const std::uint64_t mixed = Hash<std::int64_t>{}(key, seed);
    return (mixed & ~std::uint64_t{0xffff}) | (static_cast<std::uint64_t>(key) % 3);
  }
};

TEST(Shrink, MovesOverflowChainsIntoSharedDestinations) {
  Map<std::int64_t, std::int64_t, ThreeBuckets> map;
  Reference reference;
  fill_sequential(map, reference, 3000);
  map.evacuate(kAll);
  ASSERT_GT(map.stats().overflow_buckets, 100u);
  drain_to(map, reference, 40);
  ASSERT_TRUE(map.sparse());
  ASSERT_TRUE(map.shrink_to_fit());
  map.evacuate(kAll);
  const MapStats s = map.stats();
  EXPECT_FALSE(s.growing);
  EXPECT_EQ(s.log2_buckets, 4u);  // 80 > 6.5 * 2^3, 80 <= 6.5 * 2^4
  expect_same_contents(map, reference);
}

TEST(Shrink, ShrinkToFitNeedsNoLowWaterMarkButASmallerTarget) {
  IntMap map;
  Reference reference;
  EXPECT_FALSE(map.shrink_to_fit()) << "an empty map without an array has nothing to shrink";
  fill_sequential(map, reference, 6657);
  EXPECT_FALSE(map.shrink_to_fit()) << "growing";
  map.evacuate(kAll);
  EXPECT_FALSE(map.shrink_to_fit()) << "6657 entries need B = 11 at half load: no smaller array";
  drain_to(map, reference, 3000);  // 3000 < 6656 / 2: B = 10 holds them, yet not sparse
  EXPECT_FALSE(map.sparse());
  ASSERT_TRUE(map.shrink_to_fit());
  EXPECT_EQ(map.stats().log2_buckets, 10u);
  map.evacuate(kAll);
  expect_same_contents(map, reference);

  drain_to(map, reference, 0);
  EXPECT_TRUE(map.sparse());
  ASSERT_TRUE(map.shrink_to_fit());
  map.evacuate(kAll);
  EXPECT_EQ(map.stats().log2_buckets, 0u);
  EXPECT_EQ(map.stats().shrinks_total, 2u);
  fill_sequential(map, reference, 100);  // and it grows again from there
  expect_same_contents(map, reference);
}

TEST(Shrink, SharedMapShrinksOnlyWhenSparse) {
  SharedMap<std::int64_t, std::int64_t> map;
  Reference reference;
  fill_sequential(map, reference, 20'000);
  map.evacuate(kAll);
  EXPECT_FALSE(map.shrink_if_sparse());
  drain_to(map, reference, 5000);
  EXPECT_FALSE(map.shrink_if_sparse()) << "5000 of B = 12 is above the mark";
  drain_to(map, reference, 2000);
  EXPECT_TRUE(map.shrink_if_sparse());
  EXPECT_EQ(map.stats().shrinks_total, 1u);
  map.evacuate(kAll);
  map.with_lock([&](const auto& m) { expect_same_contents(m, reference); });
}

}  // namespace
}  // namespace mapcore::testing
