// Go's classic map layout as numbers: the facts mapcore::Map is built from, and the ones a reader
// of a live Go program's map needs to account for its memory the same way. One source for each.
#pragma once

#include <cstddef>
#include <cstdint>

#include "mapcore/internal/size_classes.h"
#include "mapcore/options.h"

namespace mapcore::go {

// Slots per bucket (bucketCnt).
inline constexpr std::size_t kBucketSlots = 8;

// Keys and values larger than this are stored out of line: the slot holds a pointer
// (maxKeySize, maxElemSize).
inline constexpr std::size_t kMaxInlineBytes = 128;

// The load factor is kLoadFactorNum / kLoadFactorDen entries per bucket (loadFactorNum,
// loadFactorDen): 13/2 = 6.5, and 12/2 = 6.0 under go1.21's integer-division slip.
inline constexpr std::uint64_t kLoadFactorDen = 2;
constexpr std::uint64_t load_factor_num(Profile profile) {
  return profile == Profile::Go121 ? 12 : 13;
}
constexpr double load_factor(Profile profile) {
  return static_cast<double>(load_factor_num(profile)) / static_cast<double>(kLoadFactorDen);
}

// overLoadFactor: a map of 2^log2 buckets holding `count` entries must double. More than one
// bucket's worth and more than the load factor per bucket, in Go's integer arithmetic
// (2^0 / 2 == 0, so a single bucket doubles only past 8 entries).
constexpr bool over_load_factor(std::uint64_t count, std::uint8_t log2, Profile profile) {
  return count > kBucketSlots &&
         count > load_factor_num(profile) * ((std::uint64_t{1} << log2) / kLoadFactorDen);
}

// tooManyOverflowBuckets: noverflow >= 2^min(log2, 15) starts a same-size grow. From log2 = 16 on,
// incrnoverflow counts a new overflow bucket only with probability 1/2^(log2 - 15).
inline constexpr std::uint8_t kOverflowLimitLog2 = 15;
constexpr bool too_many_overflow_buckets(std::uint16_t noverflow, std::uint8_t log2) {
  const std::uint8_t capped = log2 < kOverflowLimitLog2 ? log2 : kOverflowLimitLog2;
  return noverflow >= (std::uint32_t{1} << capped);
}

// advanceEvacuationMark: after evacuating the bucket at the cursor, the cursor skips at most this
// many already evacuated buckets.
inline constexpr std::size_t kEvacuationScanLimit = 1024;

// The size Go's allocator hands out for a request of `bytes` (size classes, then 8 KiB pages).
inline std::size_t rounded_size(std::size_t bytes) noexcept {
  return internal::go_rounded_size(bytes);
}

// One bucket array as makeBucketArray allocates it.
struct BucketArrayLayout {
  std::size_t buckets = 0;  // buckets in the allocation: 2^B plus the preallocated overflow ones
  std::size_t bytes = 0;    // the allocation's size, rounded as Go's allocator rounds it
};

// makeBucketArray: 2^log2 buckets; from log2 = 4 on, 2^(log2-4) more as preallocated overflow
// buckets, the whole rounded up to a size class and the slack used for yet more overflow buckets.
inline BucketArrayLayout bucket_array_layout(std::uint8_t log2, std::size_t bucket_bytes) noexcept {
  BucketArrayLayout layout;
  layout.buckets = std::size_t{1} << log2;
  if (log2 >= 4) {
    layout.buckets += std::size_t{1} << (log2 - 4);
    layout.bytes = rounded_size(layout.buckets * bucket_bytes);
    layout.buckets = layout.bytes / bucket_bytes;
  } else {
    layout.bytes = rounded_size(layout.buckets * bucket_bytes);
  }
  return layout;
}

// An overflow bucket allocated on its own takes one allocation of this many bytes.
inline std::size_t overflow_bucket_bytes(std::size_t bucket_bytes) noexcept {
  return rounded_size(bucket_bytes);
}

}  // namespace mapcore::go
