// A drained map given back to the OS by a running collector at its default settings. It measures the
// process RSS, so CTest runs it alone (RUN_SERIAL): another test's allocations would blur the figure.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <thread>
#include <unordered_map>

#include <gtest/gtest.h>

#include "collector_test_support.h"
#include "mapcore/collector.h"
#include "mapcore/shared_map.h"

namespace mapcore::testing {
namespace {

using IntMap = SharedMap<std::int64_t, std::int64_t>;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// 1,000,000 entries drained to 1,000: the collector shrinks the map to the size its entries need, its
// bucket memory falls by more than 90%, and trimming gives the memory back to the OS. How long the
// shrink takes depends on the machine's load (the collector's budget per cycle is wall time): the
// time is printed, never asserted.
TEST(CollectorReclaim, DrainedMapShrinksAndGivesMemoryBack) {
  // Sanitizers slow evacuation 20-50x: they drain a map of B = 12 to 100 entries (B = 5) instead of
  // B = 18 to 1,000 (B = 9), and trim after 256 KiB since that map holds only 616 KiB.
  const std::uint64_t entries = kSanitized ? 20'000 : 1'000'000;
  const std::size_t keep = kSanitized ? 100 : 1000;
  const std::uint64_t expected_log2 = kSanitized ? 5 : 9;
  CollectorOptions options;  // defaults: every 100 ms, 1 ms budget, trim after 1 MiB
  if (kSanitized) {
    options.trim_threshold = 256 << 10;
  }
  IntMap map(0, active());
  auto reference = std::make_unique<Reference>();
  for (std::uint64_t i = 0; i < entries; ++i) {
    const auto key = static_cast<std::int64_t>(splitmix64(i));
    const auto value = static_cast<std::int64_t>(splitmix64(~i));
    map.insert_or_assign(key, value);
    (*reference)[key] = value;
  }
  for (std::uint64_t i = keep; i < entries; ++i) {
    const auto key = static_cast<std::int64_t>(splitmix64(i));
    ASSERT_TRUE(map.erase(key));
    reference->erase(key);
  }
  reference->rehash(0);  // the reference's own bucket array shrinks: only the map's bytes stay
  const MapStats drained = map.stats();
  ASSERT_EQ(drained.entries, keep);
  ASSERT_FALSE(drained.growing);
  const std::uint64_t rss_before = resident_bytes();

  Collector collector(options);
  const auto registration = collector.add(map);
  const auto started = Clock::now();
  collector.start();
  ASSERT_TRUE(wait_until([&] { return map.stats().shrinks_total == 1 && !map.stats().growing; }))
      << "the shrink did not complete within " << kHangGuard.count() << " s: bucket bytes "
      << table_bytes(drained) << " -> " << table_bytes(map.stats());
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  ASSERT_TRUE(wait_until([&] { return collector.stats().trims_total >= 1; }));
  collector.stop();

  const MapStats shrunk = map.stats();
  const CollectorStats stats = collector.stats();
  EXPECT_EQ(stats.shrinks_started_total, 1u);
  EXPECT_EQ(stats.reclaimed_bytes_total, table_bytes(drained) - table_bytes(shrunk));
  EXPECT_EQ(shrunk.log2_buckets, expected_log2);
  EXPECT_LT(table_bytes(shrunk) * 10, table_bytes(drained)) << "bucket memory fell by more than 90%";
  expect_contents(map, *reference);

  const std::uint64_t rss_after = resident_bytes();
  std::printf(
      "drained map: table bytes %llu -> %llu (shrink done after %lld ms); RSS %llu -> %llu; reclaimed %llu\n",
      static_cast<unsigned long long>(table_bytes(drained)),
      static_cast<unsigned long long>(table_bytes(shrunk)), static_cast<long long>(took.count()),
      static_cast<unsigned long long>(rss_before), static_cast<unsigned long long>(rss_after),
      static_cast<unsigned long long>(stats.reclaimed_bytes_total));
  if constexpr (!kSanitized) {  // a sanitizer's allocator keeps freed memory in quarantine
    EXPECT_GT(rss_before, rss_after + stats.reclaimed_bytes_total / 2)
        << "RSS " << rss_before << " -> " << rss_after << ", reclaimed " << stats.reclaimed_bytes_total;
  }
}

}  // namespace
}  // namespace mapcore::testing
