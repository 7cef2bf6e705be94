// Each kind of phase does what docs/scenarios.md says: mixes, ends (operations, duration, forever, until)
// and what reads and deletes do to the map's memory.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "phase_harness.h"
#include "scenario_test_support.h"

namespace mapscope::scenarios::testing {
namespace {

using config::UntilKind;

TEST(PhaseKinds, OperationCountIsExactAndTheMixInterleavesInProportion) {
  PhaseHarness harness;
  // Weights 3:1:1:2 give the cycle insert, lookup, update, insert, delete, lookup, insert: deletes and
  // updates always find a live key, so the map's own counters must agree with the engine's.
  ASSERT_EQ(harness.run(phase("mixed", mix(3, 1, 1, 2), after_operations(7001))),
            PhaseRunner::Outcome::Completed);
  EXPECT_EQ(harness.last_operations(), 7001U);
  EXPECT_EQ(harness.progress().operations(Operation::Insert), 3001U);
  EXPECT_EQ(harness.progress().operations(Operation::Update), 1000U);
  EXPECT_EQ(harness.progress().operations(Operation::Delete), 1000U);
  EXPECT_EQ(harness.progress().operations(Operation::Lookup), 2000U);
  const mapcore::MapStats stats = harness.map().stats();
  EXPECT_EQ(stats.inserts_total, 3001U);
  EXPECT_EQ(stats.updates_total, 1000U);
  EXPECT_EQ(stats.deletes_total, 1000U);
  EXPECT_EQ(stats.entries, 2001U);
}

TEST(PhaseKinds, LookupOnlyPhaseMakesNoEvacuationProgressOnAMapFrozenMidGrow) {
  PhaseHarness harness;
  harness.run(phase("fill", inserts(), until(UntilKind::Growing)));
  const mapcore::MapStats frozen = harness.map().stats();
  ASSERT_TRUE(frozen.growing);
  ASSERT_GT(frozen.evacuation_pending, 0U);
  ASSERT_GT(frozen.oldbucket_bytes, 0U);

  harness.run(phase("read", lookups(), after_operations(20000)));
  const mapcore::MapStats after_reads = harness.map().stats();
  EXPECT_EQ(harness.progress().operations(Operation::Lookup), 20000U);
  EXPECT_TRUE(after_reads.growing);
  EXPECT_EQ(after_reads.evacuation_pending, frozen.evacuation_pending);
  EXPECT_EQ(after_reads.evacuated_buckets_total, frozen.evacuated_buckets_total);
  EXPECT_EQ(after_reads.oldbucket_bytes, frozen.oldbucket_bytes);

  // Writes do evacuate: the same map under updates makes progress, so the check above can fail.
  harness.run(phase("write", updates(), after_operations(3)));
  EXPECT_LT(harness.map().stats().evacuation_pending, frozen.evacuation_pending);
}

TEST(PhaseKinds, DrainEmptiesTheMapButKeepsItsBuckets) {
  PhaseHarness harness;
  harness.run(phase("fill", inserts(), after_operations(5000)));
  const mapcore::MapStats full = harness.map().stats();
  ASSERT_EQ(full.entries, 5000U);

  harness.run(phase("drain", deletes(), until(UntilKind::EntriesAtMost, 0)));
  const mapcore::MapStats drained = harness.map().stats();
  EXPECT_EQ(drained.entries, 0U);
  EXPECT_EQ(harness.last_operations(), 5000U);  // one delete per entry, oldest first, none wasted
  EXPECT_EQ(drained.deletes_total, 5000U);
  EXPECT_EQ(drained.log2_buckets, full.log2_buckets);  // Go policy: deleting never shrinks
  EXPECT_GE(drained.bucket_bytes, full.bucket_bytes);
  EXPECT_EQ(harness.window().size(), 0U);
}

TEST(PhaseKinds, UntilEntriesAtLeastEndsExactlyAtTheBound) {
  PhaseHarness harness;
  ASSERT_EQ(harness.run(phase("fill", inserts(), until(UntilKind::EntriesAtLeast, 1234))),
            PhaseRunner::Outcome::Completed);
  EXPECT_EQ(harness.map().size(), 1234U);
  EXPECT_EQ(harness.last_operations(), 1234U);
}

TEST(PhaseKinds, UntilEntriesAtMostEndsExactlyAtTheBound) {
  PhaseHarness harness;
  harness.run(phase("fill", inserts(), after_operations(1000)));
  harness.run(phase("trim", mix(1, 0, 2, 0), until(UntilKind::EntriesAtMost, 700)));
  EXPECT_EQ(harness.map().size(), 700U);
}

TEST(PhaseKinds, UntilGrowingStopsAtTheInsertThatStartsAGrowAndUntilNotGrowingAtItsEnd) {
  PhaseHarness harness;
  harness.run(phase("fill", inserts(), until(UntilKind::Growing)));
  const mapcore::MapStats started = harness.map().stats();
  EXPECT_TRUE(started.growing);
  // The phase stopped at the first grow still in progress after its insert: the inserts before it did
  // not leave one in progress (those into tiny arrays finish within their own growth work).
  EXPECT_EQ(harness.last_operations(), started.entries);

  harness.run(phase("finish", inserts(), until(UntilKind::NotGrowing)));
  const mapcore::MapStats finished = harness.map().stats();
  EXPECT_FALSE(finished.growing);
  EXPECT_EQ(finished.oldbucket_bytes, 0U);
  EXPECT_GT(finished.entries, started.entries);
  EXPECT_LE(harness.last_operations(),
            started.old_buckets);  // a grow finishes within old-bucket-count writes
}

TEST(PhaseKinds, UntilAlreadyTrueRunsNoOperation) {
  PhaseHarness harness;
  ASSERT_EQ(harness.run(phase("noop", inserts(), until(UntilKind::EntriesAtMost, 10))),
            PhaseRunner::Outcome::Completed);
  EXPECT_EQ(harness.last_operations(), 0U);
  EXPECT_EQ(harness.map().size(), 0U);
}

TEST(PhaseKinds, TinyRateRunsTheFirstOperationAndWaitsOutTheRest) {
  PhaseHarness harness;
  // The second operation would be due in 10^12 seconds: past what the clock can hold, so "never".
  ASSERT_EQ(harness.run(phase("glacial", inserts(), after(std::chrono::milliseconds(30)), 1e-12)),
            PhaseRunner::Outcome::Completed);
  EXPECT_EQ(harness.last_operations(), 1U);
}

TEST(PhaseKinds, UntilThatNeverHoldsBehavesAsForever) {
  PhaseHarness harness;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    harness.stop().request_stop();
  });
  // Lookups never add entries: the condition cannot become true.
  EXPECT_EQ(harness.run(phase("wait", lookups(), until(UntilKind::EntriesAtLeast, 1), 1000.0)),
            PhaseRunner::Outcome::Stopped);
  stopper.join();
}

TEST(PhaseKinds, UniformInsertsOfPresentKeysAreUpdates) {
  PhaseHarness harness;
  config::Phase churn = phase("churn", inserts(), after_operations(5000));
  churn.keys = uniform_keys(100, 200);
  harness.run(churn);
  const mapcore::MapStats stats = harness.map().stats();
  EXPECT_EQ(stats.entries, 100U);  // 5000 draws over 100 keys hit every one
  EXPECT_EQ(stats.inserts_total + stats.updates_total, 5000U);
  EXPECT_FALSE(harness.map().contains(99));
  EXPECT_TRUE(harness.map().contains(100));
  EXPECT_TRUE(harness.map().contains(199));
  EXPECT_FALSE(harness.map().contains(200));
}

TEST(PhaseKinds, UniformDeletesOfAbsentKeysAndUpdatesOfAbsentKeysChangeNothing) {
  PhaseHarness harness;
  config::Phase writes = phase("writes", mix(0, 1, 1, 0), after_operations(1000));
  writes.keys = uniform_keys(0, 50);
  harness.run(writes);
  const mapcore::MapStats stats = harness.map().stats();
  EXPECT_EQ(stats.entries, 0U);
  EXPECT_EQ(stats.updates_total, 0U);
  EXPECT_EQ(stats.deletes_total, 0U);
  EXPECT_EQ(harness.progress().operations_total(), 1000U);  // still issued and counted
}

}  // namespace
}  // namespace mapscope::scenarios::testing
