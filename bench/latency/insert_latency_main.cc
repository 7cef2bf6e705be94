// bench_insert_latency: times every single insert while one map grows from empty to n entries.
//
//   bench_insert_latency --map=mapcore|absl|std --key=int64|string24|string_view [--n=10000000]
//                        [--runs=2] [--spikes=FILE] [--spike-ns=10000]
//
// Prints one JSON object: the percentiles (p50, p99, p99.9, max) of the per-insert times, the
// clock's own cost, and the worst inserts with their index. --spikes writes every insert slower
// than --spike-ns as CSV (index,ns) for the latency chart. Each insert is bracketed by two
// steady_clock reads (clock_gettime through the vDSO); timer_overhead_ns is what an empty
// bracket measures, included in every sample.
//
// With --runs=R (default 2) the whole growth is repeated R times with fresh maps, and each
// insert's figure is the smallest of its R samples: an insert that is slow because of the map
// (a rehash, a huge allocation) is slow in every run at the same index, while one that merely
// met a preemption or a page-cache hiccup of a busy machine is not. "max_ns" is that repeatable
// worst; "max_single_run_ns" the worst sample of any run, as measured.
//
// Time is noisy on a shared machine; page faults are not. After the timed runs, one more growth
// (a fresh map, the same keys) reads the thread's fault count (getrusage RUSAGE_THREAD, minor plus
// major) between every two inserts. It is a pass of its own so that those system calls never
// land in a timed sample. "max_faults" is the most faults any single insert took and
// "max_faults_index" the first insert that took that many; "inserts_with_faults" counts the
// inserts that took at least one, and "faults_total" adds them all. Pages a map makes resident
// with madvise count too: the kernel faults them in on the caller's behalf.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "command_line.h"
#include "dispatch.h"
#include "keys.h"

namespace {

using Clock = std::chrono::steady_clock;

std::uint32_t elapsed_ns(Clock::time_point start, Clock::time_point end) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count();
  return static_cast<std::uint32_t>(std::min<std::int64_t>(ns, UINT32_MAX));
}

// The median cost of an empty bracket of two clock reads.
std::uint32_t timer_overhead_ns() {
  std::vector<std::uint32_t> samples(100000);
  for (auto& sample : samples) {
    const auto start = Clock::now();
    sample = elapsed_ns(start, Clock::now());
  }
  const auto middle = samples.begin() + static_cast<std::ptrdiff_t>(samples.size() / 2);
  std::nth_element(samples.begin(), middle, samples.end());
  return *middle;
}

long faults_of_this_thread() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return usage.ru_minflt + usage.ru_majflt;
}

// The page faults of every insert of one growth, summed up.
struct FaultSummary {
  std::uint64_t max_faults = 0;
  std::size_t max_faults_index = 0;
  std::size_t inserts_with_faults = 0;
  std::uint64_t faults_total = 0;

  void add(std::size_t index, std::uint64_t faults) {
    if (faults > max_faults) {
      max_faults = faults;
      max_faults_index = index;
    }
    inserts_with_faults += faults != 0 ? 1 : 0;
    faults_total += faults;
  }
};

std::uint32_t percentile(const std::vector<std::uint32_t>& sorted, double q) {
  const auto index = static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1));
  return sorted[index];
}

struct Options {
  std::size_t n = 0;
  std::size_t runs = 2;
  std::string spikes_path;
  std::uint32_t spike_ns = 0;
};

class LatencyRun {
 public:
  LatencyRun(const Options& options, std::string map, std::string key)
      : options_(options), map_(std::move(map)), key_(std::move(key)) {}

  template <class Adapter, class K>
  void operator()() {
    const mapbench::KeySet<K> key_set = mapbench::make_key_set<K>(mapbench::kPresentStream, options_.n);
    const std::vector<K>& keys = key_set.keys;
    std::vector<std::uint32_t> samples(options_.n, UINT32_MAX);  // touched now, not while timing
    std::vector<std::uint32_t> run(options_.n, 0);
    const std::uint32_t overhead = timer_overhead_ns();
    for (std::size_t r = 0; r < options_.runs; ++r) {
      time_growth<Adapter>(keys, run);
      for (std::size_t i = 0; i < options_.n; ++i) {
        samples[i] = std::min(samples[i], run[i]);
        max_single_run_ = std::max(max_single_run_, run[i]);
      }
    }
    write_spikes(samples);
    const FaultSummary faults = count_faults<Adapter>(keys);
    report(samples, overhead, faults);
  }

 private:
  template <class Adapter, class K>
  void time_growth(const std::vector<K>& keys, std::vector<std::uint32_t>& samples) {
    const auto begin = Clock::now();
    Adapter map(0);
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const auto start = Clock::now();
      map.insert(keys[i], static_cast<std::int64_t>(i));
      samples[i] = elapsed_ns(start, Clock::now());
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - begin).count();
    total_seconds_ = total_seconds_ == 0 ? seconds : std::min(total_seconds_, seconds);
  }

  // One more growth, with the faults of each insert: the difference of the thread's fault count
  // read just before and just after it (the after of one insert is the before of the next; only
  // the summary's arithmetic, on the stack, comes between).
  template <class Adapter, class K>
  static FaultSummary count_faults(const std::vector<K>& keys) {
    FaultSummary summary;
    Adapter map(0);
    long before = faults_of_this_thread();
    for (std::size_t i = 0; i < keys.size(); ++i) {
      map.insert(keys[i], static_cast<std::int64_t>(i));
      const long after = faults_of_this_thread();
      summary.add(i, static_cast<std::uint64_t>(after - before));
      before = after;
    }
    return summary;
  }

  void write_spikes(const std::vector<std::uint32_t>& samples) const {
    if (options_.spikes_path.empty()) {
      return;
    }
    std::FILE* out = std::fopen(options_.spikes_path.c_str(), "w");
    if (out == nullptr) {
      std::perror(options_.spikes_path.c_str());
      return;
    }
    std::fprintf(out, "index,ns\n");
    for (std::size_t i = 0; i < samples.size(); ++i) {
      if (samples[i] >= options_.spike_ns) {
        std::fprintf(out, "%zu,%u\n", i, samples[i]);
      }
    }
    std::fclose(out);
  }

  void report(const std::vector<std::uint32_t>& samples, std::uint32_t overhead,
              const FaultSummary& faults) const {
    std::vector<std::pair<std::uint32_t, std::size_t>> worst;
    for (std::size_t i = 0; i < samples.size(); ++i) {
      worst.emplace_back(samples[i], i);
    }
    const std::size_t shown = std::min<std::size_t>(5, worst.size());
    std::partial_sort(worst.begin(), worst.begin() + static_cast<std::ptrdiff_t>(shown), worst.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::uint32_t> sorted = samples;
    std::sort(sorted.begin(), sorted.end());
    std::printf(
        "{\"map\": \"%s\", \"key\": \"%s\", \"n\": %zu, \"p50_ns\": %u, \"p99_ns\": %u, \"p999_ns\": %u, "
        "\"max_ns\": %u, \"max_single_run_ns\": %u, \"runs\": %zu, \"timer_overhead_ns\": %u, \"total_s\": "
        "%.3f, "
        "\"worst\": [",
        map_.c_str(), key_.c_str(), samples.size(), percentile(sorted, 0.5), percentile(sorted, 0.99),
        percentile(sorted, 0.999), sorted.back(), max_single_run_, options_.runs, overhead, total_seconds_);
    for (std::size_t i = 0; i < shown; ++i) {
      std::printf("%s{\"index\": %zu, \"ns\": %u}", i == 0 ? "" : ", ", worst[i].second, worst[i].first);
    }
    std::printf(
        "], \"max_faults\": %llu, \"max_faults_index\": %zu, \"inserts_with_faults\": %zu, "
        "\"faults_total\": %llu}\n",
        static_cast<unsigned long long>(faults.max_faults), faults.max_faults_index,
        faults.inserts_with_faults, static_cast<unsigned long long>(faults.faults_total));
  }

  Options options_;
  std::string map_;
  std::string key_;
  double total_seconds_ = 0;  // the fastest run's
  std::uint32_t max_single_run_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  mapbench::CommandLine args;
  if (!args.parse(argc, argv)) {
    return 2;
  }
  Options options;
  options.n = args.count("n", 10000000);
  options.runs = args.count("runs", 2);
  options.spikes_path = args.text("spikes", "");
  options.spike_ns = static_cast<std::uint32_t>(args.count("spike-ns", 10000));
  const std::string map = args.text("map", "mapcore");
  const std::string key = args.text("key", "int64");
  LatencyRun run(options, map, key);
  if (!mapbench::dispatch(map, key, run)) {
    std::fprintf(stderr, "bench_insert_latency: unknown --map=%s or --key=%s\n", map.c_str(), key.c_str());
    return 2;
  }
  return 0;
}
