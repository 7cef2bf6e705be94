// PhaseEnd: whether a phase is over, checked before each of its operations.
//
//   duration    the phase has run that long (a paced phase sleeping past it is woken at the deadline)
//   operations  exactly that many operations ran
//   forever     never: only stopping the scenario ends it
//   until       a condition on the map holds: a grow in progress (or none), or the entries reached a bound.
//               Checked before the first operation too, so a phase whose condition already holds runs
//               no operation at all; a condition that can never hold behaves as forever.
#pragma once

#include <chrono>
#include <cstdint>

#include "driven_map.h"
#include "mapscope/config/schema.h"

namespace mapscope::scenarios {

class PhaseEnd {
 public:
  using Clock = std::chrono::steady_clock;

  PhaseEnd(const config::PhaseEnd& end, Clock::time_point start);

  bool needs_clock() const { return end_.kind == config::EndKind::Duration; }
  // When a duration phase ends (time_point::max() for the other kinds): sleeps never pass it.
  Clock::time_point deadline() const { return deadline_; }

  bool reached(std::uint64_t operations_done, Clock::time_point now, const DrivenMap& map) const;

 private:
  bool condition_holds(const DrivenMap& map) const;

  config::PhaseEnd end_;
  Clock::time_point deadline_;
};

}  // namespace mapscope::scenarios
