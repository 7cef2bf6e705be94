// ScenarioRunner: one scenario, from start to stop: its map, its attachment, its thread.
//
// Construction makes the map, attaches it and starts the thread, which runs the phases in order, the
// whole list `repeat` times (or forever). Stopping wakes the thread from any sleep, joins it, then
// detaches and destroys the map. A scenario whose phases have all run leaves its map attached (its
// memory shape stays on the dashboards) until it is stopped.
#pragma once

#include <cstdint>
#include <memory>
#include <stop_token>
#include <thread>

#include "driven_map.h"
#include "map_attachment.h"
#include "mapscope/config/schema.h"
#include "scenario_environment.h"
#include "scenario_progress.h"
#include "sequential_window.h"

namespace mapscope::scenarios {

class ScenarioRunner {
 public:
  // A scenario's list of phases that ran no operation at all is not repeated faster than this, so
  // `repeat_forever` over phases that end at once does not spin.
  static constexpr std::chrono::milliseconds kIdlePassPause{10};

  ScenarioRunner(config::Scenario scenario, ScenarioEnvironment& environment);
  ~ScenarioRunner();
  ScenarioRunner(const ScenarioRunner&) = delete;
  ScenarioRunner& operator=(const ScenarioRunner&) = delete;

  // Asks the thread to stop without waiting (stopping several scenarios at once overlaps their joins).
  void request_stop() { thread_.request_stop(); }
  // Stops the thread, joins it and detaches the map. Idempotent.
  void stop();

  const config::Scenario& scenario() const { return scenario_; }
  std::shared_ptr<const ScenarioProgress> progress() const { return progress_; }
  // The scenario's map; nothing changes it any more once finished() or stop() returned.
  const DrivenMap& map() const { return *map_; }
  bool finished() const { return !progress_->running(); }

 private:
  void run(const std::stop_token& stop);
  std::uint64_t phase_seed(std::uint64_t pass, std::size_t phase) const;

  config::Scenario scenario_;
  std::unique_ptr<DrivenMap> map_;
  std::unique_ptr<MapAttachment> attachment_;
  std::shared_ptr<ScenarioProgress> progress_;
  SequentialWindow window_;
  std::jthread thread_;  // last: started once everything it uses exists
};

}  // namespace mapscope::scenarios
