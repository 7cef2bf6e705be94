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
// then 8 keys, then 8 values, then a pointer to an overflow bucket (see internal/bucket.h). The
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
// stats() is safe from any thread while the owner writes. Per-operation counters (entries,
// inserts, updates, deletes) are relaxed atomics that the owner stores without a locked
// instruction; the shape of the table (B, grow state, bytes) is republished through a sequence
// lock only when a write changed it. A reader never blocks the owner and never sees a torn value.
//
// Concurrency
// -----------
// A Map has one writer at a time. As in Go, two threads writing at once (or reading while
// another writes) is detected and aborts with "concurrent map writes". mapcore::SharedMap wraps a
// Map with a lock for maps that several threads use.
//
// Where mapcore differs from Go, and why, is in docs/mapcore.md.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <random>
#include <type_traits>
#include <utility>

#include "mapcore/allocator.h"
#include "mapcore/go_layout.h"
#include "mapcore/hash.h"
#include "mapcore/internal/bucket.h"
#include "mapcore/internal/size_classes.h"
#include "mapcore/internal/stats_seqlock.h"
#include "mapcore/internal/write_guard.h"
#include "mapcore/map_stats.h"
#include "mapcore/options.h"
#include "mapcore/pause_histogram.h"

// MAPCORE_STATS=0 compiles the cross-thread statistics out (for measuring what they cost):
// stats() is then only valid on the owner thread and the operation counters stay at zero.
#ifndef MAPCORE_STATS
#define MAPCORE_STATS 1
#endif

namespace mapcore {

template <class K, class V, class Hash = mapcore::Hash<K>, class Eq = std::equal_to<K>,
          MapAllocator Alloc = CallocAllocator>
class Map {
  using Bucket = internal::Bucket<K, V>;
  static constexpr std::size_t kSlots = internal::kSlots;
  static constexpr bool kIndirectKey = internal::Slot<K>::kIndirect;
  static constexpr bool kIndirectValue = internal::Slot<V>::kIndirect;
  static constexpr bool kTrivialEntries = !kIndirectKey && !kIndirectValue &&
                                          std::is_trivially_destructible_v<K> &&
                                          std::is_trivially_destructible_v<V>;

  static_assert(kIndirectKey || std::is_nothrow_move_constructible_v<K>,
                "evacuation moves keys and must not throw");
  static_assert(kIndirectValue || std::is_nothrow_move_constructible_v<V>,
                "evacuation moves values and must not throw");
  static_assert(alignof(Bucket) <= alignof(std::max_align_t), "buckets come from malloc-aligned memory");

 public:
  using key_type = K;
  using mapped_type = V;

  explicit Map(std::size_t hint = 0, Options options = {}, Hash hash = Hash{}, Eq eq = Eq{},
               Alloc alloc = Alloc{})
      : options_(options), hash_(std::move(hash)), eq_(std::move(eq)), alloc_(std::move(alloc)) {
    rng_state_ = options.seed ? *options.seed ^ 0x9e3779b97f4a7c15ULL : random_seed();
    seed_ = options.seed ? *options.seed : next_random();
    std::uint8_t log2 = 0;
    while (over_load_factor(hint, log2) && log2 < kMaxLog2Buckets) ++log2;
    if (log2 != 0) install_main_array(allocate_array(log2));
    main_.log2 = log2;
    publish_stats();
  }

  ~Map() { release_everything(); }

  // A map is tracked by address (exporters, collectors): it neither copies nor moves.
  Map(const Map&) = delete;
  Map& operator=(const Map&) = delete;

  // Inserts key -> value, or assigns value to an existing key. Returns true when the key was new.
  // Throws std::bad_alloc (with the contents unchanged) when memory runs out.
  bool insert_or_assign(const K& key, V value) {
    internal::WriteScope scope(writing_);
    const std::uint64_t hash = hash_of(key);
    if (main_.buckets == nullptr) install_main_array(allocate_array(0));
    std::chrono::nanoseconds growth_time{0};
    for (;;) {
      if (growing()) growth_time += timed([&] { grow_work(hash); });
      const ChainSearch found = search_for_write(hash, key);
      if (found.match != nullptr) {
        found.match->value(found.match_index) = std::move(value);
        count_updates();
        finish_write(growth_time);
        return false;
      }
      if (!growing() && needs_grow()) {
        growth_time += timed([&] { start_grow(); });
        continue;  // growing invalidated the search: try again, now doing growth work
      }
      Bucket* target = found.free;
      std::size_t index = found.free_index;
      if (target == nullptr) {
        target = new_overflow(found.tail, found.chain_length);
        index = 0;
      }
      construct_entry(target, index, key, std::move(value));
      target->tophash[index] = internal::tophash_of(hash);
      ++count_;
      count_insert();
      finish_write(growth_time);
      return true;
    }
  }

  // The value stored for key, or nullptr. The pointer is valid until the next write.
  V* find(const K& key) { return const_cast<V*>(std::as_const(*this).find(key)); }
  const V* find(const K& key) const {
    writing_.check_read();
    if (count_ == 0) return nullptr;
    const std::uint64_t hash = hash_of(key);
    const std::uint8_t top = internal::tophash_of(hash);
    // A byte loop, not the word-at-a-time match of the write paths: its compare is a predicted
    // branch, so the CPU runs ahead to the key and value lines while the tophash line is still
    // on its way, where a computed cell index would make them wait for it (measured: as fast
    // for int64 keys, a third faster for std::string keys; see docs/benchmarks.md).
    for (Bucket* b = bucket_for_read(hash); b != nullptr; b = b->overflow) {
      for (std::size_t i = 0; i < kSlots; ++i) {
        if (b->tophash[i] != top) {
          if (b->tophash[i] == internal::kEmptyRest) return nullptr;
          continue;
        }
        if (eq_(key, b->key(i))) return &b->value(i);
      }
    }
    return nullptr;
  }

  bool contains(const K& key) const { return find(key) != nullptr; }

  // Removes key. Returns true when it was present. Never shrinks the array.
  bool erase(const K& key) {
    internal::WriteScope scope(writing_);
    if (count_ == 0) return false;  // like Go: an empty map does no growth work on delete
    const std::uint64_t hash = hash_of(key);
    std::chrono::nanoseconds growth_time{0};
    if (growing()) growth_time += timed([&] { grow_work(hash); });
    const bool removed = remove_entry(hash, key);
    finish_write(growth_time);
    return removed;
  }

  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }

  // Removes every entry. Like Go's clear: keeps B and the main array (zeroed), drops the old array
  // and every overflow bucket, and picks a new hash seed. An empty map is left as it is.
  void clear() {
    internal::WriteScope scope(writing_);
    if (count_ == 0) return;
    destroy_all_entries();
    free_old_array();
    free_main_overflow_chains();
    std::memset(static_cast<void*>(main_.buckets), 0, main_.allocated * sizeof(Bucket));
    reset_overflow_state();
    count_ = 0;
    reseed();
    dirty_ = true;
    entries_.set(0);
    finish_write(std::chrono::nanoseconds{0});
  }

  // Calls f(key, value) once for every live entry, old buckets included while growing.
  template <class F>
  void for_each(F&& f) const {
    writing_.check_read();
    if (main_.buckets == nullptr) return;
    for (std::size_t i = 0; i < bucket_count(main_.log2); ++i) visit_chain(main_.buckets + i, f);
    if (!growing()) return;
    for (std::size_t i = 0; i < bucket_count(old_.log2); ++i) {
      Bucket* b = old_.buckets + i;
      if (!b->evacuated()) visit_chain(b, f);
    }
  }

  // A consistent snapshot; safe from any thread while the owner writes.
  MapStats stats() const {
#if MAPCORE_STATS
    MapStats out = published_.read();
    out.entries = entries_.get();
    out.inserts_total = inserts_.get();
    out.updates_total = updates_.get();
    out.deletes_total = deletes_.get();
    out.indirect_bytes = indirect_bytes_.get();
    return out;
#else
    return structural_stats();
#endif
  }

  // Time spent by single writes on growth work (starting grows, evacuating); any thread.
  PauseHistogramSnapshot write_pauses() const {
    return write_pauses_.snapshot();
  }

  // A bucket array the map let go of but did not free yet; freed when this is destroyed.
  // Unmapping a large array takes time that grows with its size (tens of microseconds per MiB),
  // so a caller that holds a lock around evacuate() frees it after unlocking.
  class Retired {
   public:
    Retired() = default;
    Retired(const Retired&) = delete;
    Retired& operator=(const Retired&) = delete;
    ~Retired() { release(); }
    std::size_t bytes() const { return bytes_; }
    void release() noexcept {
      if (block_ != nullptr) alloc_->deallocate(block_, bytes_);
      block_ = nullptr;
      bytes_ = 0;
    }

   private:
    friend class Map;
    void adopt(const Alloc& alloc, void* block, std::size_t bytes) noexcept {
      release();
      alloc_.emplace(alloc);
      block_ = block;
      bytes_ = bytes;
    }
    std::optional<Alloc> alloc_;
    void* block_ = nullptr;
    std::size_t bytes_ = 0;
  };

  // Growth work without a write: evacuates up to max_buckets old buckets at the cursor.
  // Returns how many were evacuated (0 when no grow is in progress).
  std::size_t evacuate(std::size_t max_buckets) {
    Retired retired;
    return evacuate(max_buckets, retired);
  }

  // The same; when the grow finishes, its old array goes to `retired` instead of being freed.
  std::size_t evacuate(std::size_t max_buckets, Retired& retired) {
    internal::WriteScope scope(writing_);
    retire_to_ = &retired;
    std::size_t done = 0;
    while (growing() && done < max_buckets) {
      const std::uint64_t before = evacuated_total_;  // monotonic: finishing the grow resets evacuated_in_grow_
      evacuate_old_bucket(nevacuate_);
      done += evacuated_total_ - before;
    }
    retire_to_ = nullptr;
    evacuated_by_collector_ += done;
    if (done != 0) dirty_ = true;
    finish_write(std::chrono::nanoseconds{0});
    return done;
  }

  // Starts shrinking to the smallest array that holds the entries at half the load factor.
  // Returns false when no grow can start now (one is in progress) or the array is small enough.
  // The shrink proceeds incrementally, with writes and with evacuate().
  bool shrink_to_fit() {
    internal::WriteScope scope(writing_);
    const std::uint8_t target = shrink_target();
    if (growing() || main_.buckets == nullptr || target >= main_.log2) return false;
    start_shrink(target);
    finish_write(std::chrono::nanoseconds{0});
    return true;
  }

  // True when the entries fell below the low-water mark: under 1/8 of what the array holds at the
  // load factor, with a smaller array to shrink to. See shrink_to_fit() for the hysteresis.
  bool sparse() const {
    if (growing() || main_.buckets == nullptr || shrink_target() >= main_.log2) return false;
    return count_ * 8 * kLoadFactorDen < load_factor_num() * bucket_count(main_.log2);
  }

  bool growing() const {
    return grow_ != GrowKind::None;
  }
  const Options& options() const {
    return options_;
  }

 private:
  enum class GrowKind : std::uint8_t { None, Double, SameSize, Shrink };

  // One bucket array: 2^log2 buckets addressed by hash, then preallocated overflow buckets.
  struct Array {
    Bucket* buckets = nullptr;
    std::uint8_t log2 = 0;
    std::size_t allocated = 0;  // buckets in the allocation, preallocated overflow included
    std::size_t bytes = 0;      // the allocation's size, rounded as Go's allocator rounds it
  };

  // What a write learns from walking a key's chain.
  struct ChainSearch {
    Bucket* match = nullptr;  // the bucket holding the key, if present
    std::size_t match_index = 0;
    Bucket* free = nullptr;  // the first empty cell, if any
    std::size_t free_index = 0;
    Bucket* tail = nullptr;  // the chain's last bucket
    std::size_t chain_length = 0;
  };

  // Where evacuation writes next: a destination chain and a cell in it.
  struct Destination {
    Bucket* bucket = nullptr;
    std::size_t index = 0;
    std::size_t chain_length = 1;
  };

  static constexpr std::uint64_t kLoadFactorDen = go::kLoadFactorDen;
  static constexpr std::uint8_t kMaxLog2Buckets = 56;
  static constexpr std::size_t kEvacuationScanLimit = 1024;

  static constexpr std::size_t bucket_count(std::uint8_t log2) {
    return std::size_t{1} << log2;
  }
  static std::size_t overflow_block_bytes() {
    static const std::size_t bytes = go::overflow_bucket_bytes(sizeof(Bucket));  // looked up once
    return bytes;
  }

  std::uint64_t load_factor_num() const {
    return go::load_factor_num(options_.profile);
  }

  // Go's overLoadFactor: more than one bucket's worth and more than 6.5 (or 6.0) per bucket.
  // The integer arithmetic is Go's, including 2^0 / 2 == 0.
  bool over_load_factor(std::size_t count, std::uint8_t log2) const {
    return count > kSlots && count > load_factor_num() * (bucket_count(log2) / kLoadFactorDen);
  }

  // Go's tooManyOverflowBuckets.
  bool too_many_overflow_buckets() const {
    const std::uint8_t log2 = std::min<std::uint8_t>(main_.log2, 15);
    return noverflow_ >= (std::uint32_t{1} << log2);
  }

  bool needs_grow() const {
    return over_load_factor(count_ + 1, main_.log2) || too_many_overflow_buckets();
  }

  std::uint8_t shrink_target() const {
    std::uint8_t log2 = 0;
    while (over_load_factor(count_ * 2, log2) && log2 < main_.log2) ++log2;
    return log2;
  }

  std::uint64_t hash_of(const K& key) const {
    return hash_(key, seed_);
  }
  std::size_t main_mask() const {
    return bucket_count(main_.log2) - 1;
  }
  std::size_t old_mask() const {
    return bucket_count(old_.log2) - 1;
  }

  // ---- randomness -------------------------------------------------------------------------

  static std::uint64_t random_seed() {
    std::random_device device;
    return (std::uint64_t{device()} << 32) ^ device();
  }

  std::uint64_t next_random() {  // xorshift64*
    rng_state_ ^= rng_state_ >> 12;
    rng_state_ ^= rng_state_ << 25;
    rng_state_ ^= rng_state_ >> 27;
    return rng_state_ * 0x2545f4914f6cdd1dULL;
  }

  // Go reseeds a map that becomes empty; a fixed seed stays fixed.
  void reseed() {
    if (!options_.seed) seed_ = next_random();
  }

  // ---- memory ----------------------------------------------------------------------------

  // Go's makeBucketArray: 2^log2 buckets, plus 2^(log2-4) preallocated overflow buckets from
  // log2 = 4, the whole rounded up to a size class and the slack used for more overflow buckets.
  Array allocate_array(std::uint8_t log2) {
    const go::BucketArrayLayout layout = go::bucket_array_layout(log2, sizeof(Bucket));
    Array array;
    array.log2 = log2;
    array.allocated = layout.buckets;
    array.bytes = layout.bytes;
    array.buckets = static_cast<Bucket*>(alloc_.allocate_zeroed(array.bytes));
    return array;
  }

  void free_array(Array& array) noexcept {
    if (array.buckets != nullptr) alloc_.deallocate(array.buckets, array.bytes);
    array = Array{};
  }

  void install_main_array(const Array& array) {
    main_ = array;
    reset_overflow_state();
    dirty_ = true;
  }

  // The main array starts with no overflow: every chain is one bucket long.
  void reset_overflow_state() {
    next_preallocated_ = bucket_count(main_.log2);
    noverflow_ = 0;
    overflow_in_use_ = 0;
    overflow_allocated_ = 0;
    chain_lengths_.fill(0);
    chain_lengths_[0] = bucket_count(main_.log2);
  }

  bool in_array(const Array& array, const Bucket* b) const {
    return b >= array.buckets && b < array.buckets + array.allocated;
  }

  Bucket* allocate_overflow_block() {
    return static_cast<Bucket*>(alloc_.allocate_zeroed(overflow_block_bytes()));
  }

  // Go's newoverflow: chains a new overflow bucket after tail, taking a preallocated one first,
  // then one reserved for the evacuation under way, then a fresh allocation.
  Bucket* new_overflow(Bucket* tail, std::size_t chain_length) {
    Bucket* ovf = nullptr;
    if (next_preallocated_ < main_.allocated) {
      ovf = main_.buckets + next_preallocated_++;
      ovf->overflow = nullptr;  // never used: written before read, see write_before_reading()
    } else if (reserved_ != nullptr) {
      ovf = reserved_;
      reserved_ = ovf->overflow;
      ovf->overflow = nullptr;
    } else {
      ovf = allocate_overflow_block();
      ++overflow_allocated_;
    }
    increment_noverflow();
    ++overflow_in_use_;
    note_chain_extended(chain_length);
    tail->overflow = ovf;
    dirty_ = true;
    return ovf;
  }

  // Makes sure `needed` overflow buckets can be had without failing: all or nothing, so that an
  // evacuation that runs out of memory throws before it moves anything.
  void reserve_overflow(std::size_t needed) {
    const std::size_t preallocated = main_.allocated - next_preallocated_;
    for (std::size_t have = preallocated; have < needed; ++have) {
      Bucket* block = nullptr;
      try {
        block = allocate_overflow_block();
      } catch (...) {
        release_reserved();
        throw;
      }
      block->overflow = reserved_;
      reserved_ = block;
      ++overflow_allocated_;
    }
  }

  void release_reserved() noexcept {
    while (reserved_ != nullptr) {
      Bucket* next = reserved_->overflow;
      alloc_.deallocate(reserved_, overflow_block_bytes());
      --overflow_allocated_;
      reserved_ = next;
    }
  }

  // Go's incrnoverflow: exact below B = 16, then counted with probability 1/2^(B-15).
  void increment_noverflow() {
    if (main_.log2 < 16) {
      ++noverflow_;
      return;
    }
    const std::uint64_t mask = (std::uint64_t{1} << (main_.log2 - 15)) - 1;
    if ((next_random() & mask) == 0) ++noverflow_;
  }

  void note_chain_extended(std::size_t length) {
    const auto cell = [](std::size_t n) { return std::min(n, kChainLengthCells) - 1; };
    --chain_lengths_[cell(length)];
    ++chain_lengths_[cell(length + 1)];
  }

  // Frees the overflow buckets of the main array's chains that were allocated one by one.
  void free_main_overflow_chains() noexcept {
    for (std::size_t i = 0; overflow_allocated_ != 0 && i < bucket_count(main_.log2); ++i) {
      overflow_allocated_ -= free_chain_overflow(main_, main_.buckets + i);
    }
  }

  // Frees the overflow buckets after b that were allocated one by one; returns how many.
  std::size_t free_chain_overflow(const Array& array, Bucket* b) noexcept {
    std::size_t freed = 0;
    Bucket* next = b->overflow;
    b->overflow = nullptr;
    while (next != nullptr) {
      Bucket* after = next->overflow;
      if (!in_array(array, next)) {
        alloc_.deallocate(next, overflow_block_bytes());
        ++freed;
      }
      next = after;
    }
    return freed;
  }

  template <class T>
  T* allocate_indirect() {
    const std::size_t bytes = internal::go_rounded_size(sizeof(T));
    void* block = alloc_.allocate_zeroed(bytes);
    indirect_bytes_.add(bytes);
    return static_cast<T*>(block);
  }

  template <class T>
  void free_indirect(T* object) noexcept {
    const std::size_t bytes = internal::go_rounded_size(sizeof(T));
    alloc_.deallocate(object, bytes);
    indirect_bytes_.sub(bytes);
  }

  // ---- entries ---------------------------------------------------------------------------

  // Places a new entry in an empty cell; on any exception the cell stays empty and nothing leaks.
  void construct_entry(Bucket* b, std::size_t i, const K& key, V&& value) {
    if constexpr (kIndirectKey) {
      K* key_memory = allocate_indirect<K>();
      try {
        ::new (static_cast<void*>(key_memory)) K(key);
      } catch (...) {
        free_indirect(key_memory);
        throw;
      }
      *b->key_slot(i) = key_memory;
    } else {
      ::new (static_cast<void*>(b->key_slot(i))) K(key);
    }
    try {
      if constexpr (kIndirectValue) {
        V* value_memory = allocate_indirect<V>();
        try {
          ::new (static_cast<void*>(value_memory)) V(std::move(value));
        } catch (...) {
          free_indirect(value_memory);
          throw;
        }
        *b->value_slot(i) = value_memory;
      } else {
        ::new (static_cast<void*>(b->value_slot(i))) V(std::move(value));
      }
    } catch (...) {
      destroy_key(b, i);
      throw;
    }
  }

  void destroy_key(Bucket* b, std::size_t i) noexcept {
    if constexpr (kIndirectKey) {
      K* key = *b->key_slot(i);
      key->~K();
      free_indirect(key);
    } else {
      b->key_slot(i)->~K();
    }
  }

  void destroy_value(Bucket* b, std::size_t i) noexcept {
    if constexpr (kIndirectValue) {
      V* value = *b->value_slot(i);
      value->~V();
      free_indirect(value);
    } else {
      b->value_slot(i)->~V();
    }
  }

  void destroy_entry(Bucket* b, std::size_t i) noexcept {
    destroy_key(b, i);
    destroy_value(b, i);
  }

  // Moves the entry of cell (from, i) into cell (to, j); the source slot is dead afterwards.
  static void move_entry(Bucket* from, std::size_t i, Bucket* to, std::size_t j) noexcept {
    if constexpr (kIndirectKey) {
      *to->key_slot(j) = *from->key_slot(i);
    } else {
      ::new (static_cast<void*>(to->key_slot(j))) K(std::move(*from->key_slot(i)));
      from->key_slot(i)->~K();
    }
    if constexpr (kIndirectValue) {
      *to->value_slot(j) = *from->value_slot(i);
    } else {
      ::new (static_cast<void*>(to->value_slot(j))) V(std::move(*from->value_slot(i)));
      from->value_slot(i)->~V();
    }
  }

  template <class F>
  static void visit_chain(Bucket* b, F& f) {
    for (; b != nullptr; b = b->overflow) {
      for (std::size_t i = 0; i < kSlots; ++i) {
        if (b->tophash[i] >= internal::kMinTopHash) f(std::as_const(b->key(i)), std::as_const(b->value(i)));
      }
    }
  }

  void destroy_chain_entries(Bucket* b) noexcept {
    for (; b != nullptr; b = b->overflow) {
      for (std::size_t i = 0; i < kSlots; ++i) {
        if (b->tophash[i] >= internal::kMinTopHash) destroy_entry(b, i);
      }
    }
  }

  void destroy_all_entries() noexcept {
    if constexpr (!kTrivialEntries) {
      if (main_.buckets != nullptr) {
        for (std::size_t i = 0; i < bucket_count(main_.log2); ++i) destroy_chain_entries(main_.buckets + i);
      }
      if (growing()) {
        for (std::size_t i = 0; i < bucket_count(old_.log2); ++i) {
          if (!old_.buckets[i].evacuated()) destroy_chain_entries(old_.buckets + i);
        }
      }
    }
  }

  void release_everything() noexcept {
    destroy_all_entries();
    free_old_array();
    free_main_overflow_chains();
    release_reserved();
    free_array(main_);
  }

  // ---- lookups and writes ----------------------------------------------------------------

  // The chain a read must search: the old bucket while it is not yet evacuated, else the new one.
  Bucket* bucket_for_read(std::uint64_t hash) const {
    if (growing()) {
      Bucket* old_bucket = old_.buckets + (hash & old_mask());
      if (!old_bucket->evacuated()) return old_bucket;
    }
    return main_.buckets + (hash & main_mask());
  }

  // Walks the key's chain in the main array (growth work already done for it).
  ChainSearch search_for_write(std::uint64_t hash, const K& key) {
    ChainSearch out;
    const std::uint8_t top = internal::tophash_of(hash);
    Bucket* b = main_.buckets + (hash & main_mask());
    b->template prefetch<true>();
    for (std::size_t length = 1;; ++length) {
      out.tail = b;
      out.chain_length = length;
      const std::uint64_t cells = b->cells();
      for (std::uint64_t match = internal::matching_cells(cells, top); match != 0; match &= match - 1) {
        const std::size_t i = internal::first_cell(match);
        if (eq_(key, b->key(i))) {
          out.match = b;
          out.match_index = i;
          return out;
        }
      }
      if (out.free == nullptr) {
        const std::uint64_t empty = internal::empty_cells(cells);
        if (empty != 0) {
          out.free = b;
          out.free_index = internal::first_cell(empty);
        }
      }
      if (internal::empty_rest_cells(cells) != 0 || b->overflow == nullptr) return out;
      b = b->overflow;
    }
  }

  bool remove_entry(std::uint64_t hash, const K& key) {
    const std::uint8_t top = internal::tophash_of(hash);
    Bucket* const first = main_.buckets + (hash & main_mask());
    first->template prefetch<true>();
    for (Bucket* b = first; b != nullptr; b = b->overflow) {
      const std::uint64_t cells = b->cells();
      std::uint64_t match = internal::matching_cells(cells, top);
      for (; match != 0; match &= match - 1) {
        if (eq_(key, b->key(internal::first_cell(match)))) break;
      }
      if (match == 0) {
        if (internal::empty_rest_cells(cells) != 0) return false;
        continue;
      }
      const std::size_t i = internal::first_cell(match);
      destroy_entry(b, i);
      b->tophash[i] = internal::kEmptyOne;
      mark_empty_rest(first, b, i);
      --count_;
      if (count_ == 0) reseed();
      count_delete();
      return true;
    }
    return false;
  }

  // Go's mapdelete tail: when the cell just emptied ends the chain's live entries, turn it and
  // the empty cells before it into "empty rest", so that lookups stop there.
  static void mark_empty_rest(Bucket* first, Bucket* b, std::size_t i) noexcept {
    if (i == kSlots - 1) {
      if (b->overflow != nullptr && b->overflow->tophash[0] != internal::kEmptyRest) return;
    } else if (b->tophash[i + 1] != internal::kEmptyRest) {
      return;
    }
    for (;;) {
      b->tophash[i] = internal::kEmptyRest;
      if (i == 0) {
        if (b == first) return;
        Bucket* previous = first;
        while (previous->overflow != b) previous = previous->overflow;
        b = previous;
        i = kSlots - 1;
      } else {
        --i;
      }
      if (b->tophash[i] != internal::kEmptyOne) return;
    }
  }

  // ---- growth ----------------------------------------------------------------------------

  // Go's hashGrow: the current array becomes the old one and a new one is allocated, doubled
  // when over the load factor, else of the same size. Nothing is evacuated yet.
  void start_grow() {
    const bool doubling = over_load_factor(count_ + 1, main_.log2);
    begin_grow(doubling ? GrowKind::Double : GrowKind::SameSize,
               static_cast<std::uint8_t>(main_.log2 + (doubling ? 1 : 0)));
    if (doubling) {
      ++grows_double_;
    } else {
      ++grows_same_size_;
    }
  }

  void start_shrink(std::uint8_t target_log2) {
    begin_grow(GrowKind::Shrink, target_log2);
    ++shrinks_;
  }

  void begin_grow(GrowKind kind, std::uint8_t new_log2) {
    Array fresh = allocate_array(new_log2);  // the only step that can fail: nothing changed yet
    old_ = main_;
    old_overflow_allocated_ = overflow_allocated_;
    main_ = fresh;
    reset_overflow_state();
    grow_ = kind;
    nevacuate_ = 0;
    evacuated_in_grow_ = 0;
    grow_started_unix_seconds_ =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    dirty_ = true;
  }

  // Go's growWork: evacuate the old bucket the key hashes to, then one more at the cursor.
  void grow_work(std::uint64_t hash) {
    evacuate_old_bucket(hash & old_mask());
    if (growing()) evacuate_old_bucket(nevacuate_);
  }

  // Go's evacuate: moves every live entry of an old bucket's chain into the new array.
  void evacuate_old_bucket(std::size_t index) {
    Bucket* const old_bucket = old_.buckets + index;
    if (!old_bucket->evacuated()) {
      std::array<Destination, 2> destinations = first_destinations(index);
      if (grow_ != GrowKind::Shrink) write_before_reading(destinations);
      reserve_for_evacuation(old_bucket, destinations);
      move_chain(old_bucket, destinations);
      old_overflow_allocated_ -= free_chain_overflow(old_, old_bucket);
      ++evacuated_in_grow_;
      ++evacuated_total_;
      dirty_ = true;
    }
    if (index == nevacuate_) advance_evacuation_cursor();
  }

  // X: the same index (or, shrinking, the index in the smaller array); Y: index + old size.
  std::array<Destination, 2> first_destinations(std::size_t old_index) const {
    std::array<Destination, 2> out;
    out[0].bucket = main_.buckets + (old_index & main_mask());
    if (grow_ == GrowKind::Double) out[1].bucket = main_.buckets + old_index + bucket_count(old_.log2);
    return out;
  }

  // A doubling's or same-size grow's destinations are untouched zeroed buckets (only their old
  // bucket feeds them, and it is evacuated before any write reaches them). Storing the null they
  // already hold before anything reads them makes a fresh page fault in once, writable, instead
  // of twice: first mapped to the shared zero page by the read, then copied on the write.
  static void write_before_reading(const std::array<Destination, 2>& destinations) noexcept {
    for (const Destination& destination : destinations) {
      if (destination.bucket != nullptr) destination.bucket->overflow = nullptr;
    }
  }

  // Which destination an entry goes to: in a doubling, the hash bit that the new mask adds.
  std::size_t destination_of(Bucket* b, std::size_t i) const {
    if (grow_ != GrowKind::Double) return 0;
    return (hash_of(b->key(i)) & bucket_count(old_.log2)) != 0 ? 1 : 0;
  }

  // Counts the overflow buckets the evacuation will need and reserves them up front.
  void reserve_for_evacuation(Bucket* old_bucket, const std::array<Destination, 2>& destinations) {
    if (old_bucket->overflow == nullptr && grow_ != GrowKind::Shrink)
      return;  // <= 8 entries fit a fresh bucket
    std::array<std::size_t, 2> entries{};
    for (Bucket* b = old_bucket; b != nullptr; b = b->overflow) {
      for (std::size_t i = 0; i < kSlots; ++i) {
        if (b->tophash[i] >= internal::kMinTopHash) ++entries[destination_of(b, i)];
      }
    }
    std::size_t needed = 0;
    for (std::size_t d = 0; d < 2; ++d) {
      if (destinations[d].bucket == nullptr) continue;
      const std::size_t free_cells = free_cells_in_chain(destinations[d].bucket);
      if (entries[d] > free_cells) needed += (entries[d] - free_cells + kSlots - 1) / kSlots;
    }
    reserve_overflow(needed);
  }

  static std::size_t free_cells_in_chain(Bucket* b) {
    std::size_t free_cells = 0;
    for (; b != nullptr; b = b->overflow) {
      for (std::size_t i = 0; i < kSlots; ++i) free_cells += internal::is_empty_cell(b->tophash[i]) ? 1 : 0;
    }
    return free_cells;
  }

  void move_chain(Bucket* old_bucket, std::array<Destination, 2>& destinations) {
    for (Bucket* b = old_bucket; b != nullptr; b = b->overflow) {
      for (std::size_t i = 0; i < kSlots; ++i) {
        const std::uint8_t top = b->tophash[i];
        if (internal::is_empty_cell(top)) {
          b->tophash[i] = internal::kEvacuatedEmpty;
          continue;
        }
        const std::size_t d = destination_of(b, i);
        Destination& dst = destinations[d];
        advance_to_free_cell(dst);
        move_entry(b, i, dst.bucket, dst.index);
        dst.bucket->tophash[dst.index] = top;
        ++dst.index;
        b->tophash[i] = static_cast<std::uint8_t>(internal::kEvacuatedX + d);
      }
    }
    release_reserved();  // normally none left: the reservation was exact
  }

  // Moves dst to the next empty cell of its chain, extending the chain when it is full. A
  // doubling's destinations start empty, so this packs entries densely as Go does; a shrink's
  // may already hold entries (several old buckets feed one new bucket).
  void advance_to_free_cell(Destination& dst) {
    for (;;) {
      if (dst.index == kSlots) {
        if (dst.bucket->overflow == nullptr) {
          dst.bucket = new_overflow(dst.bucket, dst.chain_length);
        } else {
          dst.bucket = dst.bucket->overflow;
        }
        ++dst.chain_length;
        dst.index = 0;
      }
      if (internal::is_empty_cell(dst.bucket->tophash[dst.index])) return;
      ++dst.index;
    }
  }

  // Go's advanceEvacuationMark: skip buckets already evacuated (at most 1024 ahead); when the
  // cursor passes the last old bucket, the grow is over and the old array is freed.
  void advance_evacuation_cursor() {
    const std::size_t old_count = bucket_count(old_.log2);
    ++nevacuate_;
    const std::size_t stop = std::min(nevacuate_ + kEvacuationScanLimit, old_count);
    while (nevacuate_ != stop && old_.buckets[nevacuate_].evacuated()) ++nevacuate_;
    if (nevacuate_ == old_count) finish_grow();
  }

  void finish_grow() noexcept {
    free_old_array();
    dirty_ = true;
  }

  // Evacuation frees each old chain's overflow buckets as it goes, so a grow that completes
  // walks nothing here; only clear() and the destructor find chains left to free.
  void free_old_array() noexcept {
    if (!growing()) return;
    for (std::size_t i = 0; old_overflow_allocated_ != 0 && i < bucket_count(old_.log2); ++i) {
      old_overflow_allocated_ -= free_chain_overflow(old_, old_.buckets + i);
    }
    if (retire_to_ != nullptr) {
      retire_to_->adopt(alloc_, old_.buckets, old_.bytes);
      old_ = Array{};
    } else {
      free_array(old_);
    }
    old_overflow_allocated_ = 0;
    grow_ = GrowKind::None;
    nevacuate_ = 0;
    evacuated_in_grow_ = 0;
    grow_started_unix_seconds_ = 0;
  }

  // ---- statistics ------------------------------------------------------------------------

  template <class F>
  static std::chrono::nanoseconds timed(F&& work) {
    const auto start = std::chrono::steady_clock::now();
    work();
    return std::chrono::steady_clock::now() - start;
  }

  void count_insert() {
#if MAPCORE_STATS
    entries_.set(count_);
    inserts_.add(1);
#endif
  }
  void count_updates() {
#if MAPCORE_STATS
    updates_.add(1);
#endif
  }
  void count_delete() {
#if MAPCORE_STATS
    entries_.set(count_);
    deletes_.add(1);
#endif
  }

  void finish_write(std::chrono::nanoseconds growth_time) {
    if (growth_time.count() != 0) write_pauses_.record(growth_time);
    if (dirty_) publish_stats();
  }

  void publish_stats() {
    dirty_ = false;
#if MAPCORE_STATS
    published_.publish(structural_stats());
#endif
  }

  MapStats structural_stats() const {
    MapStats s;
    s.entries = count_;
    s.log2_buckets = main_.log2;
    s.buckets = bucket_count(main_.log2);
    s.overflow_buckets = overflow_in_use_;
    s.noverflow = noverflow_;
    s.growing = growing();
    s.same_size_grow = grow_ == GrowKind::SameSize;
    s.shrinking = grow_ == GrowKind::Shrink;
    s.old_buckets = growing() ? bucket_count(old_.log2) : 0;
    s.evacuated = nevacuate_;
    s.evacuation_pending = growing() ? s.old_buckets - evacuated_in_grow_ : 0;
    s.bucket_bytes = main_.bytes;
    s.overflow_bytes = overflow_allocated_ * overflow_block_bytes();
    s.oldbucket_bytes = growing() ? old_.bytes + old_overflow_allocated_ * overflow_block_bytes() : 0;
    s.indirect_bytes = indirect_bytes_.get();
    s.grows_double_total = grows_double_;
    s.grows_same_size_total = grows_same_size_;
    s.shrinks_total = shrinks_;
    s.evacuated_buckets_total = evacuated_total_;
    s.evacuated_by_collector_total = evacuated_by_collector_;
    s.grow_started_unix_seconds = grow_started_unix_seconds_;
    s.chain_lengths = chain_lengths_;
    return s;
  }

  // ---- state -----------------------------------------------------------------------------

  Options options_;
  [[no_unique_address]] Hash hash_;
  [[no_unique_address]] Eq eq_;
  [[no_unique_address]] Alloc alloc_;

  Array main_;
  Array old_;  // while growing
  GrowKind grow_ = GrowKind::None;
  std::size_t nevacuate_ = 0;            // evacuation cursor: old buckets below it are evacuated
  std::uint64_t evacuated_in_grow_ = 0;  // old buckets evacuated in this grow, cursor or not
  std::size_t count_ = 0;
  std::uint64_t seed_ = 0;
  std::uint64_t rng_state_ = 0;
  std::uint16_t noverflow_ = 0;  // 16 bits, as in Go
  std::size_t next_preallocated_ = 0;
  std::uint64_t overflow_in_use_ = 0;         // overflow buckets chained off the main array
  std::uint64_t overflow_allocated_ = 0;      // ... of which allocated one by one
  std::uint64_t old_overflow_allocated_ = 0;  // one-by-one overflow buckets still held by the old array
  Bucket* reserved_ = nullptr;                // overflow buckets reserved for the evacuation under way
  Retired* retire_to_ = nullptr;              // where evacuate() puts an old array instead of freeing it
  std::array<std::uint64_t, kChainLengthCells> chain_lengths_{};
  std::uint64_t grows_double_ = 0;
  std::uint64_t grows_same_size_ = 0;
  std::uint64_t shrinks_ = 0;
  std::uint64_t evacuated_total_ = 0;
  std::uint64_t evacuated_by_collector_ = 0;
  double grow_started_unix_seconds_ = 0;
  bool dirty_ = false;  // the table's shape changed since stats were last published

  mutable internal::WriteFlag writing_;
  internal::StatsSeqlock published_;
  internal::OwnerCounter entries_;
  internal::OwnerCounter inserts_;
  internal::OwnerCounter updates_;
  internal::OwnerCounter deletes_;
  internal::OwnerCounter indirect_bytes_;
  PauseHistogram write_pauses_;
};

}  // namespace mapcore
