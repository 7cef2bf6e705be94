// Prints when a map of int64 keys inserted in order starts and finishes each grow, with the
// bytes it holds at those moments: the trace of docs/go-map-facts.md, produced by mapcore.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "mapcore/map.h"

int main(int argc, char** argv) {
  const std::int64_t inserts = argc > 1 ? std::atoll(argv[1]) : 2'000'000;
  mapcore::Map<std::int64_t, std::int64_t> map(0, {.seed = 1});
  std::printf("%12s %8s %12s %14s %14s\n", "insert#", "event", "B", "bucket_bytes", "old_bytes");
  bool was_growing = false;
  for (std::int64_t key = 0; key < inserts; ++key) {
    map.insert_or_assign(key, key);
    const mapcore::MapStats s = map.stats();
    if (s.growing != was_growing) {
      std::printf("%12lld %8s %12llu %14llu %14llu\n", static_cast<long long>(key) + 1,
                  s.growing ? "start" : "finish", static_cast<unsigned long long>(s.log2_buckets),
                  static_cast<unsigned long long>(s.bucket_bytes),
                  static_cast<unsigned long long>(s.oldbucket_bytes));
      was_growing = s.growing;
    }
  }
  const mapcore::MapStats s = map.stats();
  std::printf("entries %llu, B %llu, %llu bytes held\n", static_cast<unsigned long long>(s.entries),
              static_cast<unsigned long long>(s.log2_buckets),
              static_cast<unsigned long long>(s.total_bytes()));
  return 0;
}
