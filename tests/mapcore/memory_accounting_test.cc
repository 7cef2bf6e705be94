// The byte figures of MapStats equal what the map holds from its allocator, at every step, and an
// allocation failure leaves the map's contents unchanged and the map usable.
#include <gtest/gtest.h>

#include <cstdint>
#include <new>
#include <random>
#include <string>
#include <unordered_map>

#include "mapcore/map.h"
#include "test_support.h"

namespace mapcore {
namespace {

using testing::AllocationLedger;
using testing::Big;
using testing::CountingAllocator;

template <class MapT>
void expect_books_balance(const MapT& map, const AllocationLedger& ledger, std::uint64_t step) {
  const MapStats s = map.stats();
  ASSERT_EQ(static_cast<std::int64_t>(s.total_bytes()), ledger.outstanding_bytes) << "step " << step;
}

TEST(MemoryAccounting, IntMapBalancesAtEveryStepOfEveryGrow) {
  AllocationLedger ledger;
  {
    Map<std::int64_t, std::int64_t, Hash<std::int64_t>, std::equal_to<>, CountingAllocator> map(
        0, {}, {}, {}, CountingAllocator{&ledger});
    std::mt19937_64 rng(11);
    bool saw_growing = false;
    for (std::uint64_t step = 0; step < 300'000; ++step) {
      const auto key = static_cast<std::int64_t>(rng() % 200'000);
      if (rng() % 4 == 0) {
        map.erase(key);
      } else {
        map.insert_or_assign(key, key);
      }
      saw_growing |= map.stats().growing;
      expect_books_balance(map, ledger, step);
      if (::testing::Test::HasFatalFailure()) return;
    }
    EXPECT_TRUE(saw_growing);
    map.clear();
    expect_books_balance(map, ledger, 0);
  }
  EXPECT_EQ(ledger.outstanding_bytes, 0);
  EXPECT_EQ(ledger.outstanding_blocks, 0);
}

TEST(MemoryAccounting, OverflowChainsAndIndirectEntriesBalance) {
  AllocationLedger ledger;
  {
    Map<Big, Big, WeakHash<Big>, std::equal_to<>, CountingAllocator> map(0, {}, {}, {},
                                                                         CountingAllocator{&ledger});
    std::mt19937_64 rng(12);
    for (std::uint64_t step = 0; step < 30'000; ++step) {
      const Big key(static_cast<std::int64_t>(rng() % 5'000));
      if (rng() % 3 == 0) {
        map.erase(key);
      } else {
        map.insert_or_assign(key, Big(static_cast<std::int64_t>(step)));
      }
      expect_books_balance(map, ledger, step);
      if (::testing::Test::HasFatalFailure()) return;
    }
    const MapStats s = map.stats();
    EXPECT_GT(s.overflow_bytes + s.oldbucket_bytes, 0u);
    EXPECT_GT(s.indirect_bytes, 0u);
  }
  EXPECT_EQ(ledger.outstanding_bytes, 0);
}

TEST(MemoryAccounting, StringKeysBalanceMidGrow) {
  AllocationLedger ledger;
  Map<std::string, std::int64_t, Hash<std::string>, std::equal_to<>, CountingAllocator> map(
      0, {}, {}, {}, CountingAllocator{&ledger});
  for (std::int64_t k = 0; k < 100'000; ++k) {
    map.insert_or_assign(std::to_string(k).insert(0, 1, 's'),
                         k);  // not "s" + ...: GCC 12 -Wrestrict false positive at -O3
    expect_books_balance(map, ledger, static_cast<std::uint64_t>(k));
    if (::testing::Test::HasFatalFailure()) return;
  }
}

// Fails allocation number `n` (counted from now) of an insert sequence and checks that the map is
// unchanged, then that it keeps working once memory is back.
template <class K, class V, class H>
void check_failure_at(std::int64_t n, std::int64_t prefill, const std::function<K(std::int64_t)>& key_of) {
  AllocationLedger ledger;
  Map<K, V, H, std::equal_to<>, CountingAllocator> map(0, {}, {}, {}, CountingAllocator{&ledger});
  std::unordered_map<std::int64_t, std::int64_t> reference;
  std::int64_t next = 0;
  for (; next < prefill; ++next) {
    map.insert_or_assign(key_of(next), V(next));
    reference[next] = next;
  }
  ledger.fail_at = ledger.allocations + n;
  bool threw = false;
  for (int attempt = 0; attempt < 100'000 && !threw; ++attempt, ++next) {
    try {
      map.insert_or_assign(key_of(next), V(next));
      reference[next] = next;
    } catch (const std::bad_alloc&) {
      threw = true;
    }
  }
  ASSERT_TRUE(threw) << "allocation " << n << " never happened";
  ASSERT_EQ(map.size(), reference.size());
  for (const auto& [k, v] : reference) {
    const V* found = map.find(key_of(k));
    ASSERT_NE(found, nullptr) << "key " << k << " lost after failure at allocation " << n;
    ASSERT_TRUE(*found == V(v));
  }
  EXPECT_EQ(static_cast<std::int64_t>(map.stats().total_bytes()), ledger.outstanding_bytes);
  ledger.fail_at = -1;
  for (std::int64_t i = 0; i < 20'000; ++i, ++next) {
    map.insert_or_assign(key_of(next), V(next));
    reference[next] = next;
  }
  std::size_t visited = 0;
  map.for_each([&](const K&, const V&) { ++visited; });
  EXPECT_EQ(visited, reference.size());
  EXPECT_EQ(static_cast<std::int64_t>(map.stats().total_bytes()), ledger.outstanding_bytes);
}

TEST(AllocationFailure, IntMapUnchangedAndUsable) {
  for (std::int64_t n = 1; n <= 12; ++n) {
    check_failure_at<std::int64_t, std::int64_t, Hash<std::int64_t>>(n, 6000,
                                                                     [](std::int64_t k) { return k; });
  }
}

TEST(AllocationFailure, ChainedEvacuationUnchangedAndUsable) {
  // A weak hash makes every evacuation need overflow buckets: failures land inside evacuations.
  for (std::int64_t n = 1; n <= 40; n += 3) {
    check_failure_at<std::int64_t, std::int64_t, WeakHash<std::int64_t>>(n, 3000,
                                                                         [](std::int64_t k) { return k; });
  }
}

TEST(AllocationFailure, IndirectEntriesUnchangedAndUsable) {
  for (std::int64_t n = 1; n <= 30; n += 2) {
    check_failure_at<Big, Big, Hash<Big>>(n, 1000, [](std::int64_t k) { return Big(k); });
  }
}

}  // namespace
}  // namespace mapcore
