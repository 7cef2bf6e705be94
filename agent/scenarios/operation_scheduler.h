// OperationScheduler: which operation comes next in a phase, interleaved in proportion to the mix.
//
// Smooth weighted round-robin (the scheme nginx uses for upstream weights): every step each operation
// gains its weight, the one with the most credit runs and pays back the total. The sequence is
// deterministic, every window of `total` steps holds exactly `weight` of each operation, and equal weights
// alternate (insert, delete, insert, ...), so a {insert: 1, delete: 1} churn never drifts the map's size.
#pragma once

#include <array>
#include <cstdint>

#include "mapscope/config/schema.h"
#include "operation.h"

namespace mapscope::scenarios {

class OperationScheduler {
 public:
  explicit OperationScheduler(const config::OperationMix& mix);

  Operation next();

 private:
  std::array<std::int64_t, kOperationCount> weights_{};
  std::array<std::int64_t, kOperationCount> credit_{};
  std::int64_t total_ = 0;
};

}  // namespace mapscope::scenarios
