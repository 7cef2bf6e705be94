// When a map is sparse and how far it shrinks: mapcore's own rule (Go never shrinks a map,
// golang/go#20135), built on Go's load factor so that Map::sparse() and the Collector's
// lock-free pre-filter use the same mark.
#pragma once

#include <cstdint>

#include "mapcore/go_layout.h"
#include "mapcore/options.h"

namespace mapcore::internal {

// A map is sparse when it holds under 1/kLowWaterDivisor of the entries its array holds at the
// load factor: entries < 6.5 x 2^B / 8 under Profile::Go122.
inline constexpr std::uint64_t kLowWaterDivisor = 8;

constexpr bool below_low_water(std::uint64_t entries, std::uint64_t buckets, Profile profile) {
  return entries * kLowWaterDivisor * go::kLoadFactorDen < go::load_factor_num(profile) * buckets;
}

// A shrink goes to the smallest array, no larger than 2^current_log2 buckets, that the entries
// fill to at most half the load factor. Refilling it then takes twice the entries before its
// next doubling, and it sits at twice the low-water mark: shrinking and growing cannot thrash.
constexpr std::uint8_t shrink_target_log2(std::uint64_t entries, std::uint8_t current_log2, Profile profile) {
  std::uint8_t log2 = 0;
  while (go::over_load_factor(entries * 2, log2, profile) && log2 < current_log2) {
    ++log2;
  }
  return log2;
}

}  // namespace mapcore::internal
