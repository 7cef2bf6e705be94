// stats() read by another thread while the owner writes: never torn, never locking the owner.
// Built and run under ThreadSanitizer too (label `concurrency`).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <random>
#include <thread>

#include "mapcore/map.h"
#include "mapcore/shared_map.h"

namespace mapcore {
namespace {

// What one snapshot must satisfy if it was taken at a single moment of the owner's work.
void expect_consistent(const MapStats& s) {
  ASSERT_EQ(s.buckets, std::uint64_t{1} << s.log2_buckets);
  if (s.growing) {
    ASSERT_GT(s.old_buckets, 0u);
    ASSERT_GT(s.oldbucket_bytes, 0u);
    ASSERT_LE(s.evacuated, s.old_buckets);
    ASSERT_LE(s.evacuation_pending, s.old_buckets);
    ASSERT_GT(s.grow_started_unix_seconds, 0.0);
    if (!s.same_size_grow && !s.shrinking) {
      ASSERT_EQ(s.old_buckets * 2, s.buckets);
    }
  } else {
    ASSERT_EQ(s.old_buckets, 0u);
    ASSERT_EQ(s.oldbucket_bytes, 0u);
    ASSERT_EQ(s.evacuated, 0u);
    ASSERT_EQ(s.grow_started_unix_seconds, 0.0);
  }
  std::uint64_t chains = 0;
  for (std::uint64_t c : s.chain_lengths) chains += c;
  if (s.bucket_bytes != 0) {
    ASSERT_EQ(chains, s.buckets);
  }
}

TEST(StatsConcurrency, ReaderSeesConsistentSnapshotsWhileOwnerWrites) {
  Map<std::int64_t, std::int64_t> map;
  std::atomic<bool> done{false};
  std::uint64_t snapshots = 0;
  std::uint64_t growing_seen = 0;
  std::thread reader([&] {
    std::uint64_t last_inserts = 0;
    while (!done.load(std::memory_order_acquire)) {
      const MapStats s = map.stats();
      expect_consistent(s);
      ASSERT_GE(s.inserts_total, last_inserts);  // counters never go back
      last_inserts = s.inserts_total;
      growing_seen += s.growing ? 1 : 0;
      ++snapshots;
    }
  });
  std::mt19937_64 rng(5);
  for (int round = 0; round < 3; ++round) {
    for (std::int64_t k = 0; k < 300'000; ++k)
      map.insert_or_assign(static_cast<std::int64_t>(rng() % 400'000), k);
    for (std::int64_t k = 0; k < 100'000; ++k) map.erase(static_cast<std::int64_t>(rng() % 400'000));
    map.clear();
  }
  done.store(true, std::memory_order_release);
  reader.join();
  EXPECT_GT(snapshots, 100u);
  RecordProperty("snapshots", static_cast<int>(snapshots));
  RecordProperty("growing_seen", static_cast<int>(growing_seen));
}

TEST(StatsConcurrency, SharedMapWritersAndLockFreeReader) {
  SharedMap<std::int64_t, std::int64_t> map;
  std::atomic<bool> done{false};
  std::thread reader([&] {
    while (!done.load(std::memory_order_acquire)) expect_consistent(map.stats());
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < 2; ++t) {
    writers.emplace_back([&, t] {
      for (std::int64_t k = 0; k < 100'000; ++k) map.insert_or_assign(k * 2 + t, k);
      for (std::int64_t k = 0; k < 50'000; ++k) map.erase(k * 2 + t);
    });
  }
  for (auto& w : writers) w.join();
  done.store(true, std::memory_order_release);
  reader.join();
  EXPECT_EQ(map.size(), 100'000u);
  std::size_t visited = 0;
  map.for_each([&](const std::int64_t& k, const std::int64_t&) {
    EXPECT_GE(k, 100'000);
    ++visited;
  });
  EXPECT_EQ(visited, 100'000u);
}

}  // namespace
}  // namespace mapcore
