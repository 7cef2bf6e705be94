// collector_pauses: the pauses a mapcore::Collector causes, and what owners' writes see meanwhile.
//
// Many Active SharedMaps are left in the two states the collector repairs: frozen right at the
// start of a doubling (a stalled grow, read but never written) and drained to 0.5% of their peak
// (sparse). Owner threads keep writing to the drained maps (an insert-and-erase churn) and reading
// the frozen ones, in short bursts, first without a collector (the baseline), then while a
// collector with the default options repairs every map. The program prints, and writes as JSON to
// the path given as argument:
//   - the collector's pauses (every hold of a map's lock, measured exactly) p50/p99/max against
//     max_pause (the goal: p99 <= max_pause, max <= 2 x max_pause);
//   - owners' write latency p50/p99/p99.9/max, baseline and while the collector works;
//   - bytes reclaimed per second of the collector's work.
//
// Usage: collector_pauses [--quick] [RESULT.json]
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mapcore/collector.h"
#include "mapcore/shared_map.h"

namespace {

using Clock = std::chrono::steady_clock;
using IntMap = mapcore::SharedMap<std::int64_t, std::int64_t>;
using namespace std::chrono_literals;

// Latencies in a log-scale histogram (5% wide cells from 10 ns): percentiles within 5%, the
// maximum exact, and no allocation on the measured path.
class LatencyHistogram {
 public:
  void record(std::chrono::nanoseconds latency) {
    const double ns = std::max<double>(static_cast<double>(latency.count()), 1.0);
    const auto cell = static_cast<std::size_t>(std::max(0.0, std::log(ns / kFirstNs) / std::log(kRatio)));
    ++cells_[std::min(cell, cells_.size() - 1)];
    ++count_;
    max_ns_ = std::max(max_ns_, ns);
  }
  void merge(const LatencyHistogram& other) {
    for (std::size_t i = 0; i < cells_.size(); ++i) {
      cells_[i] += other.cells_[i];
    }
    count_ += other.count_;
    max_ns_ = std::max(max_ns_, other.max_ns_);
  }
  // The upper edge of the cell holding quantile q, in microseconds.
  double quantile_us(double q) const {
    if (count_ == 0) {
      return 0;
    }
    const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < cells_.size(); ++i) {
      seen += cells_[i];
      if (seen >= rank) {
        return std::min(kFirstNs * std::pow(kRatio, static_cast<double>(i + 1)), max_ns_) / 1e3;
      }
    }
    return max_ns_ / 1e3;
  }
  double max_us() const { return max_ns_ / 1e3; }
  std::uint64_t count() const { return count_; }

 private:
  static constexpr double kFirstNs = 10;
  static constexpr double kRatio = 1.05;
  std::vector<std::uint64_t> cells_ = std::vector<std::uint64_t>(600, 0);  // up to ~5e13 ns
  std::uint64_t count_ = 0;
  double max_ns_ = 0;
};

// Exact quantile of a sample (nearest rank), in microseconds.
double exact_quantile_us(std::vector<double> ns, double q) {
  if (ns.empty()) {
    return 0;
  }
  std::sort(ns.begin(), ns.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(ns.size())));
  return ns[std::clamp<std::size_t>(rank, 1, ns.size()) - 1] / 1e3;
}

// What the benchmark keeps of each pause.
struct Hold {
  double wall_ns;  // the pause, as the collector measures it
  double cpu_ns;   // CPU time of the collector thread around it: less when the thread was preempted
};

double thread_cpu_ns() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec);
}

// Registers a map through SharedMap's own adapter and keeps every hold the collector reports,
// so that the pause distribution is exact rather than the histogram's cells.
class RecordingMap final : public mapcore::Maintainable {
 public:
  RecordingMap(IntMap& map, std::mutex& mutex, std::vector<Hold>& holds)
      : inner_(map), mutex_(mutex), holds_(holds) {}
  mapcore::MapStats stats() const override { return inner_.stats(); }
  std::size_t evacuate(std::size_t max_buckets) override { return inner_.evacuate(max_buckets); }
  bool shrink_if_sparse() override { return inner_.shrink_if_sparse(); }
  mapcore::MaintenanceSlice evacuate_slice(std::size_t max_buckets) override {
    const double cpu = thread_cpu_ns();
    return keep(inner_.evacuate_slice(max_buckets), cpu);
  }
  mapcore::MaintenanceSlice shrink_slice() override {
    const double cpu = thread_cpu_ns();
    return keep(inner_.shrink_slice(), cpu);
  }

 private:
  mapcore::MaintenanceSlice keep(mapcore::MaintenanceSlice slice, double cpu_before) {
    const double cpu = thread_cpu_ns() - cpu_before;
    const auto wall = static_cast<double>(slice.held.count());
    std::lock_guard lock(mutex_);
    holds_.push_back({wall, std::min(cpu, wall)});
    return slice;
  }
  mapcore::internal::SharedMapAdapter<IntMap> inner_;
  std::mutex& mutex_;
  std::vector<Hold>& holds_;
};

struct Workload {
  std::vector<std::int64_t> frozen_sizes;  // insert counts that start a doubling
  int drained_maps;
  std::int64_t drained_peak;
  std::int64_t drained_keep;
  int owners;
  std::chrono::milliseconds baseline;
};

Workload full_workload() {
  return {{53'249, 106'497, 212'993, 53'249, 106'497, 212'993, 53'249, 106'497, 212'993, 53'249, 106'497,
           212'993},
          6,
          400'000,
          2'000,
          2,
          1000ms};
}

Workload quick_workload() {
  return {{53'249, 106'497, 53'249, 106'497}, 2, 100'000, 500, 2, 300ms};
}

// The maps and the owners' churn on them.
struct Maps {
  std::vector<std::unique_ptr<IntMap>> frozen;
  std::vector<std::unique_ptr<IntMap>> drained;
};

mapcore::Options active() {
  mapcore::Options options;
  options.maintenance = mapcore::Maintenance::Active;
  return options;
}

Maps build_maps(const Workload& w) {
  Maps maps;
  for (const std::int64_t size : w.frozen_sizes) {
    auto map = std::make_unique<IntMap>(0, active());
    for (std::int64_t key = 0; key < size; ++key) {
      map->insert_or_assign(key, key);
    }
    maps.frozen.push_back(std::move(map));
  }
  for (int i = 0; i < w.drained_maps; ++i) {
    auto map = std::make_unique<IntMap>(0, active());
    for (std::int64_t key = 0; key < w.drained_peak; ++key) {
      map->insert_or_assign(key, key);
    }
    map->evacuate(SIZE_MAX);  // a settled table, then drained
    for (std::int64_t key = 0; key < w.drained_peak - w.drained_keep; ++key) {
      map->erase(key);
    }
    maps.drained.push_back(std::move(map));
  }
  return maps;
}

// One owner: bursts of 32 writes (an insert of a fresh key and an erase of an old one, so the
// size stays put) on its share of the even drained maps, a read of a frozen map per burst, then a
// short sleep, so that owners leave the collector a core of its own on a small machine.
void run_owner(int owner, int owners, Maps& maps, const std::atomic<bool>& stop, LatencyHistogram& latency) {
  // Owners write to the even drained maps only: the odd ones are left to the collector alone.
  std::vector<IntMap*> mine;
  for (std::size_t i = 0; i < maps.drained.size(); i += 2) {
    if (static_cast<int>((i / 2) % static_cast<std::size_t>(owners)) == owner) {
      mine.push_back(maps.drained[i].get());
    }
  }
  if (mine.empty()) {
    mine.push_back(maps.drained[0].get());
  }
  // Each map gets its own run of fresh keys; erasing the key inserted 64 writes before on the
  // same map keeps its size constant.
  std::vector<std::int64_t> next_key(mine.size());
  for (std::size_t m = 0; m < mine.size(); ++m) {
    next_key[m] =
        (std::int64_t{1} << 40) * (owner + 1) + (std::int64_t{1} << 32) * static_cast<std::int64_t>(m);
  }
  std::size_t turn = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    for (int i = 0; i < 32; ++i) {
      const std::size_t m = turn++ % mine.size();
      IntMap& map = *mine[m];
      const std::int64_t key = next_key[m]++;
      auto start = Clock::now();
      map.insert_or_assign(key, key);
      latency.record(Clock::now() - start);
      start = Clock::now();
      map.erase(key - 64);
      latency.record(Clock::now() - start);
    }
    const auto& frozen = *maps.frozen[turn % maps.frozen.size()];
    if (frozen.get(static_cast<std::int64_t>(turn % 1000)) != static_cast<std::int64_t>(turn % 1000)) {
      std::fprintf(stderr, "collector_pauses: a frozen map lost key %zu\n", turn % 1000);
      std::abort();
    }
    std::this_thread::sleep_for(300us);
  }
}

// Runs the owners until done() (checked every 10 ms) and returns their merged latencies.
template <class Done>
LatencyHistogram run_owners(const Workload& w, Maps& maps, Done done) {
  std::atomic<bool> stop{false};
  std::vector<LatencyHistogram> latencies(static_cast<std::size_t>(w.owners));
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(w.owners));
  for (int t = 0; t < w.owners; ++t) {
    threads.emplace_back(
        [&, t] { run_owner(t, w.owners, maps, stop, latencies[static_cast<std::size_t>(t)]); });
  }
  while (!done()) {
    std::this_thread::sleep_for(10ms);
  }
  stop = true;
  for (auto& thread : threads) {
    thread.join();
  }
  LatencyHistogram merged;
  for (const auto& l : latencies) {
    merged.merge(l);
  }
  return merged;
}

bool maintenance_finished(const Maps& maps) {
  for (const auto& map : maps.frozen) {
    if (map->stats().growing) {
      return false;
    }
  }
  for (const auto& map : maps.drained) {
    const mapcore::MapStats s = map->stats();
    if (s.growing || s.shrinks_total == 0) {
      return false;
    }
  }
  return true;
}

std::uint64_t table_bytes(const Maps& maps) {
  std::uint64_t total = 0;
  for (const auto* group : {&maps.frozen, &maps.drained}) {
    for (const auto& map : *group) {
      const mapcore::MapStats s = map->stats();
      total += s.bucket_bytes + s.overflow_bytes + s.oldbucket_bytes;
    }
  }
  return total;
}

void print_latency(const char* name, const LatencyHistogram& l) {
  std::printf("  %-28s n=%-9llu p50 %8.2f us  p99 %8.2f us  p99.9 %8.2f us  max %9.2f us\n", name,
              static_cast<unsigned long long>(l.count()), l.quantile_us(0.5), l.quantile_us(0.99),
              l.quantile_us(0.999), l.max_us());
}

std::string latency_json(const LatencyHistogram& l) {
  char out[256];
  std::snprintf(out, sizeof out,
                R"({"count": %llu, "p50_us": %.3f, "p99_us": %.3f, "p999_us": %.3f, "max_us": %.3f})",
                static_cast<unsigned long long>(l.count()), l.quantile_us(0.5), l.quantile_us(0.99),
                l.quantile_us(0.999), l.max_us());
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  const char* json_path = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      quick = true;
    } else if (argv[i][0] == '-') {
      std::fprintf(stderr,
                   "collector_pauses: unknown option %s (usage: collector_pauses [--quick] [RESULT.json])\n",
                   argv[i]);
      return 2;
    } else {
      json_path = argv[i];
    }
  }
  const Workload workload = quick ? quick_workload() : full_workload();

  std::printf("building %zu frozen and %d drained maps...\n", workload.frozen_sizes.size(),
              workload.drained_maps);
  Maps maps = build_maps(workload);
  const std::uint64_t bytes_before = table_bytes(maps);

  // Baseline: the same owners, no collector.
  const auto baseline_end = Clock::now() + workload.baseline;
  const LatencyHistogram baseline = run_owners(workload, maps, [&] { return Clock::now() >= baseline_end; });

  // The collector at its defaults repairs every map while the owners write.
  mapcore::Collector collector;
  std::mutex holds_mutex;
  std::vector<Hold> recorded;
  std::vector<mapcore::Collector::Registration> registrations;
  for (const auto* group : {&maps.frozen, &maps.drained}) {
    for (const auto& map : *group) {
      registrations.push_back(
          collector.add(std::make_unique<RecordingMap>(*map, holds_mutex, recorded), true));
    }
  }
  const auto started = Clock::now();
  collector.start();
  const auto give_up = started + 120s;
  const LatencyHistogram working =
      run_owners(workload, maps, [&] { return maintenance_finished(maps) || Clock::now() >= give_up; });
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  collector.stop();
  const bool finished = maintenance_finished(maps);
  registrations.clear();

  const mapcore::CollectorStats stats = collector.stats();
  const double max_pause_us =
      std::chrono::duration<double, std::micro>(collector.options().max_pause).count();
  std::vector<double> holds;
  std::vector<double> on_cpu;
  {
    std::lock_guard lock(holds_mutex);
    for (const Hold& h : recorded) {
      holds.push_back(h.wall_ns);
      on_cpu.push_back(h.cpu_ns);
    }
  }
  const double cpu_p99 = exact_quantile_us(on_cpu, 0.99);
  const double cpu_max = on_cpu.empty() ? 0 : *std::max_element(on_cpu.begin(), on_cpu.end()) / 1e3;
  const double p50 = exact_quantile_us(holds, 0.5);
  const double p99 = exact_quantile_us(holds, 0.99);
  const double max = holds.empty() ? 0 : *std::max_element(holds.begin(), holds.end()) / 1e3;
  double held_seconds = 0;
  for (const double h : holds) {
    held_seconds += h / 1e9;
  }
  const bool within = p99 <= max_pause_us && max <= 2 * max_pause_us;
  const auto over = static_cast<std::size_t>(
      std::count_if(holds.begin(), holds.end(), [&](double ns) { return ns / 1e3 > max_pause_us; }));
  const double reclaimed_per_second = static_cast<double>(stats.reclaimed_bytes_total) / seconds;
  const double reclaimed_per_pause_second =
      held_seconds > 0 ? static_cast<double>(stats.reclaimed_bytes_total) / held_seconds : 0;

  std::printf("collector (defaults: every 100 ms, 1 ms budget, max_pause %.0f us), %s after %.2f s\n",
              max_pause_us, finished ? "all maps repaired" : "NOT FINISHED", seconds);
  std::printf("  cycles %llu, pauses %zu, buckets evacuated %llu, shrinks %llu, trims %llu\n",
              static_cast<unsigned long long>(stats.cycles_total), holds.size(),
              static_cast<unsigned long long>(stats.evacuated_buckets_total),
              static_cast<unsigned long long>(stats.shrinks_started_total),
              static_cast<unsigned long long>(stats.trims_total));
  std::printf(
      "  pauses: p50 %.1f us  p99 %.1f us  max %.1f us, %zu over max_pause (p99 <= %.0f us, max <= %.0f us: "
      "%s)\n",
      p50, p99, max, over, max_pause_us, 2 * max_pause_us, within ? "yes" : "NO");
  std::printf(
      "  on-CPU part of each pause: p99 %.1f us  max %.1f us (the rest is the thread being preempted)\n",
      cpu_p99, cpu_max);
  std::printf(
      "  table bytes %llu -> %llu; reclaimed %llu bytes: %.1f MB/s of wall time, %.1f MB/s of pause time\n",
      static_cast<unsigned long long>(bytes_before), static_cast<unsigned long long>(table_bytes(maps)),
      static_cast<unsigned long long>(stats.reclaimed_bytes_total), reclaimed_per_second / 1e6,
      reclaimed_per_pause_second / 1e6);
  std::printf("owners' write latency:\n");
  print_latency("baseline (no collector)", baseline);
  print_latency("while the collector works", working);

  if (json_path != nullptr) {
    std::FILE* out = std::fopen(json_path, "w");
    if (out == nullptr) {
      std::fprintf(stderr, "collector_pauses: cannot write %s: %s\n", json_path, std::strerror(errno));
      return 1;
    }
    std::fprintf(
        out,
        "{\n  \"workload\": {\"frozen_maps\": %zu, \"drained_maps\": %d, \"drained_peak\": %lld, "
        "\"drained_keep\": %lld, \"owners\": %d},\n"
        "  \"collector\": {\"interval_ms\": 100, \"budget_ms\": 1, \"max_pause_us\": %.0f, \"finished\": %s, "
        "\"seconds\": %.3f, \"cycles\": %llu, \"evacuated_buckets\": %llu, \"shrinks\": %llu, \"trims\": "
        "%llu},\n"
        "  \"pauses\": {\"count\": %zu, \"p50_us\": %.3f, \"p99_us\": %.3f, \"max_us\": %.3f, "
        "\"over_max_pause\": %zu, \"within_bounds\": %s, \"on_cpu_p99_us\": %.3f, \"on_cpu_max_us\": %.3f},\n"
        "  \"reclaimed\": {\"bytes\": %llu, \"bytes_per_second\": %.0f, \"bytes_per_pause_second\": %.0f},\n"
        "  \"owner_write_latency\": {\"baseline\": %s, \"while_collecting\": %s}\n}\n",
        workload.frozen_sizes.size(), workload.drained_maps, static_cast<long long>(workload.drained_peak),
        static_cast<long long>(workload.drained_keep), workload.owners, max_pause_us,
        finished ? "true" : "false", seconds, static_cast<unsigned long long>(stats.cycles_total),
        static_cast<unsigned long long>(stats.evacuated_buckets_total),
        static_cast<unsigned long long>(stats.shrinks_started_total),
        static_cast<unsigned long long>(stats.trims_total), holds.size(), p50, p99, max, over,
        within ? "true" : "false", cpu_p99, cpu_max,
        static_cast<unsigned long long>(stats.reclaimed_bytes_total), reclaimed_per_second,
        reclaimed_per_pause_second, latency_json(baseline).c_str(), latency_json(working).c_str());
    std::fclose(out);
    std::printf("wrote %s\n", json_path);
  }
  return finished ? 0 : 1;
}
