// The `collector` section: mapcore's background collector (interval, budget, pause bound, trimming).
#include "mapping_reader.h"
#include "mapscope/config/units.h"
#include "scalars.h"
#include "sections.h"

namespace mapscope::config::detail {

namespace {

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::uint64_t kMaxTrimThreshold = 1ULL << 40;  // 1 TiB

// Reports `smaller` > `larger` at the smaller's key when the file sets it, else at the larger's.
[[noreturn]] void fail_order(const MappingReader& section, std::string_view smaller, std::string_view larger,
                             std::chrono::nanoseconds small_value, std::chrono::nanoseconds large_value) {
  const Field at = section.has(smaller) ? *section.find(smaller) : *section.find(larger);
  section.self().fail_at(at.mark(), std::string(smaller) + " (" + format_duration(small_value) +
                                        ") exceeds " + std::string(larger) + " (" +
                                        format_duration(large_value) + "); expected " + std::string(smaller) +
                                        " <= " + std::string(larger));
}

}  // namespace

CollectorConfig read_collector(const Field& field) {
  const MappingReader section(field, {"enabled", "interval", "budget", "max_pause", "trim_threshold"});
  CollectorConfig collector;
  if (auto value = section.find("enabled")) {
    collector.enabled = read_bool(*value);
  }
  if (auto value = section.find("interval")) {
    collector.interval = read_duration(*value, milliseconds(1), hours(1));
  }
  if (auto value = section.find("budget")) {
    collector.budget = read_duration(*value, microseconds(1), hours(1));
  }
  if (auto value = section.find("max_pause")) {
    collector.max_pause = read_duration(*value, microseconds(1), seconds(1));
  }
  if (auto value = section.find("trim_threshold")) {
    collector.trim_threshold = read_size(*value, 0, kMaxTrimThreshold);
  }
  if (collector.budget > collector.interval) {
    fail_order(section, "budget", "interval", collector.budget, collector.interval);
  }
  if (collector.max_pause > collector.budget) {
    fail_order(section, "max_pause", "budget", collector.max_pause, collector.budget);
  }
  return collector;
}

}  // namespace mapscope::config::detail
