#include "operation_scheduler.h"

#include <cstddef>

namespace mapscope::scenarios {

OperationScheduler::OperationScheduler(const config::OperationMix& mix)
    : weights_{mix.insert, mix.update, mix.erase, mix.lookup},
      total_(static_cast<std::int64_t>(mix.total())) {}

Operation OperationScheduler::next() {
  std::size_t best = 0;
  for (std::size_t i = 0; i < kOperationCount; ++i) {
    credit_[i] += weights_[i];
    if (credit_[i] > credit_[best]) {
      best = i;  // ties go to the earlier operation, in `mix` key order
    }
  }
  credit_[best] -= total_;
  return kOperations[best];
}

}  // namespace mapscope::scenarios
