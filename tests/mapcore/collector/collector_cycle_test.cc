// Collector cycles run on the test thread (run_cycle): which maps a cycle touches, how it
// slices its work, what it counts, and what registration guarantees.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
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

// table_bytes(), signed: a table that grew gives a negative difference, not a wrapped one.
std::int64_t signed_table_bytes(const MapStats& s) {
  return static_cast<std::int64_t>(table_bytes(s));
}

// Insert counts that start a doubling (docs/go-map-facts.md): B 16 -> 17, 15 -> 16, 13 -> 14, 12 -> 13.
constexpr std::int64_t kBigFreeze = kSanitized ? 53'249 : 425'985;
constexpr std::int64_t kMediumFreeze = kSanitized ? 26'625 : 212'993;

// Runs cycles until done() holds, or kHangGuard passed. Returns the cycles it ran. (A cycle's work is
// bounded by its budget, which is wall time: how many cycles a grow takes depends on the machine's load,
// so tests never bound it.)
template <class Done>
int cycle_until(Collector& collector, Done done) {
  const auto hang_guard = std::chrono::steady_clock::now() + kHangGuard;
  int cycles = 0;
  while (!done() && std::chrono::steady_clock::now() < hang_guard) {
    collector.run_cycle();
    ++cycles;
  }
  return cycles;
}

// Runs cycles until the map's grow or shrink is over. Returns the cycles it took.
template <class MapT>
int cycle_until_settled(Collector& collector, const MapT& map) {
  return cycle_until(collector, [&] { return !map.stats().growing; });
}

// A SharedMap behind the Maintainable interface that logs every slice the collector runs on it, in
// order, into a log shared by several maps: tests check the policy on the log, whatever the timing.
struct SliceRecord {
  std::string map;
  std::size_t asked = 0;      // buckets the collector asked for
  std::size_t evacuated = 0;  // buckets the map evacuated
  bool growing_after = false;
};

class LoggedMap final : public Maintainable {
 public:
  LoggedMap(IntMap& map, std::string name, std::vector<SliceRecord>& log)
      : map_(map), name_(std::move(name)), log_(log) {}
  MapStats stats() const override { return map_.stats(); }
  std::size_t evacuate(std::size_t max_buckets) override { return map_.evacuate(max_buckets); }
  bool shrink_if_sparse() override { return map_.shrink_if_sparse(); }
  MaintenanceSlice evacuate_slice(std::size_t max_buckets) override {
    MaintenanceSlice slice = Maintainable::evacuate_slice(max_buckets);
    log_.push_back({name_, max_buckets, slice.evacuated, slice.after.growing});
    return slice;
  }

 private:
  IntMap& map_;
  std::string name_;
  std::vector<SliceRecord>& log_;
};

// A generous budget: a cycle that starts work can finish a small map.
CollectorOptions roomy() {
  return {.budget = 50ms};
}

TEST(CollectorCycle, LeavesGoMapsAlone) {
  IntMap map;  // Maintenance::Go
  Reference reference;
  fill(map, reference, 6657);
  const MapStats frozen = map.stats();
  ASSERT_TRUE(frozen.growing);
  Collector collector(roomy());
  const auto registration = collector.add(map);
  EXPECT_EQ(collector.stats().maps, 1u);
  for (int i = 0; i < 30; ++i) {
    collector.run_cycle();
  }
  const MapStats after = map.stats();
  EXPECT_TRUE(after.growing);
  EXPECT_EQ(after.oldbucket_bytes, frozen.oldbucket_bytes);
  EXPECT_EQ(after.evacuation_pending, frozen.evacuation_pending);
  EXPECT_EQ(after.evacuated_by_collector_total, 0u);
  const CollectorStats stats = collector.stats();
  EXPECT_EQ(stats.cycles_total, 30u);
  EXPECT_EQ(stats.evacuated_buckets_total, 0u);
  EXPECT_EQ(stats.pauses.count, 0u) << "a Go map's lock is never taken";
}

// A grow is stalled when a whole cycle passed without write-driven evacuation.
TEST(CollectorCycle, FinishesAGrowOnlyOnceWritesStopped) {
  IntMap map(0, active());
  Reference reference;
  fill(map, reference, 6657);
  ASSERT_TRUE(map.stats().growing);
  Collector collector(roomy());
  const auto registration = collector.add(map);

  collector.run_cycle();  // first sight: no history yet
  EXPECT_EQ(map.stats().evacuated_by_collector_total, 0u);
  map.insert_or_assign(0, 1);  // an update does growth work: progress
  collector.run_cycle();
  EXPECT_EQ(map.stats().evacuated_by_collector_total, 0u) << "writes were making progress";
  const MapStats before = map.stats();
  cycle_until_settled(collector, map);  // no write since the previous cycle: stalled
  const MapStats after = map.stats();
  EXPECT_FALSE(after.growing);
  EXPECT_EQ(after.oldbucket_bytes, 0u);
  EXPECT_EQ(after.evacuated_by_collector_total, before.evacuation_pending);

  const CollectorStats stats = collector.stats();
  EXPECT_EQ(stats.evacuated_buckets_total, before.evacuation_pending);
  EXPECT_GE(stats.pauses.count, 1u);
  // Reclaimed: the old array and its overflow, less overflow the new array took meanwhile.
  EXPECT_EQ(static_cast<std::int64_t>(stats.reclaimed_bytes_total),
            signed_table_bytes(before) - signed_table_bytes(after));
  EXPECT_GT(before.oldbucket_bytes, 0u);
  EXPECT_EQ(stats.shrinks_started_total, 0u) << "6657 entries in B = 11 are not sparse";
  expect_contents(map, reference);
}

TEST(CollectorCycle, AMapWrittenEveryCycleIsLeftToItsWrites) {
  IntMap map(0, active());
  Reference reference;
  fill(map, reference, 6657);
  Collector collector(roomy());
  const auto registration = collector.add(map);
  std::int64_t key = 0;
  while (map.stats().growing) {
    collector.run_cycle();
    map.insert_or_assign(key, key + 1);
    ++key;
  }
  EXPECT_EQ(map.stats().evacuated_by_collector_total, 0u);
  EXPECT_EQ(collector.stats().evacuated_buckets_total, 0u);
  expect_contents(map, reference);
}

// A big stalled grow at the default settings (1 ms budget, 250 us pauses) is done in slices bounded in
// buckets: the first asks 16, each at most four times the one before, and none evacuates more than it
// asked. (How slice sizes follow the measured cost is checked with a simulated cost below: a real one
// depends on the machine and its load, and so does how many cycles the grow takes.)
TEST(CollectorCycle, SlicesABigGrowIntoBoundedPieces) {
  IntMap map(0, active());
  Reference reference;
  fill(map, reference, kBigFreeze);
  ASSERT_TRUE(map.stats().growing);
  const std::uint64_t pending = map.stats().evacuation_pending;
  ASSERT_GT(pending, 4000u);

  Collector collector;
  std::vector<SliceRecord> log;
  const auto registration = collector.add(std::make_unique<LoggedMap>(map, "big", log), true);
  collector.run_cycle();  // first sight: not yet known to be stalled
  EXPECT_TRUE(log.empty());
  cycle_until_settled(collector, map);
  ASSERT_FALSE(map.stats().growing);

  ASSERT_GE(log.size(), 4u) << "16, 64, 256, ... buckets: " << pending << " take several slices";
  EXPECT_EQ(log.front().asked, 16u);
  std::uint64_t evacuated = 0;
  for (std::size_t i = 0; i < log.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_GE(log[i].asked, 1u);
    EXPECT_LE(log[i].evacuated, log[i].asked);
    if (i > 0) {
      EXPECT_LE(log[i].asked, std::max<std::size_t>(16, 4 * log[i - 1].asked));
    }
    evacuated += log[i].evacuated;
  }
  EXPECT_EQ(evacuated, pending);
  const CollectorStats stats = collector.stats();
  EXPECT_EQ(stats.evacuated_buckets_total, pending);
  EXPECT_EQ(stats.pauses.count, log.size()) << "one pause per slice";
  expect_contents(map, reference);
}

// A stalled grow whose evacuation costs a simulated number of nanoseconds per bucket, reported
// as the hold time of each slice: the slice sizes the collector asks for are then exact.
class SimulatedGrow final : public Maintainable {
 public:
  SimulatedGrow(std::size_t pending, std::function<std::int64_t(std::size_t slice)> ns_per_bucket)
      : ns_per_bucket_(std::move(ns_per_bucket)) {
    state_.growing = true;
    state_.evacuation_pending = pending;
  }
  MapStats stats() const override { return state_; }
  std::size_t evacuate(std::size_t /*max_buckets*/) override { return 0; }
  bool shrink_if_sparse() override { return false; }
  MaintenanceSlice evacuate_slice(std::size_t max_buckets) override {
    MaintenanceSlice slice;
    slice.before = state_;
    slice.evacuated = std::min<std::size_t>(max_buckets, state_.evacuation_pending);
    state_.evacuation_pending -= slice.evacuated;
    state_.evacuated_buckets_total += slice.evacuated;
    state_.evacuated_by_collector_total += slice.evacuated;
    state_.growing = state_.evacuation_pending != 0;
    slice.after = state_;
    slice.held =
        std::chrono::nanoseconds(static_cast<std::int64_t>(slice.evacuated) * ns_per_bucket_(asked.size()));
    asked.push_back(max_buckets);
    return slice;
  }
  std::vector<std::size_t> asked;  // buckets asked of each slice

 private:
  std::function<std::int64_t(std::size_t)> ns_per_bucket_;
  MapStats state_;
};

// Runs the simulated grow to its end in one cycle (the simulated work takes no real time, and
// the budget is real time) and returns the slice sizes asked.
std::vector<std::size_t> slices_for(std::size_t pending, std::function<std::int64_t(std::size_t)> cost) {
  auto owned = std::make_unique<SimulatedGrow>(pending, std::move(cost));
  SimulatedGrow& grow = *owned;
  // The budget only guards against a hang (the simulated slices take no real time); max_pause 250 us:
  // slices aim at 125 us.
  Collector collector({.budget = kHangGuard});
  const auto registration = collector.add(std::move(owned), true);
  collector.run_cycle();  // first sight: not yet known to be stalled
  EXPECT_TRUE(grow.asked.empty());
  collector.run_cycle();
  EXPECT_FALSE(grow.stats().growing);
  EXPECT_EQ(collector.stats().evacuated_buckets_total, pending);
  EXPECT_EQ(collector.stats().pauses.count, grow.asked.size());
  return grow.asked;
}

TEST(CollectorSlices, StartAt16AndGrowAtMostFourfoldToTheTarget) {
  const std::vector<std::size_t> asked = slices_for(10'000, [](std::size_t) { return 1000; });  // 1 us
  ASSERT_GE(asked.size(), 5u);
  EXPECT_EQ(asked[0], 16u);
  EXPECT_EQ(asked[1], 64u);
  EXPECT_EQ(asked[2], 125u);  // 125 us / 1 us
  EXPECT_EQ(asked[3], 125u);
  EXPECT_EQ(asked.back(), 125u);
}

TEST(CollectorSlices, CostlierBucketsShrinkSlicesAtOnceCheaperOnesGrowThemBack) {
  // 1 us per bucket, 5 us from slice 5, 1 us again from slice 12.
  const std::vector<std::size_t> asked =
      slices_for(20'000, [](std::size_t slice) { return slice >= 5 && slice < 12 ? 5000 : 1000; });
  ASSERT_GE(asked.size(), 40u);
  EXPECT_EQ(asked[5], 125u);  // the surprise: 625 us
  EXPECT_EQ(asked[6], 41u);   // estimate 1 + 0.5 * (5 - 1) = 3 us: 125 / 3
  EXPECT_EQ(asked[7], 31u);   // 4 us
  for (std::size_t i = 8; i < 12; ++i) {
    EXPECT_LE(asked[i] * 5000, 250'000u) << "slice " << i << " under max_pause";
  }
  // Falls are believed slowly (weight 0.2): the slices grow back over several steps.
  EXPECT_LT(asked[12], asked[15]);
  EXPECT_LT(asked[15], 125u);
  EXPECT_GE(asked.back(), 120u);  // the estimate approaches 1 us from above
}

TEST(CollectorSlices, OneVerySlowSliceDoesNotStallTheMap) {
  // Slice 3 is preempted for 100 ms: the estimate jumps to ~0.4 ms per bucket.
  const std::vector<std::size_t> asked =
      slices_for(5'000, [](std::size_t slice) { return slice == 3 ? 100'000'000 / 125 : 1000; });
  ASSERT_GE(asked.size(), 10u);
  EXPECT_EQ(asked[3], 125u);
  EXPECT_EQ(asked[4], 1u) << "one bucket at a time, never zero";
  EXPECT_GE(asked.back(), 120u) << "the estimate came back down";
}

TEST(CollectorCycle, ShrinksASparseMapOnceAndAccountsTheBytes) {
  IntMap map(0, active());
  Reference reference;
  fill(map, reference, 100'000);
  map.evacuate(kAll);
  drain_to(map, reference, 1000);
  const MapStats drained = map.stats();
  ASSERT_EQ(drained.log2_buckets, 14u);

  Collector collector(roomy());
  const auto registration = collector.add(map);
  collector.run_cycle();  // a sparse map needs no history: the shrink starts at once
  EXPECT_EQ(collector.stats().shrinks_started_total, 1u);
  cycle_until_settled(collector, map);
  const MapStats shrunk = map.stats();
  EXPECT_FALSE(shrunk.growing);
  EXPECT_EQ(shrunk.log2_buckets, 9u);
  EXPECT_EQ(shrunk.shrinks_total, 1u);
  EXPECT_EQ(shrunk.evacuated_by_collector_total, 16384u);
  EXPECT_LT(signed_table_bytes(shrunk), signed_table_bytes(drained) / 10);

  const CollectorStats stats = collector.stats();
  EXPECT_EQ(static_cast<std::int64_t>(stats.reclaimed_bytes_total),
            signed_table_bytes(drained) - signed_table_bytes(shrunk));
  EXPECT_EQ(stats.evacuated_buckets_total, 16384u);
  expect_contents(map, reference);

  for (int i = 0; i < 20; ++i) {
    collector.run_cycle();
  }
  EXPECT_EQ(collector.stats().shrinks_started_total, 1u) << "a shrunk map is above its low-water mark";
  EXPECT_EQ(map.stats().shrinks_total, 1u);
}

// While a stalled grow is unfinished, a cycle gives no budget to shrinks: in the log of slices, no slice
// of the shrinking map runs between the stalled map's first slice and its last. Both are under way
// before the stalled one is first driven, so whatever the timing the policy is exercised.
TEST(CollectorCycle, StalledGrowsComeBeforeShrinks) {
  IntMap stalled(0, active());
  IntMap sparse(0, active());
  Reference stalled_reference;
  Reference sparse_reference;
  fill(stalled, stalled_reference, kMediumFreeze);
  fill(sparse, sparse_reference, static_cast<std::int64_t>(1'000'000 / kScale));
  sparse.evacuate(kAll);
  ASSERT_TRUE(stalled.stats().growing);
  // Registered sparse first: the order of work is the policy's, not the registry's.
  Collector collector;
  std::vector<SliceRecord> log;
  const auto r1 = collector.add(std::make_unique<LoggedMap>(sparse, "sparse", log), true);
  const auto r2 = collector.add(std::make_unique<LoggedMap>(stalled, "stalled", log), true);
  collector.run_cycle();  // first sight of the grow: not yet known to be stalled; sparse is not sparse yet
  EXPECT_TRUE(log.empty());
  drain_to(sparse, sparse_reference, 10);
  ASSERT_TRUE(sparse.shrink_if_sparse());  // the shrink is under way before the stalled grow is driven
  ASSERT_TRUE(sparse.stats().shrinking);

  cycle_until(collector, [&] { return !stalled.stats().growing && !sparse.stats().growing; });
  ASSERT_FALSE(stalled.stats().growing);
  ASSERT_FALSE(sparse.stats().growing);

  std::size_t first_stalled = log.size();
  std::size_t last_stalled = 0;
  for (std::size_t i = 0; i < log.size(); ++i) {
    if (log[i].map == "stalled") {
      first_stalled = std::min(first_stalled, i);
      last_stalled = i;
    }
  }
  ASSERT_LT(first_stalled, log.size());
  EXPECT_EQ(first_stalled, 0u) << "the stalled grow was driven first";
  EXPECT_FALSE(log[last_stalled].growing_after);
  for (std::size_t i = first_stalled; i < last_stalled; ++i) {
    EXPECT_EQ(log[i].map, "stalled") << "slice " << i << " went to the shrink before the stalled grow ended";
  }
  EXPECT_EQ(log.back().map, "sparse") << "the shrink went on once the grow was done";
  EXPECT_EQ(sparse.stats().shrinks_total, 1u);
  expect_contents(stalled, stalled_reference);
  expect_contents(sparse, sparse_reference);
}

TEST(CollectorCycle, AResetRegistrationIsNeverTouchedAgain) {
  IntMap map(0, active());
  Reference reference;
  fill(map, reference, 6657);
  Collector collector(roomy());
  auto registration = collector.add(map);
  collector.run_cycle();
  registration.reset();
  EXPECT_EQ(collector.stats().maps, 0u);
  for (int i = 0; i < 5; ++i) {
    collector.run_cycle();
  }
  EXPECT_TRUE(map.stats().growing);
  EXPECT_EQ(map.stats().evacuated_by_collector_total, 0u);
  EXPECT_EQ(collector.stats().pauses.count, 0u);
}

TEST(CollectorCycle, RegistrationsMoveAndMayOutliveTheCollector) {
  IntMap map(0, active());
  Reference reference;
  fill(map, reference, 6657);
  Collector::Registration kept;
  {
    Collector collector(roomy());
    {
      Collector::Registration first = collector.add(map);
      kept = std::move(first);
    }  // the moved-from handle unregisters nothing
    EXPECT_EQ(collector.stats().maps, 1u);
    Collector::Registration second(std::move(kept));
    kept = std::move(second);
    EXPECT_EQ(collector.stats().maps, 1u);
    collector.run_cycle();
    EXPECT_GE(cycle_until_settled(collector, map), 1);
    EXPECT_FALSE(map.stats().growing);
  }
  kept.reset();  // the collector is gone: nothing to do, nothing to crash
  expect_contents(map, reference);
}

TEST(CollectorCycle, TrimsOnceEnoughWasReclaimed) {
  for (const std::uint64_t threshold : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{1} << 40}) {
    SCOPED_TRACE(threshold);
    IntMap map(0, active());
    Reference reference;
    fill(map, reference, 6657);
    Collector collector({.budget = 50ms, .trim_threshold = threshold});
    const auto registration = collector.add(map);
    collector.run_cycle();
    cycle_until_settled(collector, map);
    collector.run_cycle();
    ASSERT_GT(collector.stats().reclaimed_bytes_total, 0u);
    EXPECT_EQ(collector.stats().trims_total, threshold == 1 ? 1u : 0u);
  }
}

// A map behind the Maintainable interface with only the required operations: the default
// measured slices compose them.
class PlainMap final : public Maintainable {
 public:
  explicit PlainMap(Map<std::int64_t, std::int64_t>& map) : map_(map) {}
  MapStats stats() const override { return map_.stats(); }
  std::size_t evacuate(std::size_t max_buckets) override { return map_.evacuate(max_buckets); }
  bool shrink_if_sparse() override { return map_.sparse() && map_.shrink_to_fit(); }

 private:
  Map<std::int64_t, std::int64_t>& map_;
};

TEST(CollectorCycle, MaintainsAnyMaintainable) {
  Map<std::int64_t, std::int64_t> map;
  for (std::int64_t key = 0; key < 20'000; ++key) {
    map.insert_or_assign(key, key);
  }
  map.evacuate(kAll);
  for (std::int64_t key = 0; key < 19'000; ++key) {
    map.erase(key);
  }
  Collector collector(roomy());
  const auto registration = collector.add(std::make_unique<PlainMap>(map), true);
  collector.run_cycle();  // starts the shrink
  cycle_until_settled(collector, map);
  const MapStats s = map.stats();
  EXPECT_EQ(s.shrinks_total, 1u);
  EXPECT_FALSE(s.growing);
  EXPECT_EQ(collector.stats().shrinks_started_total, 1u);
  EXPECT_GT(collector.stats().reclaimed_bytes_total, 0u);
  EXPECT_EQ(map.size(), 1000u);
  for (std::int64_t key = 19'000; key < 20'000; ++key) {
    ASSERT_EQ(*map.find(key), key);
  }
}

}  // namespace
}  // namespace mapcore::testing
