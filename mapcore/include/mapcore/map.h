// mapcore::Map — a hash map that behaves like Go's classic runtime map, byte for byte.
//
// This file is the heart of mapcore. It reproduces the map of Go 1.19-1.23 (runtime/map.go)
// so that every memory effect a Go program meets can be reproduced, watched and measured from
// C++, and adds what Go never had: exact accounting of every byte, statistics that any thread
// can read while the owner writes, and growth work that can be done without a write.
//
// The table
// ---------
// A map is an array of 2^B buckets. Each bucket holds 8 entries: 8 one-byte "tophash" cells,
// then 8 keys and 8 values (each key beside its value where that takes the same bytes), then a
// pointer to an overflow bucket, Go's bucket size exactly (see internal/bucket.h). The
// low B bits of a key's hash select its bucket; the top 8 bits, its tophash, tell the entries of
// a bucket apart without comparing keys. When a bucket's 8 slots are full, further entries go to
// overflow buckets chained from it. Tophash values below 5 mark cell states instead: empty,
// "empty and so is everything after me in this chain" (which lets lookups stop early), and the
// evacuation marks below.
//
// Keys and values larger than 128 bytes are stored out of line: the slot holds a pointer to a
// separate allocation, as in Go.
//
// Growing
// -------
// Only inserting a new key can start a grow (updating an existing one never does), and only
// when no grow is in progress. Two kinds exist:
//   - doubling, when the map would hold more than 6.5 entries per bucket on average
//     (overLoadFactor; 6.0 under Profile::Go121), giving 2^(B+1) buckets;
//   - same-size, when there are too many overflow buckets for the array (noverflow >= 2^min(B,15)):
//     the same number of buckets, repacked densely, which drops chains that deletes left sparse.
// Starting a grow allocates the new array and keeps the old one. Nothing is moved yet.
//
// Evacuation is incremental and, as in Go, done only by writes: every insert, update or delete
// during a grow first evacuates the old bucket its key hashes to, then one more at the
// evacuation cursor. Evacuating a bucket moves its live entries (and those of its overflow
// chain) into the new array: in a doubling, to the same index ("X") or to index + 2^oldB ("Y")
// according to one more hash bit. An evacuated bucket keeps marks in its tophash cells, so a
// lookup knows to search the new array instead. When the cursor has passed every old bucket,
// the old array is freed. Reads never evacuate: a map that stops being written mid-grow keeps
// its old array alive beside the new one forever. That is Go's retained-old-bucket leak
// (golang/go#19094), and mapcore reproduces it on purpose under Maintenance::Go.
//
// A new array is zeroed memory from the allocator (calloc: fresh mmap pages for large arrays,
// not touched until used), so starting a grow costs no more than one allocation, and a write
// does at most two old buckets' worth of evacuation: no write ever rehashes the whole table.
// Only the array of Map(hint), which is about to be filled, is made resident at once, by the
// constructor (internal/page_population.h).
//
// Deleting never shrinks the array (golang/go#20135) and clear() keeps it too. Beyond Go, a map
// can shrink: shrink_to_fit() starts a "halving grow" into 2^B' buckets (B' < B), where the
// 2^(B-B') old buckets that share low bits feed one new bucket; it reuses the evacuation
// machinery, so its pauses are bounded like growth. evacuate() does growth work without a write,
// which is how a mapcore::Collector finishes stalled grows of maps that opted in
// (Maintenance::Active).
//
// Sizing and memory, as Go's allocator does it
// --------------------------------------------
// Map(hint) picks the smallest B that holds hint entries without exceeding the load factor.
// From B = 4 an array is allocated with 2^(B-4) extra buckets, used as overflow buckets before
// any is allocated alone, and every allocation is rounded up to Go's size classes (so that an
// array of 2^10 buckets of 144 bytes takes 163840 bytes and holds 1137 buckets). mapcore
// requests exactly those rounded sizes from its allocator, so its byte counts are both what Go
// would hold and what this map holds: bucket_bytes (main array), overflow_bytes (overflow
// buckets allocated one by one), oldbucket_bytes (old array and its overflow while growing) and
// indirect_bytes (out-of-line keys and values). The map object itself is not counted.
//
// Reading statistics from another thread
// --------------------------------------
// stats() is safe from any thread while the owner writes. The figures ordinary writes move
// (entries, operation counts, overflow buckets, chain lengths, evacuation progress) are atomics
// that the owner stores without a locked instruction; the shape of the table (B, the arrays,
// the grow in progress) is republished through a sequence lock only when an array is installed,
// a grow starts or ends, or the map is cleared (internal/map_statistics.h). A reader never blocks
// the owner and never sees a torn or inconsistent value.
//
// Concurrency
// -----------
// A Map has one writer at a time. As in Go, two threads writing at once (or reading while
// another writes) is detected and aborts with "concurrent map writes". mapcore::SharedMap wraps a
// Map with a lock for maps that several threads use.
//
// Where the parts live
// --------------------
// This file holds the interface, then lookups, writes and growth. What they are built from is in
// internal/: bucket.h (a bucket, its cells and chain walks), entries.h (creating, destroying and
// moving entries, out-of-line keys and values), bucket_arrays.h (the arrays, overflow buckets and
// the reservation evacuation makes), evacuation.h (the grow in progress and the destination
// chains evacuation fills), page_population.h (a hinted array made resident), map_statistics.h
// (the counters, the snapshot other threads read and its publication), shrink_rule.h (when a map
// is sparse) and hash_seed.h (the per-map seed). Go's figures are in go_layout.h.
//
// Where mapcore differs from Go, and why, is in docs/mapcore.md.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <utility>

#include "mapcore/allocator.h"
#include "mapcore/go_layout.h"
#include "mapcore/hash.h"
#include "mapcore/internal/bucket.h"
#include "mapcore/internal/bucket_arrays.h"
#include "mapcore/internal/entries.h"
#include "mapcore/internal/evacuation.h"
#include "mapcore/internal/hash_seed.h"
#include "mapcore/internal/map_statistics.h"
#include "mapcore/internal/shrink_rule.h"
#include "mapcore/internal/write_guard.h"
#include "mapcore/map_stats.h"
#include "mapcore/options.h"
#include "mapcore/pause_histogram.h"

namespace mapcore {

template <class K, class V, class Hash = mapcore::Hash<K>, class Eq = std::equal_to<>,
          MapAllocator Alloc = CallocAllocator>
class Map {
  using Bucket = internal::Bucket<K, V>;
  using Entries = internal::Entries<K, V, Alloc>;
  using Arrays = internal::BucketArrays<Bucket, Alloc>;
  using Array = typename Arrays::Array;
  static constexpr std::size_t kSlots = internal::kSlots;

  static_assert(alignof(Bucket) <= alignof(std::max_align_t), "buckets come from malloc-aligned memory");
  static_assert(internal::keeps_go_layout_bytes<K, V>(), "a bucket takes exactly the bytes of Go's bucket");

 public:
  using key_type = K;
  using mapped_type = V;

  explicit Map(std::size_t hint = 0, Options options = {}, Hash hash = Hash{}, Eq eq = Eq{},
               Alloc alloc = Alloc{})
      : options_(options),
        hash_(std::move(hash)),
        eq_(std::move(eq)),
        arrays_(std::move(alloc)),
        seed_(options.seed) {
    std::uint8_t log2 = 0;
    while (over_load_factor(hint, log2) && log2 < kMaxLog2Buckets) {
      ++log2;
    }
    if (log2 != 0) {
      arrays_.install_main(log2);  // like Go, no array for B = 0 until the first insert
      arrays_.populate_main();     // hinted: about to be filled, so resident now, not page by page
    }
    stats_.publish_shape([this] { return shape_stats(); }, /*force=*/true);
  }

  ~Map() { destroy_all_entries(); }  // then arrays_ frees the buckets

  // A map is tracked by address (exporters, collectors): it neither copies nor moves.
  Map(const Map&) = delete;
  Map& operator=(const Map&) = delete;

  // Inserts key -> value, or assigns value to an existing key. Returns true when the key was new.
  // Throws std::bad_alloc (with the contents unchanged) when memory runs out.
  bool insert_or_assign(const K& key, V value) {
    internal::WriteScope scope(writing_);
    const auto publication = shape_publication();
    const std::uint64_t hash = hash_of(key);
    if (main().buckets == nullptr) {
      stats_.begin_shape_change();
      arrays_.install_main(0);
    }
    std::chrono::nanoseconds growth_time{0};
    for (;;) {
      if (growing()) {
        growth_time += internal::timed([&] { grow_work(hash); });
      }
      const ChainSearch found = search_for_write(hash, key);
      if (found.match != nullptr) {
        found.match->value(found.match_index) = std::move(value);
        stats_.count_update();
        stats_.record_write_pause(growth_time);
        return false;
      }
      if (!growing() && needs_grow()) {
        growth_time += internal::timed([&] { start_grow(); });
        continue;  // growing invalidated the search: try again, now doing growth work
      }
      Bucket* target = found.free;
      std::size_t index = found.free_index;
      if (target == nullptr) {
        target = new_overflow(found.tail, found.chain_length);
        index = 0;
      }
      entries_.construct(arrays_.allocator(), target, index, key, std::move(value));
      target->tophash[index] = internal::tophash_of(hash);
      ++count_;
      stats_.count_insert(count_);
      stats_.record_write_pause(growth_time);
      return true;
    }
  }

  // The value stored for key, or nullptr. The pointer is valid until the next write. With a
  // transparent Hash and Eq (TransparentLookup, as for std::string keys by default), key may be
  // anything they take: find(std::string_view) on a Map<std::string, V> builds no std::string.
  V* find(const K& key) { return const_cast<V*>(std::as_const(*this).find(key)); }
  const V* find(const K& key) const { return find_key(key); }
  template <class Q>
  requires TransparentLookup<Hash, Eq> V* find(const Q& key) { return const_cast<V*>(find_key(key)); }
  template <class Q>
  requires TransparentLookup<Hash, Eq>
  const V* find(const Q& key) const { return find_key(key); }

  // find for every key of `keys`: stores each value's pointer (or nullptr) at the same index of
  // `out`, which must be as long. The pointers are valid until the next write. Keys are taken in
  // groups of 8: a group's hashes are computed and its buckets prefetched before any of them is
  // searched, so that the group's cache misses overlap instead of following one another. Keys may
  // be of any type find takes (a span of string_views for a Map<std::string, V>).
  template <class Q = K>
  requires std::same_as<Q, K> || TransparentLookup<Hash, Eq>
  void find_many(std::span<const Q> keys, std::span<const V*> out) const {
    writing_.check_read();
    constexpr std::size_t kGroup = 8;
    std::array<std::uint64_t, kGroup> hashes;
    for (std::size_t first = 0; first < keys.size(); first += kGroup) {
      const std::size_t group = std::min(kGroup, keys.size() - first);
      if (count_ == 0) {
        std::fill_n(out.begin() + static_cast<std::ptrdiff_t>(first), group, nullptr);
        continue;
      }
      for (std::size_t i = 0; i < group; ++i) {
        hashes[i] = hash_of(keys[first + i]);
        if (!growing()) {
          const Bucket* bucket = main().bucket_for(hashes[i]);
          __builtin_prefetch(bucket);  // the tophash line, whatever the bucket's size
          bucket->prefetch();          // every line, for buckets of at most four
        }
      }
      for (std::size_t i = 0; i < group; ++i) {
        out[first + i] = find_hashed(keys[first + i], hashes[i]);
      }
    }
  }

  bool contains(const K& key) const { return find_key(key) != nullptr; }
  template <class Q>
  requires TransparentLookup<Hash, Eq>
  bool contains(const Q& key) const { return find_key(key) != nullptr; }

  // Removes key. Returns true when it was present. Never shrinks the array.
  bool erase(const K& key) {
    internal::WriteScope scope(writing_);
    const auto publication = shape_publication();
    if (count_ == 0) {
      return false;  // like Go: an empty map does no growth work on delete
    }
    const std::uint64_t hash = hash_of(key);
    std::chrono::nanoseconds growth_time{0};
    if (growing()) {
      growth_time += internal::timed([&] { grow_work(hash); });
    }
    const bool removed = remove_entry(hash, key);
    stats_.record_write_pause(growth_time);
    return removed;
  }

  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }

  // Removes every entry. Like Go's clear: keeps B and the main array (zeroed), drops the old array
  // and every overflow bucket, and picks a new hash seed. An empty map is left as it is.
  void clear() {
    internal::WriteScope scope(writing_);
    const auto publication = shape_publication();
    if (count_ == 0) {
      return;
    }
    stats_.begin_shape_change();
    destroy_all_entries();
    end_grow();
    arrays_.clear_main();
    count_ = 0;
    seed_.renew();
    stats_.count_cleared();
  }

  // Calls f(key, value) once for every live entry, old buckets included while growing.
  template <class F>
  void for_each(F&& f) const {
    writing_.check_read();
    arrays_.for_each_live_chain([&](Bucket* b) { Entries::visit_chain(b, f); });
  }

  // A consistent snapshot; safe from any thread while the owner writes.
  MapStats stats() const {
#if MAPCORE_STATS
    return stats_.read([this](MapStats& s) { add_live_stats(s); });
#else
    MapStats s = shape_stats();
    add_live_stats(s);
    s.entries = count_;  // the statistics' own copy is not kept in this build
    return s;
#endif
  }

  // Time spent by single writes on growth work (starting grows, evacuating); any thread.
  PauseHistogramSnapshot write_pauses() const {
    return stats_.write_pauses();
  }

  // A bucket array the map let go of but did not free yet; freed when this is destroyed (see
  // internal/bucket_arrays.h).
  using Retired = internal::RetiredArray<Alloc>;

  // Growth work without a write: evacuates up to max_buckets old buckets at the cursor.
  // Returns how many were evacuated (0 when no grow is in progress). What the table gives back by
  // the end of a grow evacuate() worked on, whoever ends it, counts in
  // MapStats::maintenance_reclaimed_bytes_total (as does every shrink).
  std::size_t evacuate(std::size_t max_buckets) {
    Retired retired;
    return evacuate(max_buckets, retired);
  }

  // The same; when the grow finishes, its old array goes to `retired` instead of being freed.
  std::size_t evacuate(std::size_t max_buckets, Retired& retired) {
    internal::WriteScope scope(writing_);
    const auto publication = shape_publication();
    if (growing() && max_buckets != 0 && !grow_.maintained) {
      grow_.mark_maintained(arrays_.table_bytes());
    }
    retire_to_ = &retired;
    std::size_t done = 0;
    while (growing() && done < max_buckets) {
      done += evacuate_old_bucket(grow_.cursor.get()) ? 1 : 0;
    }
    retire_to_ = nullptr;
    stats_.count_evacuated_by_collector(done);
    return done;
  }

  // Starts shrinking to the smallest array that holds the entries at half the load factor.
  // Returns false when no grow can start now (one is in progress) or the array is small enough.
  // The shrink proceeds incrementally, with writes and with evacuate().
  bool shrink_to_fit() {
    internal::WriteScope scope(writing_);
    const auto publication = shape_publication();
    const std::uint8_t target = shrink_target();
    if (growing() || main().buckets == nullptr || target >= main().log2) {
      return false;
    }
    const std::uint64_t bytes_before = arrays_.table_bytes();
    begin_grow(GrowKind::Shrink, target);
    grow_.mark_maintained(bytes_before);
    stats_.count_shrink();
    return true;
  }

  // True when the entries fell below the low-water mark: under 1/8 of what the array holds at the
  // load factor, with a smaller array to shrink to (internal/shrink_rule.h has the hysteresis).
  bool sparse() const {
    if (growing() || main().buckets == nullptr || shrink_target() >= main().log2) {
      return false;
    }
    return internal::below_low_water(count_, main().count(), options_.profile);
  }

  bool growing() const {
    return grow_.kind != GrowKind::None;
  }
  const Options& options() const {
    return options_;
  }

 private:
  using GrowKind = internal::GrowKind;
  using Grow = internal::Grow;
  using ChainSearch = internal::ChainSearch<Bucket>;
  using Destinations = internal::Destinations<Bucket>;

  static constexpr std::uint8_t kMaxLog2Buckets = 56;

  const Array& main() const {
    return arrays_.main();
  }
  const Array& old() const {
    return arrays_.old();
  }

  bool over_load_factor(std::size_t count, std::uint8_t log2) const {
    return go::over_load_factor(count, log2, options_.profile);
  }
  bool needs_grow() const {
    return over_load_factor(count_ + 1, main().log2) || arrays_.too_many_overflow_buckets();
  }
  std::uint8_t shrink_target() const {
    return internal::shrink_target_log2(count_, main().log2, options_.profile);
  }

  template <class Q>
  std::uint64_t hash_of(const Q& key) const {
    return hash_(key, seed_.value());
  }

  // ---- entries and chains ----------------------------------------------------------------

  Bucket* new_overflow(Bucket* tail, std::size_t chain_length) {
    return arrays_.new_overflow(tail, chain_length, [this] { return seed_.next_random(); });
  }

  void destroy_all_entries() noexcept {
    if constexpr (!Entries::kTrivial) {
      arrays_.for_each_live_chain([this](Bucket* b) { entries_.destroy_chain(arrays_.allocator(), b); });
    }
  }

  // ---- lookups and writes ----------------------------------------------------------------

  // find() and contains(): key is a K, or any key a transparent Hash and Eq take.
  template <class Q>
  const V* find_key(const Q& key) const {
    writing_.check_read();
    if (count_ == 0) {
      return nullptr;
    }
    return find_hashed(key, hash_of(key));
  }

  // find_key's search, the hash already computed (find_many computes a group's first).
  template <class Q>
  const V* find_hashed(const Q& key, std::uint64_t hash) const {
    const std::uint8_t top = internal::tophash_of(hash);
    // A byte loop, not the word-at-a-time match of the write paths: its compare is a predicted
    // branch, so the CPU runs ahead to the key and value lines while the tophash line is still
    // on its way, where a computed cell index would make them wait for it (measured: as fast
    // for int64 keys, a third faster for std::string keys; see docs/benchmarks.md).
    for (Bucket* b = bucket_for_read(hash); b != nullptr; b = b->overflow) {
      for (std::size_t i = 0; i < kSlots; ++i) {
        if (b->tophash[i] != top) {
          if (b->tophash[i] == internal::kEmptyRest) {
            return nullptr;
          }
          continue;
        }
        if (eq_(key, b->key(i))) {
          return &b->value(i);
        }
      }
    }
    return nullptr;
  }

  // The chain a read must search: the old bucket while it is not yet evacuated, else the new one.
  Bucket* bucket_for_read(std::uint64_t hash) const {
    if (growing()) {
      Bucket* old_bucket = old().bucket_for(hash);
      if (!old_bucket->evacuated()) {
        return old_bucket;
      }
    }
    return main().bucket_for(hash);
  }

  // Walks the key's chain in the main array (growth work already done for it).
  ChainSearch search_for_write(std::uint64_t hash, const K& key) {
    return internal::search_chain_for_write(main().bucket_for(hash), internal::tophash_of(hash), key, eq_);
  }

  bool remove_entry(std::uint64_t hash, const K& key) {
    Bucket* const first = main().bucket_for(hash);
    const auto [b, i] = internal::find_in_chain_for_write(first, internal::tophash_of(hash), key, eq_);
    if (b == nullptr) {
      return false;
    }
    entries_.destroy(arrays_.allocator(), b, i);
    b->tophash[i] = internal::kEmptyOne;
    internal::mark_empty_rest(first, b, i);
    --count_;
    if (count_ == 0) {
      seed_.renew();
    }
    stats_.count_delete(count_);
    return true;
  }

  // ---- growth ----------------------------------------------------------------------------

  // Go's hashGrow: the current array becomes the old one and a new one is allocated, doubled
  // when over the load factor, else of the same size. Nothing is evacuated yet.
  void start_grow() {
    const bool doubling = over_load_factor(count_ + 1, main().log2);
    if (doubling) {
      begin_grow(GrowKind::Double, static_cast<std::uint8_t>(main().log2 + 1));
      stats_.count_doubling();
    } else {
      begin_grow(GrowKind::SameSize, main().log2);
      stats_.count_same_size_grow();
    }
  }

  void begin_grow(GrowKind kind, std::uint8_t new_log2) {
    stats_.begin_shape_change();
    arrays_.begin_grow(new_log2);  // the only step that can fail: nothing changed yet
    grow_.start(kind);
  }

  // Go's growWork: evacuate the old bucket the key hashes to, then one more at the cursor.
  void grow_work(std::uint64_t hash) {
    evacuate_old_bucket(hash & old().mask());
    if (growing()) {
      evacuate_old_bucket(grow_.cursor.get());
    }
  }

  // Go's evacuate: moves every live entry of an old bucket's chain into the new array. Returns
  // whether it moved the bucket (false when it was evacuated already).
  bool evacuate_old_bucket(std::size_t index) {
    Bucket* const old_bucket = old().buckets + index;
    const bool moved = !old_bucket->evacuated();
    if (moved) {
      Destinations destinations = first_destinations(index);
      if (grow_.kind != GrowKind::Shrink) {
        internal::write_before_reading(destinations);
      }
      reserve_for_evacuation(old_bucket, destinations);
      move_chain(old_bucket, destinations);
      arrays_.free_old_chain_overflow(old_bucket);
      grow_.evacuated.add(1);
      stats_.count_evacuated_bucket();
    }
    if (index == grow_.cursor.get()) {
      advance_evacuation_cursor();
    }
    return moved;
  }

  // X: the same index (or, shrinking, the index in the smaller array); Y: index + old size.
  Destinations first_destinations(std::size_t old_index) const {
    Destinations out;
    out[0].bucket = main().bucket_for(old_index);
    if (grow_.kind == GrowKind::Double) {
      out[1].bucket = main().buckets + old_index + old().count();
    }
    return out;
  }

  // Which destination an entry goes to: in a doubling, the hash bit that the new mask adds.
  std::size_t destination_of(Bucket* b, std::size_t i) const {
    if (grow_.kind != GrowKind::Double) {
      return 0;
    }
    return (hash_of(b->key(i)) & old().count()) != 0 ? 1 : 0;
  }

  // Counts the overflow buckets the evacuation will need and reserves them up front.
  void reserve_for_evacuation(Bucket* old_bucket, const Destinations& destinations) {
    if (old_bucket->overflow == nullptr && grow_.kind != GrowKind::Shrink) {
      return;  // <= 8 entries fit a fresh bucket
    }
    arrays_.reserve_overflow(internal::overflow_needed(
        old_bucket, destinations, [this](Bucket* b, std::size_t i) { return destination_of(b, i); }));
  }

  void move_chain(Bucket* old_bucket, Destinations& destinations) {
    for (Bucket* b = old_bucket; b != nullptr; b = b->overflow) {
      for (std::size_t i = 0; i < kSlots; ++i) {
        const std::uint8_t top = b->tophash[i];
        if (internal::is_empty_cell(top)) {
          b->tophash[i] = internal::kEvacuatedEmpty;
          continue;
        }
        const std::size_t d = destination_of(b, i);
        internal::Destination<Bucket>& dst = destinations[d];
        dst.advance_to_free_cell(
            [this](Bucket* tail, std::size_t length) { return new_overflow(tail, length); });
        Entries::move(b, i, dst.bucket, dst.index);
        dst.bucket->tophash[dst.index] = top;
        ++dst.index;
        b->tophash[i] = static_cast<std::uint8_t>(internal::kEvacuatedX + d);
      }
    }
    arrays_.release_reserved();  // normally none left: the reservation was exact
  }

  // Go's advanceEvacuationMark: skip buckets already evacuated (at most 1024 ahead); when the
  // cursor passes the last old bucket, the grow is over and the old array is freed.
  void advance_evacuation_cursor() {
    const std::size_t old_count = old().count();
    std::size_t cursor = grow_.cursor.get() + 1;
    const std::size_t stop = std::min(cursor + go::kEvacuationScanLimit, old_count);
    while (cursor != stop && old().buckets[cursor].evacuated()) {
      ++cursor;
    }
    grow_.cursor.set(cursor);
    if (cursor == old_count) {
      finish_grow();
    }
  }

  // Every old bucket is evacuated. A grow maintenance took part in credits what the table shrank
  // by since then, whoever evacuated the last bucket.
  void finish_grow() noexcept {
    stats_.begin_shape_change();
    const Grow finished = grow_;
    end_grow();
    if (finished.maintained) {
      stats_.count_maintenance_reclaimed(finished.bytes_when_maintained, arrays_.table_bytes());
    }
  }

  // Drops the old array (to retire_to_ when evacuate() set it) and the grow's state; clear()
  // calls it directly, crediting nothing.
  void end_grow() noexcept {
    if (!growing()) {
      return;
    }
    arrays_.release_old(retire_to_);
    grow_ = Grow{};
  }

  // ---- statistics ------------------------------------------------------------------------

  // Publishes the table's shape when the write that holds it ends, if the write changed it.
  auto shape_publication() noexcept {
    return internal::ShapePublication(stats_, [this] { return shape_stats(); });
  }

  // The figures that change only with the shape (owner thread; published to other threads).
  MapStats shape_stats() const noexcept {
    MapStats s;
    arrays_.describe_shape(s);
    grow_.describe_shape(s, old().count());
    s.load_factor_limit = go::load_factor(options_.profile);
    stats_.fill_totals(s);
    return s;
  }

  // The figures writes move, added to a shape; any thread (stats() reads them in the shape's
  // sequence, so they belong to it).
  void add_live_stats(MapStats& s) const noexcept {
    stats_.add_live(s);
    arrays_.add_live(s);
    grow_.add_live(s);
    s.indirect_bytes = entries_.indirect_bytes();
  }

  // ---- state -----------------------------------------------------------------------------

  Options options_;
  [[no_unique_address]] Hash hash_;
  [[no_unique_address]] Eq eq_;
  mutable internal::WriteFlag writing_;
  Arrays arrays_;            // the bucket memory and the allocator
  Entries entries_;          // how entries sit in slots; out-of-line bytes
  Grow grow_;                // the grow in progress, if any
  internal::HashSeed seed_;  // Go's per-map hash seed, renewed when the map empties
  std::size_t count_ = 0;
  Retired* retire_to_ = nullptr;  // where evacuate() puts an old array instead of freeing it
  internal::MapStatistics stats_;
};

}  // namespace mapcore
