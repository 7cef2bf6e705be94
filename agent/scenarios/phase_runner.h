// PhaseRunner: runs one phase of a scenario against its map until the phase ends or the scenario stops.
//
// Before each operation: stop requested? phase over (PhaseEnd)? operation due (RatePacer)? Then the
// mix picks the operation (OperationScheduler), the key space its key (KeySelector), and the operation is
// counted in the scenario's progress. Sleeps wake at once when the scenario is stopped, so stopping
// never waits for a slow rate. Every kYieldEvery operations the thread yields, so that phases running
// flat out leave room for the scrape and reload threads on a small machine.
#pragma once

#include <cstdint>
#include <stop_token>

#include "driven_map.h"
#include "key_selector.h"
#include "mapscope/config/schema.h"
#include "operation_scheduler.h"
#include "scenario_progress.h"
#include "sequential_window.h"

namespace mapscope::scenarios {

class PhaseRunner {
 public:
  enum class Outcome { Completed, Stopped };

  static constexpr std::uint64_t kYieldEvery = 256;

  PhaseRunner(const config::Phase& phase, DrivenMap& map, SequentialWindow& window,
              ScenarioProgress& progress, std::uint64_t seed);

  Outcome run(const std::stop_token& stop);
  std::uint64_t operations_done() const { return done_; }

 private:
  void perform(Operation op);

  const config::Phase& phase_;
  DrivenMap& map_;
  ScenarioProgress& progress_;
  OperationScheduler scheduler_;
  KeySelector keys_;
  std::uint64_t done_ = 0;
};

}  // namespace mapscope::scenarios
