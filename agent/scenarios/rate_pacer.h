// RatePacer: spaces a phase's operations at its configured rate.
//
// Operation i is due at start + i / rate, an absolute schedule: a late wake-up is made up by the
// operations that follow, so the average rate holds however coarse the sleeps are. To keep wake-ups few
// at high rates, a pacer that is ahead sleeps at least kMinSleep and then catches up in a short burst
// (at 100,000 ops/s: bursts of about 50). A thread that was descheduled (a busy machine) repays its
// backlog at full speed, up to kMaxDebt of it: the rate holds on average over any second or so, while a
// long stall (a stopped process, a suspended machine) is forgiven rather than repaid in one huge burst.
// Without a rate every operation is due at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace mapscope::scenarios {

class RatePacer {
 public:
  using Clock = std::chrono::steady_clock;

  static constexpr std::chrono::microseconds kMinSleep{500};
  static constexpr std::chrono::milliseconds kMaxDebt{1000};

  RatePacer(std::optional<double> rate, Clock::time_point start);

  bool limited() const { return rate_.has_value(); }

  // When the next operation may run: `now` or earlier when it is due, otherwise the time to sleep until
  // (at least kMinSleep after `now`).
  Clock::time_point next_due(Clock::time_point now);

  // Records that one operation ran.
  void issued() { ++issued_; }

 private:
  Clock::time_point due_of(std::uint64_t index) const;

  std::optional<double> rate_;
  Clock::time_point start_;
  std::uint64_t issued_ = 0;
};

}  // namespace mapscope::scenarios
