// Timing: phases end at their deadline and scenarios stop when asked, even while waiting for an operation
// that is due in 1000 s. What is checked is which event ended the wait (the deadline, the stop request), not
// how fast: each upper bound here is a hang guard of tens of seconds, far from the 1000 s that waiting for
// the next operation would take. Lower bounds hold on any machine: a busy one is slower, never faster.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <utility>

#include "phase_harness.h"
#include "scenario_roster.h"
#include "scenario_test_support.h"

namespace mapscope::scenarios::testing {
namespace {

using Clock = std::chrono::steady_clock;
using config::UntilKind;

// Far below the 1000 s a paced wait below would take, far above any scheduling delay.
constexpr auto kHangGuard = std::chrono::seconds(30);
// One operation every 1000 s: a wait that the deadline or a stop did not end would outlast any test.
constexpr double kGlacialRate = 0.001;

config::Scenario busy(const std::string& name, double rate = 2000) {
  return scenario(name, {phase("fill", inserts(), after_operations(500), rate),
                         phase("churn", mix(1, 1, 1, 1), forever(), rate)});
}

TEST(Timing, DurationPhaseEndsAtItsDeadlineEvenWhenPacedSlowly) {
  PhaseHarness harness;
  const auto start = Clock::now();
  // The second operation is due in 1000 s: the 200 ms deadline wakes the phase first.
  ASSERT_EQ(harness.run(phase("slow", inserts(), after(std::chrono::milliseconds(200)), kGlacialRate)),
            PhaseRunner::Outcome::Completed);
  const auto elapsed = Clock::now() - start;
  EXPECT_GE(elapsed, std::chrono::milliseconds(200));
  EXPECT_LT(elapsed, kHangGuard);
  EXPECT_EQ(harness.last_operations(), 1U);  // the one due at once
}

// Runs `p` on the harness while another thread requests a stop 100 ms in; returns the outcome and how long
// the run took.
std::pair<PhaseRunner::Outcome, Clock::duration> run_stopped_after_100ms(PhaseHarness& harness,
                                                                         const config::Phase& p) {
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    harness.stop().request_stop();
  });
  const auto start = Clock::now();
  const PhaseRunner::Outcome outcome = harness.run(p);
  const auto elapsed = Clock::now() - start;
  stopper.join();
  return {outcome, elapsed};
}

TEST(Timing, ForeverPhaseRunsUntilStopped) {
  PhaseHarness harness;
  const auto [outcome, elapsed] = run_stopped_after_100ms(harness, phase("spin", lookups(), forever()));
  EXPECT_EQ(outcome, PhaseRunner::Outcome::Stopped);
  EXPECT_GE(elapsed, std::chrono::milliseconds(100));
  EXPECT_LT(elapsed, kHangGuard);
  EXPECT_GT(harness.last_operations(), 0U);
}

TEST(Timing, StopWakesAPhaseWaitingForItsNextOperation) {
  PhaseHarness harness;
  const auto [outcome, elapsed] =
      run_stopped_after_100ms(harness, phase("crawl", inserts(), forever(), kGlacialRate));
  EXPECT_EQ(outcome, PhaseRunner::Outcome::Stopped);
  EXPECT_LT(elapsed, kHangGuard) << "the stop request, not the next operation, ended the wait";
  EXPECT_EQ(harness.last_operations(), 1U);  // the one due at once
}

TEST(Timing, StoppingEndsScenariosWhateverTheyAreDoing) {
  RecordingEnvironment environment;
  ScenarioRoster roster(environment);
  config::Scenario weak_flat_out = scenario("flat-out", {phase("spin", mix(1, 0, 1, 2), forever())});
  weak_flat_out.map.hash = config::HashKind::Weak;
  roster.apply({
      busy("paced"),
      scenario("sleepy", {phase("crawl", inserts(), forever(), kGlacialRate)}),  // asleep for 1000 s
      scenario("waiting", {phase("never", lookups(), until(UntilKind::EntriesAtLeast, 1000000), 100.0)}),
      weak_flat_out,
      scenario("looping", {phase("already-done", inserts(), until(UntilKind::EntriesAtMost, 5))}, 1),
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto start = Clock::now();
  roster.apply({});
  const auto elapsed = Clock::now() - start;
  EXPECT_LT(elapsed, kHangGuard) << "no scenario waited for its next operation";
  EXPECT_TRUE(roster.names().empty());
  EXPECT_TRUE(environment.published_names().empty());
  for (const char* name : {"paced", "sleepy", "waiting", "flat-out", "looping"}) {
    EXPECT_FALSE(environment.attached(name));
  }
}

}  // namespace
}  // namespace mapscope::scenarios::testing
