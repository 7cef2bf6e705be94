#include "map_reader.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "agreed_reads.h"
#include "mapcore/go_layout.h"

namespace mapscope::goproc {
namespace {

constexpr int kWalkAttempts = 3;                    // walks redone because the map changed under them
constexpr std::uint64_t kMaxChainLength = 1 << 12;  // longer is a corrupt or changing chain
constexpr std::uint64_t kSameSizeGrowFlag = 8;
constexpr std::uint8_t kEvacuatedFirst = 2;  // evacuatedX
constexpr std::uint8_t kEvacuatedLast = 4;   // evacuatedEmpty

MapHeader decode_header(const unsigned char* bytes, const ClassicMapLayout& layout) {
  MapHeader h;
  h.count = field_value(bytes, layout.count);
  h.flags = field_value(bytes, layout.flags);
  h.log2_buckets = field_value(bytes, layout.log2_buckets);
  h.noverflow = field_value(bytes, layout.noverflow);
  h.hash0 = field_value(bytes, layout.hash0);
  h.buckets = field_value(bytes, layout.buckets);
  h.oldbuckets = field_value(bytes, layout.oldbuckets);
  h.nevacuate = field_value(bytes, layout.nevacuate);
  h.extra = field_value(bytes, layout.extra);
  return h;
}

// A bucket array's chains: the overflow pointers of `count` buckets, followed level by level.
struct ArrayChains {
  std::uint64_t overflow = 0;
  std::uint64_t allocated_alone = 0;
  std::array<std::uint64_t, mapcore::kChainLengthCells> chain_lengths{};
};

RemoteStatus walk_chains(RemoteMemory& memory, const MapTypeLayout& type, std::uint64_t array,
                         std::uint64_t count, std::uint64_t allocation_bytes, ArrayChains& out) {
  out = {};
  struct Link {
    std::uint64_t bucket_index;
    std::uint64_t pointer;
  };
  std::vector<Link> frontier(count);
  std::vector<RemotePiece> pieces(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    frontier[i] = {i, 0};
    pieces[i] = {array + i * type.bucket_size + type.overflow_offset, &frontier[i].pointer,
                 sizeof(std::uint64_t)};
  }
  std::vector<std::uint64_t> lengths(count, 1);
  for (std::uint64_t level = 0; !pieces.empty(); ++level) {
    const auto status = memory.read(pieces);
    if (status != RemoteStatus::kOk) {
      return status;
    }
    if (level == kMaxChainLength) {
      return RemoteStatus::kBadAddress;
    }
    // The last preallocated bucket points at the array's start as an end marker: not a link.
    std::erase_if(frontier, [array](const Link& link) { return link.pointer == 0 || link.pointer == array; });
    pieces.resize(frontier.size());
    for (std::size_t i = 0; i < frontier.size(); ++i) {
      const auto pointer = frontier[i].pointer;
      ++lengths[frontier[i].bucket_index];
      ++out.overflow;
      if (pointer < array || pointer >= array + allocation_bytes) {
        ++out.allocated_alone;
      }
      pieces[i] = {pointer + type.overflow_offset, &frontier[i].pointer, sizeof(std::uint64_t)};
    }
  }
  for (const auto length : lengths) {
    ++out.chain_lengths[std::min<std::uint64_t>(length, mapcore::kChainLengthCells) - 1];
  }
  return RemoteStatus::kOk;
}

// The overflow buckets listed in mapextra (pointer-free maps): *overflow or *oldoverflow.
RemoteStatus read_overflow_list(RemoteMemory& memory, const ClassicMapLayout& layout,
                                std::uint64_t slice_address, std::vector<std::uint64_t>& list) {
  list.clear();
  if (slice_address == 0) {
    return RemoteStatus::kOk;
  }
  std::vector<unsigned char> slice(layout.slice_size);
  auto status = memory.read(slice_address, slice.data(), slice.size());
  if (status != RemoteStatus::kOk) {
    return status;
  }
  const auto array = field_value(slice.data(), layout.slice_array);
  const auto length = field_value(slice.data(), layout.slice_len);
  if (length * sizeof(std::uint64_t) > memory.remaining_budget()) {
    return RemoteStatus::kOverBudget;
  }
  list.resize(length);
  return length == 0 ? RemoteStatus::kOk : memory.read(array, list.data(), length * sizeof(std::uint64_t));
}

std::uint64_t old_bucket_count(const MapHeader& h) {
  const bool same_size = (h.flags & kSameSizeGrowFlag) != 0;
  return std::uint64_t{1} << (same_size || h.log2_buckets == 0 ? h.log2_buckets : h.log2_buckets - 1);
}

std::uint8_t old_log2(const MapHeader& h) {
  return static_cast<std::uint8_t>(std::countr_zero(old_bucket_count(h)));
}

// Walks the current array's chains and finds the old array's overflow buckets allocated alone.
RemoteStatus walk(RemoteMemory& memory, const GoBinary& binary, const MapTypeLayout& type, const MapHeader& h,
                  ChainWalk& out) {
  out = {};
  const auto& layout = binary.classic;
  const auto array =
      mapcore::go::bucket_array_layout(static_cast<std::uint8_t>(h.log2_buckets), type.bucket_size);
  ArrayChains current;
  auto status =
      walk_chains(memory, type, h.buckets, std::uint64_t{1} << h.log2_buckets, array.bytes, current);
  if (status != RemoteStatus::kOk) {
    return status;
  }
  out.overflow_buckets = current.overflow;
  out.overflow_allocated_alone = current.allocated_alone;
  out.chain_lengths = current.chain_lengths;
  if (h.oldbuckets == 0 && !type.pointer_free) {
    return RemoteStatus::kOk;
  }
  std::uint64_t overflow_list = 0;
  std::uint64_t oldoverflow_list = 0;
  if (type.pointer_free && h.extra != 0) {
    std::vector<unsigned char> extra(layout.mapextra_size);
    status = memory.read(h.extra, extra.data(), extra.size());
    if (status != RemoteStatus::kOk) {
      return status;
    }
    overflow_list = field_value(extra.data(), layout.extra_overflow);
    oldoverflow_list = field_value(extra.data(), layout.extra_oldoverflow);
  }
  if (type.pointer_free) {
    // Every overflow bucket handed out is listed: the chains must hold exactly those.
    std::vector<std::uint64_t> listed;
    status = read_overflow_list(memory, layout, overflow_list, listed);
    if (status != RemoteStatus::kOk) {
      return status;
    }
    if (listed.size() != current.overflow) {
      return RemoteStatus::kBadAddress;
    }
  }
  if (h.oldbuckets == 0) {
    return RemoteStatus::kOk;
  }
  const auto old_array = mapcore::go::bucket_array_layout(old_log2(h), type.bucket_size);
  if (type.pointer_free) {
    // Old overflow buckets stay listed (so alive) until the grow ends.
    std::vector<std::uint64_t> listed;
    status = read_overflow_list(memory, layout, oldoverflow_list, listed);
    if (status != RemoteStatus::kOk) {
      return status;
    }
    for (const auto pointer : listed) {
      if (pointer < h.oldbuckets || pointer >= h.oldbuckets + old_array.bytes) {
        ++out.old_overflow_allocated_alone;
      }
    }
    return RemoteStatus::kOk;
  }
  // Otherwise only the chains hold them; evacuation cuts an old bucket's chain loose.
  ArrayChains old;
  status = walk_chains(memory, type, h.oldbuckets, old_bucket_count(h), old_array.bytes, old);
  out.old_overflow_allocated_alone = old.allocated_alone;
  return status;
}

// Old buckets not yet evacuated: those from the cursor on whose tophash[0] is no evacuation mark.
RemoteStatus count_pending(RemoteMemory& memory, const MapTypeLayout& type, const MapHeader& h,
                           std::uint64_t& pending) {
  const auto old_count = old_bucket_count(h);
  const auto first = std::min(h.nevacuate, old_count);
  std::vector<std::uint8_t> marks(old_count - first);
  std::vector<RemotePiece> pieces(marks.size());
  for (std::size_t i = 0; i < marks.size(); ++i) {
    pieces[i] = {h.oldbuckets + (first + i) * type.bucket_size, &marks[i], 1};
  }
  const auto status = memory.read(pieces);
  pending = static_cast<std::uint64_t>(std::count_if(marks.begin(), marks.end(), [](std::uint8_t mark) {
    return mark < kEvacuatedFirst || mark > kEvacuatedLast;
  }));
  return status;
}

mapcore::MapStats stats_of(const MapTypeLayout& type, const MapHeader& h, const ChainWalk& walk,
                           std::uint64_t pending) {
  mapcore::MapStats s;
  s.entries = h.count;
  s.log2_buckets = h.log2_buckets;
  s.buckets = std::uint64_t{1} << h.log2_buckets;
  s.noverflow = h.noverflow;
  s.indirect_bytes = h.count * (type.indirect_key_bytes + type.indirect_value_bytes);
  if (h.buckets == 0) {
    return s;  // no array yet: make(map) allocates it on the first insert
  }
  const auto bucket_alone = mapcore::go::overflow_bucket_bytes(type.bucket_size);
  s.bucket_bytes =
      mapcore::go::bucket_array_layout(static_cast<std::uint8_t>(h.log2_buckets), type.bucket_size).bytes;
  s.overflow_buckets = walk.overflow_buckets;
  s.overflow_bytes = walk.overflow_allocated_alone * bucket_alone;
  s.chain_lengths = walk.chain_lengths;
  if (h.oldbuckets != 0) {
    s.growing = true;
    s.same_size_grow = (h.flags & kSameSizeGrowFlag) != 0;
    s.old_buckets = old_bucket_count(h);
    s.evacuated = h.nevacuate;
    s.evacuation_pending = pending;
    s.oldbucket_bytes = mapcore::go::bucket_array_layout(old_log2(h), type.bucket_size).bytes +
                        walk.old_overflow_allocated_alone * bucket_alone;
  }
  return s;
}

}  // namespace

RemoteStatus read_map_headers(RemoteMemory& memory, const ClassicMapLayout& layout,
                              std::span<const std::uint64_t> addresses,
                              std::vector<std::optional<MapHeader>>& headers,
                              std::vector<std::optional<ReadFailure>>& failures) {
  return read_agreed_structs(
      memory, layout.hmap_size, addresses, "reading the map header",
      [&layout](const unsigned char* bytes) { return decode_header(bytes, layout); }, headers, failures);
}

std::uint64_t header_bytes(const MapTypeLayout& type, const MapHeader& header) {
  std::uint64_t bytes = header.count * (type.indirect_key_bytes + type.indirect_value_bytes);
  if (header.buckets != 0) {
    bytes +=
        mapcore::go::bucket_array_layout(static_cast<std::uint8_t>(header.log2_buckets), type.bucket_size)
            .bytes;
  }
  if (header.oldbuckets != 0) {
    bytes += mapcore::go::bucket_array_layout(old_log2(header), type.bucket_size).bytes;
  }
  return bytes;
}

std::variant<mapcore::MapStats, ReadFailure> read_map_stats(RemoteMemory& memory, const GoBinary& binary,
                                                            const MapTypeLayout& type,
                                                            std::uint64_t header_address,
                                                            const MapHeader& header, MapCache& cache,
                                                            double now_unix_seconds) {
  if (header.log2_buckets > 40 || (header.oldbuckets != 0 && header.buckets == 0)) {
    return ReadFailure::of(failure_kind::kInconsistent, "the map header holds impossible values");
  }
  MapHeader h = header;
  for (int attempt = 0; attempt < kWalkAttempts; ++attempt) {
    // Chains change only with the arrays, B, noverflow or a clear (new hash0); from B = 16 Go
    // counts overflow buckets only now and then, so there a changed count counts as well.
    const bool cached = cache.walked && cache.walked->same_shape(h) &&
                        (h.log2_buckets < 16 || cache.walked->count == h.count);
    ChainWalk chains = cache.walk;
    if (h.buckets != 0 && !cached) {
      const auto status = walk(memory, binary, type, h, chains);
      if (is_fatal(status) || status == RemoteStatus::kOverBudget) {
        return failure_of(status, "walking the bucket chains");
      }
      // The walk is good only if the map kept its shape meanwhile.
      const auto again = read_agreed_struct(
          memory, binary.classic.hmap_size, header_address, "reading the map header",
          [&binary](const unsigned char* bytes) { return decode_header(bytes, binary.classic); });
      if (const auto* failure = std::get_if<ReadFailure>(&again)) {
        return *failure;
      }
      const auto& current = std::get<MapHeader>(again);
      if (status != RemoteStatus::kOk || !current.same_shape(h)) {
        h = current;
        continue;
      }
    }
    std::uint64_t pending = 0;
    if (h.oldbuckets != 0) {
      if (cache.pending && cache.pending_oldbuckets == h.oldbuckets &&
          cache.pending_nevacuate == h.nevacuate) {
        pending = *cache.pending;
      } else {
        const auto status = count_pending(memory, type, h, pending);
        if (status != RemoteStatus::kOk) {
          return failure_of(status, "reading the old buckets' evacuation marks");
        }
        cache.pending = pending;
        cache.pending_oldbuckets = h.oldbuckets;
        cache.pending_nevacuate = h.nevacuate;
      }
    }
    if (h.buckets != 0 && !cached) {
      cache.walked = h;
      cache.walk = chains;
    }
    auto stats = stats_of(type, h, chains, pending);
    if (stats.growing) {
      if (cache.grow_oldbuckets != h.oldbuckets) {
        cache.grow_oldbuckets = h.oldbuckets;
        cache.grow_started_unix_seconds = now_unix_seconds;
      }
      stats.grow_started_unix_seconds = cache.grow_started_unix_seconds;
    } else {
      cache.grow_oldbuckets = 0;
      cache.grow_started_unix_seconds = 0;
    }
    return stats;
  }
  return ReadFailure::of(failure_kind::kInconsistent,
                         "the map changed shape during every walk of its buckets");
}

}  // namespace mapscope::goproc
