// The map a scenario's `map` section describes: value sizes and where they are stored, hash, hint,
// profile and maintenance.
#include <gtest/gtest.h>

#include "driven_map_factory.h"
#include "mapcore/internal/size_classes.h"
#include "phase_harness.h"
#include "scenario_test_support.h"
#include "value_sizes.h"

namespace mapscope::scenarios::testing {
namespace {

config::MapSpec bytes_values(std::uint64_t size) {
  config::MapSpec spec;
  spec.value.type = config::ValueType::Bytes;
  spec.value.size = size;
  return spec;
}

TEST(ValueSizes, InlineSizesAreStoredInTheSmallestCompiledSizeThatHoldsThem) {
  EXPECT_EQ(stored_value_size(1), 8U);
  EXPECT_EQ(stored_value_size(8), 8U);
  EXPECT_EQ(stored_value_size(100), 104U);
  EXPECT_EQ(stored_value_size(128), 128U);
}

TEST(ValueSizes, OutOfLineSizesAreWhatGosAllocatorHandsOut) {
  EXPECT_EQ(stored_value_size(129), 144U);  // size classes up to 32 KiB
  EXPECT_EQ(stored_value_size(200), 208U);
  EXPECT_EQ(stored_value_size(32768), 32768U);
  EXPECT_EQ(stored_value_size(32769), 40960U);  // then whole 8 KiB pages
  EXPECT_EQ(stored_value_size(40000), 40960U);
  EXPECT_EQ(stored_value_size(1U << 20), 1U << 20);
  for (std::size_t bytes = 129; bytes <= (1U << 20); bytes += 997) {
    EXPECT_EQ(stored_value_size(bytes), mapcore::internal::go_rounded_size(bytes)) << bytes;
  }
}

TEST(ValueSizes, EveryCompiledSizeMakesAMap) {
  for (const std::size_t size : kInlineValueSizes) {
    EXPECT_NE(make_driven_map(bytes_values(size)), nullptr) << size;
  }
  for (const std::size_t size : {129U, 4096U, 40000U, 1U << 20}) {
    EXPECT_NE(make_driven_map(bytes_values(size)), nullptr) << size;
  }
  config::MapSpec string_keys = bytes_values(5000);
  string_keys.key = {config::KeyType::String, 16};
  EXPECT_NE(make_driven_map(string_keys), nullptr);
}

TEST(ValueSizes, OutOfLineValuesOfEverySizeShareGosPointerSlot) {
  // Go's bucket for map[int64][N]byte, N > 128: tophash, 8 keys, 8 pointers, the overflow pointer.
  constexpr std::uint64_t kGoBucket = 8 + 8 * 8 + 8 * 8 + 8;
  for (const std::uint64_t size : {129U, 5000U, 1U << 20}) {
    PhaseHarness harness(bytes_values(size));
    harness.run(phase("fill", inserts(), after_operations(1)));
    const mapcore::MapStats stats = harness.map().stats();
    EXPECT_EQ(stats.bucket_bytes, kGoBucket) << size;  // one bucket, B = 0
    EXPECT_EQ(stats.indirect_bytes, mapcore::internal::go_rounded_size(size)) << size;
  }
}

TEST(ValueSizes, IndirectValueSizeShowsIndirectBytesAsGoCountsThem) {
  PhaseHarness harness(bytes_values(200));
  harness.run(phase("fill", inserts(), after_operations(1000)));
  EXPECT_EQ(harness.map().stats().indirect_bytes, 1000U * 208);  // mallocgc(200) takes the 208-byte class
  harness.run(phase("drain", deletes(), after_operations(400)));
  EXPECT_EQ(harness.map().stats().indirect_bytes, 600U * 208);  // and gives it back on delete
}

TEST(ValueSizes, LargeValuesAreStoredOutOfLine) {
  PhaseHarness harness(bytes_values(40000));
  harness.run(phase("fill", mix(1, 1, 0, 0), after_operations(40)));
  EXPECT_EQ(harness.map().stats().indirect_bytes, 20U * 40960);  // Go rounds 40,000 to 5 pages
}

TEST(ValueSizes, InlineValuesLiveInTheBuckets) {
  PhaseHarness small(bytes_values(128));
  small.run(phase("fill", inserts(), after_operations(1000)));
  const mapcore::MapStats inline_stats = small.map().stats();
  EXPECT_EQ(inline_stats.indirect_bytes, 0U);

  PhaseHarness plain;  // int64 values: same entries, smaller buckets
  plain.run(phase("fill", inserts(), after_operations(1000)));
  EXPECT_GT(inline_stats.bucket_bytes, plain.map().stats().bucket_bytes * 4);
}

TEST(MapSpec, WeakHashBuildsOverflowChains) {
  config::MapSpec weak;
  weak.hash = config::HashKind::Weak;
  PhaseHarness chained(weak);
  PhaseHarness spread;
  for (PhaseHarness* harness : {&chained, &spread}) {
    harness->run(phase("fill", inserts(), after_operations(6000)));
  }
  const mapcore::MapStats weak_stats = chained.map().stats();
  const mapcore::MapStats default_stats = spread.map().stats();
  ASSERT_EQ(weak_stats.entries, 6000U);
  // 64 distinct hashes: every entry sits in one of 64 chains of about 12 buckets.
  EXPECT_GT(weak_stats.chain_lengths[mapcore::kChainLengthCells - 1], 0U);
  EXPECT_GT(weak_stats.overflow_buckets, 500U);
  EXPECT_EQ(default_stats.chain_lengths[mapcore::kChainLengthCells - 1], 0U);
  EXPECT_GT(weak_stats.overflow_buckets, 2 * default_stats.overflow_buckets);
}

TEST(MapSpec, HintAndProfileSizeTheArrayAsGoDoes) {
  config::MapSpec go122;
  go122.hint = 6656;
  config::MapSpec go121 = go122;
  go121.profile = config::Profile::Go121;
  EXPECT_EQ(make_driven_map(go122)->stats().log2_buckets, 10U);  // 6656 <= 6.5 * 1024
  EXPECT_EQ(make_driven_map(go121)->stats().log2_buckets, 11U);  // 6656 > 6.0 * 1024
}

TEST(MapSpec, MaintenancePolicyIsPassedToTheMap) {
  config::MapSpec active;
  active.maintenance = config::Maintenance::Active;
  EXPECT_TRUE(make_driven_map(active)->active_maintenance());
  EXPECT_FALSE(make_driven_map({})->active_maintenance());
}

TEST(MapSpec, ActiveMapRegisteredWithACollectorGetsItsStalledGrowFinished) {
  config::MapSpec active;
  active.maintenance = config::Maintenance::Active;
  PhaseHarness harness(active);
  harness.run(phase("fill", inserts(), until(config::UntilKind::Growing)));
  ASSERT_TRUE(harness.map().growing());
  mapcore::Collector collector;
  const mapcore::Collector::Registration registration = harness.map().register_with(collector);
  for (int i = 0; i < 100 && harness.map().growing(); ++i) {
    collector.run_cycle();
  }
  EXPECT_FALSE(harness.map().growing());
  EXPECT_GT(harness.map().stats().evacuated_by_collector_total, 0U);
}

}  // namespace
}  // namespace mapscope::scenarios::testing
