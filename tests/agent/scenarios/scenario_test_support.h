// Helpers of the scenario engine's tests: configurations written compactly, an environment that records
// what the engine attaches and publishes, and waiting for a scenario to finish.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "mapscope/config/schema.h"
#include "scenario_environment.h"
#include "scenario_runner.h"

namespace mapscope::scenarios::testing {

inline config::OperationMix mix(std::uint32_t insert, std::uint32_t update, std::uint32_t erase,
                                std::uint32_t lookup) {
  config::OperationMix out;
  out.insert = insert;
  out.update = update;
  out.erase = erase;
  out.lookup = lookup;
  return out;
}
inline config::OperationMix inserts() {
  return mix(1, 0, 0, 0);
}
inline config::OperationMix deletes() {
  return mix(0, 0, 1, 0);
}
inline config::OperationMix lookups() {
  return mix(0, 0, 0, 1);
}
inline config::OperationMix updates() {
  return mix(0, 1, 0, 0);
}

inline config::PhaseEnd after_operations(std::uint64_t n) {
  config::PhaseEnd end;
  end.kind = config::EndKind::Operations;
  end.operations = n;
  return end;
}
inline config::PhaseEnd after(std::chrono::nanoseconds duration) {
  config::PhaseEnd end;
  end.kind = config::EndKind::Duration;
  end.duration = duration;
  return end;
}
inline config::PhaseEnd forever() {
  return config::PhaseEnd{};
}
inline config::PhaseEnd until(config::UntilKind kind, std::uint64_t entries = 0) {
  config::PhaseEnd end;
  end.kind = config::EndKind::Until;
  end.until = kind;
  end.entries = entries;
  return end;
}

inline config::Phase phase(std::string name, config::OperationMix operations, config::PhaseEnd end,
                           std::optional<double> rate = std::nullopt) {
  config::Phase out;
  out.name = std::move(name);
  out.mix = operations;
  out.end = end;
  out.rate = rate;
  return out;
}

inline config::KeySpace uniform_keys(std::uint64_t from, std::uint64_t to) {
  config::KeySpace keys;
  keys.pattern = config::KeyPattern::Uniform;
  keys.from = from;
  keys.to = to;
  return keys;
}

inline config::Scenario scenario(std::string name, std::vector<config::Phase> phases,
                                 std::uint64_t repeat = 1) {
  config::Scenario out;
  out.name = std::move(name);
  out.phases = std::move(phases);
  out.repeat = repeat;
  return out;
}

// Records every attachment and publication; fails the test when two maps are attached under one name.
class RecordingEnvironment final : public ScenarioEnvironment {
 public:
  std::unique_ptr<MapAttachment> attach(const std::string& scenario, DrivenMap& map) override {
    std::lock_guard lock(mutex_);
    EXPECT_EQ(live_.count(scenario), 0U) << scenario << " attached twice at once";
    live_[scenario] = &map;
    ++attaches_[scenario];
    return std::make_unique<Attachment>(*this, scenario);
  }

  void publish(std::vector<std::shared_ptr<const ScenarioProgress>> scenarios) override {
    std::lock_guard lock(mutex_);
    published_ = std::move(scenarios);
    ++publications_;
  }

  int attaches(const std::string& scenario) const {
    std::lock_guard lock(mutex_);
    const auto it = attaches_.find(scenario);
    return it == attaches_.end() ? 0 : it->second;
  }
  bool attached(const std::string& scenario) const {
    std::lock_guard lock(mutex_);
    return live_.count(scenario) != 0;
  }
  std::vector<std::string> published_names() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> names;
    for (const auto& progress : published_) {
      names.push_back(progress->scenario());
    }
    return names;
  }
  std::shared_ptr<const ScenarioProgress> published(const std::string& scenario) const {
    std::lock_guard lock(mutex_);
    for (const auto& progress : published_) {
      if (progress->scenario() == scenario) {
        return progress;
      }
    }
    return nullptr;
  }
  int publications() const {
    std::lock_guard lock(mutex_);
    return publications_;
  }

 private:
  class Attachment final : public MapAttachment {
   public:
    Attachment(RecordingEnvironment& environment, std::string scenario)
        : environment_(environment), scenario_(std::move(scenario)) {}
    ~Attachment() override {
      std::lock_guard lock(environment_.mutex_);
      environment_.live_.erase(scenario_);
    }
    Attachment(const Attachment&) = delete;
    Attachment& operator=(const Attachment&) = delete;

   private:
    RecordingEnvironment& environment_;
    std::string scenario_;
  };

  mutable std::mutex mutex_;
  std::map<std::string, const DrivenMap*> live_;
  std::map<std::string, int> attaches_;
  std::vector<std::shared_ptr<const ScenarioProgress>> published_;
  int publications_ = 0;
};

// Waits until the runner's phases have all run; fails the test after `limit`, a hang guard far above what
// any phase here takes on a loaded machine.
inline void wait_finished(const ScenarioRunner& runner,
                          std::chrono::milliseconds limit = std::chrono::seconds(60)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!runner.finished()) {
    if (std::chrono::steady_clock::now() > deadline) {
      FAIL() << runner.scenario().name << " did not finish within " << limit.count() << " ms";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

// Waits until `condition` holds; returns false after `limit`, a hang guard (not a speed requirement).
template <class F>
bool eventually(F&& condition, std::chrono::milliseconds limit = std::chrono::seconds(60)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace mapscope::scenarios::testing
