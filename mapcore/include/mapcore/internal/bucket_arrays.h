// BucketArrays: the memory a map's buckets live in, as Go's makeBucketArray and newoverflow
// manage it.
//
// A map has a main array and, while a grow is in progress, the old one it evacuates from. Each
// array is one allocation: 2^B buckets addressed by hash, then (from B = 4) preallocated
// overflow buckets, rounded up to Go's size class (go_layout.h). Overflow buckets come from the
// preallocated ones first, then one allocation each. Evacuation reserves the overflow buckets it
// will need before moving anything, so running out of memory leaves the map unchanged. Every
// block is requested at the size Go's allocator would round it to, so the byte figures here are
// both Go's and what the allocator really handed out.
//
// BucketArrays owns the map's allocator (Entries borrows it for out-of-line keys and values) and
// knows nothing of keys, hashes or grow kinds: the Map decides, this class allocates and frees.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <utility>

#include "mapcore/allocator.h"
#include "mapcore/go_layout.h"
#include "mapcore/internal/bucket.h"
#include "mapcore/internal/map_statistics.h"
#include "mapcore/internal/page_population.h"
#include "mapcore/map_stats.h"

namespace mapcore::internal {

template <class Bucket, MapAllocator Alloc>
class BucketArrays;

// A bucket array the map let go of but did not free yet (Map::Retired); freed when this is
// destroyed. Unmapping a large array takes time that grows with its size (tens of microseconds
// per MiB), so a caller that holds a lock around Map::evacuate() frees it after unlocking.
template <MapAllocator Alloc>
class RetiredArray {
 public:
  RetiredArray() = default;
  RetiredArray(const RetiredArray&) = delete;
  RetiredArray& operator=(const RetiredArray&) = delete;
  ~RetiredArray() { release(); }

  std::size_t bytes() const { return bytes_; }
  void release() noexcept {
    if (block_ != nullptr) {
      alloc_->deallocate(block_, bytes_);
    }
    block_ = nullptr;
    bytes_ = 0;
  }

 private:
  template <class Bucket, MapAllocator A>
  friend class BucketArrays;

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

// One bucket array: 2^log2 buckets addressed by hash, then preallocated overflow buckets.
template <class Bucket>
struct BucketArray {
  Bucket* buckets = nullptr;
  std::uint8_t log2 = 0;
  std::size_t allocated = 0;  // buckets in the allocation, preallocated overflow included
  std::size_t bytes = 0;      // the allocation's size, rounded as Go's allocator rounds it

  std::size_t count() const noexcept { return std::size_t{1} << log2; }  // buckets addressed by hash
  std::size_t mask() const noexcept { return count() - 1; }
  Bucket* bucket_for(std::uint64_t hash) const noexcept { return buckets + (hash & mask()); }
  bool holds(const Bucket* b) const noexcept { return b >= buckets && b < buckets + allocated; }
};

template <class Bucket, MapAllocator Alloc>
class BucketArrays {
 public:
  using Array = BucketArray<Bucket>;

  explicit BucketArrays(Alloc alloc) : alloc_(std::move(alloc)) {}
  // The map destroys its entries first; this frees the memory they were in.
  ~BucketArrays() {
    release_old(nullptr);
    free_main_overflow_chains();
    release_reserved();
    free_array(main_);
  }
  BucketArrays(const BucketArrays&) = delete;
  BucketArrays& operator=(const BucketArrays&) = delete;

  Alloc& allocator() noexcept { return alloc_; }
  const Array& main() const noexcept { return main_; }
  const Array& old() const noexcept { return old_; }  // empty when not growing

  // Allocates the main array of a map that has none: 2^log2 buckets, every chain one bucket long.
  void install_main(std::uint8_t log2) {
    main_ = allocate_array(log2);
    reset_overflow_state();
  }

  // The main array's pages made resident now, for a map about to be filled (page_population.h).
  void populate_main() noexcept { populate_for_writing(main_.buckets, main_.bytes); }

  // The start of a grow (Go's hashGrow): the main array becomes the old one, with the overflow
  // buckets it holds, and a new main array of 2^new_log2 buckets is allocated. The allocation is
  // the only step that can fail, and it comes first, so a failure changes nothing.
  void begin_grow(std::uint8_t new_log2) {
    const Array fresh = allocate_array(new_log2);
    old_ = main_;
    old_overflow_allocated_.set(overflow_allocated_.get());
    main_ = fresh;
    reset_overflow_state();
  }

  // The end of a grow: frees the old array, or hands it to `retire_to` when given, with whatever
  // overflow buckets its chains still hold (evacuation frees them bucket by bucket, so only
  // clear() and the destructor find any left).
  void release_old(RetiredArray<Alloc>* retire_to) noexcept {
    if (old_.buckets == nullptr) {
      return;
    }
    for (std::size_t i = 0; old_overflow_allocated_.get() != 0 && i < old_.count(); ++i) {
      free_old_chain_overflow(old_.buckets + i);
    }
    if (retire_to != nullptr) {
      retire_to->adopt(alloc_, old_.buckets, old_.bytes);
      old_ = Array{};
    } else {
      free_array(old_);
    }
    old_overflow_allocated_.set(0);
  }

  // Frees the overflow buckets of an old bucket's chain that were allocated one by one (its
  // entries were just evacuated) and cuts the chain there.
  void free_old_chain_overflow(Bucket* old_bucket) noexcept {
    old_overflow_allocated_.sub(free_chain_overflow(old_, old_bucket));
  }

  // clear(): every chain of the main array back to one zeroed bucket (the entries are gone).
  void clear_main() noexcept {
    free_main_overflow_chains();
    std::memset(static_cast<void*>(main_.buckets), 0, main_.allocated * sizeof(Bucket));
    reset_overflow_state();
  }

  // Go's newoverflow: chains a new overflow bucket after tail, the last of a chain of
  // chain_length buckets, taking a preallocated one first, then one reserved for the evacuation
  // under way, then a fresh allocation. random() gives the bits incrnoverflow samples with.
  template <class RandomFn>
  Bucket* new_overflow(Bucket* tail, std::size_t chain_length, RandomFn&& random) {
    Bucket* ovf = nullptr;
    if (next_preallocated_ < main_.allocated) {
      ovf = main_.buckets + next_preallocated_++;
      ovf->overflow = nullptr;  // already null: stored so that a fresh page faults in writable once
    } else if (reserved_ != nullptr) {
      ovf = reserved_;
      reserved_ = ovf->overflow;
      ovf->overflow = nullptr;
    } else {
      ovf = allocate_overflow_block();
      overflow_allocated_.add(1);
    }
    increment_noverflow(random);
    overflow_in_use_.add(1);
    chain_lengths_.extended(chain_length);
    tail->overflow = ovf;
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
      overflow_allocated_.add(1);
    }
  }

  // Frees what a reservation did not use (normally nothing: it is exact).
  void release_reserved() noexcept {
    while (reserved_ != nullptr) {
      Bucket* next = reserved_->overflow;
      alloc_.deallocate(reserved_, overflow_block_bytes());
      overflow_allocated_.sub(1);
      reserved_ = next;
    }
  }

  // Calls f(first bucket) for every chain that may hold live entries: the main array's, then,
  // while there is an old array, its buckets not yet evacuated.
  template <class F>
  void for_each_live_chain(F&& f) const {
    if (main_.buckets == nullptr) {
      return;
    }
    for (std::size_t i = 0; i < main_.count(); ++i) {
      f(main_.buckets + i);
    }
    if (old_.buckets == nullptr) {
      return;
    }
    for (std::size_t i = 0; i < old_.count(); ++i) {
      if (!old_.buckets[i].evacuated()) {
        f(old_.buckets + i);
      }
    }
  }

  // Go's tooManyOverflowBuckets, on the main array.
  bool too_many_overflow_buckets() const noexcept {
    return go::too_many_overflow_buckets(noverflow_.get(), main_.log2);
  }

  // Every byte of bucket memory held: both arrays and their overflow buckets.
  std::uint64_t table_bytes() const noexcept {
    return main_.bytes +
           (overflow_allocated_.get() + old_overflow_allocated_.get()) * overflow_block_bytes() + old_.bytes;
  }

  // The arrays' part of a MapStats's shape: B and the arrays' own bytes (the old array's are 0
  // when there is none). Owner thread.
  void describe_shape(MapStats& s) const noexcept {
    s.log2_buckets = main_.log2;
    s.buckets = main_.count();
    s.bucket_bytes = main_.bytes;
    s.oldbucket_bytes = old_.bytes;
  }

  // The arrays' live figures, added to a shape: overflow buckets and their bytes, chain lengths.
  // Any thread (MapStatistics::read keeps the shape and these consistent).
  void add_live(MapStats& s) const noexcept {
    s.overflow_buckets = overflow_in_use_.get();
    s.noverflow = noverflow_.get();
    s.overflow_bytes = overflow_allocated_.get() * overflow_block_bytes();
    s.oldbucket_bytes += old_overflow_allocated_.get() * overflow_block_bytes();
    s.chain_lengths = chain_lengths_.cells(s.buckets);
  }

 private:
  static std::size_t overflow_block_bytes() noexcept {
    static const std::size_t bytes = go::overflow_bucket_bytes(sizeof(Bucket));  // looked up once
    return bytes;
  }

  // Go's makeBucketArray (the sizing is go::bucket_array_layout).
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
    if (array.buckets != nullptr) {
      alloc_.deallocate(array.buckets, array.bytes);
    }
    array = Array{};
  }

  Bucket* allocate_overflow_block() {
    return static_cast<Bucket*>(alloc_.allocate_zeroed(overflow_block_bytes()));
  }

  // The main array starts with no overflow: every chain is one bucket long.
  void reset_overflow_state() noexcept {
    next_preallocated_ = main_.count();
    noverflow_.set(0);
    overflow_in_use_.set(0);
    overflow_allocated_.set(0);
    chain_lengths_.reset();
  }

  // Go's incrnoverflow: exact below B = 16, then counted with probability 1/2^(B-15).
  template <class RandomFn>
  void increment_noverflow(RandomFn& random) {
    if (main_.log2 <= go::kOverflowLimitLog2) {
      noverflow_.add(1);
      return;
    }
    const std::uint64_t mask = (std::uint64_t{1} << (main_.log2 - go::kOverflowLimitLog2)) - 1;
    if ((random() & mask) == 0) {
      noverflow_.add(1);
    }
  }

  // Frees the overflow buckets of the main array's chains that were allocated one by one.
  void free_main_overflow_chains() noexcept {
    for (std::size_t i = 0; overflow_allocated_.get() != 0 && i < main_.count(); ++i) {
      overflow_allocated_.sub(free_chain_overflow(main_, main_.buckets + i));
    }
  }

  // Frees the overflow buckets after b that were allocated one by one (not those preallocated
  // in `array`), cuts the chain after b, and returns how many were freed.
  std::size_t free_chain_overflow(const Array& array, Bucket* b) noexcept {
    std::size_t freed = 0;
    Bucket* next = b->overflow;
    b->overflow = nullptr;
    while (next != nullptr) {
      Bucket* after = next->overflow;
      if (!array.holds(next)) {
        alloc_.deallocate(next, overflow_block_bytes());
        ++freed;
      }
      next = after;
    }
    return freed;
  }

  [[no_unique_address]] Alloc alloc_;
  Array main_;
  Array old_;                          // while growing
  std::size_t next_preallocated_ = 0;  // the main array's next unused preallocated overflow bucket
  // The live figures (MapStats reads them from any thread while the owner writes):
  BasicOwnerCounter<std::uint16_t> noverflow_;  // Go's estimate of overflow buckets: 16 bits, as in Go
  OwnerCounter overflow_in_use_;                // overflow buckets chained off the main array (exact)
  OwnerCounter overflow_allocated_;             // ... of which allocated one by one
  OwnerCounter old_overflow_allocated_;         // one-by-one overflow buckets still held by the old array
  ChainLengths chain_lengths_;                  // of the main array
  Bucket* reserved_ = nullptr;                  // overflow buckets reserved for the evacuation under way
};

}  // namespace mapcore::internal
