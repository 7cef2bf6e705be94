// GoTargetMetrics: the families of the Go programs the agent watches, built from their readings.
//
// Per map, the same mapcore_map_* families a tracked mapcore map has (state only: a Go map counts no
// operations), labelled with the map's symbol path and the process's `target` label (the target's name, or
// "name:pid" when several processes run its executable); per target, whether it could be read; per process,
// its identity, the runtime's heap and GC figures and a GC pause histogram that accumulates the pauses of
// every reading. Being down, and problems short of down (a map that cannot be read), are logged once per
// change. docs/metrics.md
// describes each family.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <mapscope/exporter/families.h>
#include <prometheus/metric_family.h>

#include "mapscope/goproc/target.h"

namespace mapscope::goproc {

// Upper bounds of mapscope_go_gc_pause_seconds: Go's stop-the-world pauses, from 10 µs to 1 s.
inline constexpr std::array<double, 16> kGcPauseBoundsSeconds = {
    1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0};

class GoTargetMetrics {
 public:
  // `max_maps`: most Go maps published in one scrape, over every target (the exporter's tracked-map
  // limit); the rest are left out and that is logged once.
  explicit GoTargetMetrics(std::uint64_t max_maps = 1000) : max_maps_(max_maps) {}

  // The families of one scrape's readings, in the order of `readings`. `static_labels` go on every map
  // series. Feeds each process's new GC pauses into its histogram and forgets the processes of a target
  // that no longer run.
  std::vector<prometheus::MetricFamily> families(const std::vector<TargetReading>& readings,
                                                 const std::map<std::string, std::string>& static_labels);

  // Forgets everything about targets not named in `names` (after a reload removed them).
  void keep_only(const std::vector<std::string>& names);

  void set_max_maps(std::uint64_t max_maps) { max_maps_ = max_maps; }

 private:
  struct PauseHistogram {
    std::array<std::uint64_t, kGcPauseBoundsSeconds.size()> cumulative{};
    std::uint64_t count = 0;
    double sum_seconds = 0;
    void observe(double seconds);
  };
  struct TargetState {
    bool seen = false;
    bool up = false;
    std::string down_reason;
    std::vector<std::string> problems;          // of the last reading, to log a change once
    std::map<pid_t, PauseHistogram> gc_pauses;  // by process
  };

  void log_changes(const TargetReading& reading, TargetState& state);
  void observe_pauses(const TargetReading& reading, TargetState& state);

  std::uint64_t max_maps_;
  bool logged_map_limit_ = false;
  std::map<std::string, TargetState> targets_;  // by target name
};

}  // namespace mapscope::goproc
