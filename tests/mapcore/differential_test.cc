// mapcore against std::unordered_map over millions of random operations: every answer and, at
// intervals, the whole contents must agree, through grows of both kinds, clears, out-of-line
// keys and values, long overflow chains and types that count their own lifetimes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mapcore/map.h"
#include "mapcore/shared_map.h"
#include "test_support.h"

namespace mapcore {
namespace {

using testing::Big;
using testing::Tracked;

template <class K>
K make_key(std::uint64_t n);
template <>
std::int64_t make_key<std::int64_t>(std::uint64_t n) {
  return static_cast<std::int64_t>(n);
}
template <>
std::string make_key<std::string>(std::uint64_t n) {
  std::string key = "key-" + std::to_string(n);
  key.resize(24, '.');
  return key;
}
// A string_view key's bytes belong to the caller: key n is a view of the n-th string of a pool that
// lives as long as the test program (a deque never moves what it holds), so every key stays valid
// while any map holds it.
template <>
std::string_view make_key<std::string_view>(std::uint64_t n) {
  static std::deque<std::string> pool;
  while (pool.size() <= n) {
    pool.push_back(make_key<std::string>(pool.size()));
  }
  return pool[n];
}
template <>
Tracked make_key<Tracked>(std::uint64_t n) {
  return Tracked(static_cast<std::int64_t>(n));
}
template <>
Big make_key<Big>(std::uint64_t n) {
  return Big(static_cast<std::int64_t>(n));
}

template <class V>
V make_value(std::uint64_t n) {
  return make_key<V>(n);
}

struct Workload {
  std::uint64_t operations;
  std::uint64_t key_space;
  unsigned insert_weight, erase_weight, find_weight;
  std::uint64_t clear_every;  // 0: never
};

// Runs the workload on both maps, checking every result, and the full contents every so often.
template <class MapT, class K, class V>
void run_differential(MapT& map, const Workload& w, std::uint64_t seed) {
  std::unordered_map<K, V> reference;
  std::mt19937_64 rng(seed);
  const unsigned total_weight = w.insert_weight + w.erase_weight + w.find_weight;
  const std::uint64_t full_check_every = std::max<std::uint64_t>(w.operations / 20, 1);
  for (std::uint64_t op = 1; op <= w.operations; ++op) {
    const std::uint64_t n = rng() % w.key_space;
    const unsigned pick = static_cast<unsigned>(rng() % total_weight);
    const K key = make_key<K>(n);
    if (pick < w.insert_weight) {
      const V value = make_value<V>(rng() % 1000);
      const bool fresh = map.insert_or_assign(key, value);
      ASSERT_EQ(fresh, reference.count(key) == 0) << "op " << op;
      reference.insert_or_assign(key, value);
    } else if (pick < w.insert_weight + w.erase_weight) {
      ASSERT_EQ(map.erase(key), reference.erase(key) == 1) << "op " << op;
    } else {
      const V* found = map.find(key);
      const auto it = reference.find(key);
      ASSERT_EQ(found != nullptr, it != reference.end()) << "op " << op;
      if (found != nullptr) {
        ASSERT_TRUE(*found == it->second) << "op " << op;
      }
    }
    ASSERT_EQ(map.size(), reference.size());
    if (w.clear_every != 0 && op % w.clear_every == 0) {
      map.clear();
      reference.clear();
    }
    if (op % full_check_every == 0) {
      std::size_t visited = 0;
      map.for_each([&](const K& k, const V& v) {
        ++visited;
        const auto it = reference.find(k);
        ASSERT_TRUE(it != reference.end());
        ASSERT_TRUE(it->second == v);
      });
      ASSERT_EQ(visited, reference.size());
    }
  }
}

TEST(Differential, IntKeysSmallKeySpace) {
  Map<std::int64_t, std::int64_t> map;
  run_differential<decltype(map), std::int64_t, std::int64_t>(map, {600'000, 200, 4, 3, 3, 150'000}, 1);
}

TEST(Differential, IntKeysLargeKeySpaceManyGrows) {
  Map<std::int64_t, std::int64_t> map;
  run_differential<decltype(map), std::int64_t, std::int64_t>(map, {1'500'000, 1'000'000, 5, 2, 3, 0}, 2);
  EXPECT_GE(map.stats().grows_double_total, 15u);
}

TEST(Differential, IntKeysChurnMakesSameSizeGrows) {
  Map<std::int64_t, std::int64_t> map;
  run_differential<decltype(map), std::int64_t, std::int64_t>(map, {1'000'000, 4'000'000, 1, 1, 0, 0}, 3);
  // Half inserts, half deletes over a huge key space: the size hovers, deletes leave holes.
  EXPECT_GE(map.stats().grows_double_total + map.stats().grows_same_size_total, 5u);
}

TEST(Differential, StringKeys) {
  Map<std::string, std::int64_t> map;
  run_differential<decltype(map), std::string, std::int64_t>(map, {400'000, 50'000, 5, 2, 3, 200'000}, 4);
}

// A std::string cannot be built implicitly from a std::string_view, so these calls compile only through
// the transparent overloads: the lookup builds no std::string.
template <class M>
concept FindsByStringView = requires(const M& m, std::string_view key) {
  m.find(key);
  m.contains(key);
};
static_assert(FindsByStringView<Map<std::string, int>>);
static_assert(requires(const SharedMap<std::string, int>& m, std::string_view key) {
  m.get(key);
  m.contains(key);
});
static_assert(!FindsByStringView<Map<std::string, int, Hash<std::string>, std::equal_to<std::string>>>,
              "without a transparent Eq a string_view is no key");

TEST(Differential, StringKeysFoundByStringViewAndLiteral) {
  Map<std::string, std::int64_t> map;
  std::unordered_map<std::string, std::int64_t> model;
  std::mt19937_64 random(7);
  for (std::uint64_t n = 0; n < 100'000; ++n) {  // through many doublings and a grow in progress
    const std::string key = make_key<std::string>(random() % 200'000);
    map.insert_or_assign(key, static_cast<std::int64_t>(n));
    model[key] = static_cast<std::int64_t>(n);
  }
  for (std::uint64_t n = 0; n < 200'000; ++n) {
    const std::string key = make_key<std::string>(n);
    const std::string_view view = key;
    const auto it = model.find(key);
    ASSERT_EQ(map.find(view), map.find(key)) << key;
    ASSERT_EQ(map.contains(view), it != model.end()) << key;
    if (it != model.end()) {
      ASSERT_EQ(*map.find(view), it->second) << key;
    }
  }
  map.insert_or_assign("short", 1);
  ASSERT_NE(map.find("short"), nullptr);
  EXPECT_EQ(*map.find("short"), 1);
  EXPECT_FALSE(map.contains("shorter"));
}

// Keys are views of bytes the caller owns, as Go's strings share theirs: the map stores only the
// 16-byte view, so nothing of the key is out of line and nothing is copied.
TEST(Differential, StringViewKeys) {
  Map<std::string_view, std::int64_t> map;
  run_differential<decltype(map), std::string_view, std::int64_t>(map, {400'000, 50'000, 5, 2, 3, 200'000},
                                                                  8);
  EXPECT_EQ(map.stats().indirect_bytes, 0u);
  // Found by a view of other bytes with the same characters, and by a literal.
  const std::string copy(make_key<std::string_view>(49'999));
  EXPECT_EQ(map.find(std::string_view(copy)), map.find(make_key<std::string_view>(49'999)));
  map.insert_or_assign("literal", 5);
  ASSERT_NE(map.find("literal"), nullptr);
  EXPECT_EQ(*map.find(std::string("literal")), 5);
}

// find_many answers as find does, key for key: on an empty map, mid-grow (old buckets not all
// evacuated), with a group cut short at the end, and with views for std::string keys.
TEST(Differential, FindManyAgreesWithFind) {
  Map<std::int64_t, std::int64_t> ints;
  std::vector<std::int64_t> keys(6700);
  for (std::size_t k = 0; k < keys.size(); ++k) {
    keys[k] = static_cast<std::int64_t>(k * 2);  // odd numbers are absent
  }
  std::vector<const std::int64_t*> out(keys.size() + 5, nullptr);
  ints.find_many(std::span<const std::int64_t>(keys),
                 std::span<const std::int64_t*>(out.data(), keys.size()));
  EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](const std::int64_t* v) { return v == nullptr; }));
  for (std::int64_t k = 0; k < 6657; ++k) {
    ints.insert_or_assign(k, k + 1);  // the 6657th insert starts a doubling
  }
  const auto check_ints = [&] {
    for (const std::size_t count : {keys.size(), std::size_t{13}, std::size_t{1}}) {
      ints.find_many(std::span<const std::int64_t>(keys.data(), count),
                     std::span<const std::int64_t*>(out.data(), count));
      for (std::size_t i = 0; i < count; ++i) {
        ASSERT_EQ(out[i], ints.find(keys[i])) << keys[i];
      }
    }
  };
  ASSERT_TRUE(ints.stats().growing);
  check_ints();
  for (std::int64_t k = 0; ints.stats().growing; ++k) {
    ints.insert_or_assign(k, k + 1);  // updates do growth work until the grow ends
  }
  check_ints();

  Map<std::string, std::int64_t> strings;
  std::vector<std::string> owned;
  for (std::uint64_t n = 0; n < 20'000; ++n) {
    owned.push_back(make_key<std::string>(n));
    if (n % 3 != 0) {
      strings.insert_or_assign(owned.back(), static_cast<std::int64_t>(n));
    }
  }
  const std::vector<std::string_view> views(owned.begin(), owned.end());
  std::vector<const std::int64_t*> found(views.size());
  strings.find_many(std::span<const std::string_view>(views), std::span<const std::int64_t*>(found));
  for (std::size_t i = 0; i < views.size(); ++i) {
    ASSERT_EQ(found[i], strings.find(views[i])) << views[i];
    ASSERT_EQ(found[i] != nullptr, i % 3 != 0) << views[i];
  }
}

TEST(Differential, KeysAndValuesOver128BytesAreIndirect) {
  Map<Big, Big> map;
  run_differential<decltype(map), Big, Big>(map, {200'000, 20'000, 5, 2, 3, 0}, 5);
  EXPECT_GT(map.stats().indirect_bytes, 0u);
  // Each live entry holds one out-of-line key and one out-of-line value of 208 bytes (size class).
  EXPECT_EQ(map.stats().indirect_bytes, map.size() * 2 * 208);
}

TEST(Differential, WeakHashBuildsLongChains) {
  Map<std::int64_t, std::int64_t, WeakHash<std::int64_t>> map;
  run_differential<decltype(map), std::int64_t, std::int64_t>(map, {150'000, 20'000, 5, 2, 3, 100'000}, 6);
  const MapStats s = map.stats();
  EXPECT_GT(s.overflow_buckets, 0u);
  EXPECT_GT(s.chain_lengths[kChainLengthCells - 1], 0u) << "chains of 8+ buckets";
}

TEST(Differential, NonTrivialTypesAreDestroyedExactlyOnce) {
  const std::int64_t alive_before = Tracked::alive();
  {
    Map<Tracked, Tracked> map;
    run_differential<decltype(map), Tracked, Tracked>(map, {200'000, 30'000, 5, 2, 3, 70'000}, 7);
    EXPECT_GT(Tracked::alive(), alive_before);
  }
  EXPECT_EQ(Tracked::alive(), alive_before);
}

TEST(Differential, DestroyedMidGrowReleasesEverything) {
  const std::int64_t alive_before = Tracked::alive();
  {
    Map<Tracked, Tracked> map;
    for (std::int64_t k = 0; k < 6657; ++k) map.insert_or_assign(Tracked(k), Tracked(k));
    ASSERT_TRUE(map.stats().growing);
  }
  EXPECT_EQ(Tracked::alive(), alive_before);
}

}  // namespace
}  // namespace mapcore
