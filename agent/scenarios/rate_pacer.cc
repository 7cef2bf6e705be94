#include "rate_pacer.h"

#include <algorithm>

namespace mapscope::scenarios {

RatePacer::RatePacer(std::optional<double> rate, Clock::time_point start) : rate_(rate), start_(start) {}

RatePacer::Clock::time_point RatePacer::due_of(std::uint64_t index) const {
  // A tiny rate (the configuration allows any rate above 0) could put an operation beyond what the clock
  // can represent: a century away is as good as never.
  constexpr double kNeverSeconds = 100.0 * 365 * 24 * 3600;
  const double offset = std::min(static_cast<double>(index) / *rate_, kNeverSeconds);
  return start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(offset));
}

RatePacer::Clock::time_point RatePacer::next_due(Clock::time_point now) {
  if (!rate_) {
    return now;
  }
  const Clock::time_point due = due_of(issued_);
  if (due <= now) {
    if (now - due > kMaxDebt) {
      start_ += (now - due) - kMaxDebt;  // forgive the backlog beyond kMaxDebt
    }
    return due;
  }
  return due - now < kMinSleep ? now + kMinSleep : due;
}

}  // namespace mapscope::scenarios
