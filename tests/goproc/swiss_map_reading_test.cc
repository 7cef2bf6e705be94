// Target::read() against the Swiss-table maps fixture built with go1.24, 1.25 and 1.26: every map's
// figures equal what the program itself sees through its runtime structs (tombstones counted from
// its control bytes), bytes by Go's size classes.
#include <signal.h>

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "fixture_program.h"
#include "go_programs.h"
#include "mapcore/go_layout.h"
#include "mapscope/goproc/target.h"
#include "reading_json.h"

namespace mapscope::goproc::test {
namespace {

constexpr std::uint64_t kGroupSlots = 8;

const std::vector<std::string> kSwissFixtureMaps = {
    "main.small", "main.empty", "main.manyTables", "main.drained", "main.tombstones",
    "main.churn", "main.names", "main.bigValues",  "main.bigKeys", "main.srv.cache"};

struct Expected {
  mapcore::MapStats stats;
  SwissShape shape;
};

// What the fixture's own view of a map implies, by Go's size classes.
Expected expected_of(const nlohmann::json& view) {
  Expected e;
  const auto group_size = view.at("group_size").get<std::uint64_t>();
  e.stats.entries = view.at("used");
  std::uint64_t per_entry = 0;
  for (const auto* field : {"indirect_key_size", "indirect_value_size"}) {
    const auto size = view.at(field).get<std::size_t>();
    per_entry += size == 0 ? 0 : mapcore::go::rounded_size(size);
  }
  e.stats.indirect_bytes = e.stats.entries * per_entry;
  if (!view.at("has_storage").get<bool>()) {
    return e;
  }
  const auto dir_len = view.at("dir_len").get<std::uint64_t>();
  if (dir_len == 0) {
    e.shape.capacity_slots = kGroupSlots;
    e.shape.tombstones = view.at("small_tombstones");
    e.stats.bucket_bytes = mapcore::go::rounded_size(group_size);
  } else {
    e.shape.directory_entries = dir_len;
    e.shape.tables = view.at("tables").size();
    e.stats.bucket_bytes = mapcore::go::rounded_size(dir_len * 8);
    for (const auto& table : view.at("tables")) {
      const auto capacity = table.at("capacity").get<std::uint64_t>();
      e.shape.capacity_slots += capacity;
      e.shape.tombstones += table.at("tombstones").get<std::uint64_t>();
      e.stats.bucket_bytes += mapcore::go::rounded_size(view.at("table_size").get<std::uint64_t>()) +
                              mapcore::go::rounded_size(capacity / kGroupSlots * group_size);
    }
  }
  e.stats.buckets = e.shape.capacity_slots;
  return e;
}

void expect_same(const MapReading& got, const Expected& want) {
  SCOPED_TRACE(got.path + "\nread:    " + to_json(got.stats).dump() +
               "\nfixture: " + to_json(want.stats).dump());
  EXPECT_EQ(got.impl, "swiss");
  EXPECT_DOUBLE_EQ(got.stats.load_factor_limit, 0.875);
  EXPECT_EQ(got.stats.entries, want.stats.entries);
  EXPECT_EQ(got.stats.buckets, want.stats.buckets);
  EXPECT_EQ(got.stats.log2_buckets, 0U);
  EXPECT_EQ(got.stats.bucket_bytes, want.stats.bucket_bytes);
  EXPECT_EQ(got.stats.indirect_bytes, want.stats.indirect_bytes);
  // A Swiss map grows by rebuilding a table whole: nothing old or overflowing is ever kept.
  EXPECT_EQ(got.stats.overflow_buckets, 0U);
  EXPECT_EQ(got.stats.overflow_bytes, 0U);
  EXPECT_EQ(got.stats.oldbucket_bytes, 0U);
  EXPECT_FALSE(got.stats.growing);
  ASSERT_TRUE(got.swiss.has_value());
  EXPECT_EQ(got.swiss->tables, want.shape.tables);
  EXPECT_EQ(got.swiss->directory_entries, want.shape.directory_entries);
  EXPECT_EQ(got.swiss->capacity_slots, want.shape.capacity_slots);
  EXPECT_EQ(got.swiss->tombstones, want.shape.tombstones);
}

class SwissMapReading : public FixtureProgram {
 protected:
  void SetUp() override { start("swissmaps", /*classic_maps=*/false); }

  void expect_every_map_as_viewed(const TargetReading& reading) {
    ASSERT_EQ(reading.processes.size(), 1U);
    EXPECT_EQ(reading.problems, std::vector<std::string>{});
    const auto& process = reading.processes.front();
    ASSERT_EQ(process.maps.size(), kSwissFixtureMaps.size()) << to_json(reading).dump(1);
    for (const auto& map : process.maps) {
      ASSERT_TRUE(views_.contains(map.path)) << map.path;
      expect_same(map, expected_of(views_.at(map.path)));
    }
  }
};

TEST_P(SwissMapReading, EveryMapEqualsTheProgramsOwnView) {
  Target target(spec_for_pid(running_->pid(), kSwissFixtureMaps));
  const auto reading = read(target);
  ASSERT_EQ(reading.processes.size(), 1U);
  EXPECT_TRUE(reading.processes.front().go_version.starts_with("go" + GetParam()))
      << reading.processes.front().go_version;
  expect_every_map_as_viewed(reading);
}

TEST_P(SwissMapReading, TheFixtureHoldsTheStatesItIsMeantTo) {
  // Guards the comparison above against a fixture that left its maps in dull states.
  const auto& small = views_.at("main.small");
  EXPECT_EQ(small.at("dir_len"), 0);
  EXPECT_TRUE(small.at("has_storage").get<bool>());
  EXPECT_EQ(small.at("small_full"), 5);
  const auto& many = views_.at("main.manyTables");
  EXPECT_GE(many.at("tables").size(), 32U);
  EXPECT_GT(many.at("dir_len").get<std::size_t>(), many.at("tables").size())
      << "no directory entries share a table";
  const auto drained = expected_of(views_.at("main.drained"));
  EXPECT_EQ(drained.stats.entries, 1U);
  EXPECT_GE(drained.shape.capacity_slots, 100'000U);
  EXPECT_GT(expected_of(views_.at("main.tombstones")).shape.tombstones, 500U);
  EXPECT_GT(views_.at("main.bigValues").at("indirect_value_size"), 128);
  EXPECT_GT(views_.at("main.bigKeys").at("indirect_key_size"), 128);
  EXPECT_GT(views_.at("main.names").at("group_size"), views_.at("main.churn").at("group_size"));
  // The runtime's own count, which the reader relies on: 7/8 of the slots, less those used and
  // those still free to fill, are tombstones; and every full control byte is a used slot.
  for (const auto& [path, view] : views_) {
    for (const auto& table : view.at("tables")) {
      const auto capacity = table.at("capacity").get<std::uint64_t>();
      EXPECT_EQ(table.at("tombstones").get<std::uint64_t>(), capacity * 7 / 8 -
                                                                 table.at("used").get<std::uint64_t>() -
                                                                 table.at("growth_left").get<std::uint64_t>())
          << path;
      EXPECT_EQ(table.at("full"), table.at("used")) << path;
    }
    EXPECT_EQ(view.at("small_tombstones"), 0) << path;
  }
}

TEST_P(SwissMapReading, DeletesBetweenReadsShowAsTombstones) {
  Target target(spec_for_pid(running_->pid(), kSwissFixtureMaps));
  expect_every_map_as_viewed(read(target));
  const auto before = expected_of(views_.at("main.churn")).shape.tombstones;
  ::kill(running_->pid(), SIGUSR1);
  generation_ = 1;
  wait_for_json(dir_ / "view.json", generation_);
  load_views();
  EXPECT_GT(expected_of(views_.at("main.churn")).shape.tombstones, before);
  expect_every_map_as_viewed(read(target));
}

TEST_P(SwissMapReading, HeapAndCollectionsEqualReadMemStats) {
  Target target(spec_for_pid(running_->pid(), {"main.small"}));
  const auto reading = read(target);
  ASSERT_EQ(reading.processes.size(), 1U);
  expect_runtime_as_viewed(reading.processes.front().runtime);
}

TEST_P(SwissMapReading, EveryGlobalMapIsFoundWithoutPathsLargestFirst) {
  auto spec = spec_for_pid(running_->pid());
  spec.max_maps = 2;
  Target largest(spec);
  const auto reading = read(largest);
  ASSERT_EQ(reading.processes.size(), 1U);
  ASSERT_EQ(reading.processes.front().maps.size(), 2U);
  // The drained map keeps the capacity of its 100,000 entries, manyTables holds 40,000; the header
  // alone bounds a directory's tables from above, which may rank the two either way.
  std::set<std::string> found;
  for (const auto& map : reading.processes.front().maps) {
    found.insert(map.path);
  }
  EXPECT_EQ(found, (std::set<std::string>{"main.drained", "main.manyTables"}));
}

INSTANTIATE_TEST_SUITE_P(GoVersions, SwissMapReading, ::testing::ValuesIn(kSwissGoVersions),
                         [](const auto& version) { return "go1_" + version.param.substr(2); });

}  // namespace
}  // namespace mapscope::goproc::test
