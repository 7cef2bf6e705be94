#include "exporter_environment.h"

#include <utility>

namespace mapscope::scenarios {
namespace {

// The exporter's and the collector's hold on one map. The collector lets go first (it may be in the
// middle of a slice on the map), then the exporter; both before the runner destroys the map.
class ExporterAttachment final : public MapAttachment {
 public:
  ExporterAttachment(exporter::TrackHandle tracking, mapcore::Collector::Registration maintenance)
      : tracking_(std::move(tracking)), maintenance_(std::move(maintenance)) {}

 private:
  exporter::TrackHandle tracking_;
  mapcore::Collector::Registration maintenance_;  // destroyed first
};

}  // namespace

ExporterEnvironment::ExporterEnvironment(exporter::Exporter& exporter, mapcore::Collector& collector)
    : exporter_(exporter),
      collector_(collector),
      metrics_(std::make_shared<ScenarioMetrics>()),
      metrics_handle_(exporter_.add_source(metrics_)) {}

std::unique_ptr<MapAttachment> ExporterEnvironment::attach(const std::string& scenario, DrivenMap& map) {
  exporter::TrackHandle tracking = exporter_.track(scenario, map);
  mapcore::Collector::Registration maintenance;
  if (map.active_maintenance()) {
    maintenance = map.register_with(collector_);
  }
  return std::make_unique<ExporterAttachment>(std::move(tracking), std::move(maintenance));
}

void ExporterEnvironment::publish(std::vector<std::shared_ptr<const ScenarioProgress>> scenarios) {
  metrics_->publish(std::move(scenarios));
}

}  // namespace mapscope::scenarios
