// Paper replay of a scenario's growth, for budget checks of the embedded default.
#include "bucket_budget_model.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mapscope::config::testing {

namespace {

constexpr std::uint64_t kBucketBytes = 144;      // map[int64]int64: 8 + 8*8 + 8*8 + 8
constexpr double kUnlimitedRate = 10'000'000.0;  // operations per second when the rate is unlimited
constexpr std::uint64_t kMaxOperationsPerStep = 1'000'000;

}  // namespace

BucketBudgetModel::BucketBudgetModel(const Scenario& scenario)
    : scenario_(scenario), b_(b_for_hint(scenario.map.hint)) {}

std::uint64_t BucketBudgetModel::array_bytes(unsigned b) {
  const std::uint64_t buckets = (1ULL << b) + (b >= 4 ? 1ULL << (b - 4) : 0);
  return buckets * kBucketBytes;
}

bool BucketBudgetModel::over_load_factor(std::uint64_t count, unsigned b) {
  return count > 8 && static_cast<double>(count) > 6.5 * static_cast<double>(1ULL << b);
}

unsigned BucketBudgetModel::b_for_hint(std::uint64_t hint) {
  unsigned b = 0;
  while (over_load_factor(hint, b)) {
    ++b;
  }
  return b;
}

std::uint64_t BucketBudgetModel::bytes() const {
  return array_bytes(b_) + (growing_ ? array_bytes(old_b_) : 0);
}

bool BucketBudgetModel::settled() const {
  return phase_ >= scenario_.phases.size() || scenario_.phases[phase_].end.kind == EndKind::Forever;
}

void BucketBudgetModel::step() {
  seconds_ += kStepSeconds;
  // The active policy's collector finishes a grow that writes no longer advance, and shrinks a map under
  // 1/8 of its capacity; both are taken as immediate.
  if (scenario_.map.maintenance == Maintenance::Active && phase_ < scenario_.phases.size()) {
    const OperationMix& mix = scenario_.phases[phase_].mix;
    if (mix.insert + mix.update + mix.erase == 0) {
      growing_ = false;
    }
    if (!growing_ && static_cast<double>(entries_) < 6.5 * static_cast<double>(1ULL << b_) / 8) {
      b_ = std::max(b_for_hint(entries_), b_for_hint(scenario_.map.hint));
    }
  }
  if (settled()) {
    return;
  }
  const Phase& phase = scenario_.phases[phase_];
  const double rate = phase.rate.value_or(kUnlimitedRate);
  credit_ += rate * kStepSeconds;
  const double whole = std::min(std::floor(credit_), static_cast<double>(kMaxOperationsPerStep));
  credit_ -= whole;
  phase_seconds_ += kStepSeconds;
  run_operations(whole);
}

void BucketBudgetModel::run_operations(double operations) {
  for (double done = 0; done < operations && !settled(); ++done) {
    if (phase_done()) {
      next_phase();
      continue;
    }
    // Smooth weighted round-robin, as the schema specifies, approximated by position in the cycle.
    const OperationMix& mix = scenario_.phases[phase_].mix;
    const std::uint64_t slot = sequence_++ % mix.total();
    if (slot < mix.insert) {
      insert();
    } else if (slot < std::uint64_t{mix.insert} + mix.erase) {
      erase();
    } else if (slot < std::uint64_t{mix.insert} + mix.erase + mix.update) {
      write();
    }
    phase_operations_ += 1;
  }
  if (!settled() && phase_done()) {
    next_phase();
  }
}

void BucketBudgetModel::insert() {
  if (!growing_ && over_load_factor(entries_ + 1, b_)) {
    growing_ = true;
    old_b_ = b_;
    ++b_;
    ++doublings_;
    writes_left_in_grow_ = 1ULL << old_b_;
  }
  ++entries_;
  write();
}

void BucketBudgetModel::erase() {
  if (entries_ == 0) {
    return;
  }
  --entries_;
  write();
}

void BucketBudgetModel::write() {
  if (!growing_) {
    return;
  }
  if (--writes_left_in_grow_ == 0) {
    growing_ = false;
  }
}

bool BucketBudgetModel::phase_done() const {
  const PhaseEnd& end = scenario_.phases[phase_].end;
  switch (end.kind) {
    case EndKind::Duration:
      return phase_seconds_ >= std::chrono::duration<double>(end.duration).count();
    case EndKind::Operations:
      return phase_operations_ >= static_cast<double>(end.operations);
    case EndKind::Forever:
      return false;
    case EndKind::Until:
      switch (end.until) {
        case UntilKind::Growing:
          return growing_;
        case UntilKind::NotGrowing:
          return !growing_;
        case UntilKind::EntriesAtLeast:
          return entries_ >= end.entries;
        case UntilKind::EntriesAtMost:
          return entries_ <= end.entries;
      }
  }
  return false;
}

void BucketBudgetModel::next_phase() {
  ++phase_;
  phase_seconds_ = 0;
  phase_operations_ = 0;
  sequence_ = 0;
}

}  // namespace mapscope::config::testing
