// GoTargetMetrics: readings of Go programs -> the per-map, per-target and per-process families.
#include "mapscope/goproc/go_target_metrics.h"

#include <algorithm>
#include <iterator>
#include <set>
#include <utility>

#include <mapscope/config/labels.h>
#include <mapscope/exporter/logger.h>
#include <mapscope/exporter/map_families.h>

namespace mapscope::goproc {
namespace {

using exporter::add_counter;
using exporter::add_gauge;
using exporter::FamilySpec;
using exporter::LabelList;
using exporter::make_families;
using exporter::specs_in_order;
using prometheus::MetricType;

const std::string kTarget(config::kTargetLabel);

// Indexes of the per-target and per-process families, in the order they are exposed.
enum Family : std::size_t {
  kUp,
  kInfo,
  kHeapInuse,
  kHeapSys,
  kGcCycles,
  kGcPause,
  kReadErrors,
  kMapInfo,
  kMapTables,
  kMapDirectoryEntries,
  kMapCapacitySlots,
  kMapTombstones,
  kFamilyCount
};

// The families, each at its Family index.
constexpr FamilySpec kFamilySpecs[] = {
    {kUp, "mapscope_go_target_up",
     "1 when the Go target was found and read in this scrape, 0 when it was not (the agent "
     "logs why).",
     MetricType::Gauge},
    {kInfo, "mapscope_go_target_info",
     "Each process read for a Go target: its pid, Go version and executable. Always 1.", MetricType::Gauge},
    {kHeapInuse, "mapscope_go_heap_inuse_bytes",
     "Bytes in in-use spans of the Go heap (runtime.MemStats.HeapInuse).", MetricType::Gauge},
    {kHeapSys, "mapscope_go_heap_sys_bytes",
     "Bytes of heap memory the Go runtime obtained from the OS (runtime.MemStats.HeapSys).",
     MetricType::Gauge},
    {kGcCycles, "mapscope_go_gc_cycles_total",
     "Completed GC cycles of the Go program (runtime.MemStats.NumGC).", MetricType::Counter},
    {kGcPause, "mapscope_go_gc_pause_seconds",
     "Stop-the-world GC pauses of the Go program seen by the agent since it started "
     "watching the process.",
     MetricType::Histogram},
    {kReadErrors, "mapscope_go_read_errors_total", "Failed reads of the Go target, by kind.",
     MetricType::Counter},
    {kMapInfo, "mapscope_go_map_info",
     "Each Go map read: impl is its runtime's map, classic (hmap) or swiss (Swiss tables, "
     "go1.24 on). Always 1.",
     MetricType::Gauge},
    {kMapTables, "mapcore_map_tables", "Swiss maps: distinct tables (0 for a small map of one group).",
     MetricType::Gauge},
    {kMapDirectoryEntries, "mapcore_map_directory_entries",
     "Swiss maps: directory entries (several may share a table; 0 for a small map).", MetricType::Gauge},
    {kMapCapacitySlots, "mapcore_map_capacity_slots",
     "Swiss maps: slots of every table, used, deleted or empty. A Swiss map never "
     "shrinks: it keeps these after its entries are deleted.",
     MetricType::Gauge},
    {kMapTombstones, "mapcore_map_tombstones",
     "Swiss maps: deleted slots still taken until their table is rehashed (exact, "
     "as the runtime counts them).",
     MetricType::Gauge},
};
static_assert(std::size(kFamilySpecs) == kFamilyCount && specs_in_order(kFamilySpecs));

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string text;
  for (const std::string& part : parts) {
    text += (text.empty() ? "" : separator) + part;
  }
  return text;
}

std::string join_pids(const TargetReading& reading) {
  std::vector<std::string> pids;
  for (const ProcessReading& process : reading.processes) {
    pids.push_back(std::to_string(process.pid));
  }
  return join(pids, ",");
}

LabelList map_labels(const std::string& path, const std::string& target,
                     const std::map<std::string, std::string>& static_labels) {
  LabelList labels;
  labels.reserve(static_labels.size() + 2);
  labels.push_back({exporter::kMapLabel, path});
  labels.push_back({kTarget, target});
  for (const auto& [name, value] : static_labels) {
    labels.push_back({name, value});
  }
  return labels;
}

// The implementation of every map, and the shape only Swiss maps have.
void add_swiss_series(std::vector<prometheus::MetricFamily>& f, const LabelList& labels,
                      const MapReading& map) {
  add_gauge(f[kMapInfo], exporter::with_label(labels, "impl", map.impl), 1.0);
  if (!map.swiss) {
    return;
  }
  add_gauge(f[kMapTables], labels, static_cast<double>(map.swiss->tables));
  add_gauge(f[kMapDirectoryEntries], labels, static_cast<double>(map.swiss->directory_entries));
  add_gauge(f[kMapCapacitySlots], labels, static_cast<double>(map.swiss->capacity_slots));
  add_gauge(f[kMapTombstones], labels, static_cast<double>(map.swiss->tombstones));
}

}  // namespace

void GoTargetMetrics::PauseHistogram::observe(double seconds) {
  for (std::size_t i = 0; i < kGcPauseBoundsSeconds.size(); ++i) {
    if (seconds <= kGcPauseBoundsSeconds[i]) {
      ++cumulative[i];
    }
  }
  ++count;
  sum_seconds += seconds;
}

std::vector<prometheus::MetricFamily> GoTargetMetrics::families(
    const std::vector<TargetReading>& readings, const std::map<std::string, std::string>& static_labels) {
  std::vector<prometheus::MetricFamily> f = make_families(kFamilySpecs);
  exporter::MapFamilies maps(exporter::MapFamilySet::StateOnly);
  std::uint64_t published = 0;
  for (const TargetReading& reading : readings) {
    TargetState& state = targets_[reading.name];
    log_changes(reading, state);
    observe_pauses(reading, state);
    add_gauge(f[kUp], {{kTarget, reading.name}}, reading.up ? 1.0 : 0.0);
    for (const auto& [kind, total] : reading.read_errors_total) {
      add_counter(f[kReadErrors], {{kTarget, reading.name}, {"kind", kind}}, static_cast<double>(total));
    }
    for (const ProcessReading& process : reading.processes) {
      const std::string& label = process.label;
      add_gauge(f[kInfo],
                {{kTarget, label},
                 {"pid", std::to_string(process.pid)},
                 {"go_version", process.go_version},
                 {"exe", process.exe}},
                1.0);
      const LabelList target = {{kTarget, label}};
      add_gauge(f[kHeapInuse], target, static_cast<double>(process.runtime.heap_inuse_bytes));
      add_gauge(f[kHeapSys], target, static_cast<double>(process.runtime.heap_sys_bytes));
      add_counter(f[kGcCycles], target, static_cast<double>(process.runtime.gc_cycles));
      const PauseHistogram& pauses = state.gc_pauses[process.pid];
      exporter::add_histogram(f[kGcPause], target, kGcPauseBoundsSeconds, pauses.cumulative, pauses.count,
                              pauses.sum_seconds);
      for (const MapReading& map : process.maps) {
        if (published == max_maps_) {
          if (!logged_map_limit_) {
            exporter::log_warn("Go maps past the tracked-map limit are left out",
                               {{"limit", std::to_string(max_maps_)}, {"target", label}});
            logged_map_limit_ = true;
          }
          break;
        }
        const LabelList labels = map_labels(map.path, label, static_labels);
        maps.add(labels, map.stats);
        add_swiss_series(f, labels, map);
        ++published;
      }
    }
  }
  // The Swiss families appear only when some Swiss map was read: classic-only scrapes stay as they were.
  for (std::size_t i = kMapTables; i <= kMapTombstones; ++i) {
    if (f[i].metric.empty()) {
      f[i].name.clear();
    }
  }
  std::erase_if(f, [](const prometheus::MetricFamily& family) { return family.name.empty(); });
  std::vector<prometheus::MetricFamily> out = std::move(maps).take();
  out.insert(out.end(), std::make_move_iterator(f.begin()), std::make_move_iterator(f.end()));
  return out;
}

void GoTargetMetrics::keep_only(const std::vector<std::string>& names) {
  std::erase_if(targets_, [&names](const auto& entry) {
    return std::find(names.begin(), names.end(), entry.first) == names.end();
  });
}

void GoTargetMetrics::log_changes(const TargetReading& reading, TargetState& state) {
  const bool changed =
      !state.seen || state.up != reading.up || (!reading.up && state.down_reason != reading.down_reason);
  state.seen = true;
  state.up = reading.up;
  state.down_reason = reading.up ? std::string() : reading.down_reason;
  if (changed && reading.up) {
    exporter::log_info("Go target up", {{kTarget, reading.name}, {"pids", join_pids(reading)}});
  } else if (changed) {
    exporter::log_warn("Go target down", {{kTarget, reading.name}, {"reason", reading.down_reason}});
  }
  if (reading.problems != state.problems && !reading.problems.empty()) {
    exporter::log_warn("Go target read with problems",
                       {{kTarget, reading.name}, {"problems", join(reading.problems, "; ")}});
  }
  state.problems = reading.problems;
}

void GoTargetMetrics::observe_pauses(const TargetReading& reading, TargetState& state) {
  std::set<pid_t> running;
  for (const ProcessReading& process : reading.processes) {
    running.insert(process.pid);
    PauseHistogram& pauses = state.gc_pauses[process.pid];
    for (double seconds : process.runtime.new_gc_pauses_seconds) {
      pauses.observe(seconds);
    }
  }
  // A target read successfully tells which processes still run; a failed read tells nothing.
  if (reading.up) {
    std::erase_if(state.gc_pauses, [&running](const auto& entry) { return !running.contains(entry.first); });
  }
}

}  // namespace mapscope::goproc
