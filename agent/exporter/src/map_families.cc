// MapFamilies: per-map gauges, counters and the write-pause histogram, from MapStats.
#include "mapscope/exporter/map_families.h"

#include <algorithm>
#include <iterator>

namespace mapscope::exporter {
namespace {

using prometheus::MetricType;

// Indexes of the families, in the order they are exposed; the state families come first, so a
// StateOnly set is the prefix up to kStateFamilyCount.
enum Family : std::size_t {
  kEntries,
  kBuckets,
  kBucketsLog2,
  kOverflowBuckets,
  kOverflowRatio,
  kLoadFactor,
  kLoadFactorLimit,
  kMemoryBytes,
  kGrowInProgress,
  kEvacuationPending,
  kGrowStart,
  kStateFamilyCount,
  kGrowsTotal = kStateFamilyCount,
  kEvacuatedTotal,
  kOperationsTotal,
  kWritePause,
  kFamilyCount
};

// The families, each at its Family index.
constexpr FamilySpec kFamilySpecs[] = {
    {kEntries, "mapcore_map_entries", "Live entries in the map.", MetricType::Gauge},
    {kBuckets, "mapcore_map_buckets", "Buckets in the map's current array (2^B).", MetricType::Gauge},
    {kBucketsLog2, "mapcore_map_buckets_log2", "B: log2 of the bucket count.", MetricType::Gauge},
    {kOverflowBuckets, "mapcore_map_overflow_buckets", "Overflow buckets chained off the current array.",
     MetricType::Gauge},
    {kOverflowRatio, "mapcore_map_overflow_ratio", "Overflow buckets per bucket of the current array.",
     MetricType::Gauge},
    {kLoadFactor, "mapcore_map_load_factor",
     "Entries per bucket of the current array (per slot for a Swiss-table Go map).", MetricType::Gauge},
    {kLoadFactorLimit, "mapcore_map_load_factor_limit",
     "The load factor past which the map grows: 6.5 (6.0 under the go1.21 "
     "profile); 7/8 per slot for a Swiss-table Go map.",
     MetricType::Gauge},
    {kMemoryBytes, "mapcore_map_memory_bytes",
     "Bytes the map holds from its allocator, by region: buckets (main array), "
     "overflow, oldbuckets (kept while growing), indirect (out-of-line keys and values).",
     MetricType::Gauge},
    {kGrowInProgress, "mapcore_map_grow_in_progress",
     "1 while a grow (doubling, same-size or shrink) is in progress.", MetricType::Gauge},
    {kEvacuationPending, "mapcore_map_evacuation_pending_buckets",
     "Old buckets not yet evacuated by the grow in progress.", MetricType::Gauge},
    {kGrowStart, "mapcore_map_grow_start_timestamp_seconds",
     "Unix time the grow in progress started, 0 when not growing.", MetricType::Gauge},
    {kGrowsTotal, "mapcore_map_grows_total",
     "Grows started, by kind: double, samesize (repacking overflow) or shrink.", MetricType::Counter},
    {kEvacuatedTotal, "mapcore_map_evacuated_buckets_total",
     "Old buckets evacuated, by trigger: write (as Go does) or collector.", MetricType::Counter},
    {kOperationsTotal, "mapcore_map_operations_total",
     "Write operations, by op: insert (new key), update (existing key) or delete.", MetricType::Counter},
    {kWritePause, "mapcore_map_write_pause_seconds",
     "Time single writes spent on growth work (starting a grow, evacuating).", MetricType::Histogram},
};
static_assert(std::size(kFamilySpecs) == kFamilyCount && specs_in_order(kFamilySpecs));

double ratio(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

double as_double(std::uint64_t value) {
  return static_cast<double>(value);
}

}  // namespace

MapFamilies::MapFamilies(MapFamilySet set, std::size_t expected_maps, PauseBuckets pause_buckets)
    : set_(set), pause_buckets_(pause_buckets), families_(make_families(kFamilySpecs)) {
  if (set_ == MapFamilySet::StateOnly) {
    families_.resize(kStateFamilyCount);
  }
  for (auto& family : families_) {
    family.metric.reserve(expected_maps * (family.type == MetricType::Gauge ? 1 : 3));
  }
}

void MapFamilies::add(const LabelList& labels, const mapcore::MapStats& stats,
                      const mapcore::PauseHistogramSnapshot& write_pauses) {
  add_state(labels, stats);
  if (set_ == MapFamilySet::StateAndActivity) {
    add_activity(labels, stats, write_pauses);
  }
}

std::vector<prometheus::MetricFamily> MapFamilies::take() && {
  return std::move(families_);
}

void MapFamilies::add_state(const LabelList& labels, const mapcore::MapStats& s) {
  auto& f = families_;
  add_gauge(f[kEntries], labels, as_double(s.entries));
  add_gauge(f[kBuckets], labels, as_double(s.buckets));
  add_gauge(f[kBucketsLog2], labels, as_double(s.log2_buckets));
  add_gauge(f[kOverflowBuckets], labels, as_double(s.overflow_buckets));
  add_gauge(f[kOverflowRatio], labels, ratio(s.overflow_buckets, s.buckets));
  add_gauge(f[kLoadFactor], labels, ratio(s.entries, s.buckets));
  add_gauge(f[kLoadFactorLimit], labels, s.load_factor_limit);
  add_gauge(f[kMemoryBytes], with_label(labels, "region", "buckets"), as_double(s.bucket_bytes));
  add_gauge(f[kMemoryBytes], with_label(labels, "region", "overflow"), as_double(s.overflow_bytes));
  add_gauge(f[kMemoryBytes], with_label(labels, "region", "oldbuckets"), as_double(s.oldbucket_bytes));
  add_gauge(f[kMemoryBytes], with_label(labels, "region", "indirect"), as_double(s.indirect_bytes));
  add_gauge(f[kGrowInProgress], labels, s.growing ? 1.0 : 0.0);
  add_gauge(f[kEvacuationPending], labels, as_double(s.evacuation_pending));
  add_gauge(f[kGrowStart], labels, s.growing ? s.grow_started_unix_seconds : 0.0);
}

void MapFamilies::add_activity(const LabelList& labels, const mapcore::MapStats& s,
                               const mapcore::PauseHistogramSnapshot& write_pauses) {
  auto& f = families_;
  add_counter(f[kGrowsTotal], with_label(labels, "kind", "double"), as_double(s.grows_double_total));
  add_counter(f[kGrowsTotal], with_label(labels, "kind", "samesize"), as_double(s.grows_same_size_total));
  add_counter(f[kGrowsTotal], with_label(labels, "kind", "shrink"), as_double(s.shrinks_total));
  // evacuated_buckets_total counts both triggers; the collector's part is counted apart.
  const std::uint64_t by_collector = std::min(s.evacuated_by_collector_total, s.evacuated_buckets_total);
  add_counter(f[kEvacuatedTotal], with_label(labels, "trigger", "write"),
              as_double(s.evacuated_buckets_total - by_collector));
  add_counter(f[kEvacuatedTotal], with_label(labels, "trigger", "collector"), as_double(by_collector));
  add_counter(f[kOperationsTotal], with_label(labels, "op", "insert"), as_double(s.inserts_total));
  add_counter(f[kOperationsTotal], with_label(labels, "op", "update"), as_double(s.updates_total));
  add_counter(f[kOperationsTotal], with_label(labels, "op", "delete"), as_double(s.deletes_total));
  if (pause_buckets_ == PauseBuckets::All) {
    add_pause_histogram(f[kWritePause], labels, write_pauses);
  } else {
    add_histogram(f[kWritePause], labels, {}, {}, write_pauses.count, write_pauses.sum_seconds);
  }
}

}  // namespace mapscope::exporter
