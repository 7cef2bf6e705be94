// The set-up the map-reading suites share: a fixture program built with the test's Go version and
// running, the views it writes of itself loaded, reads that expect its one process up, and its
// runtime figures compared with what it saw through ReadMemStats.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "go_programs.h"
#include "mapscope/goproc/target.h"
#include "reading_json.h"

namespace mapscope::goproc::test {

inline constexpr std::uint64_t kHeapTolerance = 64 * 1024;  // ReadMemStats flushes caches: a few spans apart

// The parameter is the Go version (kGoVersions or kSwissGoVersions).
class FixtureProgram : public ::testing::TestWithParam<std::string> {
 protected:
  // Builds the fixture module `name` (classic_maps as in GoBuild) and starts it writing its views in a
  // scratch folder: the runtime's figures to view.json, each map's to view.json.maps.json.
  void start(const std::string& name, bool classic_maps) {
    dir_ = scratch_dir(name);
    program_ = build_go({GetParam(), fixture_source(name), {}, classic_maps, name});
    running_ =
        std::make_unique<RunningProgram>(program_, std::vector<std::string>{(dir_ / "view.json").string()});
    runtime_view_ = wait_for_json(dir_ / "view.json");
    load_views();
  }

  // Each map's view by path, from the maps view of generation_ or a later one.
  void load_views() {
    views_.clear();
    const auto maps = wait_for_json(dir_ / "view.json.maps.json", generation_);
    for (const auto& view : maps.at("maps")) {
      views_[view.at("path")] = view;
    }
  }

  TargetReading read(Target& target) {
    auto reading = target.read();
    EXPECT_TRUE(reading.up) << to_json(reading).dump(1);
    EXPECT_EQ(reading.processes.size(), 1U);
    return reading;
  }

  // The GC count and heap figures of a first read against the program's view at its start.
  void expect_runtime_as_viewed(const RuntimeReading& runtime) const {
    const auto& want = runtime_view_.at("runtime");
    EXPECT_EQ(runtime.gc_cycles, want.at("numgc").get<std::uint64_t>());
    EXPECT_NEAR(static_cast<double>(runtime.heap_inuse_bytes), want.at("heap_inuse").get<double>(),
                kHeapTolerance);
    EXPECT_NEAR(static_cast<double>(runtime.heap_sys_bytes), want.at("heap_sys").get<double>(),
                kHeapTolerance);
  }

  std::filesystem::path dir_;
  std::filesystem::path program_;
  std::unique_ptr<RunningProgram> running_;
  nlohmann::json runtime_view_;
  std::map<std::string, nlohmann::json> views_;
  int generation_ = 0;
};

}  // namespace mapscope::goproc::test
