// Rates: a paced phase runs at its configured rate within 10%, measured on the wall clock over 1-1.5 s.
#include <gtest/gtest.h>

#include <chrono>

#include "phase_harness.h"
#include "scenario_test_support.h"

namespace mapscope::scenarios::testing {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// An operation-bounded phase: the time it takes is the measurement.
void expect_rate_over_operations(double rate, std::uint64_t operations) {
  PhaseHarness harness;
  const auto start = Clock::now();
  harness.run(phase("paced", mix(1, 1, 1, 1), after_operations(operations), rate));
  const double measured = static_cast<double>(operations) / seconds_since(start);
  EXPECT_NEAR(measured, rate, rate * 0.10) << "configured " << rate << " ops/s";
}

// A duration-bounded phase: the operations it did are the measurement.
void expect_rate_over_duration(double rate, std::chrono::milliseconds duration) {
  PhaseHarness harness;
  const auto start = Clock::now();
  harness.run(phase("paced", mix(1, 0, 0, 1), after(duration), rate));
  const double measured = static_cast<double>(harness.last_operations()) / seconds_since(start);
  EXPECT_NEAR(measured, rate, rate * 0.10) << "configured " << rate << " ops/s";
}

TEST(Rate, SlowRateHonouredOverOperations) {
  expect_rate_over_operations(200, 300);
}
TEST(Rate, MediumRateHonouredOverOperations) {
  expect_rate_over_operations(5000, 7500);
}
TEST(Rate, FastRateHonouredOverOperations) {
  expect_rate_over_operations(50000, 75000);
}
TEST(Rate, FastRateHonouredOverDuration) {
  expect_rate_over_duration(20000, std::chrono::milliseconds(1000));
}
TEST(Rate, OddRateHonouredOverDuration) {
  expect_rate_over_duration(1234.5, std::chrono::milliseconds(1200));
}

TEST(Rate, UnlimitedRunsFasterThanAnyPacedRate) {
  PhaseHarness harness;
  harness.run(phase("flat-out", mix(1, 0, 0, 3), after(std::chrono::milliseconds(300))));
  // Far above what any test here paces at, even in a -O0 sanitizer build on a busy machine.
  EXPECT_GT(static_cast<double>(harness.last_operations()) / 0.3, 20000.0);
}

}  // namespace
}  // namespace mapscope::scenarios::testing
