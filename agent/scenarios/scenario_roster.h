// ScenarioRoster: the scenarios running now, and how a new configuration changes them.
//
// apply() compares by name: a scenario that is gone stops, a new one starts, one whose definition
// changed (config::Scenario::operator==) stops and starts again with a fresh map, an identical one is
// left alone (same map, same thread, counters continuing). All stops are requested before any is joined,
// and a changed scenario's old map is detached before its new one is attached under the same name. The
// published progress switches to the new list once, at the end. Not thread-safe: ScenarioSet serializes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "mapscope/config/schema.h"
#include "scenario_environment.h"
#include "scenario_runner.h"

namespace mapscope::scenarios {

class ScenarioRoster {
 public:
  explicit ScenarioRoster(ScenarioEnvironment& environment) : environment_(environment) {}
  ~ScenarioRoster() { stop_all(); }
  ScenarioRoster(const ScenarioRoster&) = delete;
  ScenarioRoster& operator=(const ScenarioRoster&) = delete;

  void apply(const std::vector<config::Scenario>& scenarios);
  void stop_all();

  std::vector<std::string> names() const;
  // The runner of a scenario, or nullptr (for tests and inspection).
  const ScenarioRunner* find(const std::string& name) const;

 private:
  void publish();

  ScenarioEnvironment& environment_;
  std::vector<std::unique_ptr<ScenarioRunner>> runners_;  // configuration order
};

}  // namespace mapscope::scenarios
