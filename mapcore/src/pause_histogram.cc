#include "mapcore/pause_histogram.h"

#include <algorithm>

namespace mapcore {
namespace {

constexpr std::array<std::uint64_t, kPauseBoundsSeconds.size()> bounds_in_nanoseconds() {
  std::array<std::uint64_t, kPauseBoundsSeconds.size()> out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    // The bounds are positive, so adding 0.5 rounds to nearest (std::lround is not constexpr).
    // NOLINTNEXTLINE(bugprone-incorrect-roundings)
    out[i] = static_cast<std::uint64_t>(kPauseBoundsSeconds[i] * 1e9 + 0.5);
  }
  return out;
}

constexpr auto kBoundsNs = bounds_in_nanoseconds();

}  // namespace

void PauseHistogram::record(std::chrono::nanoseconds pause) noexcept {
  const auto ns = static_cast<std::uint64_t>(std::max<std::int64_t>(pause.count(), 0));
  const auto cell = std::lower_bound(kBoundsNs.begin(), kBoundsNs.end(), ns) - kBoundsNs.begin();
  counts_[static_cast<std::size_t>(cell)].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(ns, std::memory_order_relaxed);
  std::uint64_t seen = max_ns_.load(std::memory_order_relaxed);
  while (ns > seen && !max_ns_.compare_exchange_weak(seen, ns, std::memory_order_relaxed)) {
  }
}

PauseHistogramSnapshot PauseHistogram::snapshot() const noexcept {
  PauseHistogramSnapshot out;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < kBoundsNs.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    out.cumulative[i] = running;
  }
  out.count = running + counts_[kBoundsNs.size()].load(std::memory_order_relaxed);
  out.sum_seconds = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) * 1e-9;
  out.max_seconds = static_cast<double>(max_ns_.load(std::memory_order_relaxed)) * 1e-9;
  return out;
}

}  // namespace mapcore
