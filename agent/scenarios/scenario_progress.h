// ScenarioProgress: what a scenario's thread has done so far, readable from any thread.
//
// The scenario's thread is the only writer; the metrics source reads at scrape time. Counters are
// single-writer relaxed atomics (a load and a store, no locked instruction on the operation path). The
// metrics source holds progress objects by shared_ptr, so a scrape may finish reading one whose
// scenario was just removed.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "operation.h"

namespace mapscope::scenarios {

class ScenarioProgress {
 public:
  ScenarioProgress(std::string scenario, std::vector<std::string> phases);

  const std::string& scenario() const { return scenario_; }
  const std::vector<std::string>& phases() const { return phases_; }

  // Writer side (the scenario's thread).
  void count(Operation op) {
    auto& counter = operations_[static_cast<std::size_t>(op)];
    counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  void enter_phase(std::size_t index) {
    phase_.store(static_cast<std::int64_t>(index), std::memory_order_relaxed);
  }
  void leave_phases() { phase_.store(-1, std::memory_order_relaxed); }
  void set_running(bool running) { running_.store(running, std::memory_order_relaxed); }
  void complete_pass() {
    passes_.store(passes_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  // Reader side (any thread).
  std::uint64_t operations(Operation op) const {
    return operations_[static_cast<std::size_t>(op)].load(std::memory_order_relaxed);
  }
  std::uint64_t operations_total() const;
  std::optional<std::size_t> current_phase() const;
  bool running() const { return running_.load(std::memory_order_relaxed); }
  std::uint64_t passes() const { return passes_.load(std::memory_order_relaxed); }

 private:
  std::string scenario_;
  std::vector<std::string> phases_;
  std::array<std::atomic<std::uint64_t>, kOperationCount> operations_{};
  std::atomic<std::int64_t> phase_{-1};
  std::atomic<bool> running_{false};
  std::atomic<std::uint64_t> passes_{0};
};

}  // namespace mapscope::scenarios
