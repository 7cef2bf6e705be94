// bench_memory: the memory one filled map takes, measured in a fresh process.
//
//   bench_memory --map=mapcore|absl|std --key=int64|string24|string_view [--n=1000000]
//
// Inserts n keys into one map, generating each key on the fly (no key vector is kept), and
// prints one JSON object with per-entry figures:
//   own_bytes     the map's own figure (see the adapters)
//   heap_bytes    the growth of glibc's bytes in use (mallinfo2: uordblks + hblkhd), which also
//                 counts what the keys own (the heap buffer of a 24-character std::string)
//   rss_bytes     the growth of the process's resident set (VmRSS)
// string_view keys own nothing: their bytes are one arena (keys.h) written before the first
// figure is taken, so all three figures are the map's alone, like the own figure of Go's
// map[string]int64 (bench/go/memory.go subtracts the key bytes).
#include <malloc.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#include "command_line.h"
#include "dispatch.h"
#include "keys.h"

namespace {

std::uint64_t resident_bytes() {
  std::FILE* status = std::fopen("/proc/self/status", "r");
  if (status == nullptr) {
    return 0;
  }
  char line[256];
  std::uint64_t kib = 0;
  while (std::fgets(line, sizeof line, status) != nullptr) {
    if (std::strncmp(line, "VmRSS:", 6) == 0) {
      kib = std::strtoull(line + 6, nullptr, 10);
      break;
    }
  }
  std::fclose(status);
  return kib * 1024;
}

std::uint64_t heap_in_use() {
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

class MemoryRun {
 public:
  MemoryRun(std::size_t n, std::string map, std::string key)
      : n_(n), map_(std::move(map)), key_(std::move(key)) {}

  template <class Adapter, class K>
  void operator()() {
    constexpr bool kViews = std::is_same_v<K, std::string_view>;
    const mapbench::KeyArena arena =
        kViews ? mapbench::KeyArena(mapbench::kPresentStream, n_) : mapbench::KeyArena();
    const std::uint64_t rss_before = resident_bytes();
    const std::uint64_t heap_before = heap_in_use();
    Adapter map(0);
    mapbench::SplitMix64 rng(mapbench::kPresentStream);
    for (std::size_t i = 0; i < n_; ++i) {
      if constexpr (kViews) {
        map.insert(arena[i], static_cast<std::int64_t>(i));
      } else {
        map.insert(mapbench::make_key<K>(rng.next()), static_cast<std::int64_t>(i));
      }
    }
    const double heap = static_cast<double>(heap_in_use() - heap_before);
    const double rss = static_cast<double>(resident_bytes() - rss_before);
    const double n = static_cast<double>(map.size());
    std::printf(
        "{\"map\": \"%s\", \"key\": \"%s\", \"n\": %zu, \"own_bytes_per_entry\": %.2f, "
        "\"heap_bytes_per_entry\": %.2f, \"rss_bytes_per_entry\": %.2f}\n",
        map_.c_str(), key_.c_str(), map.size(), static_cast<double>(map.own_bytes()) / n, heap / n, rss / n);
  }

 private:
  std::size_t n_;
  std::string map_;
  std::string key_;
};

}  // namespace

int main(int argc, char** argv) {
  mapbench::CommandLine args;
  if (!args.parse(argc, argv)) {
    return 2;
  }
  const std::string map = args.text("map", "mapcore");
  const std::string key = args.text("key", "int64");
  MemoryRun run(args.count("n", 1000000), map, key);
  if (!mapbench::dispatch(map, key, run)) {
    std::fprintf(stderr, "bench_memory: unknown --map=%s or --key=%s\n", map.c_str(), key.c_str());
    return 2;
  }
  return 0;
}
