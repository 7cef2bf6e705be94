// MapStats: one consistent snapshot of a map's shape, memory and counters.
#pragma once

#include <array>
#include <cstdint>

namespace mapcore {

// Chain-length distribution of the current bucket array: chain_lengths[i] is the number of
// buckets whose chain (the bucket plus its overflow buckets) is i + 1 buckets long; the last
// cell counts chains of kChainLengthCells buckets or more. Maintained exactly, O(1) per
// overflow bucket, so reading it never walks the map.
inline constexpr std::size_t kChainLengthCells = 8;

struct MapStats {
  std::uint64_t entries = 0;             // live entries
  std::uint64_t log2_buckets = 0;        // B
  std::uint64_t buckets = 0;             // 2^B
  std::uint64_t overflow_buckets = 0;    // overflow buckets chained off the current array (exact)
  std::uint64_t noverflow = 0;           // Go's estimator that drives same-size growth
  std::uint64_t old_buckets = 0;         // old array size while growing, else 0
  std::uint64_t evacuated = 0;           // evacuation cursor (nevacuate) while growing, else 0
  std::uint64_t evacuation_pending = 0;  // old buckets not yet evacuated (exact), 0 when not growing
  std::uint64_t bucket_bytes =
      0;  // main array: preallocated overflow buckets and size-class rounding included
  std::uint64_t overflow_bytes = 0;   // overflow buckets allocated one by one for the current array
  std::uint64_t oldbucket_bytes = 0;  // old array plus its overflow buckets while a grow is in progress
  std::uint64_t indirect_bytes = 0;   // out-of-line keys and values (types over 128 bytes)
  std::uint64_t grows_double_total = 0;
  std::uint64_t grows_same_size_total = 0;
  std::uint64_t shrinks_total = 0;                 // halving grows started by shrinking
  std::uint64_t evacuated_buckets_total = 0;       // old buckets evacuated, by writes and by the collector
  std::uint64_t evacuated_by_collector_total = 0;  // the part of the above done without a write
  // Table bytes (bucket + overflow + oldbucket) given back by maintenance: each shrink, and each
  // grow that evacuate() worked on, adds what the table shrank by from the moment maintenance
  // joined it (before a shrink's new array) to its end, whether evacuate() or a write ended it.
  std::uint64_t maintenance_reclaimed_bytes_total = 0;
  std::uint64_t inserts_total = 0;
  std::uint64_t updates_total = 0;
  std::uint64_t deletes_total = 0;
  double grow_started_unix_seconds = 0;  // wall-clock start of the current grow, 0 when none
  // The load factor past which the map grows: entries per bucket (6.5, or 6.0 under the go1.21
  // profile); for a Swiss-table Go map read by the agent, entries per slot (7/8).
  double load_factor_limit = 0;
  std::array<std::uint64_t, kChainLengthCells> chain_lengths{};
  bool growing = false;
  bool same_size_grow = false;
  bool shrinking = false;  // the grow in progress is a shrink

  // Every byte the map holds from its allocator (the header object itself excluded).
  std::uint64_t total_bytes() const {
    return bucket_bytes + overflow_bytes + oldbucket_bytes + indirect_bytes;
  }
};

}  // namespace mapcore
