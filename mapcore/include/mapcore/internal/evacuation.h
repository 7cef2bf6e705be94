// Evacuation's parts: the state of a grow in progress and the destination chains an old bucket's
// entries move into.
//
// Map decides when a grow starts, which old buckets are evacuated and when the grow ends (map.h,
// "Growing"). This header owns what that work keeps and walks: Grow, the kind of grow, the
// evacuation cursor (Go's nevacuate), how many old buckets are done and whether maintenance took
// part, with the MapStats figures they decide; Destination, the cell of a destination chain the
// next moved entry goes to; and the count of overflow buckets a move needs, which Map reserves
// before moving anything so that the move itself cannot fail.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "mapcore/internal/bucket.h"
#include "mapcore/internal/map_statistics.h"
#include "mapcore/map_stats.h"

namespace mapcore::internal {

enum class GrowKind : std::uint8_t { None, Double, SameSize, Shrink };

// The grow in progress: what kind, and how far evacuation got (read by Map::stats() from any
// thread, hence the counters).
struct Grow {
  GrowKind kind = GrowKind::None;
  OwnerCounter cursor;     // nevacuate: old buckets below it are evacuated
  OwnerCounter evacuated;  // old buckets evacuated in this grow, at the cursor or not
  double started_unix_seconds = 0;
  // Maintenance (a shrink, or evacuate()) took part in this grow, when the table held this many
  // bytes; its end is credited to MapStats::maintenance_reclaimed_bytes_total.
  bool maintained = false;
  std::uint64_t bytes_when_maintained = 0;

  // A fresh grow of this kind, started now.
  void start(GrowKind new_kind) {
    *this = Grow{};
    kind = new_kind;
    started_unix_seconds =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  }

  void mark_maintained(std::uint64_t table_bytes) noexcept {
    maintained = true;
    bytes_when_maintained = table_bytes;
  }

  // The figures of the grow that change only with the shape (owner thread).
  void describe_shape(MapStats& s, std::uint64_t old_buckets) const noexcept {
    s.growing = kind != GrowKind::None;
    s.same_size_grow = kind == GrowKind::SameSize;
    s.shrinking = kind == GrowKind::Shrink;
    s.old_buckets = s.growing ? old_buckets : 0;
    s.grow_started_unix_seconds = started_unix_seconds;
  }

  // The evacuation progress, added to a published shape; any thread (the shape, not `kind`, says
  // whether a grow is in progress).
  void add_live(MapStats& s) const noexcept {
    s.evacuated = s.growing ? cursor.get() : 0;
    s.evacuation_pending = s.growing ? s.old_buckets - evacuated.get() : 0;
  }
};

// Where evacuation writes next: a destination chain and a cell in it.
template <class Bucket>
struct Destination {
  Bucket* bucket = nullptr;
  std::size_t index = 0;
  std::size_t chain_length = 1;

  // Moves to the next empty cell of the chain, extending the chain with new_overflow(tail,
  // chain_length) when it is full. A doubling's destinations start empty, so this packs entries
  // densely as Go does; a shrink's may already hold entries (several old buckets feed one new
  // bucket).
  template <class NewOverflow>
  void advance_to_free_cell(NewOverflow&& new_overflow) {
    for (;;) {
      if (index == kSlots) {
        bucket = bucket->overflow == nullptr ? new_overflow(bucket, chain_length) : bucket->overflow;
        ++chain_length;
        index = 0;
      }
      if (is_empty_cell(bucket->tophash[index])) {
        return;
      }
      ++index;
    }
  }
};

// X: the same index (or, shrinking, the index in the smaller array); Y: index + old size, in a
// doubling only (else its bucket is null).
template <class Bucket>
using Destinations = std::array<Destination<Bucket>, 2>;

// A doubling's or same-size grow's destinations are untouched zeroed buckets (only their old
// bucket feeds them, and it is evacuated before any write reaches them). Storing the null they
// already hold before anything reads them makes a fresh page fault in once, writable, instead
// of twice: first mapped to the shared zero page by the read, then copied on the write.
template <class Bucket>
void write_before_reading(const Destinations<Bucket>& destinations) noexcept {
  for (const Destination<Bucket>& destination : destinations) {
    if (destination.bucket != nullptr) {
      destination.bucket->overflow = nullptr;
    }
  }
}

// How many overflow buckets moving the chain of old_bucket needs: the live entries bound for each
// destination (destination_of(b, i) says which) beyond the empty cells of its chain, in buckets.
template <class Bucket, class DestinationOf>
std::size_t overflow_needed(Bucket* old_bucket, const Destinations<Bucket>& destinations,
                            DestinationOf&& destination_of) {
  std::array<std::size_t, 2> entries{};
  for (Bucket* b = old_bucket; b != nullptr; b = b->overflow) {
    for (std::size_t i = 0; i < kSlots; ++i) {
      if (b->tophash[i] >= kMinTopHash) {
        ++entries[destination_of(b, i)];
      }
    }
  }
  std::size_t needed = 0;
  for (std::size_t d = 0; d < 2; ++d) {
    if (destinations[d].bucket == nullptr) {
      continue;
    }
    const std::size_t free_cells = free_cells_in_chain(destinations[d].bucket);
    if (entries[d] > free_cells) {
      needed += (entries[d] - free_cells + kSlots - 1) / kSlots;
    }
  }
  return needed;
}

}  // namespace mapcore::internal
