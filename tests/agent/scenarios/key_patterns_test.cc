// Keys and mixes: the sequential window across phases and repeats, uniform and zipfian draws, the
// smooth interleaving of operations, and string keys.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <map>
#include <vector>

#include "key_selector.h"
#include "key_string.h"
#include "operation_scheduler.h"
#include "phase_harness.h"
#include "random_source.h"
#include "scenario_roster.h"
#include "scenario_test_support.h"
#include "sequential_window.h"
#include "zipfian_distribution.h"

namespace mapscope::scenarios::testing {
namespace {

TEST(SequentialWindow, InsertsFreshKeysDeletesOldestFirstAndReadsCycleThroughLiveKeys) {
  SequentialWindow window;
  EXPECT_EQ(window.take_for_delete(), 0U);  // empty: the absent key 0, window unchanged
  EXPECT_EQ(window.next_for_read(), 0U);
  for (std::uint64_t i = 0; i < 5; ++i) {
    EXPECT_EQ(window.take_for_insert(), i);
  }
  EXPECT_EQ(window.take_for_delete(), 0U);
  EXPECT_EQ(window.take_for_delete(), 1U);
  std::vector<std::uint64_t> reads;
  reads.reserve(7);
  for (int i = 0; i < 7; ++i) {
    reads.push_back(window.next_for_read());
  }
  EXPECT_EQ(reads, (std::vector<std::uint64_t>{2, 3, 4, 2, 3, 4, 2}));
  EXPECT_EQ(window.take_for_delete(), 2U);
  EXPECT_EQ(window.next_for_read(), 3U);  // the cursor skips keys that left the window
  EXPECT_EQ(window.size(), 2U);
}

TEST(SequentialWindow, PersistsAcrossPhasesAndRepeatsOfAScenario) {
  RecordingEnvironment environment;
  ScenarioRoster roster(environment);
  // Each pass inserts 100 fresh keys and deletes the 30 oldest: after 3 passes [90, 300) is live.
  roster.apply({scenario(
      "window",
      {phase("grow", inserts(), after_operations(100)), phase("trim", deletes(), after_operations(30))}, 3)});
  const ScenarioRunner* runner = roster.find("window");
  ASSERT_NE(runner, nullptr);
  wait_finished(*runner);
  const DrivenMap& map = runner->map();
  EXPECT_EQ(map.size(), 210U);
  EXPECT_FALSE(map.contains(89));
  EXPECT_TRUE(map.contains(90));
  EXPECT_TRUE(map.contains(299));
  EXPECT_FALSE(map.contains(300));
  EXPECT_EQ(runner->progress()->passes(), 3U);
  EXPECT_EQ(runner->progress()->operations(Operation::Insert), 300U);
  EXPECT_EQ(runner->progress()->operations(Operation::Delete), 90U);
}

TEST(SequentialWindow, ReadsAndUpdatesAlwaysHit) {
  PhaseHarness harness;
  harness.run(phase("fill", inserts(), after_operations(50)));
  harness.run(phase("churn", mix(0, 1, 0, 1), after_operations(1000)));
  EXPECT_EQ(harness.map().stats().updates_total, 500U);  // an update of a missing key would not count
  EXPECT_EQ(harness.map().size(), 50U);
}

TEST(OperationScheduler, EqualWeightsAlternate) {
  OperationScheduler scheduler(mix(1, 0, 1, 0));
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(scheduler.next(), Operation::Insert);
    EXPECT_EQ(scheduler.next(), Operation::Delete);
  }
}

TEST(OperationScheduler, EveryWindowOfTotalStepsHoldsEachWeightExactly) {
  const config::OperationMix weights = mix(5, 2, 0, 3);
  OperationScheduler scheduler(weights);
  for (int window = 0; window < 20; ++window) {
    std::array<int, kOperationCount> counts{};
    for (int i = 0; i < 10; ++i) {
      ++counts[static_cast<std::size_t>(scheduler.next())];
    }
    EXPECT_EQ(counts, (std::array<int, kOperationCount>{5, 2, 0, 3}));
  }
}

TEST(OperationScheduler, NeverRunsAHeavyOperationInALongBurst) {
  OperationScheduler scheduler(mix(1, 0, 0, 9));
  int since_insert = 0;
  for (int i = 0; i < 1000; ++i) {
    if (scheduler.next() == Operation::Insert) {
      since_insert = 0;
    } else {
      EXPECT_LT(++since_insert, 10);
    }
  }
}

TEST(KeySelector, UniformDrawsCoverTheRangeAndStayInIt) {
  SequentialWindow unused;
  KeySelector keys(uniform_keys(1000, 1100), unused, 7);
  std::map<std::uint64_t, int> seen;
  for (int i = 0; i < 20000; ++i) {
    const std::uint64_t key = keys.key_for(Operation::Lookup);
    ASSERT_GE(key, 1000U);
    ASSERT_LT(key, 1100U);
    ++seen[key];
  }
  EXPECT_EQ(seen.size(), 100U);
  for (const auto& [key, count] : seen) {
    EXPECT_NEAR(count, 200, 70) << key;
  }
}

TEST(KeySelector, ZipfianFavoursFromAndMatchesTheDistribution) {
  config::KeySpace space;
  space.pattern = config::KeyPattern::Zipfian;
  space.from = 5000;
  space.to = 5000 + 100000;
  space.skew = 0.99;
  SequentialWindow unused;
  KeySelector keys(space, unused, 11);
  constexpr int kDraws = 200000;
  std::map<std::uint64_t, int> counts;
  for (int i = 0; i < kDraws; ++i) {
    const std::uint64_t key = keys.key_for(Operation::Lookup);
    ASSERT_GE(key, space.from);
    ASSERT_LT(key, space.to);
    ++counts[key];
  }
  const ZipfianDistribution zipf(100000, 0.99);
  const double top = zipf.top_probability();
  EXPECT_NEAR(counts[5000] / static_cast<double>(kDraws), top, top * 0.05);
  // P(rank 1) / P(rank 0) = 2^-skew.
  EXPECT_NEAR(static_cast<double>(counts[5001]) / counts[5000], std::pow(2.0, -0.99), 0.05);
  EXPECT_GT(counts[5001], counts[5010]);
  EXPECT_GT(counts[5010], counts[6000]);
}

TEST(ZipfianDistribution, ZetaEstimateMatchesTheExactSum) {
  for (const double skew : {0.5, 0.9, 0.99}) {
    for (const std::uint64_t n : {10ULL, 10000ULL, 10001ULL, 250000ULL}) {
      double exact = 0;
      for (std::uint64_t i = 1; i <= n; ++i) {
        exact += std::pow(static_cast<double>(i), -skew);
      }
      EXPECT_NEAR(ZipfianDistribution::zeta(n, skew), exact, exact * 1e-12) << n << " " << skew;
    }
  }
}

TEST(ZipfianDistribution, TinyRangesWork) {
  RandomSource random(3);
  const ZipfianDistribution one(1, 0.99);
  const ZipfianDistribution two(2, 0.5);
  int ones = 0;
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(one(random), 0U);
    const std::uint64_t rank = two(random);
    ASSERT_LT(rank, 2U);
    ones += static_cast<int>(rank);
  }
  EXPECT_NEAR(ones, 1000 * (1 / std::sqrt(2.0)) / (1 + 1 / std::sqrt(2.0)), 60);
}

TEST(KeyString, HoldsTheNumberZeroPaddedToItsLength) {
  EXPECT_EQ(KeyString::for_number(42, 8).view(), "00000042");
  EXPECT_EQ(KeyString::for_number(1234, 2).view(), "34");  // low digits when too short
  KeyString key = KeyString::for_number(7, 3);
  key.set_number(981);
  EXPECT_EQ(key.view(), "981");
  const KeyString copy = key;
  EXPECT_EQ(copy, key);
  EXPECT_NE(copy.view().data(), key.view().data());
}

TEST(KeyString, StringKeyScenarioStoresDistinctKeys) {
  config::MapSpec spec;
  spec.key.type = config::KeyType::String;
  spec.key.length = 24;
  PhaseHarness harness(spec);
  harness.run(phase("fill", inserts(), after_operations(3000)));
  harness.run(phase("read", mix(0, 1, 0, 1), after_operations(3000)));
  EXPECT_EQ(harness.map().size(), 3000U);
  EXPECT_EQ(harness.map().stats().updates_total, 1500U);
  EXPECT_TRUE(harness.map().contains(2999));
  EXPECT_FALSE(harness.map().contains(3000));
}

}  // namespace
}  // namespace mapscope::scenarios::testing
