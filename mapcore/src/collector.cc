// Collector: the background maintenance of maps that opted in (Maintenance::Active).
//
// A cycle looks at every registered map through its lock-free stats, then spends its budget in
// slices: first on stalled grows (a map growing whose write-driven evacuation did not move since
// the previous cycle), then on shrinks (continuing those under way, starting them on sparse
// maps). A slice holds one map's lock once and is sized from that map's measured cost per
// evacuated bucket so that it stays under max_pause.
#include "mapcore/collector.h"

#include <algorithm>
#include <atomic>
#include <optional>

#include "mapcore/go_layout.h"
#include "mapcore/internal/shrink_rule.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace mapcore {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kFirstSliceBuckets = 16;  // before anything is measured for a map
constexpr std::size_t kSliceGrowthLimit = 4;    // a slice at most 4x the previous one: estimates are noisy
constexpr std::size_t kMaxSliceBuckets = std::size_t{1} << 20;
// Slices aim at this share of max_pause: the rest absorbs the spread of the per-bucket cost.
constexpr double kSliceTargetShare = 0.5;
// EWMA weights of a new per-bucket cost: rises are believed faster than falls, so that a map
// whose buckets turn expensive does not overshoot max_pause for long.
constexpr double kCostRiseWeight = 0.5;
constexpr double kCostFallWeight = 0.2;

// Old buckets evacuated by writes alone: it moves only when an owner writes during a grow.
std::uint64_t write_progress(const MapStats& s) {
  return s.evacuated_buckets_total - s.evacuated_by_collector_total;
}

// A cheap pre-filter on lock-free stats: Map::sparse() decides under the lock, so a map that is
// not sparse costs one short hold at most. The stats do not say the map's profile, so the mark is
// taken at Go122's load factor, the larger one: every map Map::sparse() accepts passes.
bool may_be_sparse(const MapStats& s) {
  static_assert(go::load_factor_num(Profile::Go122) >= go::load_factor_num(Profile::Go121));
  return !s.growing && s.log2_buckets > 0 && internal::below_low_water(s.entries, s.buckets, Profile::Go122);
}

}  // namespace

MaintenanceSlice Maintainable::evacuate_slice(std::size_t max_buckets) {
  MaintenanceSlice slice;
  slice.before = stats();
  const auto start = Clock::now();
  slice.evacuated = evacuate(max_buckets);
  slice.held = Clock::now() - start;
  slice.after = stats();
  return slice;
}

MaintenanceSlice Maintainable::shrink_slice() {
  MaintenanceSlice slice;
  slice.before = stats();
  const auto start = Clock::now();
  slice.shrink_started = shrink_if_sparse();
  slice.held = Clock::now() - start;
  slice.after = stats();
  return slice;
}

// One registered map.
struct Collector::Entry {
  Entry(std::uint64_t entry_id, std::unique_ptr<Maintainable> maintained, bool is_active)
      : id(entry_id), active(is_active), map(std::move(maintained)) {}

  const std::uint64_t id;
  const bool active;

  // Every use of `map` holds `use`; unregistering takes it too and then drops the map, so it
  // waits for a slice in progress and the collector never touches the map afterwards.
  std::mutex use;
  std::unique_ptr<Maintainable> map;

  // Bookkeeping of the cycles (only touched under State::cycle_mutex).
  bool seen = false;  // last_write_progress is valid
  std::uint64_t last_write_progress = 0;
  double ns_per_bucket = 0;          // EWMA of the cost of one evacuated bucket; 0: unmeasured
  std::size_t last_slice = 0;        // buckets asked of the previous slice
  bool reclaim_seen = false;         // last_reclaimed is valid
  std::uint64_t last_reclaimed = 0;  // the map's maintenance_reclaimed_bytes_total when last read
};

struct Collector::State {
  explicit State(const CollectorOptions& collector_options) : options(collector_options) {}

  const CollectorOptions options;

  std::mutex registry_mutex;
  std::vector<std::shared_ptr<Entry>> entries;
  std::uint64_t next_id = 1;

  std::mutex cycle_mutex;       // one cycle at a time (the thread and run_cycle())
  std::uint64_t resume_id = 0;  // the map where the last cycle ran out of budget goes first
  std::uint64_t reclaimed_since_trim = 0;

  std::mutex thread_mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::thread thread;

  std::atomic<std::uint64_t> cycles{0};
  std::atomic<std::uint64_t> evacuated{0};
  std::atomic<std::uint64_t> shrinks_started{0};
  std::atomic<std::uint64_t> reclaimed{0};
  std::atomic<std::uint64_t> trims{0};
  PauseHistogram pauses;

  std::vector<std::shared_ptr<Entry>> snapshot() {
    std::lock_guard lock(registry_mutex);
    std::vector<std::shared_ptr<Entry>> out = entries;
    const auto first =
        std::find_if(out.begin(), out.end(), [&](const auto& e) { return e->id == resume_id; });
    if (first != out.end()) {
      std::rotate(out.begin(), first, out.end());
    }
    return out;
  }
};

namespace {

// Runs f(map) while holding the entry's use lock; nothing when the map was unregistered.
template <class EntryT, class F>
auto with_map(EntryT& entry, F&& f) -> std::optional<decltype(f(*entry.map))> {
  std::lock_guard lock(entry.use);
  if (entry.map == nullptr) {
    return std::nullopt;
  }
  return f(*entry.map);
}

}  // namespace

Collector::Collector(CollectorOptions options)
    : options_(options), state_(std::make_shared<State>(options)) {}

Collector::~Collector() {
  stop();
}

Collector::Registration Collector::add(std::unique_ptr<Maintainable> map, bool active) {
  std::lock_guard lock(state_->registry_mutex);
  const std::uint64_t id = state_->next_id++;
  state_->entries.push_back(std::make_shared<Entry>(id, std::move(map), active));
  return Registration(state_, id);
}

void Collector::remove(State& state, std::uint64_t id) {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard lock(state.registry_mutex);
    const auto found =
        std::find_if(state.entries.begin(), state.entries.end(), [&](const auto& e) { return e->id == id; });
    if (found == state.entries.end()) {
      return;
    }
    entry = *found;
    state.entries.erase(found);
  }
  std::lock_guard use(entry->use);  // waits for a slice in progress
  entry->map.reset();
}

void Collector::start() {
  std::lock_guard lock(state_->thread_mutex);
  if (state_->thread.joinable()) {
    return;
  }
  state_->stopping = false;
  state_->thread = std::thread([this] { thread_main(); });
}

void Collector::stop() {
  std::thread thread;
  {
    std::lock_guard lock(state_->thread_mutex);
    state_->stopping = true;
    thread = std::move(state_->thread);
  }
  state_->wake.notify_all();
  if (thread.joinable()) {
    thread.join();
  }
}

void Collector::thread_main() {
  State& state = *state_;
  auto next = Clock::now() + options_.interval;
  for (;;) {
    {
      std::unique_lock lock(state.thread_mutex);
      if (state.wake.wait_until(lock, next, [&] { return state.stopping; })) {
        return;
      }
    }
    run_cycle();
    next += options_.interval;
    const auto now = Clock::now();
    if (next < now) {
      next = now;  // a late cycle does not cause a burst of catch-up cycles
    }
  }
}

void Collector::run_cycle() {
  State& state = *state_;
  std::lock_guard cycle(state.cycle_mutex);
  const auto deadline = Clock::now() + options_.budget;

  // Look at every map once, through its lock-free stats.
  std::vector<std::shared_ptr<Entry>> stalled;
  std::vector<std::pair<std::shared_ptr<Entry>, bool>> shrinkable;  // and whether already shrinking
  for (auto& entry : state.snapshot()) {
    if (!entry->active) {
      continue;
    }
    const std::optional<MapStats> s = with_map(*entry, [](Maintainable& m) { return m.stats(); });
    if (!s) {
      continue;
    }
    credit_reclaimed(*entry, *s);
    const std::uint64_t progress = write_progress(*s);
    const bool no_write_progress = entry->seen && progress == entry->last_write_progress;
    entry->seen = true;
    entry->last_write_progress = progress;
    if (s->growing && !s->shrinking && no_write_progress) {
      stalled.push_back(entry);
    } else if (s->shrinking || may_be_sparse(*s)) {
      shrinkable.emplace_back(entry, s->shrinking);
    }
  }

  // Stalled grows first: their old arrays are pure waste. Then shrinks.
  const auto out_of_budget = [&](const Entry& entry) {
    state.resume_id = entry.id;
    return true;
  };
  bool exhausted = false;
  for (auto& entry : stalled) {
    if (!drive(*entry, deadline)) {
      exhausted = out_of_budget(*entry);
      break;
    }
  }
  for (auto& [entry, shrinking] : shrinkable) {
    if (exhausted) {
      break;
    }
    if (Clock::now() >= deadline) {
      exhausted = out_of_budget(*entry);
      break;
    }
    if (!shrinking && !start_shrink(*entry)) {
      continue;
    }
    if (!drive(*entry, deadline)) {
      exhausted = out_of_budget(*entry);
    }
  }

  state.cycles.fetch_add(1, std::memory_order_relaxed);
  if (options_.trim_threshold != 0 && state.reclaimed_since_trim >= options_.trim_threshold) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
    state.trims.fetch_add(1, std::memory_order_relaxed);
    state.reclaimed_since_trim = 0;
  }
}

// How many buckets fit in `target`, from the entry's measured cost per bucket. At least one, so
// that a map whose estimate was inflated by one slow slice (a preempted thread) keeps moving and
// its estimate comes back down.
std::size_t Collector::slice_buckets(const Entry& entry, std::chrono::nanoseconds target) {
  if (entry.ns_per_bucket <= 0) {
    return kFirstSliceBuckets;
  }
  const double affordable = static_cast<double>(target.count()) / entry.ns_per_bucket;
  const std::size_t limit =
      std::min(std::max(kFirstSliceBuckets, entry.last_slice * kSliceGrowthLimit), kMaxSliceBuckets);
  return std::clamp<std::size_t>(static_cast<std::size_t>(affordable), 1, limit);
}

// One hold: starts a shrink if the map is sparse. Returns whether one started.
bool Collector::start_shrink(Entry& entry) {
  const std::optional<MaintenanceSlice> slice =
      with_map(entry, [](Maintainable& m) { return m.shrink_slice(); });
  if (!slice) {
    return false;
  }
  state_->pauses.record(slice->held);
  credit_reclaimed(entry, slice->after);
  if (slice->shrink_started) {
    state_->shrinks_started.fetch_add(1, std::memory_order_relaxed);
  }
  return slice->shrink_started;
}

// Evacuates the entry's grow in slices until it finishes or the budget is spent. Returns false
// when the budget ran out first.
bool Collector::drive(Entry& entry, Clock::time_point deadline) {
  const auto target_pause =
      std::chrono::duration_cast<std::chrono::nanoseconds>(options_.max_pause * kSliceTargetShare);
  for (;;) {
    const auto remaining = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - Clock::now());
    if (remaining.count() <= 0) {
      return false;
    }
    const std::size_t buckets = slice_buckets(entry, std::min(target_pause, remaining));
    const std::optional<MaintenanceSlice> slice =
        with_map(entry, [&](Maintainable& m) { return m.evacuate_slice(buckets); });
    if (!slice) {
      return true;  // unregistered meanwhile
    }
    state_->pauses.record(slice->held);
    entry.last_slice = buckets;
    if (slice->evacuated != 0) {
      const double cost = static_cast<double>(slice->held.count()) / static_cast<double>(slice->evacuated);
      if (entry.ns_per_bucket == 0) {
        entry.ns_per_bucket = cost;
      } else {
        const double weight = cost > entry.ns_per_bucket ? kCostRiseWeight : kCostFallWeight;
        entry.ns_per_bucket += weight * (cost - entry.ns_per_bucket);
      }
    }
    state_->evacuated.fetch_add(slice->evacuated, std::memory_order_relaxed);
    credit_reclaimed(entry, slice->after);
    if (!slice->after.growing || slice->evacuated == 0) {
      return true;
    }
  }
}

// Reclaimed bytes: the map counts what its table shrank by over each shrink and each grow that
// evacuate() worked on, when that grow ends, whoever evacuated its last bucket (a slice of ours or
// an owner's write). The collector credits the growth of that count from the first time it read
// the map, so a grow ended between two reads is counted at the next one, and nothing twice.
void Collector::credit_reclaimed(Entry& entry, const MapStats& stats) {
  const std::uint64_t total = stats.maintenance_reclaimed_bytes_total;
  if (entry.reclaim_seen && total > entry.last_reclaimed) {
    const std::uint64_t freed = total - entry.last_reclaimed;
    state_->reclaimed.fetch_add(freed, std::memory_order_relaxed);
    state_->reclaimed_since_trim += freed;
  }
  entry.reclaim_seen = true;
  entry.last_reclaimed = total;
}

CollectorStats Collector::stats() const {
  CollectorStats out;
  out.cycles_total = state_->cycles.load(std::memory_order_relaxed);
  out.evacuated_buckets_total = state_->evacuated.load(std::memory_order_relaxed);
  out.shrinks_started_total = state_->shrinks_started.load(std::memory_order_relaxed);
  out.reclaimed_bytes_total = state_->reclaimed.load(std::memory_order_relaxed);
  out.trims_total = state_->trims.load(std::memory_order_relaxed);
  out.pauses = state_->pauses.snapshot();
  std::lock_guard lock(state_->registry_mutex);
  out.maps = state_->entries.size();
  return out;
}

Collector::Registration::Registration(Registration&& other) noexcept
    : state_(std::move(other.state_)), id_(std::exchange(other.id_, 0)) {}

Collector::Registration& Collector::Registration::operator=(Registration&& other) noexcept {
  if (this != &other) {
    reset();
    state_ = std::move(other.state_);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

Collector::Registration::~Registration() {
  reset();
}

void Collector::Registration::reset() {
  if (const std::shared_ptr<State> state = state_.lock()) {
    Collector::remove(*state, id_);
  }
  state_.reset();
  id_ = 0;
}

}  // namespace mapcore
