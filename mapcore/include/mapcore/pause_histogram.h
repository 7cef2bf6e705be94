// PauseHistogram: a lock-free histogram of pause durations, 1 us to 100 ms.
//
// Pauses are what users judge growth work by: the time one write spends starting a grow and
// evacuating, or the time the collector holds a map's lock. Recording is one relaxed atomic
// add per bucket and per sum, so it can sit on a write path; reading gives Prometheus-style
// cumulative counts and is safe from any thread.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace mapcore {

inline constexpr std::array<double, 16> kPauseBoundsSeconds = {
    1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 0.01, 0.025, 0.05, 0.1};

struct PauseHistogramSnapshot {
  // cumulative[i] counts pauses <= kPauseBoundsSeconds[i]; count includes those above the last bound.
  std::array<std::uint64_t, kPauseBoundsSeconds.size()> cumulative{};
  std::uint64_t count = 0;
  double sum_seconds = 0;
  double max_seconds = 0;  // the longest pause ever recorded
};

class PauseHistogram {
 public:
  void record(std::chrono::nanoseconds pause) noexcept;
  PauseHistogramSnapshot snapshot() const noexcept;

 private:
  std::array<std::atomic<std::uint64_t>, kPauseBoundsSeconds.size() + 1> counts_{};
  std::atomic<std::uint64_t> sum_ns_{0};
  std::atomic<std::uint64_t> max_ns_{0};
};

}  // namespace mapcore
