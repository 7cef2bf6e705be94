#include "phase_end.h"

namespace mapscope::scenarios {

PhaseEnd::PhaseEnd(const config::PhaseEnd& end, Clock::time_point start)
    : end_(end),
      deadline_(end.kind == config::EndKind::Duration
                    ? start + std::chrono::duration_cast<Clock::duration>(end.duration)
                    : Clock::time_point::max()) {}

bool PhaseEnd::reached(std::uint64_t operations_done, Clock::time_point now, const DrivenMap& map) const {
  switch (end_.kind) {
    case config::EndKind::Duration:
      return now >= deadline_;
    case config::EndKind::Operations:
      return operations_done >= end_.operations;
    case config::EndKind::Forever:
      return false;
    case config::EndKind::Until:
      return condition_holds(map);
  }
  return false;
}

bool PhaseEnd::condition_holds(const DrivenMap& map) const {
  switch (end_.until) {
    case config::UntilKind::Growing:
      return map.growing();
    case config::UntilKind::NotGrowing:
      return !map.growing();
    case config::UntilKind::EntriesAtLeast:
      return map.size() >= end_.entries;
    case config::UntilKind::EntriesAtMost:
      return map.size() <= end_.entries;
  }
  return false;
}

}  // namespace mapscope::scenarios
