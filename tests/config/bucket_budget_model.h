// BucketBudgetModel: replays a scenario's phases on paper, counting entries and growth as Go's classic
// map would (load factor 6.5, doubling on insert, incremental evacuation by writes only), to check the
// embedded default's time and memory budget without running it. Deliberately conservative: a grow is
// taken to need one write per old bucket (Go needs about 0.7), and bytes are the 144-byte buckets of
// map[int64]int64 including preallocated overflow buckets, before size-class rounding.
#pragma once

#include <cstdint>
#include <vector>

#include "mapscope/config/schema.h"

namespace mapscope::config::testing {

class BucketBudgetModel {
 public:
  static constexpr double kStepSeconds = 0.01;

  explicit BucketBudgetModel(const Scenario& scenario);

  // Advances one step of kStepSeconds.
  void step();

  std::uint64_t bytes() const;  // bucket arrays alive now, the old one included while growing
  std::uint64_t entries() const { return entries_; }
  unsigned buckets_log2() const { return b_; }
  std::uint64_t doublings() const { return doublings_; }
  bool growing() const { return growing_; }
  // Whether the scenario has reached a phase that runs forever (or finished all its phases).
  bool settled() const;
  double seconds() const { return seconds_; }

  static std::uint64_t array_bytes(unsigned b);
  static bool over_load_factor(std::uint64_t count, unsigned b);
  static unsigned b_for_hint(std::uint64_t hint);

 private:
  void run_operations(double operations);
  void insert();
  void erase();
  void write();
  bool phase_done() const;
  void next_phase();

  const Scenario& scenario_;
  std::size_t phase_ = 0;
  double phase_seconds_ = 0;
  double phase_operations_ = 0;
  double credit_ = 0;  // fractional operations carried to the next step
  double seconds_ = 0;
  std::uint64_t entries_ = 0;
  unsigned b_ = 0;
  unsigned old_b_ = 0;
  bool growing_ = false;
  std::uint64_t writes_left_in_grow_ = 0;
  std::uint64_t doublings_ = 0;
  std::uint64_t sequence_ = 0;  // position in the smooth weighted round-robin
};

}  // namespace mapscope::config::testing
