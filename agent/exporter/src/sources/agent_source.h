// AgentSource: the exporter's own state (build, tracked maps, refusals, configuration reloads).
#pragma once

#include <memory>

#include "map_registry.h"
#include "mapscope/exporter/metric_source.h"
#include "reload_status.h"

namespace mapscope::exporter {

class AgentSource final : public MetricSource {
 public:
  AgentSource(std::shared_ptr<const MapRegistry> maps, std::shared_ptr<const ReloadStatus> reload)
      : maps_(std::move(maps)), reload_(std::move(reload)) {}
  std::string name() const override { return "agent"; }
  void collect(std::vector<prometheus::MetricFamily>& out) override;

 private:
  std::shared_ptr<const MapRegistry> maps_;
  std::shared_ptr<const ReloadStatus> reload_;
};

}  // namespace mapscope::exporter
