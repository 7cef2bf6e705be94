// Reading classic Go maps (runtime.hmap) out of a live process: headers in batches, each read
// twice and used only when both agree; bucket chains walked and cached until the map's shape
// changes; everything turned into mapcore::MapStats with Go's sizing rules.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "go_binary.h"
#include "mapcore/map_stats.h"
#include "read_failure.h"
#include "remote_memory.h"

namespace mapscope::goproc {

// The fields of one runtime.hmap.
struct MapHeader {
  std::uint64_t count = 0;
  std::uint64_t flags = 0;
  std::uint64_t log2_buckets = 0;
  std::uint64_t noverflow = 0;
  std::uint64_t hash0 = 0;
  std::uint64_t buckets = 0;
  std::uint64_t oldbuckets = 0;
  std::uint64_t nevacuate = 0;
  std::uint64_t extra = 0;

  bool same_shape(const MapHeader& other) const {
    return log2_buckets == other.log2_buckets && noverflow == other.noverflow && hash0 == other.hash0 &&
           buckets == other.buckets && oldbuckets == other.oldbuckets && extra == other.extra;
  }
};

// Reads the headers at `addresses` (0: a nil map, left empty) twice per attempt until both reads
// agree, a few attempts at most. headers[i] is set, or failures[i] says why not.
// Returns kGone or kPermission when the process itself cannot be read.
RemoteStatus read_map_headers(RemoteMemory& memory, const ClassicMapLayout& layout,
                              std::span<const std::uint64_t> addresses,
                              std::vector<std::optional<MapHeader>>& headers,
                              std::vector<std::optional<ReadFailure>>& failures);

// What a walk of a map's bucket chains found, kept until the shape changes.
struct ChainWalk {
  std::uint64_t overflow_buckets = 0;  // overflow buckets chained off the current array
  std::uint64_t overflow_allocated_alone = 0;
  std::uint64_t old_overflow_allocated_alone = 0;
  std::array<std::uint64_t, mapcore::kChainLengthCells> chain_lengths{};
};

// One watched map's state between reads.
struct MapCache {
  std::optional<MapHeader> walked;  // the header the walk belongs to
  ChainWalk walk;
  std::uint64_t pending_oldbuckets = 0;  // the old array and cursor the pending count belongs to
  std::uint64_t pending_nevacuate = 0;
  std::optional<std::uint64_t> pending;
  std::uint64_t grow_oldbuckets = 0;  // the grow first seen at grow_started_unix_seconds
  double grow_started_unix_seconds = 0;
};

// The statistics of the map whose header is `header` (already read twice and agreed), walking its
// chains when the cache does not hold them. On failure the cache is left as it was.
std::variant<mapcore::MapStats, ReadFailure> read_map_stats(RemoteMemory& memory, const GoBinary& binary,
                                                            const MapTypeLayout& type,
                                                            std::uint64_t header_address,
                                                            const MapHeader& header, MapCache& cache,
                                                            double now_unix_seconds);

// The bytes a map holds by its header alone (arrays and out-of-line entries, not overflow
// allocated alone): for choosing the largest maps before walking any.
std::uint64_t header_bytes(const MapTypeLayout& type, const MapHeader& header);

}  // namespace mapscope::goproc
