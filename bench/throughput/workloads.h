// Workloads: the throughput workloads of the suite, one static function each, for one map
// adapter and key type. One benchmark iteration is one pass of n operations over a map of n
// entries; items_per_second in the results is therefore operations per second. bench/go/
// runs the same passes over the same keys in the same order.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "key_cache.h"
#include "keys.h"
#include "prebuilt_map.h"

namespace mapbench {

template <class Adapter, class K>
class Workloads {
 public:
  // Builds a map of n entries from empty (hint 0) or from Adapter(n); the map's construction
  // is part of the time, its destruction is not.
  static void insert(benchmark::State& state, std::size_t n, bool hinted) {
    const auto& keys = KeyCache<K>::present(n);
    for (auto _ : state) {
      auto map = std::make_unique<Adapter>(hinted ? n : 0);
      for (std::size_t i = 0; i < n; ++i) {
        map->insert(keys[i], static_cast<std::int64_t>(i));
      }
      benchmark::DoNotOptimize(map->size());
      state.PauseTiming();
      map.reset();
      state.ResumeTiming();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  }

  // n lookups of present keys in the visiting order (keys.h).
  static void lookup_hit(benchmark::State& state, std::size_t n) {
    const auto& keys = KeyCache<K>::present(n);
    const Adapter& map = PrebuiltMap::get<Adapter>(keys);
    VisitOrder order(n, 0);
    std::int64_t sum = 0;
    for (auto _ : state) {
      for (std::size_t i = 0; i < n; ++i) {
        const std::int64_t* value = map.find(keys[order.next()]);
        sum += value != nullptr ? *value : 0;
      }
    }
    benchmark::DoNotOptimize(sum);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  }

  // What find_many is handed: the keys themselves, or views of std::string keys (a copy of a
  // std::string would allocate).
  using BatchKey = std::conditional_t<std::is_same_v<K, std::string>, std::string_view, K>;
  static constexpr bool kBatches =
      requires(const Adapter& map, std::span<const BatchKey> keys, std::span<const std::int64_t*> out) {
    map.find_many(keys, out);
  };

  // lookup_hit through find_many (adapters that have it): the same keys in the same order, read
  // from the key vector the same way, handed over 64 at a time.
  static void lookup_hit_many(benchmark::State& state, std::size_t n) {
    const auto& keys = KeyCache<K>::present(n);
    const Adapter& map = PrebuiltMap::get<Adapter>(keys);
    VisitOrder order(n, 0);
    std::array<BatchKey, 64> batch;
    std::array<const std::int64_t*, 64> found{};
    std::int64_t sum = 0;
    for (auto _ : state) {
      for (std::size_t first = 0; first < n; first += batch.size()) {
        const std::size_t count = std::min(batch.size(), n - first);
        for (std::size_t i = 0; i < count; ++i) {
          batch[i] = keys[order.next()];
        }
        map.find_many(std::span<const BatchKey>(batch.data(), count),
                      std::span<const std::int64_t*>(found.data(), count));
        for (std::size_t i = 0; i < count; ++i) {
          sum += found[i] != nullptr ? *found[i] : 0;
        }
      }
    }
    benchmark::DoNotOptimize(sum);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  }

  // n lookups of absent keys (stream 2), cycling through min(n, 2^20) of them.
  static void lookup_miss(benchmark::State& state, std::size_t n) {
    const auto& keys = KeyCache<K>::present(n);
    const auto& absent = KeyCache<K>::absent(n);
    const Adapter& map = PrebuiltMap::get<Adapter>(keys);
    std::size_t found = 0;
    for (auto _ : state) {
      std::size_t j = 0;
      for (std::size_t i = 0; i < n; ++i) {
        found += map.find(absent[j]) != nullptr ? 1 : 0;
        if (++j == absent.size()) {
          j = 0;
        }
      }
    }
    benchmark::DoNotOptimize(found);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  }

  // Visits every entry once per pass.
  static void iterate(benchmark::State& state, std::size_t n) {
    const auto& keys = KeyCache<K>::present(n);
    const Adapter& map = PrebuiltMap::get<Adapter>(keys);
    std::int64_t sum = 0;
    for (auto _ : state) {
      map.for_each([&](const K&, std::int64_t value) { sum += value; });
    }
    benchmark::DoNotOptimize(sum);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * map.size()));
  }

  // 90% lookups of present keys, 10% writes. The writes alternate: erase a present key, then
  // insert it again, so the map holds the same keys after every pass (and the next benchmark
  // finds the map it expects).
  static void read_write_mix(benchmark::State& state, std::size_t n) {
    const auto& keys = KeyCache<K>::present(n);
    Adapter& map = PrebuiltMap::get<Adapter>(keys);
    VisitOrder reads(n, 0);
    VisitOrder writes(n, n / 2);
    std::int64_t sum = 0;
    std::size_t pending = 0;
    bool erased = false;
    for (auto _ : state) {
      for (std::size_t i = 0; i < n; ++i) {
        if (i % 10 != 9) {
          const std::int64_t* value = map.find(keys[reads.next()]);
          sum += value != nullptr ? *value : 0;
        } else if (!erased) {
          pending = writes.next();
          map.erase(keys[pending]);
          erased = true;
        } else {
          map.insert(keys[pending], static_cast<std::int64_t>(i));
          erased = false;
        }
      }
    }
    if (erased) {
      map.insert(keys[pending], 0);
    }
    benchmark::DoNotOptimize(sum);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  }

  // Erases all n keys, in the visiting order, from a freshly built map (built untimed).
  static void erase(benchmark::State& state, std::size_t n) {
    const auto& keys = KeyCache<K>::present(n);
    for (auto _ : state) {
      state.PauseTiming();
      auto map = std::make_unique<Adapter>(0);
      for (std::size_t i = 0; i < n; ++i) {
        map->insert(keys[i], static_cast<std::int64_t>(i));
      }
      VisitOrder order(n, 0);
      state.ResumeTiming();
      for (std::size_t i = 0; i < n; ++i) {
        map->erase(keys[order.next()]);
      }
      benchmark::DoNotOptimize(map->size());
      state.PauseTiming();
      map.reset();
      state.ResumeTiming();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  }
};

}  // namespace mapbench
