// Collector: finishes stalled growth and shrinks sparse maps in the background, within a budget.
//
// Go never finishes a grow without writes (golang/go#19094) and never shrinks (golang/go#20135).
// Redis's dict solved both with "active rehashing": a timer spends a little time on idle tables.
// A Collector does the same for maps that opted in (Options::maintenance = Maintenance::Active):
// every `interval` a background thread runs one cycle of at most `budget`, cut into slices of at
// most `max_pause` each, and each slice holds one map's lock once. A cycle first evacuates maps
// that are growing with no write progress, then starts shrinks of sparse maps and evacuates them.
// Every lock hold is a pause, recorded in a histogram; these are mapscope's "GC pauses".
//
// A program that never creates a Collector behaves exactly like Go.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "mapcore/map_stats.h"
#include "mapcore/options.h"
#include "mapcore/pause_histogram.h"

namespace mapcore {

struct CollectorOptions {
  std::chrono::nanoseconds interval = std::chrono::milliseconds(100);
  std::chrono::nanoseconds budget = std::chrono::milliseconds(1);
  std::chrono::nanoseconds max_pause = std::chrono::microseconds(250);
  std::uint64_t trim_threshold = 1 << 20;  // malloc_trim once this many bytes were released (0: never)
};

struct CollectorStats {
  std::uint64_t cycles_total = 0;
  std::uint64_t evacuated_buckets_total = 0;
  std::uint64_t shrinks_started_total = 0;
  std::uint64_t reclaimed_bytes_total = 0;  // table bytes given back by shrinks and early-finished grows
  std::uint64_t trims_total = 0;            // malloc_trim calls
  std::uint64_t maps = 0;                   // registered maps
  PauseHistogramSnapshot pauses;            // one observation per lock hold
};

// What one hold of a map's lock did, measured inside the hold.
struct MaintenanceSlice {
  std::size_t evacuated = 0;         // old buckets evacuated
  bool shrink_started = false;       // a shrink was started
  MapStats before;                   // the map when the hold began
  MapStats after;                    // ... and when it ended
  std::chrono::nanoseconds held{0};  // how long the lock was held: the pause owners saw
};

// What the collector needs of a map; SharedMap satisfies it through an adapter (see add()).
class Maintainable {
 public:
  virtual ~Maintainable() = default;
  // Lock-free. Reclaimed bytes come from its maintenance_reclaimed_bytes_total, which a Map
  // keeps; an implementation that leaves it at 0 is maintained but credits nothing.
  virtual MapStats stats() const = 0;
  virtual std::size_t evacuate(std::size_t max_buckets) = 0;  // takes the map's lock once
  virtual bool shrink_if_sparse() = 0;                        // takes the map's lock once

  // The same two operations, measured. The defaults time the calls above and read stats() around
  // them, so an owner's write between the reads can fall into the measured slice; an
  // implementation that can do all of it inside one hold of its lock (as SharedMap's adapter
  // does) should override.
  virtual MaintenanceSlice evacuate_slice(std::size_t max_buckets);
  virtual MaintenanceSlice shrink_slice();
};

class Collector {
  struct State;  // the implementation's state, in collector.cc

 public:
  class Registration;

  explicit Collector(CollectorOptions options = {});
  ~Collector();  // stops the background thread
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  // Registers a map for maintenance while the returned handle lives. Maps whose options say
  // Maintenance::Go are registered but left alone. The map must outlive the handle.
  template <class SharedMapT>
  [[nodiscard]] Registration add(SharedMapT& map);
  [[nodiscard]] Registration add(std::unique_ptr<Maintainable> map, bool active);

  void start();      // starts the background thread (idempotent)
  void stop();       // stops it after the cycle under way (idempotent)
  void run_cycle();  // one cycle on the calling thread (what the thread does every interval)

  CollectorStats stats() const;
  const CollectorOptions& options() const { return options_; }

  // Unregisters on destruction; a destroyed handle guarantees the collector no longer touches
  // the map (it waits for a slice in progress to end).
  class Registration {
   public:
    Registration() = default;
    Registration(Registration&& other) noexcept;
    Registration& operator=(Registration&& other) noexcept;
    ~Registration();
    void reset();

   private:
    friend class Collector;
    Registration(std::weak_ptr<State> state, std::uint64_t id) : state_(std::move(state)), id_(id) {}
    std::weak_ptr<State> state_;
    std::uint64_t id_ = 0;
  };

 private:
  // Registered maps, counters, the pause histogram and the thread live in collector.cc. A
  // Registration holds the state weakly, so a handle that outlives its collector is harmless.
  struct Entry;
  static void remove(State& state, std::uint64_t id);
  void thread_main();
  static std::size_t slice_buckets(const Entry& entry, std::chrono::nanoseconds target);
  bool start_shrink(Entry& entry);
  bool drive(Entry& entry, std::chrono::steady_clock::time_point deadline);
  void credit_reclaimed(Entry& entry, const MapStats& stats);

  CollectorOptions options_;
  std::shared_ptr<State> state_;
};

namespace internal {
template <class SharedMapT>
class SharedMapAdapter final : public Maintainable {
 public:
  explicit SharedMapAdapter(SharedMapT& map) : map_(map) {}
  MapStats stats() const override { return map_.stats(); }
  std::size_t evacuate(std::size_t max_buckets) override { return map_.evacuate(max_buckets); }
  bool shrink_if_sparse() override { return map_.shrink_if_sparse(); }

  // One lock hold each; the clock starts once the lock is taken, so waiting for an owner's
  // write is not counted as a pause the collector caused.
  // The old array of a grow that the slice finishes is freed after the lock is released:
  // unmapping it takes time that grows with its size, and owners need not wait for that.
  MaintenanceSlice evacuate_slice(std::size_t max_buckets) override {
    typename SharedMapT::MapType::Retired retired;
    MaintenanceSlice slice = map_.with_lock([&](auto& map) {
      return measured(map, [&](MaintenanceSlice& s) { s.evacuated = map.evacuate(max_buckets, retired); });
    });
    retired.release();
    return slice;
  }
  MaintenanceSlice shrink_slice() override {
    return map_.with_lock([&](auto& map) {
      return measured(
          map, [&](MaintenanceSlice& slice) { slice.shrink_started = map.sparse() && map.shrink_to_fit(); });
    });
  }

 private:
  template <class MapT, class Work>
  static MaintenanceSlice measured(MapT& map, Work&& work) {
    MaintenanceSlice slice;
    const auto start = std::chrono::steady_clock::now();
    slice.before = map.stats();
    work(slice);
    slice.after = map.stats();
    slice.held = std::chrono::steady_clock::now() - start;
    return slice;
  }

  SharedMapT& map_;
};
}  // namespace internal

template <class SharedMapT>
Collector::Registration Collector::add(SharedMapT& map) {
  return add(std::make_unique<internal::SharedMapAdapter<SharedMapT>>(map),
             map.options().maintenance == Maintenance::Active);
}

}  // namespace mapcore
