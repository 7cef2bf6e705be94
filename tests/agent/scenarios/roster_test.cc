// ScenarioRoster::apply: new scenarios start, removed ones stop, changed ones restart, unchanged ones are
// left alone; stopping is prompt whatever a scenario is doing.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "scenario_roster.h"
#include "scenario_test_support.h"

namespace mapscope::scenarios::testing {
namespace {

using config::UntilKind;

config::Scenario busy(const std::string& name, double rate = 2000) {
  return scenario(name, {phase("fill", inserts(), after_operations(500), rate),
                         phase("churn", mix(1, 1, 1, 1), forever(), rate)});
}

TEST(Roster, ApplyStartsNewScenariosInConfigurationOrder) {
  RecordingEnvironment environment;
  ScenarioRoster roster(environment);
  roster.apply({busy("b"), busy("a")});
  EXPECT_EQ(roster.names(), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(environment.published_names(), (std::vector<std::string>{"b", "a"}));
  EXPECT_TRUE(environment.attached("a"));
  EXPECT_TRUE(environment.attached("b"));
  EXPECT_TRUE(eventually([&] { return roster.find("a")->progress()->operations_total() > 0; }));
  EXPECT_TRUE(roster.find("a")->progress()->running());
}

TEST(Roster, RemovedScenarioStopsAndDetachesAndLeavesThePublishedList) {
  RecordingEnvironment environment;
  ScenarioRoster roster(environment);
  roster.apply({busy("a"), busy("b")});
  const auto b_progress = roster.find("b")->progress();
  roster.apply({busy("a")});
  EXPECT_EQ(roster.names(), (std::vector<std::string>{"a"}));
  EXPECT_EQ(environment.published_names(), (std::vector<std::string>{"a"}));
  EXPECT_FALSE(environment.attached("b"));
  EXPECT_FALSE(b_progress->running());
  const std::uint64_t frozen = b_progress->operations_total();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(b_progress->operations_total(), frozen);  // its thread is gone
}

TEST(Roster, ChangedScenarioRestartsWithAFreshMap) {
  RecordingEnvironment environment;
  ScenarioRoster roster(environment);
  roster.apply({busy("a")});
  const auto before = roster.find("a")->progress();
  ASSERT_TRUE(eventually([&] { return before->operations_total() >= 500; }));
  roster.apply({busy("a", 3000)});  // a different rate: a different scenario
  const auto after = roster.find("a")->progress();
  EXPECT_NE(after, before);
  EXPECT_FALSE(before->running());
  EXPECT_EQ(environment.attaches("a"), 2);  // the attachment recorder also checked: old detached first
  EXPECT_TRUE(environment.attached("a"));
  EXPECT_LT(after->operations_total(), before->operations_total());  // counting again from zero
  EXPECT_LT(roster.find("a")->map().stats().inserts_total, before->operations(Operation::Insert));
  EXPECT_EQ(roster.find("a")->scenario().phases[0].rate, 3000.0);
}

TEST(Roster, UnchangedScenarioKeepsRunningUntouched) {
  RecordingEnvironment environment;
  ScenarioRoster roster(environment);
  roster.apply({busy("a"), busy("b")});
  const ScenarioRunner* runner = roster.find("a");
  const auto progress = runner->progress();
  ASSERT_TRUE(eventually([&] { return progress->operations_total() >= 100; }));
  const std::uint64_t before = progress->operations_total();

  roster.apply({busy("c"), busy("a")});  // a unchanged, b removed, c new
  EXPECT_EQ(roster.find("a"), runner);
  EXPECT_EQ(roster.find("a")->progress(), progress);
  EXPECT_EQ(environment.attaches("a"), 1);
  EXPECT_TRUE(progress->running());
  EXPECT_TRUE(eventually([&] { return progress->operations_total() > before; }));  // counters continue
  EXPECT_EQ(roster.names(), (std::vector<std::string>{"c", "a"}));
  EXPECT_EQ(environment.published_names(), (std::vector<std::string>{"c", "a"}));
}

TEST(Roster, FinishedScenarioStaysListedWithItsMapAttached) {
  RecordingEnvironment environment;
  ScenarioRoster roster(environment);
  roster.apply({scenario("short", {phase("fill", inserts(), after_operations(100))})});
  wait_finished(*roster.find("short"));
  const auto progress = roster.find("short")->progress();
  EXPECT_FALSE(progress->running());
  EXPECT_FALSE(progress->current_phase().has_value());
  EXPECT_EQ(progress->passes(), 1U);
  EXPECT_EQ(roster.names(), (std::vector<std::string>{"short"}));
  EXPECT_TRUE(environment.attached("short"));
  EXPECT_EQ(roster.find("short")->map().size(), 100U);
}

TEST(Roster, PhaseProgressFollowsTheRunningPhase) {
  RecordingEnvironment environment;
  ScenarioRoster roster(environment);
  roster.apply({scenario("phased", {phase("first", inserts(), after_operations(200)),
                                    phase("second", lookups(), forever(), 1000.0)})});
  const auto progress = roster.find("phased")->progress();
  EXPECT_TRUE(eventually([&] { return progress->current_phase() == std::optional<std::size_t>(1); }));
  EXPECT_EQ(progress->operations(Operation::Insert), 200U);
}

TEST(Roster, RepeatForeverOverPhasesThatEndAtOnceDoesNotSpin) {
  RecordingEnvironment environment;
  ScenarioRoster roster(environment);
  config::Scenario idle =
      scenario("idle", {phase("nothing", inserts(), until(UntilKind::EntriesAtMost, 10))});
  idle.repeat_forever = true;
  const auto start = std::chrono::steady_clock::now();
  roster.apply({idle});
  ASSERT_TRUE(eventually([&] { return roster.find("idle")->progress()->passes() >= 3; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const std::uint64_t passes = roster.find("idle")->progress()->passes();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  // Each pass after the first waits kIdlePassPause: however long the test took (a busy machine makes it
  // longer), the passes stay within its time over the pause.
  EXPECT_LE(passes, static_cast<std::uint64_t>(elapsed / ScenarioRunner::kIdlePassPause) + 2);
  EXPECT_TRUE(roster.find("idle")->progress()->running());
}

TEST(Roster, RepeatForeverKeepsRunningPasses) {
  RecordingEnvironment environment;
  ScenarioRoster roster(environment);
  config::Scenario churn = scenario(
      "churn", {phase("in", inserts(), after_operations(50)), phase("out", deletes(), after_operations(50))});
  churn.repeat_forever = true;
  roster.apply({churn});
  const auto progress = roster.find("churn")->progress();
  EXPECT_TRUE(eventually([&] { return progress->passes() >= 20; }));
  EXPECT_TRUE(progress->running());
}

}  // namespace
}  // namespace mapscope::scenarios::testing
