// ExporterEnvironment: the agent's ScenarioEnvironment.
//
// A scenario's map is tracked by the exporter under the scenario's name (the exporter adds its static
// labels) and, when its maintenance policy is Active, registered with the collector; progress goes to
// the ScenarioMetrics source, which the environment adds to the exporter for its own lifetime.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "mapcore/collector.h"
#include "mapscope/exporter/exporter.h"
#include "scenario_environment.h"
#include "scenario_metrics.h"

namespace mapscope::scenarios {

class ExporterEnvironment final : public ScenarioEnvironment {
 public:
  ExporterEnvironment(exporter::Exporter& exporter, mapcore::Collector& collector);

  std::unique_ptr<MapAttachment> attach(const std::string& scenario, DrivenMap& map) override;
  void publish(std::vector<std::shared_ptr<const ScenarioProgress>> scenarios) override;

 private:
  exporter::Exporter& exporter_;
  mapcore::Collector& collector_;
  std::shared_ptr<ScenarioMetrics> metrics_;
  exporter::SourceHandle metrics_handle_;
};

}  // namespace mapscope::scenarios
