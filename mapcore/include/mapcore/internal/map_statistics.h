// MapStatistics: what a map counts and how another thread reads it while the owner writes.
//
// Two paths, both free of locks and of read-modify-write instructions on the owner's side:
//   - per-operation counters (entries, inserts, updates, deletes here; out-of-line bytes in
//     entries.h) are OwnerCounters, relaxed atomics that the owner stores and any thread loads;
//   - the table's shape (B, grow state, bytes, growth totals, chain lengths) is a MapStats that
//     the owner republishes through StatsSeqlock only after a write that changed it.
// The owner stores a sequence counter before and after copying the snapshot; readers retry while
// the counter is odd or moved, so they never see a torn snapshot. Every word is an atomic with
// release stores and acquire loads instead of fences (ThreadSanitizer does not model fences); on
// x86 all of them are plain moves.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "mapcore/map_stats.h"
#include "mapcore/pause_histogram.h"

// MAPCORE_STATS=0 compiles the cross-thread statistics out (for measuring what they cost):
// Map::stats() is then only valid on the owner thread and the operation counters stay at zero.
#ifndef MAPCORE_STATS
#define MAPCORE_STATS 1
#endif

namespace mapcore::internal {

// Publishes a MapStats from the owner thread to readers on any thread.
class StatsSeqlock {
 public:
  static_assert(std::is_trivially_copyable_v<MapStats>);
  static constexpr std::size_t kWords = (sizeof(MapStats) + 7) / 8;

  // Owner thread only.
  void publish(const MapStats& stats) noexcept {
    std::array<std::uint64_t, kWords> words{};
    std::memcpy(words.data(), &stats, sizeof(MapStats));
    const std::uint64_t seq = sequence_.load(std::memory_order_relaxed);
    sequence_.store(seq + 1, std::memory_order_relaxed);
    // Release: a reader that sees any new word also sees the odd sequence stored before it.
    for (std::size_t i = 0; i < kWords; ++i) {
      words_[i].store(words[i], std::memory_order_release);
    }
    sequence_.store(seq + 2, std::memory_order_release);
  }

  // Any thread.
  MapStats read() const noexcept {
    std::array<std::uint64_t, kWords> words{};
    for (;;) {
      const std::uint64_t before = sequence_.load(std::memory_order_acquire);
      if ((before & 1) == 0) {
        // Acquire: the sequence is read again only after every word.
        for (std::size_t i = 0; i < kWords; ++i) {
          words[i] = words_[i].load(std::memory_order_acquire);
        }
        if (sequence_.load(std::memory_order_relaxed) == before) {
          break;
        }
      }
    }
    MapStats out;
    std::memcpy(static_cast<void*>(&out), words.data(), sizeof(MapStats));
    return out;
  }

 private:
  std::atomic<std::uint64_t> sequence_{0};
  std::array<std::atomic<std::uint64_t>, kWords> words_{};
};

// A counter written by one thread at a time and read by any: a relaxed load and store, no
// locked instruction on the owner's path.
class OwnerCounter {
 public:
  void add(std::uint64_t n) noexcept {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void sub(std::uint64_t n) noexcept {
    value_.store(value_.load(std::memory_order_relaxed) - n, std::memory_order_relaxed);
  }
  void set(std::uint64_t n) noexcept { value_.store(n, std::memory_order_relaxed); }
  std::uint64_t get() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// The chain-length distribution of the current bucket array (MapStats::chain_lengths), kept
// exact at O(1) per overflow bucket so that reading it never walks the table.
class ChainLengths {
 public:
  using Cells = std::array<std::uint64_t, kChainLengthCells>;

  // A fresh array: every chain is one bucket long.
  void reset(std::uint64_t buckets) noexcept {
    cells_.fill(0);
    cells_[0] = buckets;
  }
  // A chain of `length` buckets got one more.
  void extended(std::size_t length) noexcept {
    --cells_[cell(length)];
    ++cells_[cell(length + 1)];
  }
  const Cells& cells() const noexcept { return cells_; }

 private:
  static std::size_t cell(std::size_t length) noexcept { return std::min(length, kChainLengthCells) - 1; }
  Cells cells_{};
};

// A map's counters and its published snapshot. The owner calls the count_ and publish functions
// (only on its thread, one at a time); read() and write_pauses() are safe from any thread.
class MapStatistics {
 public:
  // ---- owner thread --------------------------------------------------------------------

  void count_insert(std::uint64_t entries) noexcept {
#if MAPCORE_STATS
    entries_.set(entries);
    inserts_.add(1);
#else
    (void)entries;
#endif
  }
  void count_update() noexcept {
#if MAPCORE_STATS
    updates_.add(1);
#endif
  }
  void count_delete(std::uint64_t entries) noexcept {
#if MAPCORE_STATS
    entries_.set(entries);
    deletes_.add(1);
#else
    (void)entries;
#endif
  }
  void count_cleared() noexcept {
    entries_.set(0);
  }

  void count_doubling() noexcept {
    ++totals_.doublings;
  }
  void count_same_size_grow() noexcept {
    ++totals_.same_size_grows;
  }
  void count_shrink() noexcept {
    ++totals_.shrinks;
  }
  void count_evacuated_bucket() noexcept {
    ++totals_.evacuated;
  }
  void count_evacuated_by_collector(std::uint64_t buckets) noexcept {
    totals_.evacuated_by_collector += buckets;
  }
  // A grow that maintenance took part in ended: the table went from `before` to `after` bytes.
  void count_maintenance_reclaimed(std::uint64_t before, std::uint64_t after) noexcept {
    if (before > after) {
      totals_.maintenance_reclaimed_bytes += before - after;
    }
  }

  // The table's shape changed: the next finish_write() republishes it.
  void shape_changed() noexcept {
    dirty_ = true;
  }

  // The end of every write: records the growth work it did (if any) as a write pause, and
  // republishes the shape when it changed. shape() builds the snapshot; it runs only then.
  template <class ShapeFn>
  void finish_write(std::chrono::nanoseconds growth_time, ShapeFn&& shape) {
    if (growth_time.count() != 0) {
      write_pauses_.record(growth_time);
    }
    if (dirty_) {
      publish(shape());
    }
  }

  void publish(const MapStats& shape) noexcept {
    dirty_ = false;
#if MAPCORE_STATS
    published_.publish(shape);
#else
    (void)shape;
#endif
  }

  // Copies the growth totals into a snapshot of the shape.
  void fill_totals(MapStats& s) const noexcept {
    s.grows_double_total = totals_.doublings;
    s.grows_same_size_total = totals_.same_size_grows;
    s.shrinks_total = totals_.shrinks;
    s.evacuated_buckets_total = totals_.evacuated;
    s.evacuated_by_collector_total = totals_.evacuated_by_collector;
    s.maintenance_reclaimed_bytes_total = totals_.maintenance_reclaimed_bytes;
  }

  // ---- any thread ----------------------------------------------------------------------

  // The last published shape with the live operation counters.
  MapStats read() const noexcept {
    MapStats out = published_.read();
    out.entries = entries_.get();
    out.inserts_total = inserts_.get();
    out.updates_total = updates_.get();
    out.deletes_total = deletes_.get();
    return out;
  }

  PauseHistogramSnapshot write_pauses() const {
    return write_pauses_.snapshot();
  }

 private:
  struct GrowthTotals {  // owner only: they reach readers through the published shape
    std::uint64_t doublings = 0;
    std::uint64_t same_size_grows = 0;
    std::uint64_t shrinks = 0;
    std::uint64_t evacuated = 0;               // old buckets evacuated, by writes and by evacuate()
    std::uint64_t evacuated_by_collector = 0;  // the part of the above done by evacuate()
    std::uint64_t maintenance_reclaimed_bytes = 0;
  };

  GrowthTotals totals_;
  bool dirty_ = false;  // the shape changed since it was last published
  StatsSeqlock published_;
  OwnerCounter entries_;
  OwnerCounter inserts_;
  OwnerCounter updates_;
  OwnerCounter deletes_;
  PauseHistogram write_pauses_;
};

}  // namespace mapcore::internal
