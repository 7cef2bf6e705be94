// The Collector's background thread at work beside the maps' owners: the retained-old-bucket
// leak fixed for Active maps only, owners writing while the collector works (no lost or
// duplicated entries, clean under ThreadSanitizer), and registration handles destroyed under a
// running collector (clean under AddressSanitizer). The drained map is in collector_reclaim_test.cc.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <gtest/gtest.h>

#include "collector_test_support.h"
#include "mapcore/collector.h"
#include "mapcore/shared_map.h"

namespace mapcore::testing {
namespace {

using IntMap = SharedMap<std::int64_t, std::int64_t>;
using namespace std::chrono_literals;

// The doubling B = 10 -> 11 starts at insert 6657; from then on the maps are only read. Go keeps
// the old array forever; Active gets it evacuated by the collector. Then, for as many cycles again
// as that took and at least 40, the collector still leaves the Go map alone.
TEST(CollectorThread, FrozenMidGrowIsFinishedOnlyWhenActive) {
  IntMap go_map;
  IntMap active_map(0, active());
  Reference reference;
  for (std::int64_t key = 0; key < 6657; ++key) {
    go_map.insert_or_assign(key, key ^ 0x5555);
    active_map.insert_or_assign(key, key ^ 0x5555);
    reference[key] = key ^ 0x5555;
  }
  const MapStats go_frozen = go_map.stats();
  ASSERT_TRUE(go_frozen.growing);
  ASSERT_GT(go_frozen.oldbucket_bytes, 0u);
  const MapStats active_frozen = active_map.stats();
  ASSERT_TRUE(active_frozen.growing);

  Collector collector({.interval = 10ms});
  const auto go_registration = collector.add(go_map);
  const auto active_registration = collector.add(active_map);
  collector.start();

  ASSERT_TRUE(wait_until([&] { return !active_map.stats().growing; }))
      << "the collector did not finish the frozen grow within " << kHangGuard.count() << " s";
  const MapStats active_after = active_map.stats();
  EXPECT_EQ(active_after.oldbucket_bytes, 0u);
  EXPECT_EQ(active_after.evacuated_by_collector_total, active_frozen.evacuation_pending)
      << "every pending bucket was the collector's: nothing else wrote";
  // Reads meanwhile, and after: the contents are those written.
  expect_contents(active_map, reference);

  const std::uint64_t cycles_to_finish = collector.stats().cycles_total;
  const std::uint64_t more = std::max<std::uint64_t>(cycles_to_finish, 40);
  ASSERT_TRUE(wait_until([&] { return collector.stats().cycles_total >= cycles_to_finish + more; }));
  collector.stop();
  const MapStats go_after = go_map.stats();
  EXPECT_TRUE(go_after.growing);
  EXPECT_EQ(go_after.oldbucket_bytes, go_frozen.oldbucket_bytes)
      << "Go's leak reproduces under Maintenance::Go";
  EXPECT_EQ(go_after.evacuation_pending, go_frozen.evacuation_pending);
  expect_contents(go_map, reference);
  expect_contents(active_map, reference);
}

// Owners insert, erase and read the shared maps, each in its own key range and with its own
// reference, in phases that leave grows stalled and maps sparse; the collector works meanwhile
// and another thread reads stats. At the end every map holds exactly the union of the references.
TEST(CollectorThread, OwnersAndCollectorKeepEveryEntry) {
  constexpr int kOwners = 3;
  constexpr int kMaps = 2;
  constexpr int kRounds = 3;
  const std::int64_t range = static_cast<std::int64_t>(60'000 / kScale);
  std::vector<std::unique_ptr<IntMap>> maps;
  maps.reserve(kMaps);
  for (int m = 0; m < kMaps; ++m) {
    maps.push_back(std::make_unique<IntMap>(0, active()));
  }

  Collector collector({.interval = 1ms, .budget = 500us, .max_pause = 100us, .trim_threshold = 1});
  std::vector<Collector::Registration> registrations;
  registrations.reserve(maps.size());
  for (auto& map : maps) {
    registrations.push_back(collector.add(*map));
  }
  collector.start();

  std::atomic<bool> owners_done{false};
  std::atomic<std::uint64_t> stats_reads{0};
  std::thread reader([&] {
    while (!owners_done.load()) {
      for (auto& map : maps) {
        const MapStats s = map->stats();
        EXPECT_LE(s.entries, static_cast<std::uint64_t>(kOwners * range));
        if (!s.growing) {
          EXPECT_EQ(s.oldbucket_bytes, 0u);
        }
      }
      const CollectorStats c = collector.stats();
      EXPECT_EQ(c.maps, static_cast<std::uint64_t>(kMaps));
      EXPECT_LE(c.pauses.cumulative.back(), c.pauses.count);
      stats_reads.fetch_add(1);
      std::this_thread::sleep_for(50us);
    }
  });

  std::vector<std::vector<Reference>> references(kOwners, std::vector<Reference>(kMaps));
  std::vector<std::thread> owners;
  owners.reserve(kOwners);
  for (int t = 0; t < kOwners; ++t) {
    owners.emplace_back([&, t] {
      const std::int64_t base = t * range;
      std::uint64_t rng = static_cast<std::uint64_t>(t) + 1;
      for (int round = 0; round < kRounds; ++round) {
        for (int m = 0; m < kMaps; ++m) {
          IntMap& map = *maps[m];
          Reference& reference = references[t][m];
          // Fill most of the range, then drain all but a sixteenth, reading that back.
          for (std::int64_t k = 0; k < range; ++k) {
            rng = splitmix64(rng);
            const std::int64_t key = base + static_cast<std::int64_t>(rng % range);
            const auto value = static_cast<std::int64_t>(rng >> 8);
            map.insert_or_assign(key, value);
            reference[key] = value;
          }
          std::this_thread::sleep_for(20ms);  // a pause for the collector: grows stall
          std::vector<std::int64_t> keys;
          for (const auto& entry : reference) {
            keys.push_back(entry.first);
          }
          for (std::size_t i = 0; i < keys.size(); ++i) {
            if (i % 16 != 0) {
              EXPECT_TRUE(map.erase(keys[i]));
              reference.erase(keys[i]);
            } else {
              const std::optional<std::int64_t> value = map.get(keys[i]);
              ASSERT_TRUE(value.has_value());
              EXPECT_EQ(*value, reference.at(keys[i]));
            }
          }
          std::this_thread::sleep_for(20ms);  // the drained map is sparse: it shrinks
        }
      }
    });
  }
  for (auto& owner : owners) {
    owner.join();
  }
  owners_done = true;
  reader.join();
  // Let the collector finish what the last phase left (each map was left drained: it shrinks), then
  // stop it.
  EXPECT_TRUE(wait_until([&] {
    for (auto& map : maps) {
      const MapStats s = map->stats();
      if (s.growing || s.shrinks_total == 0) return false;
    }
    return true;
  }));
  collector.stop();

  for (int m = 0; m < kMaps; ++m) {
    SCOPED_TRACE(m);
    Reference expected;
    for (int t = 0; t < kOwners; ++t) {
      expected.insert(references[t][m].begin(), references[t][m].end());
    }
    expect_contents(*maps[m], expected);
    EXPECT_GE(maps[m]->stats().shrinks_total, 1u);
  }
  const CollectorStats stats = collector.stats();
  EXPECT_GT(stats.evacuated_buckets_total, 0u);
  EXPECT_GE(stats.shrinks_started_total, 1u);
  EXPECT_GT(stats.pauses.count, 0u);
  EXPECT_GT(stats_reads.load(), 0u);
}

// Handles destroyed (and their maps with them) while the collector is busy: under
// AddressSanitizer any touch of a destroyed map is a failure.
TEST(CollectorThread, DestroyedRegistrationsAreNeverTouched) {
  Collector collector({.interval = 50us, .budget = 2ms, .max_pause = 50us});
  collector.start();
  const int rounds = kSanitized ? 40 : 60;
  const std::int64_t size = kSanitized ? 6657 : 26'625;  // a stalled doubling (B 10 -> 11, 12 -> 13)
  for (int round = 0; round < rounds; ++round) {
    auto stalled = std::make_unique<IntMap>(0, active());
    auto sparse = std::make_unique<IntMap>(0, active());
    for (std::int64_t key = 0; key < size; ++key) {
      stalled->insert_or_assign(key, key);
      sparse->insert_or_assign(key, key);
    }
    for (std::int64_t key = 0; key < size - 100; ++key) {
      sparse->erase(key);
    }
    auto r1 = collector.add(*stalled);
    auto r2 = collector.add(*sparse);
    std::this_thread::sleep_for(std::chrono::microseconds(50 * (round % 20)));
    // Reset while a slice may be running on the map: reset waits for it, and from then on the
    // collector leaves the map alone.
    r1.reset();
    const std::uint64_t after_reset = stalled->stats().evacuated_by_collector_total;
    std::this_thread::sleep_for(300us);
    EXPECT_EQ(stalled->stats().evacuated_by_collector_total, after_reset);
    stalled.reset();
    if (round % 2 == 0) {
      r2 = Collector::Registration();  // move-assignment unregisters too
    } else {
      r2.reset();
    }
    sparse.reset();
  }
  collector.stop();
  EXPECT_EQ(collector.stats().maps, 0u);
  EXPECT_GT(collector.stats().cycles_total, 0u);
}

}  // namespace
}  // namespace mapcore::testing
