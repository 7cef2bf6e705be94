#include "scenario_metrics.h"

#include <utility>

#include <prometheus/client_metric.h>

namespace mapscope::scenarios {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily family(std::string name, std::string help, MetricType type) {
  MetricFamily out;
  out.name = std::move(name);
  out.help = std::move(help);
  out.type = type;
  return out;
}

void add_sample(MetricFamily& family, std::vector<ClientMetric::Label> labels, double value) {
  ClientMetric metric;
  metric.label = std::move(labels);
  if (family.type == MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  family.metric.push_back(std::move(metric));
}

}  // namespace

void ScenarioMetrics::publish(std::vector<std::shared_ptr<const ScenarioProgress>> scenarios) {
  std::lock_guard lock(mutex_);
  scenarios_ = std::move(scenarios);
}

std::vector<std::shared_ptr<const ScenarioProgress>> ScenarioMetrics::snapshot() const {
  std::lock_guard lock(mutex_);
  return scenarios_;
}

void ScenarioMetrics::collect(std::vector<MetricFamily>& out) {
  auto operations =
      family("mapscope_scenario_operations_total",
             "Operations a workload scenario performed on its map, by operation.", MetricType::Counter);
  auto phase =
      family("mapscope_scenario_phase",
             "1 for the phase a workload scenario is running, 0 for its other phases.", MetricType::Gauge);
  auto running = family("mapscope_scenario_running",
                        "1 while a workload scenario runs its phases, 0 once they have all completed.",
                        MetricType::Gauge);
  auto passes =
      family("mapscope_scenario_passes_total",
             "Completed runs of a workload scenario through its list of phases.", MetricType::Counter);
  for (const auto& scenario : snapshot()) {
    const std::string& name = scenario->scenario();
    for (const Operation op : kOperations) {
      add_sample(operations, {{"scenario", name}, {"op", std::string(operation_name(op))}},
                 static_cast<double>(scenario->operations(op)));
    }
    const auto current = scenario->current_phase();
    for (std::size_t i = 0; i < scenario->phases().size(); ++i) {
      add_sample(phase, {{"scenario", name}, {"phase", scenario->phases()[i]}}, current == i ? 1 : 0);
    }
    add_sample(running, {{"scenario", name}}, scenario->running() ? 1 : 0);
    add_sample(passes, {{"scenario", name}}, static_cast<double>(scenario->passes()));
  }
  out.push_back(std::move(operations));
  out.push_back(std::move(phase));
  out.push_back(std::move(running));
  out.push_back(std::move(passes));
}

}  // namespace mapscope::scenarios
