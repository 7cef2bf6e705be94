// Shared fixtures of the mapcore suites: Go's reference figures, a counting allocator, a type that
// counts its constructions and destructions.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>

#include "mapcore/map.h"

namespace mapcore::testing {

// docs/go-map-facts.md: the bucket array of map[int64]int64 per B (buckets held, bytes allocated).
struct GoArray {
  unsigned log2;
  std::uint64_t buckets;
  std::uint64_t bytes;
  std::uint64_t max_entries;  // most entries before a doubling
};

inline const std::vector<GoArray>& go_arrays() {
  static const std::vector<GoArray> table = {
      {0, 1, 144, 8},
      {1, 2, 288, 13},
      {2, 4, 576, 26},
      {3, 8, 1152, 52},
      {4, 18, 2688, 104},
      {5, 37, 5376, 208},
      {6, 71, 10240, 416},
      {7, 142, 20480, 832},
      {8, 284, 40960, 1664},
      {9, 568, 81920, 3328},
      {10, 1137, 163840, 6656},
      {11, 2218, 319488, 13312},
      {12, 4380, 630784, 26624},
      {13, 8704, 1253376, 53248},
      {14, 17408, 2506752, 106496},
      {16, 69632, 10027008, 425984},
      {20, 1114112, 160432128, 6815744},
  };
  return table;
}

// Allocations a CountingAllocator has handed out and not taken back.
struct AllocationLedger {
  std::int64_t outstanding_bytes = 0;
  std::int64_t outstanding_blocks = 0;
  std::int64_t allocations = 0;
  std::int64_t fail_at = -1;  // the allocation number that throws std::bad_alloc (-1: none)
};

// A map allocator that keeps books in a ledger and can be told to fail.
struct CountingAllocator {
  AllocationLedger* ledger = nullptr;

  void* allocate_zeroed(std::size_t bytes) {
    if (ledger->fail_at >= 0 && ledger->allocations + 1 >= ledger->fail_at) throw std::bad_alloc();
    void* block = std::calloc(1, bytes);
    if (block == nullptr) throw std::bad_alloc();
    ++ledger->allocations;
    ledger->outstanding_bytes += static_cast<std::int64_t>(bytes);
    ++ledger->outstanding_blocks;
    return block;
  }
  void deallocate(void* block, std::size_t bytes) noexcept {
    ledger->outstanding_bytes -= static_cast<std::int64_t>(bytes);
    --ledger->outstanding_blocks;
    std::free(block);
  }
};

// Counts every construction and destruction, and owns heap memory so that AddressSanitizer catches
// a double destruction or a leak.
struct Tracked {
  static inline std::atomic<std::int64_t> constructed{0};
  static inline std::atomic<std::int64_t> destroyed{0};
  static std::int64_t alive() { return constructed.load() - destroyed.load(); }

  std::unique_ptr<std::string> text;

  explicit Tracked(std::int64_t n = 0)
      : text(std::make_unique<std::string>(std::to_string(n) + "-tracked-padding")) {
    ++constructed;
  }
  Tracked(const Tracked& other) : text(std::make_unique<std::string>(*other.text)) { ++constructed; }
  Tracked(Tracked&& other) noexcept : text(std::move(other.text)) { ++constructed; }
  Tracked& operator=(const Tracked& other) {
    text = std::make_unique<std::string>(*other.text);
    return *this;
  }
  Tracked& operator=(Tracked&& other) noexcept = default;
  ~Tracked() { ++destroyed; }
  bool operator==(const Tracked& other) const { return *text == *other.text; }
};

// A type larger than 128 bytes: mapcore stores it out of line, as Go does.
struct Big {
  std::int64_t id = 0;
  char payload[192] = {};
  explicit Big(std::int64_t n = 0) : id(n) { payload[0] = static_cast<char>(n); }
  bool operator==(const Big& other) const { return id == other.id; }
};

// Go's start inserts of each doubling for keys 0, 1, 2, ... inserted in order (go1.19.8).
inline const std::vector<std::uint64_t>& go_doubling_starts() {
  static const std::vector<std::uint64_t> starts = {9,      14,     27,     53,     105,    209,   417,
                                                    833,    1665,   3329,   6657,   13313,  26625, 53249,
                                                    106497, 212993, 425985, 851969, 1703937};
  return starts;
}

}  // namespace mapcore::testing

template <>
struct std::hash<mapcore::testing::Tracked> {
  std::size_t operator()(const mapcore::testing::Tracked& t) const noexcept {
    return std::hash<std::string>{}(*t.text);
  }
};
template <>
struct std::hash<mapcore::testing::Big> {
  std::size_t operator()(const mapcore::testing::Big& b) const noexcept {
    return std::hash<std::int64_t>{}(b.id);
  }
};
