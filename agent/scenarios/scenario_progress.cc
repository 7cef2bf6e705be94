#include "scenario_progress.h"

#include <utility>

namespace mapscope::scenarios {

ScenarioProgress::ScenarioProgress(std::string scenario, std::vector<std::string> phases)
    : scenario_(std::move(scenario)), phases_(std::move(phases)) {}

std::uint64_t ScenarioProgress::operations_total() const {
  std::uint64_t total = 0;
  for (const Operation op : kOperations) {
    total += operations(op);
  }
  return total;
}

std::optional<std::size_t> ScenarioProgress::current_phase() const {
  const std::int64_t phase = phase_.load(std::memory_order_relaxed);
  if (phase < 0) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(phase);
}

}  // namespace mapscope::scenarios
