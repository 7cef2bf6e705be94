#include "mapscope/scenarios/scenario_set.h"

#include <mutex>

#include "exporter_environment.h"
#include "scenario_roster.h"

namespace mapscope::scenarios {

// The environment outlives the roster: stopping the scenarios detaches their maps and publishes the
// empty list through it.
class ScenarioSet::Impl {
 public:
  Impl(exporter::Exporter& exporter, mapcore::Collector& collector)
      : environment(exporter, collector), roster(environment) {}

  mutable std::mutex mutex;  // serializes apply(), stop_all() and running()
  ExporterEnvironment environment;
  ScenarioRoster roster;
};

ScenarioSet::ScenarioSet(exporter::Exporter& exporter, mapcore::Collector& collector)
    : impl_(std::make_unique<Impl>(exporter, collector)) {}

ScenarioSet::~ScenarioSet() = default;

void ScenarioSet::apply(const std::vector<config::Scenario>& scenarios) {
  std::lock_guard lock(impl_->mutex);
  impl_->roster.apply(scenarios);
}

void ScenarioSet::stop_all() {
  std::lock_guard lock(impl_->mutex);
  impl_->roster.stop_all();
}

std::vector<std::string> ScenarioSet::running() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->roster.names();
}

}  // namespace mapscope::scenarios
