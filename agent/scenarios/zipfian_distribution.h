// ZipfianDistribution: ranks 0 .. n-1 drawn with probability proportional to 1 / (rank + 1)^skew.
//
// The generator of YCSB (after Gray et al., "Quickly generating billion-record synthetic databases",
// SIGMOD 1994): constant time per draw once zeta(n, skew) is known, for 0 < skew < 1. zeta is summed
// exactly for the first terms and by the Euler-Maclaurin formula beyond, so building a distribution over
// a hundred million keys takes microseconds rather than a pass over every key.
#pragma once

#include <cstdint>

#include "random_source.h"

namespace mapscope::scenarios {

class ZipfianDistribution {
 public:
  ZipfianDistribution(std::uint64_t n, double skew);

  std::uint64_t operator()(RandomSource& random) const;

  // sum_{i=1}^{n} 1 / i^skew
  static double zeta(std::uint64_t n, double skew);

  // The probability of drawing rank 0 (the most popular key): 1 / zeta(n, skew).
  double top_probability() const { return 1.0 / zeta_n_; }

 private:
  std::uint64_t n_;
  double skew_;
  double zeta_n_;
  double alpha_;
  double eta_ = 0;
  double second_threshold_;
};

}  // namespace mapscope::scenarios
