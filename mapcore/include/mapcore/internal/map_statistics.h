// MapStatistics: what a map counts and how another thread reads it while the owner writes.
//
// A MapStats has two kinds of figures, and neither costs the owner a lock or a read-modify-write
// instruction:
//   - live figures, which ordinary writes move (entries, operation counts, overflow buckets,
//     chain lengths, evacuation progress, out-of-line bytes): OwnerCounters, atomics that the
//     owner keeps as its own state or beside it and any thread loads; a write pays one plain
//     store for each;
//   - the table's shape (B, the arrays' bytes, the grow in progress, grow totals), which changes
//     only when an array is installed, a grow starts or ends, or the map is cleared: a MapStats
//     published through StatsSeqlock.
// The owner makes the sequence counter odd before it changes the shape (begin_shape_change) and
// publishes the new shape, making it even, when the write ends (MapStatistics::publish). A reader
// copies the shape and loads the live figures between two reads of the sequence, and retries
// while it is odd or moved, so it never mixes one shape with the live figures of another, and
// never sees a torn value. The live figures are kept so that any moment's values are consistent
// with each other (see ChainLengths). Every word is an atomic with release stores and acquire
// loads instead of fences (ThreadSanitizer does not model fences); on x86 all of them are plain
// moves.
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

  // Owner thread only: the shape is about to change; readers wait until publish().
  void begin_change() noexcept {
    const std::uint64_t seq = sequence_.load(std::memory_order_relaxed);
    // Relaxed is enough: every store after it releases, so a reader that loads any of them
    // sees this odd sequence when it reads the sequence again.
    sequence_.store(seq + 1, std::memory_order_relaxed);
  }

  // Owner thread only, after begin_change().
  void publish(const MapStats& stats) noexcept {
    std::array<std::uint64_t, kWords> words{};
    std::memcpy(words.data(), &stats, sizeof(MapStats));
    for (std::size_t i = 0; i < kWords; ++i) {
      words_[i].store(words[i], std::memory_order_release);
    }
    sequence_.store(sequence_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  }

  // Any thread: the published shape, with add_live(shape) run on it inside the same sequence,
  // so that its loads (acquire, like the words') see the live figures of that shape.
  template <class AddLive>
  MapStats read(AddLive&& add_live) const noexcept {
    std::array<std::uint64_t, kWords> words{};
    for (;;) {
      const std::uint64_t before = sequence_.load(std::memory_order_acquire);
      if ((before & 1) == 0) {
        // Acquire: the sequence is read again only after every word and live figure.
        for (std::size_t i = 0; i < kWords; ++i) {
          words[i] = words_[i].load(std::memory_order_acquire);
        }
        MapStats out;
        std::memcpy(static_cast<void*>(&out), words.data(), sizeof(MapStats));
        add_live(out);
        if (sequence_.load(std::memory_order_relaxed) == before) {
          return out;
        }
      }
    }
  }

 private:
  std::atomic<std::uint64_t> sequence_{0};
  std::array<std::atomic<std::uint64_t>, kWords> words_{};
};

// A figure written by one thread at a time and read by any: a load and a store, no locked
// instruction on the owner's path. Stores release and loads acquire, so that a reader that
// loads a later figure first sees every earlier store of the owner (ChainLengths relies on it;
// on x86 these are plain moves). Copying copies the value (the owner's state is copied whole).
template <class T>
class BasicOwnerCounter {
 public:
  BasicOwnerCounter() = default;
  BasicOwnerCounter(const BasicOwnerCounter& other) noexcept : value_(other.get()) {}
  BasicOwnerCounter& operator=(const BasicOwnerCounter& other) noexcept {
    set(other.get());
    return *this;
  }

  void add(T n) noexcept { set(static_cast<T>(get() + n)); }
  void sub(T n) noexcept { set(static_cast<T>(get() - n)); }
  void set(T n) noexcept { value_.store(n, std::memory_order_release); }
  T get() const noexcept { return value_.load(std::memory_order_acquire); }

 private:
  std::atomic<T> value_{0};
};

using OwnerCounter = BasicOwnerCounter<std::uint64_t>;

// The chain-length distribution of the current bucket array (MapStats::chain_lengths), kept
// exact at one store per overflow bucket so that reading it never walks the table. It counts,
// for each length L from 2 to kChainLengthCells, how many chains ever reached L buckets; the
// chains of length exactly L are those that reached L and not L + 1. A chain reaches L + 1 only
// after L, so a reader that loads the longest lengths first never sees a difference below zero,
// and the cells always add up to the number of buckets.
class ChainLengths {
 public:
  using Cells = std::array<std::uint64_t, kChainLengthCells>;

  // A fresh array: every chain is one bucket long. Only inside a shape change.
  void reset() noexcept {
    for (OwnerCounter& reached : reached_) {
      reached.set(0);
    }
  }
  // A chain of `length` buckets got one more.
  void extended(std::size_t length) noexcept {
    if (length < kChainLengthCells) {
      reached_[length - 1].add(1);  // reached_[i] counts chains of at least i + 2 buckets
    }
  }
  // The distribution over `buckets` chains; any thread.
  Cells cells(std::uint64_t buckets) const noexcept {
    Cells out{};
    std::uint64_t longer = 0;  // chains longer than the length at hand
    for (std::size_t length = kChainLengthCells; length > 1; --length) {
      const std::uint64_t reached = reached_[length - 2].get();
      out[length - 1] = reached - longer;
      longer = reached;
    }
    out[0] = buckets - longer;
    return out;
  }

 private:
  std::array<OwnerCounter, kChainLengthCells - 1> reached_{};
};

// A map's counters and its published shape. The owner calls the count_, shape and publish
// functions (only on its thread, one at a time); read() and write_pauses() are safe from any
// thread.
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
    evacuated_total_.add(1);
  }
  void count_evacuated_by_collector(std::uint64_t buckets) noexcept {
    evacuated_by_collector_total_.add(buckets);
  }
  // A grow that maintenance took part in ended: the table went from `before` to `after` bytes.
  void count_maintenance_reclaimed(std::uint64_t before, std::uint64_t after) noexcept {
    if (before > after) {
      totals_.maintenance_reclaimed_bytes += before - after;
    }
  }

  // The table's shape is about to change (call it before changing anything): readers wait until
  // the write that changes it publishes the new shape. Several changes in one write are one.
  void begin_shape_change() noexcept {
    if (!changing_) {
      changing_ = true;
#if MAPCORE_STATS
      published_.begin_change();
#endif
    }
  }

  // The end of every write: records the growth work it did (if any) as a write pause.
  void record_write_pause(std::chrono::nanoseconds growth_time) {
    if (growth_time.count() != 0) {
      write_pauses_.record(growth_time);
    }
  }

  // Publishes the shape when a change is under way (or always, with `force`, for the first).
  // shape() builds it; it runs only then.
  template <class ShapeFn>
  void publish_shape(ShapeFn&& shape, bool force = false) noexcept {
    if (!changing_ && !force) {
      return;
    }
    begin_shape_change();
    changing_ = false;
#if MAPCORE_STATS
    published_.publish(shape());
#else
    (void)shape;
#endif
  }

  // Copies the growth totals of the shape into a snapshot.
  void fill_totals(MapStats& s) const noexcept {
    s.grows_double_total = totals_.doublings;
    s.grows_same_size_total = totals_.same_size_grows;
    s.shrinks_total = totals_.shrinks;
    s.maintenance_reclaimed_bytes_total = totals_.maintenance_reclaimed_bytes;
  }

  // ---- any thread ----------------------------------------------------------------------

  // The live counters kept here.
  void add_live(MapStats& s) const noexcept {
    s.entries = entries_.get();
    s.inserts_total = inserts_.get();
    s.updates_total = updates_.get();
    s.deletes_total = deletes_.get();
    s.evacuated_buckets_total = evacuated_total_.get();
    s.evacuated_by_collector_total = evacuated_by_collector_total_.get();
  }

  // The last published shape, with add_live(shape) run inside the same sequence: the map adds the
  // live figures it keeps (and this class's, with add_live above).
  template <class AddLive>
  MapStats read(AddLive&& add_live_figures) const noexcept {
    return published_.read(add_live_figures);
  }

  PauseHistogramSnapshot write_pauses() const {
    return write_pauses_.snapshot();
  }

 private:
  struct GrowthTotals {  // owner only: they change with the shape and are published with it
    std::uint64_t doublings = 0;
    std::uint64_t same_size_grows = 0;
    std::uint64_t shrinks = 0;
    std::uint64_t maintenance_reclaimed_bytes = 0;
  };

  GrowthTotals totals_;
  bool changing_ = false;  // the shape is changing: the sequence is odd until publish_shape()
  StatsSeqlock published_;
  OwnerCounter entries_;
  OwnerCounter inserts_;
  OwnerCounter updates_;
  OwnerCounter deletes_;
  OwnerCounter evacuated_total_;               // old buckets evacuated, by writes and by evacuate()
  OwnerCounter evacuated_by_collector_total_;  // the part of the above done by evacuate()
  PauseHistogram write_pauses_;
};

// Publishes a map's shape at the end of a write that may have changed it, however the write ends
// (readers wait while a change is under way, so a write that throws must publish too). shape()
// builds the shape, as for MapStatistics::publish_shape().
template <class ShapeFn>
class ShapePublication {
 public:
  ShapePublication(MapStatistics& stats, ShapeFn shape) noexcept : stats_(stats), shape_(shape) {}
  ShapePublication(const ShapePublication&) = delete;
  ShapePublication& operator=(const ShapePublication&) = delete;
  ~ShapePublication() { stats_.publish_shape(shape_); }

 private:
  MapStatistics& stats_;
  ShapeFn shape_;
};

// How long work() took: the growth work a write does, for MapStatistics::record_write_pause().
template <class F>
std::chrono::nanoseconds timed(F&& work) {
  const auto start = std::chrono::steady_clock::now();
  work();
  return std::chrono::steady_clock::now() - start;
}

}  // namespace mapcore::internal
