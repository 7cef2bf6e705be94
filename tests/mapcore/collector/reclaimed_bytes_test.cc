// Collector::stats().reclaimed_bytes_total counts a shrink or a stalled grow the collector worked
// on the same way whether the collector's slices finish it or the owner's writes do.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <unordered_map>

#include <gtest/gtest.h>

#include "collector_test_support.h"
#include "mapcore/collector.h"
#include "mapcore/shared_map.h"

namespace mapcore::testing {
namespace {

using IntMap = SharedMap<std::int64_t, std::int64_t>;
using namespace std::chrono_literals;

// Who evacuates the last old bucket.
enum class Ending { CollectorSlices, OwnerWrites };

// Active maintenance and a fixed seed: two maps filled alike have the same layout, so their
// figures can be compared exactly.
Options active_fixed_seed() {
  Options options;
  options.maintenance = Maintenance::Active;
  options.seed = 7;
  return options;
}

// A SharedMap the collector may evacuate only so many times: after its first slice (or none, for
// `slices` = 1) the rest of the work is left to the owner's writes.
class InterruptedMap final : public Maintainable {
 public:
  InterruptedMap(IntMap& map, std::size_t slices) : map_(map), slices_left_(slices) {}
  MapStats stats() const override { return map_.stats(); }
  std::size_t evacuate(std::size_t max_buckets) override {
    if (slices_left_ == 0) {
      return 0;
    }
    --slices_left_;
    return map_.evacuate(max_buckets);
  }
  bool shrink_if_sparse() override { return map_.shrink_if_sparse(); }

 private:
  IntMap& map_;
  std::size_t slices_left_;
};

// The owner rewrites its keys with the values they hold (each write does growth work, none
// changes the contents or starts a grow) until the grow or shrink is over. Returns the writes.
std::size_t write_until_done(IntMap& map, const Reference& reference) {
  std::size_t writes = 0;
  auto it = reference.begin();
  while (map.stats().growing) {
    map.insert_or_assign(it->first, it->second);
    ++writes;
    if (++it == reference.end()) {
      it = reference.begin();
    }
  }
  return writes;
}

// Runs cycles until the collector has evacuated something in the map's current grow.
void cycle_until_collector_joined(Collector& collector, const IntMap& map) {
  const std::uint64_t before = map.stats().evacuated_by_collector_total;
  for (int i = 0; i < 1000 && map.stats().evacuated_by_collector_total == before; ++i) {
    collector.run_cycle();
  }
  ASSERT_GT(map.stats().evacuated_by_collector_total, before) << "the collector never took part";
}

void cycle_until_done(Collector& collector, const IntMap& map) {
  for (int i = 0; i < 1000 && map.stats().growing; ++i) {
    collector.run_cycle();
  }
  ASSERT_FALSE(map.stats().growing);
}

struct Figures {
  std::uint64_t reclaimed = 0;          // what the collector reports
  std::uint64_t table_bytes_freed = 0;  // what the map's table lost, start to end
  std::size_t owner_writes = 0;
};

// A map drained below its low-water mark; the collector starts its shrink.
Figures shrink_ending(Ending ending) {
  Figures out;
  IntMap map(0, active_fixed_seed());
  Reference reference;
  fill(map, reference, static_cast<std::int64_t>(100'000 / kScale));
  map.evacuate(kAll);  // no grow left over from the fill
  drain_to(map, reference, 1000 / kScale);
  const MapStats drained = map.stats();
  EXPECT_FALSE(drained.growing);

  Collector collector({.budget = 1s});
  const auto registration = collector.add(
      std::make_unique<InterruptedMap>(map, ending == Ending::CollectorSlices ? kAll : 1), true);
  if (ending == Ending::CollectorSlices) {
    collector.run_cycle();  // starts the shrink
    cycle_until_done(collector, map);
  } else {
    cycle_until_collector_joined(collector, map);
    EXPECT_TRUE(map.stats().growing) << "one slice must not finish the shrink";
    EXPECT_EQ(collector.stats().reclaimed_bytes_total, 0u) << "nothing is freed before the shrink ends";
    out.owner_writes = write_until_done(map, reference);
    collector.run_cycle();  // sees the ended shrink
  }
  const MapStats shrunk = map.stats();
  EXPECT_EQ(shrunk.shrinks_total, 1u);
  EXPECT_EQ(collector.stats().shrinks_started_total, 1u);
  map.with_lock([&](const auto& m) { expect_same_contents(m, reference); });
  out.reclaimed = collector.stats().reclaimed_bytes_total;
  out.table_bytes_freed = table_bytes(drained) - table_bytes(shrunk);

  // Grows that only writes did are not the collector's: refilling past a doubling credits nothing.
  const std::uint64_t doublings = shrunk.grows_double_total;
  for (std::int64_t key = -1; map.stats().grows_double_total == doublings || map.stats().growing; --key) {
    map.insert_or_assign(key, key);
  }
  collector.run_cycle();
  EXPECT_EQ(collector.stats().reclaimed_bytes_total, out.reclaimed);
  return out;
}

// A map frozen at the start of a doubling; the collector finds it stalled and evacuates.
Figures stalled_grow_ending(Ending ending) {
  Figures out;
  IntMap map(0, active_fixed_seed());
  Reference reference;
  fill(map, reference, 6657);  // starts the doubling B = 10 -> 11 (docs/go-map-facts.md)
  const MapStats frozen = map.stats();
  EXPECT_TRUE(frozen.growing);

  Collector collector({.budget = 1s});
  const auto registration = collector.add(
      std::make_unique<InterruptedMap>(map, ending == Ending::CollectorSlices ? kAll : 1), true);
  collector.run_cycle();  // first sight: a stalled grow needs one cycle of history
  if (ending == Ending::CollectorSlices) {
    cycle_until_done(collector, map);
  } else {
    cycle_until_collector_joined(collector, map);
    EXPECT_TRUE(map.stats().growing) << "one slice must not finish the grow";
    out.owner_writes = write_until_done(map, reference);
    collector.run_cycle();
  }
  const MapStats grown = map.stats();
  EXPECT_EQ(grown.oldbucket_bytes, 0u);
  map.with_lock([&](const auto& m) { expect_same_contents(m, reference); });
  out.reclaimed = collector.stats().reclaimed_bytes_total;
  out.table_bytes_freed = table_bytes(frozen) - table_bytes(grown);
  return out;
}

// Both endings report what the table lost, and therefore the same figure.
void expect_same_figure(const Figures& by_collector, const Figures& by_owner) {
  EXPECT_GT(by_collector.reclaimed, 0u);
  EXPECT_EQ(by_collector.reclaimed, by_collector.table_bytes_freed);
  EXPECT_GT(by_owner.owner_writes, 0u);
  EXPECT_EQ(by_owner.reclaimed, by_owner.table_bytes_freed);
  EXPECT_EQ(by_owner.reclaimed, by_collector.reclaimed);
  ::testing::Test::RecordProperty("reclaimed_bytes", static_cast<int>(by_collector.reclaimed));
}

TEST(ReclaimedBytes, AShrinkCountsTheSameWhoeverFinishesIt) {
  expect_same_figure(shrink_ending(Ending::CollectorSlices), shrink_ending(Ending::OwnerWrites));
}

TEST(ReclaimedBytes, AStalledGrowCountsTheSameWhoeverFinishesIt) {
  expect_same_figure(stalled_grow_ending(Ending::CollectorSlices), stalled_grow_ending(Ending::OwnerWrites));
}

// clear() in the middle of a shrink frees the arrays itself: that is the owner's doing, not the
// collector's, and credits nothing.
TEST(ReclaimedBytes, ClearingMidShrinkCreditsNothing) {
  IntMap map(0, active_fixed_seed());
  Reference reference;
  fill(map, reference, 20'000);
  map.evacuate(kAll);
  drain_to(map, reference, 100);
  Collector collector({.budget = 1s});
  const auto registration = collector.add(std::make_unique<InterruptedMap>(map, 1), true);
  cycle_until_collector_joined(collector, map);
  ASSERT_TRUE(map.stats().shrinking);
  const std::uint64_t credited_before = map.stats().maintenance_reclaimed_bytes_total;
  map.clear();
  EXPECT_FALSE(map.stats().growing) << "clear drops the old array";
  EXPECT_EQ(map.stats().maintenance_reclaimed_bytes_total, credited_before);
  collector.run_cycle();  // may start a shrink of the emptied map; its one slice is spent
  EXPECT_EQ(collector.stats().reclaimed_bytes_total, 0u);
}

}  // namespace
}  // namespace mapcore::testing
