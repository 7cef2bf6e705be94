#include "rate_pacer.h"

namespace mapscope::scenarios {

RatePacer::RatePacer(std::optional<double> rate, Clock::time_point start) : rate_(rate), start_(start) {}

RatePacer::Clock::time_point RatePacer::due_of(std::uint64_t index) const {
  const std::chrono::duration<double> offset(static_cast<double>(index) / *rate_);
  return start_ + std::chrono::duration_cast<Clock::duration>(offset);
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
