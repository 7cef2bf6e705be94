// The embedded default: compiled from config/examples/default.yaml, six scenarios that each show their
// effect, within the time and memory budget (checked on the Go growth rules, see BucketBudgetModel).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "bucket_budget_model.h"
#include "mapscope/config/config.h"

namespace mapscope::config {
namespace {

using testing::BucketBudgetModel;

const Scenario& find(const Config& config, const std::string& name) {
  for (const Scenario& scenario : config.scenarios) {
    if (scenario.name == name) {
      return scenario;
    }
  }
  throw std::runtime_error("no scenario " + name);
}

bool inserts_only(const Phase& phase) {
  return phase.mix == OperationMix{.insert = 1};
}
bool lookups_only_forever(const Phase& phase) {
  return phase.mix.lookup > 0 && phase.mix.insert + phase.mix.update + phase.mix.erase == 0 &&
         phase.end.kind == EndKind::Forever;
}

// Insert number (1-based) at which sequential inserts start a doubling from `b`.
std::uint64_t doubling_start(unsigned b) {
  std::uint64_t count = 1;
  while (!BucketBudgetModel::over_load_factor(count, b)) {
    ++count;
  }
  return count;
}

TEST(DefaultConfig, IsCompiledFromTheExampleFile) {
  std::ifstream file(std::string(MAPSCOPE_CONFIG_EXAMPLES_DIR) + "/default.yaml", std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  ASSERT_FALSE(text.str().empty());
  EXPECT_EQ(default_config_yaml(), text.str());
}

TEST(DefaultConfig, HasTheSixScenariosAndTheCollector) {
  const Config config = default_config();
  std::vector<std::string> names;
  for (const Scenario& scenario : config.scenarios) {
    names.push_back(scenario.name);
  }
  const std::vector<std::string> expected{"steady-growth",         "samesize-churn", "frozen-midgrow",
                                          "frozen-midgrow-active", "drained",        "drained-active"};
  EXPECT_EQ(names, expected);
  EXPECT_TRUE(config.collector.enabled);
  EXPECT_EQ(config.server, ServerConfig{});
  EXPECT_EQ(config.collector, CollectorConfig{});
}

TEST(DefaultConfig, DoublingThresholdsMatchTheGoTrace) {
  // Starts from the go1.19.8 trace of sequential inserts.
  EXPECT_EQ(doubling_start(0), 9U);
  EXPECT_EQ(doubling_start(1), 14U);
  EXPECT_EQ(doubling_start(10), 6657U);
  EXPECT_EQ(doubling_start(15), 212993U);
  EXPECT_EQ(doubling_start(18), 1703937U);
  EXPECT_EQ(BucketBudgetModel::b_for_hint(6000), 10U);
  EXPECT_EQ(BucketBudgetModel::b_for_hint(6656), 10U);
  EXPECT_EQ(BucketBudgetModel::b_for_hint(6657), 11U);
  EXPECT_EQ(BucketBudgetModel::array_bytes(16), 10027008U);   // the table's B=16 row
  EXPECT_EQ(BucketBudgetModel::array_bytes(20), 160432128U);  // the table's B=20 row
}

TEST(DefaultConfig, FrozenMidgrowStopsRightAfterADoublingStarts) {
  const Config config = default_config();
  for (const char* name : {"frozen-midgrow", "frozen-midgrow-active"}) {
    SCOPED_TRACE(name);
    const Scenario& scenario = find(config, name);
    ASSERT_EQ(scenario.phases.size(), 2U);
    const Phase& fill = scenario.phases[0];
    EXPECT_TRUE(inserts_only(fill));
    EXPECT_EQ(fill.keys.pattern, KeyPattern::Sequential);
    ASSERT_EQ(fill.end.kind, EndKind::Operations);
    EXPECT_EQ(fill.end.operations, doubling_start(15));
    EXPECT_TRUE(lookups_only_forever(scenario.phases[1]));
  }
  EXPECT_EQ(find(config, "frozen-midgrow").map.maintenance, Maintenance::Go);
  EXPECT_EQ(find(config, "frozen-midgrow-active").map.maintenance, Maintenance::Active);
  EXPECT_EQ(find(config, "frozen-midgrow").phases, find(config, "frozen-midgrow-active").phases);
}

TEST(DefaultConfig, DrainedFillsAMillionAndDeletesAllButOnePerMille) {
  const Config config = default_config();
  for (const char* name : {"drained", "drained-active"}) {
    SCOPED_TRACE(name);
    const Scenario& scenario = find(config, name);
    ASSERT_EQ(scenario.phases.size(), 3U);
    EXPECT_TRUE(inserts_only(scenario.phases[0]));
    EXPECT_EQ(scenario.phases[0].end.operations, 1'000'000U);
    const Phase& drain = scenario.phases[1];
    EXPECT_EQ(drain.mix, OperationMix{.erase = 1});
    EXPECT_EQ(drain.end.kind, EndKind::Until);
    EXPECT_EQ(drain.end.until, UntilKind::EntriesAtMost);
    EXPECT_EQ(drain.end.entries, 1000U);
    EXPECT_TRUE(lookups_only_forever(scenario.phases[2]));
  }
  EXPECT_EQ(find(config, "drained").map.maintenance, Maintenance::Go);
  EXPECT_EQ(find(config, "drained-active").map.maintenance, Maintenance::Active);
  EXPECT_EQ(find(config, "drained").phases, find(config, "drained-active").phases);
}

TEST(DefaultConfig, SamesizeChurnNeverReachesADoubling) {
  const Config config = default_config();
  const Scenario& scenario = find(config, "samesize-churn");
  const unsigned b = BucketBudgetModel::b_for_hint(scenario.map.hint);
  EXPECT_EQ(b, 10U);
  ASSERT_EQ(scenario.phases.size(), 2U);
  EXPECT_TRUE(inserts_only(scenario.phases[0]));
  const std::uint64_t filled = scenario.phases[0].end.operations;
  const Phase& churn = scenario.phases[1];
  EXPECT_EQ(churn.mix.insert, churn.mix.erase);  // interleaved one for one: the size moves by at most one
  EXPECT_EQ(churn.mix.update + churn.mix.lookup, 0U);
  EXPECT_EQ(churn.end.kind, EndKind::Forever);
  EXPECT_LT(filled + 1, doubling_start(b));
  EXPECT_GT(filled, doubling_start(b) * 8 / 10);  // dense enough for deletes to leave sparse chains
}

TEST(DefaultConfig, SteadyGrowthReachesTwoMillionThroughDoublingsThenChurns) {
  const Config config = default_config();
  const Scenario& scenario = find(config, "steady-growth");
  ASSERT_EQ(scenario.phases.size(), 2U);
  const Phase& fill = scenario.phases[0];
  EXPECT_TRUE(inserts_only(fill));
  ASSERT_EQ(fill.end.until, UntilKind::EntriesAtLeast);
  EXPECT_GE(fill.end.entries, 1'900'000U);
  EXPECT_LE(fill.end.entries, 2'100'000U);
  const Phase& churn = scenario.phases[1];
  EXPECT_EQ(churn.mix.insert, churn.mix.erase);
  EXPECT_EQ(churn.end.kind, EndKind::Forever);
}

// Replays all six scenarios together for two minutes: their finite phases end within a minute (the
// end-to-end run watches 60 s), every grow lasts long enough for a 1 s scrape to see it in progress,
// and the bucket arrays alive at any moment leave room under the 300 MB process limit.
TEST(DefaultConfig, FitsTheTimeAndMemoryBudget) {
  const Config config = default_config();
  std::vector<BucketBudgetModel> models;
  for (const Scenario& scenario : config.scenarios) {
    models.emplace_back(scenario);
  }
  std::uint64_t peak = 0;
  std::vector<double> settled_at(models.size(), -1);
  std::vector<double> longest_grow(models.size(), 0);
  std::vector<double> grow_seconds(models.size(), 0);
  for (int step = 0; step < 12000; ++step) {
    std::uint64_t bytes = 0;
    for (std::size_t i = 0; i < models.size(); ++i) {
      models[i].step();
      bytes += models[i].bytes();
      if (settled_at[i] < 0 && models[i].settled()) {
        settled_at[i] = models[i].seconds();
      }
      grow_seconds[i] = models[i].growing() ? grow_seconds[i] + BucketBudgetModel::kStepSeconds : 0;
      longest_grow[i] = std::max(longest_grow[i], grow_seconds[i]);
    }
    peak = std::max(peak, bytes);
  }
  for (std::size_t i = 0; i < models.size(); ++i) {
    SCOPED_TRACE(config.scenarios[i].name);
    EXPECT_GE(settled_at[i], 0.0);
    EXPECT_LE(settled_at[i], 55.0);
  }
  EXPECT_EQ(models[0].buckets_log2(), 19U);  // steady-growth
  EXPECT_GE(models[0].doublings(), 19U);     // B 0 -> 19
  EXPECT_GE(longest_grow[0], 3.0);           // its last doubling spans several scrapes
  EXPECT_TRUE(models[2].growing());          // frozen-midgrow: still mid-grow, for ever
  EXPECT_GE(longest_grow[4], 1.5);           // drained's 17->18
  EXPECT_EQ(models[4].buckets_log2(), 18U);  // drained keeps B=18
  EXPECT_LT(models[5].buckets_log2(), 18U);  // drained-active was shrunk
  EXPECT_EQ(models[1].doublings(), 0U);      // samesize-churn never doubles
  EXPECT_LE(peak, 230ULL << 20) << "peak bucket bytes " << peak;
  std::cout << "modelled peak of bucket arrays: " << (peak >> 20) << " MiB\n";
}

}  // namespace
}  // namespace mapscope::config
