// ScenarioEnvironment: what the scenario engine needs from the agent around it.
//
// The engine attaches each scenario's map (in the agent: tracked by the exporter, registered with the
// collector when active) and publishes the progress of the scenarios it runs (in the agent: the
// mapscope_scenario_* metrics). ExporterEnvironment is the agent's implementation; tests use their own
// to watch the engine without an HTTP server.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "driven_map.h"
#include "map_attachment.h"
#include "scenario_progress.h"

namespace mapscope::scenarios {

class ScenarioEnvironment {
 public:
  virtual ~ScenarioEnvironment() = default;

  // Attaches `map` under the scenario's name until the returned object is destroyed.
  virtual std::unique_ptr<MapAttachment> attach(const std::string& scenario, DrivenMap& map) = 0;

  // Replaces the published scenarios with `scenarios`, in one step.
  virtual void publish(std::vector<std::shared_ptr<const ScenarioProgress>> scenarios) = 0;
};

}  // namespace mapscope::scenarios
