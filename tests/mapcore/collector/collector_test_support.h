// Shared pieces of the collector suites: test sizes, Active maintenance, the process RSS, key
// generation, filling and draining a map beside its std::unordered_map reference and checking one
// against the other, waiting for a condition.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <thread>
#include <unordered_map>

#include <gtest/gtest.h>
#include <unistd.h>

#include "mapcore/map_stats.h"
#include "mapcore/options.h"

namespace mapcore::testing {

// Sanitized builds (ASan in Debug, TSan) are 5-20x slower: they run the same checks on maps
// ten times smaller. Their allocators also replace glibc's, so RSS checks apply only without them.
#if defined(MAPSCOPE_SANITIZED)
inline constexpr std::size_t kScale = 10;
inline constexpr bool kSanitized = true;
#else
inline constexpr std::size_t kScale = 1;
inline constexpr bool kSanitized = false;
#endif

// The reference a test keeps beside a map of int64 keys and values.
using Reference = std::unordered_map<std::int64_t, std::int64_t>;

// For evacuate(): no limit on the old buckets evacuated.
inline constexpr std::size_t kAll = std::numeric_limits<std::size_t>::max();

// Options of a map the collector maintains.
inline Options active() {
  Options options;
  options.maintenance = Maintenance::Active;
  return options;
}

// The bytes of a map's buckets: main array, overflow and old array.
inline std::uint64_t table_bytes(const MapStats& s) {
  return s.bucket_bytes + s.overflow_bytes + s.oldbucket_bytes;
}

// Resident set size of this process, from /proc/self/statm (second field, in pages).
inline std::uint64_t resident_bytes() {
  std::FILE* file = std::fopen("/proc/self/statm", "r");
  if (file == nullptr) {
    return 0;
  }
  unsigned long long size_pages = 0;
  unsigned long long resident_pages = 0;
  const int read = std::fscanf(file, "%llu %llu", &size_pages, &resident_pages);
  std::fclose(file);
  if (read != 2) {
    return 0;
  }
  return resident_pages * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

// splitmix64: distinct, well spread keys and values from a counter.
inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Inserts keys 0..n-1 (value = key + 1) into the map and its reference.
template <class MapT, class Reference>
void fill(MapT& map, Reference& reference, std::int64_t n) {
  for (std::int64_t key = 0; key < n; ++key) {
    map.insert_or_assign(key, key + 1);
    reference[key] = key + 1;
  }
}

// Erases keys 0, 1, 2, ... until the reference holds `keep` entries; the map holds each of them.
template <class MapT, class Reference>
void drain_to(MapT& map, Reference& reference, std::size_t keep) {
  for (std::int64_t key = 0; reference.size() > keep; ++key) {
    if (reference.erase(key) != 0) {
      ASSERT_TRUE(map.erase(key)) << key;
    }
  }
}

// Every entry of the reference is in the map with its value, and the map holds nothing else
// (for_each visits each entry once: a duplicate or a stray key fails).
template <class MapT, class K, class V>
void expect_same_contents(const MapT& map, const std::unordered_map<K, V>& reference) {
  ASSERT_EQ(map.size(), reference.size());
  std::size_t visited = 0;
  std::size_t strays = 0;
  std::unordered_map<K, int> seen;
  map.for_each([&](const K& key, const V& value) {
    ++visited;
    ++seen[key];
    const auto found = reference.find(key);
    if (found == reference.end() || found->second != value) {
      ++strays;
    }
  });
  EXPECT_EQ(visited, reference.size());
  EXPECT_EQ(strays, 0u);
  EXPECT_EQ(seen.size(), reference.size()) << "an entry was visited twice";
  std::size_t missing = 0;
  for (const auto& [key, value] : reference) {
    const V* found = map.find(key);
    if (found == nullptr || *found != value) {
      ++missing;
    }
  }
  EXPECT_EQ(missing, 0u);
}

// The same check on a SharedMap, under its lock.
template <class SharedMapT, class K, class V>
void expect_contents(SharedMapT& map, const std::unordered_map<K, V>& reference) {
  map.with_lock([&](const auto& m) { expect_same_contents(m, reference); });
}

// How long a test waits for the collector before calling it hung. Never a speed requirement: the
// collector's work per cycle is bounded by wall time, so on a loaded or sanitized build a shrink may take
// many more cycles than on an idle machine; what tests check is that it completes.
inline constexpr std::chrono::seconds kHangGuard{60};

// Waits until done() or the timeout; returns done().
template <class F>
bool wait_until(F done, std::chrono::milliseconds timeout = kHangGuard) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return done();
}

}  // namespace mapcore::testing
