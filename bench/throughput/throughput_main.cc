// bench_throughput: the Google Benchmark suite of mapcore against absl::flat_hash_map and
// std::unordered_map. Benchmarks are named op/map/key/n, e.g. lookup_hit/absl/int64/1000000.
// Key types: int64, string24 (std::string, 24 characters) and string_view (views of the same
// 24-character keys in one arena the benchmark owns, as Go's strings share their bytes).
//
//   bench_throughput [--sizes=1000000,10000000] [--maps=mapcore,absl,std] [--keys=int64,string24,string_view]
//                    [--ops=insert,insert_hint,lookup_hit,lookup_hit_many,lookup_miss,iterate,mix,erase]
//                    [Google Benchmark flags, e.g. --benchmark_out=FILE --benchmark_out_format=json]
//
// lookup_hit_many is lookup_hit through Map::find_many, mapcore's batched lookup: only mapcore has it.
//
// Built twice: bench_throughput (statistics compiled in) and bench_throughput_nostats
// (MAPCORE_STATS=0), which offers only the map "mapcore_nostats".
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "mapcore_adapter.h"
#include "workloads.h"
#if MAPCORE_STATS
#include "absl_adapter.h"
#include "std_adapter.h"
#endif

namespace {

struct Selection {
  std::vector<std::size_t> sizes{1000000, 10000000};
  std::vector<std::string> maps;
  std::vector<std::string> keys{"int64", "string24", "string_view"};
  std::vector<std::string> ops{"insert",      "insert_hint", "lookup_hit", "lookup_hit_many",
                               "lookup_miss", "iterate",     "mix",        "erase"};
};

std::vector<std::string> split(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    out.emplace_back(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
  }
  return out;
}

bool contains(const std::vector<std::string>& list, std::string_view item) {
  for (const auto& entry : list) {
    if (entry == item) {
      return true;
    }
  }
  return false;
}

// Takes this program's own flags out of argv (Google Benchmark rejects flags it does not know).
bool parse_selection(int& argc, char** argv, Selection& selection) {
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value_of = [&](std::string_view flag) -> std::string_view { return arg.substr(flag.size()); };
    if (arg.starts_with("--sizes=")) {
      selection.sizes.clear();
      for (const auto& size : split(value_of("--sizes="))) {
        char* end = nullptr;
        const unsigned long long n = std::strtoull(size.c_str(), &end, 10);
        if (end == size.c_str() || *end != '\0' || n == 0) {
          std::fprintf(stderr, "bench_throughput: --sizes: '%s' is not a positive count\n", size.c_str());
          return false;
        }
        selection.sizes.push_back(n);
      }
    } else if (arg.starts_with("--maps=")) {
      selection.maps = split(value_of("--maps="));
    } else if (arg.starts_with("--keys=")) {
      selection.keys = split(value_of("--keys="));
    } else if (arg.starts_with("--ops=")) {
      selection.ops = split(value_of("--ops="));
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  return true;
}

template <class Adapter, class K>
void register_map(const Selection& selection, std::string_view key_name, std::size_t n) {
  if (!selection.maps.empty() && !contains(selection.maps, Adapter::kName)) {
    return;
  }
  using W = mapbench::Workloads<Adapter, K>;
  const std::string suffix =
      std::string("/") + Adapter::kName + "/" + std::string(key_name) + "/" + std::to_string(n);
  const auto add = [&](const char* op, std::function<void(benchmark::State&)> body) {
    if (!contains(selection.ops, op)) {
      return;
    }
    benchmark::RegisterBenchmark((op + suffix).c_str(), std::move(body))
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  };
  add("insert", [n](benchmark::State& s) { W::insert(s, n, false); });
  add("insert_hint", [n](benchmark::State& s) { W::insert(s, n, true); });
  add("lookup_hit", [n](benchmark::State& s) { W::lookup_hit(s, n); });
  if constexpr (W::kBatches) {
    add("lookup_hit_many", [n](benchmark::State& s) { W::lookup_hit_many(s, n); });
  }
  add("lookup_miss", [n](benchmark::State& s) { W::lookup_miss(s, n); });
  add("iterate", [n](benchmark::State& s) { W::iterate(s, n); });
  add("mix", [n](benchmark::State& s) { W::read_write_mix(s, n); });
  add("erase", [n](benchmark::State& s) { W::erase(s, n); });
}

template <class K>
void register_key(const Selection& selection, std::string_view key_name) {
  if (!contains(selection.keys, key_name)) {
    return;
  }
  for (const std::size_t n : selection.sizes) {
    register_map<mapbench::MapcoreAdapter<K>, K>(selection, key_name, n);
#if MAPCORE_STATS
    register_map<mapbench::AbslAdapter<K>, K>(selection, key_name, n);
    register_map<mapbench::StdAdapter<K>, K>(selection, key_name, n);
#endif
  }
}

}  // namespace

int main(int argc, char** argv) {
  Selection selection;
  if (!parse_selection(argc, argv, selection)) {
    return 2;
  }
  register_key<std::int64_t>(selection, "int64");
  register_key<std::string>(selection, "string24");
  register_key<std::string_view>(selection, "string_view");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 2;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
