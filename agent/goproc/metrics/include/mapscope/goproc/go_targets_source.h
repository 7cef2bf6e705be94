// GoTargetsSource: the exporter's metric source for the Go programs of the configuration's go_targets.
//
// On every scrape it reads each target (goproc::Target::read(), bounded work, never throws for anything a
// target does) and publishes the families GoTargetMetrics builds. A target that exits or cannot be read is
// up 0 while the others go on. apply() takes a new list of targets (a reload): targets whose settings did
// not change keep their reader, with its cached DWARF and what it has seen (GC pauses, grow start times).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <mapscope/config/schema.h>
#include <mapscope/exporter/metric_source.h>

#include "mapscope/goproc/go_target_metrics.h"
#include "mapscope/goproc/target.h"

namespace mapscope::goproc {

// The reader's spec of a configured target; `max_maps` bounds the maps read per process.
TargetSpec target_spec(const config::GoTarget& target, std::uint64_t max_maps);

class GoTargetsSource final : public exporter::MetricSource {
 public:
  GoTargetsSource() = default;

  std::string name() const override { return "go"; }
  void collect(std::vector<prometheus::MetricFamily>& out) override;

  // Watches exactly these targets from the next scrape on, with these static labels on map series and at
  // most `max_maps` Go maps in all. Waits for a scrape in progress.
  void apply(const std::vector<config::GoTarget>& targets, std::map<std::string, std::string> static_labels,
             std::uint64_t max_maps);

  std::size_t size() const;

 private:
  struct Watched {
    std::unique_ptr<Target> target;
    std::string last_name;              // the name of its last reading that had one
    std::uint64_t reader_failures = 0;  // reads that threw, counted as read errors of kind "internal"
  };

  // One read, turned into a down reading when the reader fails unexpectedly, and named even when the
  // program was never found.
  static TargetReading read_safely(Watched& watched);
  // Targets without a name of their own that read under the same name (two pids of one program) get their
  // pid appended ("api:4242"), so no two targets' series are the same series.
  void give_unique_names(std::vector<TargetReading>& readings) const;

  mutable std::mutex mutex_;  // guards everything below; held for a whole scrape
  std::vector<Watched> targets_;
  std::map<std::string, std::string> static_labels_;
  GoTargetMetrics metrics_;
};

}  // namespace mapscope::goproc
