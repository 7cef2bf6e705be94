#include "scenario_runner.h"

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "driven_map_factory.h"
#include "phase_runner.h"

namespace mapscope::scenarios {
namespace {

std::vector<std::string> phase_names(const config::Scenario& scenario) {
  std::vector<std::string> names;
  names.reserve(scenario.phases.size());
  for (const config::Phase& phase : scenario.phases) {
    names.push_back(phase.name);
  }
  return names;
}

void pause_unless_stopped(std::chrono::milliseconds pause, const std::stop_token& stop) {
  std::mutex mutex;
  std::condition_variable_any wakeup;
  std::unique_lock lock(mutex);
  wakeup.wait_for(lock, stop, pause, [] { return false; });
}

}  // namespace

ScenarioRunner::ScenarioRunner(config::Scenario scenario, ScenarioEnvironment& environment)
    : scenario_(std::move(scenario)),
      map_(make_driven_map(scenario_.map)),
      attachment_(environment.attach(scenario_.name, *map_)),
      progress_(std::make_shared<ScenarioProgress>(scenario_.name, phase_names(scenario_))) {
  progress_->set_running(true);  // before the thread starts: a scenario is running from construction
  thread_ = std::jthread([this](const std::stop_token& stop) { run(stop); });
}

ScenarioRunner::~ScenarioRunner() {
  stop();
}

void ScenarioRunner::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
  attachment_.reset();
}

void ScenarioRunner::run(const std::stop_token& stop) {
  for (std::uint64_t pass = 0; scenario_.repeat_forever || pass < scenario_.repeat; ++pass) {
    std::uint64_t pass_operations = 0;
    for (std::size_t i = 0; i < scenario_.phases.size(); ++i) {
      progress_->enter_phase(i);
      PhaseRunner phase(scenario_.phases[i], *map_, window_, *progress_, phase_seed(pass, i));
      const PhaseRunner::Outcome outcome = phase.run(stop);
      pass_operations += phase.operations_done();
      if (outcome == PhaseRunner::Outcome::Stopped) {
        progress_->leave_phases();
        progress_->set_running(false);
        return;
      }
    }
    progress_->complete_pass();
    if (pass_operations == 0) {
      pause_unless_stopped(kIdlePassPause, stop);
    }
  }
  progress_->leave_phases();
  progress_->set_running(false);
}

// Reproducible key sequences: the same scenario draws the same keys in the same phase and pass.
std::uint64_t ScenarioRunner::phase_seed(std::uint64_t pass, std::size_t phase) const {
  const std::uint64_t name_hash = std::hash<std::string>{}(scenario_.name);
  return name_hash ^ (pass * 0x9e3779b97f4a7c15ULL) ^ (static_cast<std::uint64_t>(phase) << 48);
}

}  // namespace mapscope::scenarios
