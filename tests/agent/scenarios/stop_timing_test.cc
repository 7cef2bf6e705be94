// Timing: phases end at their deadline and scenarios stop promptly. Run alone (SERIAL), since the
// bounds are wall-clock times.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "phase_harness.h"
#include "scenario_roster.h"
#include "scenario_test_support.h"

namespace mapscope::scenarios::testing {
namespace {

using Clock = std::chrono::steady_clock;
using config::UntilKind;

config::Scenario busy(const std::string& name, double rate = 2000) {
  return scenario(name, {phase("fill", inserts(), after_operations(500), rate),
                         phase("churn", mix(1, 1, 1, 1), forever(), rate)});
}

TEST(Timing, DurationPhaseEndsAtItsDeadlineEvenWhenPacedSlowly) {
  PhaseHarness harness;
  const auto start = Clock::now();
  // At 2 operations per second the next one would be due at 500 ms: the deadline wakes the phase first.
  ASSERT_EQ(harness.run(phase("slow", inserts(), after(std::chrono::milliseconds(200)), 2.0)),
            PhaseRunner::Outcome::Completed);
  const auto elapsed = Clock::now() - start;
  EXPECT_GE(elapsed, std::chrono::milliseconds(200));
  EXPECT_LT(elapsed, std::chrono::milliseconds(400));
  EXPECT_EQ(harness.last_operations(), 1U);  // the one due at once
}

TEST(Timing, ForeverPhaseRunsUntilStoppedAndStopsPromptly) {
  PhaseHarness harness;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    harness.stop().request_stop();
  });
  const auto start = Clock::now();
  EXPECT_EQ(harness.run(phase("spin", lookups(), forever())), PhaseRunner::Outcome::Stopped);
  const auto elapsed = Clock::now() - start;
  stopper.join();
  EXPECT_GE(elapsed, std::chrono::milliseconds(100));
  EXPECT_LT(elapsed, std::chrono::milliseconds(200));
  EXPECT_GT(harness.last_operations(), 0U);
}

TEST(Timing, StoppingIsPromptWhateverTheScenariosAreDoing) {
  RecordingEnvironment environment;
  ScenarioRoster roster(environment);
  config::Scenario weak_flat_out = scenario("flat-out", {phase("spin", mix(1, 0, 1, 2), forever())});
  weak_flat_out.map.hash = config::HashKind::Weak;
  roster.apply({
      busy("paced"),
      scenario("sleepy", {phase("crawl", inserts(), forever(), 0.5)}),  // asleep for 2 s between operations
      scenario("waiting", {phase("never", lookups(), until(UntilKind::EntriesAtLeast, 1000000), 100.0)}),
      weak_flat_out,
      scenario("looping", {phase("already-done", inserts(), until(UntilKind::EntriesAtMost, 5))}, 1),
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto start = Clock::now();
  roster.apply({});
  const auto elapsed = Clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::milliseconds(100));
  EXPECT_TRUE(roster.names().empty());
  EXPECT_TRUE(environment.published_names().empty());
  for (const char* name : {"paced", "sleepy", "waiting", "flat-out", "looping"}) {
    EXPECT_FALSE(environment.attached(name));
  }
}

}  // namespace
}  // namespace mapscope::scenarios::testing
