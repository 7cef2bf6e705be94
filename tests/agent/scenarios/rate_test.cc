// Rates: RatePacer's schedule, driven by a simulated clock (operation i due at start + i / rate, late
// wake-ups made up, a long stall forgiven beyond kMaxDebt), and a paced phase that really waits for it.
// How closely a real, loaded machine keeps a rate is speed, not behaviour: the tests here never assert it.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>

#include "phase_harness.h"
#include "rate_pacer.h"
#include "scenario_test_support.h"

namespace mapscope::scenarios::testing {
namespace {

using Clock = RatePacer::Clock;
using std::chrono::duration;
using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

Clock::duration seconds_of(double seconds) {
  return duration_cast<Clock::duration>(duration<double>(seconds));
}

// A thread driven by the pacer on a simulated clock: it sleeps until each time next_due() names, waking
// `oversleep` late, and runs every operation that is due. Returns how many ran by `until`.
std::uint64_t run_simulated(RatePacer& pacer, Clock::time_point& now, Clock::time_point until,
                            Clock::duration oversleep = Clock::duration::zero()) {
  std::uint64_t operations = 0;
  while (now < until) {
    const Clock::time_point due = pacer.next_due(now);
    if (due > now) {
      now = due + oversleep;
      continue;
    }
    pacer.issued();
    ++operations;
  }
  return operations;
}

TEST(RatePacer, UnlimitedIsAlwaysDue) {
  const Clock::time_point start{};
  RatePacer pacer(std::nullopt, start);
  EXPECT_FALSE(pacer.limited());
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(pacer.next_due(start), start);
    pacer.issued();
  }
}

TEST(RatePacer, OperationIIsDueAtStartPlusIOverRate) {
  for (const double rate : {0.5, 200.0, 1234.5, 50'000.0}) {
    SCOPED_TRACE(rate);
    const Clock::time_point start{};
    RatePacer pacer(rate, start);
    for (std::uint64_t i = 0; i < 100; ++i) {
      const Clock::time_point expected = start + seconds_of(static_cast<double>(i) / rate);
      // Asked exactly when due, the pacer says: now.
      EXPECT_EQ(pacer.next_due(expected), expected) << "operation " << i;
      pacer.issued();
    }
  }
}

TEST(RatePacer, AheadOfScheduleSleepsAtLeastTheMinimum) {
  const Clock::time_point start{};
  RatePacer pacer(100'000.0, start);  // one operation every 10 us, far below kMinSleep
  pacer.issued();
  EXPECT_EQ(pacer.next_due(start), start + RatePacer::kMinSleep);
  RatePacer slow(10.0, start);  // one every 100 ms: sleeps until the operation is due
  slow.issued();
  EXPECT_EQ(slow.next_due(start), start + milliseconds(100));
}

// Over a simulated second, the operations run are the rate's, whether sleeps are exact or 3 ms late
// (late wake-ups are made up by the operations that follow, bursts after kMinSleep included).
TEST(RatePacer, KeepsItsRateOverASimulatedSecondDespiteLateWakeUps) {
  for (const double rate : {200.0, 1234.5, 20'000.0, 100'000.0}) {
    for (const Clock::duration oversleep : {Clock::duration::zero(), Clock::duration(milliseconds(3))}) {
      SCOPED_TRACE(::testing::Message()
                   << rate << " ops/s, oversleep " << duration_cast<nanoseconds>(oversleep).count() << " ns");
      const Clock::time_point start{};
      Clock::time_point now = start;
      RatePacer pacer(rate, start);
      const std::uint64_t operations = run_simulated(pacer, now, start + std::chrono::seconds(1), oversleep);
      // At most the operations due before 1 s; at least those less the ones due during the last sleep, which
      // ends past 1 s (a sleep lasts the larger of kMinSleep and the spacing, plus the oversleep).
      const double longest_sleep = std::max(duration<double>(RatePacer::kMinSleep).count(), 1.0 / rate) +
                                   duration<double>(oversleep).count();
      EXPECT_LE(static_cast<double>(operations), rate + 1);
      EXPECT_GE(static_cast<double>(operations), rate - rate * longest_sleep - 1);
    }
  }
}

// A thread descheduled for 10 s repays at most kMaxDebt of operations at once, then keeps the rate.
TEST(RatePacer, ForgivesABacklogBeyondMaxDebt) {
  constexpr double kRate = 1000.0;
  const Clock::time_point start{};
  Clock::time_point now = start;
  RatePacer pacer(kRate, start);
  run_simulated(pacer, now, start + std::chrono::seconds(1));
  now += std::chrono::seconds(10);  // the stall
  std::uint64_t burst = 0;
  while (pacer.next_due(now) <= now) {
    pacer.issued();
    ++burst;
  }
  const double max_debt_operations = kRate * duration<double>(RatePacer::kMaxDebt).count();
  EXPECT_GE(static_cast<double>(burst), max_debt_operations);
  EXPECT_LE(static_cast<double>(burst), max_debt_operations + 2);
  // Afterwards the schedule continues at the rate from where the forgiveness left it.
  const std::uint64_t next_second = run_simulated(pacer, now, now + std::chrono::seconds(1));
  EXPECT_GE(static_cast<double>(next_second), kRate - 2);
  EXPECT_LE(static_cast<double>(next_second), kRate + 2);
}

// The phase runner waits for the pacer: 50 operations at 200 ops/s cannot all run before operation 49 is
// due (245 ms after the start). A lower bound only: a busy machine makes the phase slower, never faster.
TEST(Rate, PacedPhaseWaitsForEachOperationsTurn) {
  PhaseHarness harness;
  const auto start = Clock::now();
  ASSERT_EQ(harness.run(phase("paced", mix(1, 1, 1, 1), after_operations(50), 200.0)),
            PhaseRunner::Outcome::Completed);
  EXPECT_EQ(harness.last_operations(), 50U);
  EXPECT_GE(Clock::now() - start, seconds_of(49.0 / 200.0));
}

// Without a rate a phase runs its operations back to back: 50,000 of them end (the CTest timeout guards
// against a hang); how fast is the benchmarks' business.
TEST(Rate, UnlimitedPhaseRunsItsOperations) {
  PhaseHarness harness;
  ASSERT_EQ(harness.run(phase("flat-out", mix(1, 0, 0, 3), after_operations(50'000))),
            PhaseRunner::Outcome::Completed);
  EXPECT_EQ(harness.last_operations(), 50'000U);
}

}  // namespace
}  // namespace mapscope::scenarios::testing
