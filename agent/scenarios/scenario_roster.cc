#include "scenario_roster.h"

#include <algorithm>
#include <map>
#include <utility>

namespace mapscope::scenarios {
namespace {

const config::Scenario* find_scenario(const std::vector<config::Scenario>& scenarios,
                                      const std::string& name) {
  const auto it = std::find_if(scenarios.begin(), scenarios.end(),
                               [&](const config::Scenario& scenario) { return scenario.name == name; });
  return it != scenarios.end() ? &*it : nullptr;
}

}  // namespace

void ScenarioRoster::apply(const std::vector<config::Scenario>& scenarios) {
  // Keep the runners whose scenario is unchanged; stop the rest (removed or changed).
  std::map<std::string, std::unique_ptr<ScenarioRunner>> kept;
  std::vector<std::unique_ptr<ScenarioRunner>> leaving;
  for (std::unique_ptr<ScenarioRunner>& runner : runners_) {
    const config::Scenario* wanted = find_scenario(scenarios, runner->scenario().name);
    if (wanted != nullptr && *wanted == runner->scenario()) {
      std::string name = runner->scenario().name;
      kept.emplace(std::move(name), std::move(runner));
    } else {
      leaving.push_back(std::move(runner));
    }
  }
  runners_.clear();
  for (auto& runner : leaving) {
    runner->request_stop();
  }
  for (auto& runner : leaving) {
    runner->stop();
  }
  leaving.clear();

  // Rebuild in configuration order, starting what is new or changed. Should starting one fail (out of
  // memory for a huge hint), what runs is still published before the error goes on.
  try {
    for (const config::Scenario& scenario : scenarios) {
      auto it = kept.find(scenario.name);
      if (it != kept.end()) {
        runners_.push_back(std::move(it->second));
      } else {
        runners_.push_back(std::make_unique<ScenarioRunner>(scenario, environment_));
      }
    }
  } catch (...) {
    for (auto& [name, runner] : kept) {
      if (runner) {
        runners_.push_back(std::move(runner));
      }
    }
    publish();
    throw;
  }
  publish();
}

void ScenarioRoster::stop_all() {
  for (auto& runner : runners_) {
    runner->request_stop();
  }
  for (auto& runner : runners_) {
    runner->stop();
  }
  runners_.clear();
  publish();
}

std::vector<std::string> ScenarioRoster::names() const {
  std::vector<std::string> out;
  out.reserve(runners_.size());
  for (const auto& runner : runners_) {
    out.push_back(runner->scenario().name);
  }
  return out;
}

const ScenarioRunner* ScenarioRoster::find(const std::string& name) const {
  for (const auto& runner : runners_) {
    if (runner->scenario().name == name) {
      return runner.get();
    }
  }
  return nullptr;
}

void ScenarioRoster::publish() {
  std::vector<std::shared_ptr<const ScenarioProgress>> progress;
  progress.reserve(runners_.size());
  for (const auto& runner : runners_) {
    progress.push_back(runner->progress());
  }
  environment_.publish(std::move(progress));
}

}  // namespace mapscope::scenarios
