// Target::read() against the maps fixture built with each Go version: every map's figures equal
// what the program itself sees through its runtime headers, bytes by Go's sizing rules.
#include <signal.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "fixture_program.h"
#include "go_programs.h"
#include "mapcore/go_layout.h"
#include "mapscope/goproc/target.h"
#include "reading_json.h"

namespace mapscope::goproc::test {
namespace {

// The paths of the fixture's maps, as the program names them in its view.
const std::vector<std::string> kFixtureMaps = {
    "main.doubling", "main.sameSize",  "main.grown",   "main.drained",  "main.empty",
    "main.names",    "main.bigValues", "main.bigKeys", "main.sessions", "main.srv.cache"};

// What the fixture's own view of a map implies for MapStats, by go_layout's rules.
mapcore::MapStats expected_stats(const nlohmann::json& view) {
  const auto bucket_size = view.at("bucket_size").get<std::size_t>();
  const auto log2 = view.at("B").get<std::uint8_t>();
  mapcore::MapStats s;
  s.entries = view.at("count");
  s.log2_buckets = log2;
  s.buckets = std::uint64_t{1} << log2;
  s.noverflow = view.at("noverflow");
  const auto alone = mapcore::go::overflow_bucket_bytes(bucket_size);
  const auto array = mapcore::go::bucket_array_layout(log2, bucket_size);
  if (view.at("has_buckets").get<bool>()) {
    s.bucket_bytes = array.bytes;
    s.chain_lengths = view.at("chain_lengths").get<std::array<std::uint64_t, mapcore::kChainLengthCells>>();
    for (const auto& offset : view.at("overflow_offsets")) {
      ++s.overflow_buckets;
      if (offset.get<std::uint64_t>() >= array.bytes) {
        s.overflow_bytes += alone;
      }
    }
  }
  std::uint64_t per_entry = 0;
  for (const auto* field : {"indirect_key_size", "indirect_value_size"}) {
    const auto size = view.at(field).get<std::size_t>();
    per_entry += size == 0 ? 0 : mapcore::go::rounded_size(size);
  }
  s.indirect_bytes = s.entries * per_entry;
  if (view.at("growing").get<bool>()) {
    s.growing = true;
    s.same_size_grow = view.at("same_size_grow");
    s.old_buckets = view.at("old_buckets");
    s.evacuated = view.at("nevacuate");
    s.evacuation_pending = view.at("evacuation_pending");
    const auto old_log2 = static_cast<std::uint8_t>(std::countr_zero(s.old_buckets));
    const auto old_array = mapcore::go::bucket_array_layout(old_log2, bucket_size);
    s.oldbucket_bytes = old_array.bytes;
    for (const auto& offset : view.at("old_overflow_offsets")) {
      if (offset.get<std::uint64_t>() >= old_array.bytes) {
        s.oldbucket_bytes += alone;
      }
    }
  }
  return s;
}

void expect_same(const mapcore::MapStats& got, const mapcore::MapStats& want, const std::string& path) {
  SCOPED_TRACE(path + "\nread:    " + to_json(got).dump() + "\nfixture: " + to_json(want).dump());
  EXPECT_EQ(got.entries, want.entries);
  EXPECT_EQ(got.log2_buckets, want.log2_buckets);
  EXPECT_EQ(got.buckets, want.buckets);
  EXPECT_EQ(got.noverflow, want.noverflow);
  EXPECT_EQ(got.overflow_buckets, want.overflow_buckets);
  EXPECT_EQ(got.growing, want.growing);
  EXPECT_EQ(got.same_size_grow, want.same_size_grow);
  EXPECT_EQ(got.old_buckets, want.old_buckets);
  EXPECT_EQ(got.evacuated, want.evacuated);
  EXPECT_EQ(got.evacuation_pending, want.evacuation_pending);
  EXPECT_EQ(got.bucket_bytes, want.bucket_bytes);
  EXPECT_EQ(got.overflow_bytes, want.overflow_bytes);
  EXPECT_EQ(got.oldbucket_bytes, want.oldbucket_bytes);
  EXPECT_EQ(got.indirect_bytes, want.indirect_bytes);
  EXPECT_EQ(got.chain_lengths, want.chain_lengths);
  EXPECT_EQ(got.growing, got.grow_started_unix_seconds > 0);
}

class MapReading : public FixtureProgram {
 protected:
  void SetUp() override { start("maps", /*classic_maps=*/true); }
};

TEST_P(MapReading, EveryMapEqualsTheProgramsOwnView) {
  Target target(spec_for_pid(running_->pid(), kFixtureMaps));
  const auto reading = read(target);
  ASSERT_EQ(reading.processes.size(), 1U);
  const auto& process = reading.processes.front();
  EXPECT_TRUE(process.go_version.starts_with("go" + GetParam())) << process.go_version;
  EXPECT_EQ(reading.problems, std::vector<std::string>{});
  ASSERT_EQ(process.maps.size(), kFixtureMaps.size()) << to_json(reading).dump(1);
  for (const auto& map : process.maps) {
    ASSERT_TRUE(views_.contains(map.path)) << map.path;
    expect_same(map.stats, expected_stats(views_.at(map.path)), map.path);
    EXPECT_EQ(map.impl, "classic");
    EXPECT_EQ(map.stats.load_factor_limit, GetParam() == "1.21" ? 6.0 : 6.5);
  }
}

TEST_P(MapReading, TheFixtureHoldsTheStatesItIsMeantTo) {
  // Guards the comparison above against a fixture that left its maps in dull states.
  const auto& doubling = views_.at("main.doubling");
  EXPECT_EQ(doubling.at("count"), 6657);
  EXPECT_EQ(doubling.at("B"), 11);
  if (GetParam() != "1.21") {  // go1.21's load factor of 6.0 doubled earlier, at 6,145 entries
    EXPECT_TRUE(doubling.at("growing").get<bool>());
    EXPECT_EQ(doubling.at("evacuation_pending"), 1022);
  }
  EXPECT_TRUE(views_.at("main.sameSize").at("same_size_grow").get<bool>());
  EXPECT_FALSE(views_.at("main.grown").at("growing").get<bool>());
  EXPECT_EQ(views_.at("main.drained").at("count"), 1);
  EXPECT_TRUE(views_.at("main.names").at("growing").get<bool>());
  EXPECT_FALSE(views_.at("main.names").at("pointer_free").get<bool>());
  EXPECT_GT(views_.at("main.sessions").at("overflow_offsets").size(), 100U);
  EXPECT_GT(views_.at("main.bigValues").at("indirect_value_size"), 128);
  EXPECT_GT(views_.at("main.bigKeys").at("indirect_key_size"), 128);
  EXPECT_FALSE(views_.at("main.empty").at("has_buckets").get<bool>());
  // Pointer-free maps list every overflow bucket in use in mapextra, which the reader relies on.
  for (const auto& [path, view] : views_) {
    if (view.at("pointer_free").get<bool>() && view.at("overflow_list_len").get<int>() >= 0) {
      EXPECT_EQ(view.at("overflow_list_len").get<std::size_t>(), view.at("overflow_offsets").size()) << path;
    }
  }
}

TEST_P(MapReading, HeapAndCollectionsEqualReadMemStats) {
  Target target(spec_for_pid(running_->pid(), {"main.doubling"}));
  const auto first = read(target);
  ASSERT_EQ(first.processes.size(), 1U);
  const auto& runtime = first.processes.front().runtime;
  expect_runtime_as_viewed(runtime);
  EXPECT_TRUE(runtime.new_gc_pauses_seconds.empty()) << "a first read has no previous one to count from";

  // Two more collections: the next read reports exactly their pauses.
  ::kill(running_->pid(), SIGUSR1);
  const auto after = wait_for_json(dir_ / "view.json", 1);
  const auto second = read(target);
  ASSERT_EQ(second.processes.size(), 1U);
  const auto& later = second.processes.front().runtime;
  const auto numgc = after.at("runtime").at("numgc").get<std::uint64_t>();
  EXPECT_EQ(later.gc_cycles, numgc);
  ASSERT_EQ(later.new_gc_pauses_seconds.size(), numgc - runtime.gc_cycles);
  const auto& ring = after.at("runtime").at("pause_ns");
  for (std::size_t i = 0; i < later.new_gc_pauses_seconds.size(); ++i) {
    const auto cycle = runtime.gc_cycles + i;
    EXPECT_DOUBLE_EQ(later.new_gc_pauses_seconds[i], ring.at(cycle % 256).get<double>() * 1e-9);
  }
}

TEST_P(MapReading, EveryGlobalMapIsFoundWithoutPathsLargestFirst) {
  Target all(spec_for_pid(running_->pid()));
  const auto reading = read(all);
  ASSERT_EQ(reading.processes.size(), 1U);
  std::vector<std::string> found;
  for (const auto& map : reading.processes.front().maps) {
    found.push_back(map.path);
  }
  for (const auto& path : kFixtureMaps) {
    if (path != "main.srv.cache" &&
        path != "main.empty") {  // a field is no global; an empty map holds nothing
      EXPECT_NE(std::find(found.begin(), found.end(), path), found.end()) << path;
    }
  }
  auto spec = spec_for_pid(running_->pid());
  spec.min_bytes = 100'000;
  spec.max_maps = 2;
  Target largest(spec);
  const auto two = read(largest);
  ASSERT_EQ(two.processes.size(), 1U);
  ASSERT_EQ(two.processes.front().maps.size(), 2U);
  // The drained map (B = 14) is the largest, then the frozen doubling (B = 11 beside its old array).
  EXPECT_EQ(two.processes.front().maps[0].path, "main.drained");
  EXPECT_EQ(two.processes.front().maps[1].path, "main.doubling");
}

TEST_P(MapReading, RepeatedReadsAgreeAndKeepTheGrowStart) {
  Target target(spec_for_pid(running_->pid(), kFixtureMaps));
  const auto first = read(target);
  const auto second = read(target);
  ASSERT_EQ(first.processes.size(), 1U);
  ASSERT_EQ(second.processes.size(), 1U);
  ASSERT_EQ(first.processes[0].maps.size(), second.processes[0].maps.size());
  for (std::size_t i = 0; i < first.processes[0].maps.size(); ++i) {
    const auto& a = first.processes[0].maps[i].stats;
    const auto& b = second.processes[0].maps[i].stats;
    EXPECT_EQ(to_json(a), to_json(b)) << first.processes[0].maps[i].path;
  }
}

INSTANTIATE_TEST_SUITE_P(GoVersions, MapReading, ::testing::ValuesIn(kGoVersions),
                         [](const auto& version) { return "go1_" + version.param.substr(2); });

}  // namespace
}  // namespace mapscope::goproc::test
