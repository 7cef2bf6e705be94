// ScenarioMetrics: the mapscope_scenario_* families, built at scrape time from the scenarios' progress.
//
//   mapscope_scenario_operations_total{scenario,op}  counter, op = insert | update | delete | lookup
//   mapscope_scenario_phase{scenario,phase}          gauge, 1 for the running phase, 0 for the others
//   mapscope_scenario_running{scenario}              gauge, 1 while the scenario's phases run
//   mapscope_scenario_passes_total{scenario}         counter, completed runs through the phase list
//
// The published list is replaced whole (ScenarioRoster::publish), so a scrape sees the scenarios of one
// configuration, never a mix; a removed scenario's series are gone from the next scrape.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "mapscope/exporter/metric_source.h"
#include "scenario_progress.h"

namespace mapscope::scenarios {

class ScenarioMetrics final : public exporter::MetricSource {
 public:
  std::string name() const override { return "scenarios"; }
  void collect(std::vector<prometheus::MetricFamily>& out) override;

  void publish(std::vector<std::shared_ptr<const ScenarioProgress>> scenarios);

 private:
  std::vector<std::shared_ptr<const ScenarioProgress>> snapshot() const;

  mutable std::mutex mutex_;  // guards scenarios_ only: held for a copy, never while collecting
  std::vector<std::shared_ptr<const ScenarioProgress>> scenarios_;
};

}  // namespace mapscope::scenarios
