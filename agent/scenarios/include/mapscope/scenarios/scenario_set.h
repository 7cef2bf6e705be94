// ScenarioSet: the agent's workload scenarios, each driving its own map on its own thread.
//
// A scenario (config::Scenario) owns one mapcore::SharedMap of the configured key and value types and runs
// its phases in order, repeated as configured. Its map is tracked by the exporter under the scenario's name
// (the `map` label; the exporter adds the static config labels) and, when its maintenance policy is Active,
// registered with the collector. The set also publishes mapscope_scenario_* metrics through one exporter
// MetricSource. docs/scenarios.md describes phases, keys, rates and the default scenarios.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "mapscope/config/schema.h"

namespace mapcore {
class Collector;
}

namespace mapscope::exporter {
class Exporter;
}

namespace mapscope::scenarios {

// Runs the configuration's scenarios, each on its own thread, with its map tracked by the exporter
// (map label = scenario name, plus config labels) and registered with the collector when its maintenance
// policy is active.
class ScenarioSet {
 public:
  ScenarioSet(exporter::Exporter& exporter, mapcore::Collector& collector);
  ~ScenarioSet();  // stops every scenario and joins its thread
  ScenarioSet(const ScenarioSet&) = delete;
  ScenarioSet& operator=(const ScenarioSet&) = delete;

  // Makes the running scenarios match `scenarios`: removed ones stop (their series disappear), new ones
  // start, changed ones (operator== differs) restart, unchanged ones keep running untouched. Calls are
  // serialized; the scenario series switch from the old set to the new one in a single step.
  void apply(const std::vector<config::Scenario>& scenarios);
  void stop_all();
  // Names of the scenarios the set holds, in configuration order. A scenario whose phases have all
  // completed stays listed (its map stays tracked) until apply() removes it.
  std::vector<std::string> running() const;

 private:
  class Impl;  // scenario_set.cc
  std::unique_ptr<Impl> impl_;
};

}  // namespace mapscope::scenarios
