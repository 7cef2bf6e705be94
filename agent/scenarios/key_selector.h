// KeySelector: the key number each operation of a phase uses, per its `keys` section.
//
//   sequential  the scenario's SequentialWindow decides (fresh keys in, oldest out, reads cycle)
//   uniform     every key of [from, to) equally likely
//   zipfian     [from, to) with Zipf skew, `from` the most popular
// For uniform and zipfian every operation draws a key independently of what the map holds.
#pragma once

#include <cstdint>
#include <optional>

#include "mapscope/config/schema.h"
#include "operation.h"
#include "random_source.h"
#include "sequential_window.h"
#include "zipfian_distribution.h"

namespace mapscope::scenarios {

class KeySelector {
 public:
  KeySelector(const config::KeySpace& keys, SequentialWindow& window, std::uint64_t seed);

  std::uint64_t key_for(Operation op);

 private:
  config::KeyPattern pattern_;
  std::uint64_t from_;
  std::uint64_t span_;
  SequentialWindow& window_;
  RandomSource random_;
  std::optional<ZipfianDistribution> zipf_;
};

}  // namespace mapscope::scenarios
