#include "phase_runner.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "phase_end.h"
#include "rate_pacer.h"

namespace mapscope::scenarios {
namespace {

using Clock = std::chrono::steady_clock;

// Sleeps until `until` or until stop is requested, whichever comes first.
void sleep_until(Clock::time_point until, const std::stop_token& stop) {
  std::mutex mutex;
  std::condition_variable_any wakeup;
  std::unique_lock lock(mutex);
  wakeup.wait_until(lock, stop, until, [] { return false; });
}

}  // namespace

PhaseRunner::PhaseRunner(const config::Phase& phase, DrivenMap& map, SequentialWindow& window,
                         ScenarioProgress& progress, std::uint64_t seed)
    : phase_(phase), map_(map), progress_(progress), scheduler_(phase.mix), keys_(phase.keys, window, seed) {}

PhaseRunner::Outcome PhaseRunner::run(const std::stop_token& stop) {
  const Clock::time_point start = Clock::now();
  const PhaseEnd end(phase_.end, start);
  RatePacer pacer(phase_.rate, start);
  const bool needs_clock = pacer.limited() || end.needs_clock();
  for (;;) {
    if (stop.stop_requested()) {
      return Outcome::Stopped;
    }
    const Clock::time_point now = needs_clock ? Clock::now() : Clock::time_point{};
    if (end.reached(done_, now, map_)) {
      return Outcome::Completed;
    }
    const Clock::time_point due = pacer.next_due(now);
    if (due > now) {
      sleep_until(std::min(due, end.deadline()), stop);
      continue;  // look again: stopped, ended or due
    }
    perform(scheduler_.next());
    pacer.issued();
    if (++done_ % kYieldEvery == 0) {
      std::this_thread::yield();
    }
  }
}

void PhaseRunner::perform(Operation op) {
  const std::uint64_t key = keys_.key_for(op);
  switch (op) {
    case Operation::Insert:
      map_.insert(key);
      break;
    case Operation::Update:
      map_.update(key);
      break;
    case Operation::Delete:
      map_.erase(key);
      break;
    case Operation::Lookup:
      map_.lookup(key);
      break;
  }
  progress_.count(op);
}

}  // namespace mapscope::scenarios
