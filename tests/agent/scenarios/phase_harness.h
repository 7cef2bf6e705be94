// PhaseHarness: one map, its sequential window and progress, and phases run on the test's own thread,
// so a test can look at the map between two phases.
#pragma once

#include <memory>
#include <stop_token>
#include <string>

#include "driven_map.h"
#include "driven_map_factory.h"
#include "mapscope/config/schema.h"
#include "phase_runner.h"
#include "scenario_progress.h"
#include "sequential_window.h"

namespace mapscope::scenarios::testing {

class PhaseHarness {
 public:
  explicit PhaseHarness(const config::MapSpec& spec = {}) : map_(make_driven_map(spec)) {}

  PhaseRunner::Outcome run(const config::Phase& phase) {
    PhaseRunner runner(phase, *map_, window_, progress_, ++seed_);
    last_operations_ = 0;
    const PhaseRunner::Outcome outcome = runner.run(stop_.get_token());
    last_operations_ = runner.operations_done();
    return outcome;
  }

  DrivenMap& map() { return *map_; }
  const ScenarioProgress& progress() const { return progress_; }
  const SequentialWindow& window() const { return window_; }
  std::uint64_t last_operations() const { return last_operations_; }
  std::stop_source& stop() { return stop_; }

 private:
  std::unique_ptr<DrivenMap> map_;
  SequentialWindow window_;
  ScenarioProgress progress_{"harness", {"phase"}};
  std::stop_source stop_;
  std::uint64_t seed_ = 0;
  std::uint64_t last_operations_ = 0;
};

}  // namespace mapscope::scenarios::testing
