// The keys every benchmark uses, generated the same way in C++ and in bench/go (keys.go), so
// that both sides insert, look up and erase exactly the same sequence.
//
//   key i of stream s:  the i-th output of splitmix64 seeded with s (int64 keys), or its
//                       24-character rendering "%016x%08x" of (x, (x * golden) >> 32) (string keys:
//                       std::string owns a copy; std::string_view keys view a KeyArena, the way
//                       Go's strings share their bytes)
//   present keys:       stream 1; absent keys (lookup miss): stream 2
//   visiting order:     idx -> (idx + stride) mod n, stride ~ 0.618 n and coprime to n, a single
//                       cycle through every index in which neighbours are far apart in insertion
//                       order (so node-based maps get no locality from allocation order)
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <numeric>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace mapbench {

inline constexpr std::uint64_t kPresentStream = 1;
inline constexpr std::uint64_t kAbsentStream = 2;
inline constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;
inline constexpr std::size_t kStringKeyLength = 24;

// splitmix64 (Steele, Lea, Flood 2014): a full-period 64-bit stream.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    state_ += kGolden;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_;
};

// A key of type K made from one 64-bit stream value.
template <class K>
K make_key(std::uint64_t x);

template <>
inline std::int64_t make_key<std::int64_t>(std::uint64_t x) {
  return static_cast<std::int64_t>(x);
}

// Writes the kStringKeyLength characters of string key x at out (no terminator).
inline void write_string_key(std::uint64_t x, char* out) {
  char text[kStringKeyLength + 1];
  std::snprintf(text, sizeof text, "%016llx%08x", static_cast<unsigned long long>(x),
                static_cast<unsigned>((x * kGolden) >> 32));
  std::copy_n(text, kStringKeyLength, out);
}

template <>
inline std::string make_key<std::string>(std::uint64_t x) {
  std::string key(kStringKeyLength, '\0');
  write_string_key(x, key.data());
  return key;
}

template <class K>
std::vector<K> make_keys(std::uint64_t stream, std::size_t n) {
  SplitMix64 rng(stream);
  std::vector<K> keys;
  keys.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    keys.push_back(make_key<K>(rng.next()));
  }
  return keys;
}

// The bytes of n string keys of one stream, back to back in one allocation that the benchmark owns
// for as long as any map holds a view of them. Moving an arena keeps its bytes where they are.
class KeyArena {
 public:
  KeyArena() = default;
  KeyArena(std::uint64_t stream, std::size_t n)
      : bytes_(std::make_unique_for_overwrite<char[]>(n * kStringKeyLength)), n_(n) {
    SplitMix64 rng(stream);
    for (std::size_t i = 0; i < n; ++i) {
      write_string_key(rng.next(), bytes_.get() + i * kStringKeyLength);
    }
  }
  std::string_view operator[](std::size_t i) const {
    return {bytes_.get() + i * kStringKeyLength, kStringKeyLength};
  }
  std::size_t size() const { return n_; }

 private:
  std::unique_ptr<char[]> bytes_;
  std::size_t n_ = 0;
};

// n keys of one stream in order, with whatever owns their bytes: string_view keys view `arena`.
template <class K>
struct KeySet {
  KeyArena arena;
  std::vector<K> keys;
};

template <class K>
KeySet<K> make_key_set(std::uint64_t stream, std::size_t n) {
  KeySet<K> set;
  if constexpr (std::is_same_v<K, std::string_view>) {
    set.arena = KeyArena(stream, n);
    set.keys.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      set.keys.push_back(set.arena[i]);
    }
  } else {
    set.keys = make_keys<K>(stream, n);
  }
  return set;
}

// The stride of the visiting order: about 0.618 n, the first value from there coprime to n.
inline std::size_t visit_stride(std::size_t n) {
  if (n <= 1) {
    return 1;
  }
  std::size_t stride = static_cast<std::size_t>(static_cast<std::uint64_t>(n) * 618034 / 1000000);
  if (stride == 0) {
    stride = 1;
  }
  while (std::gcd(stride, n) != 1) {
    ++stride;
  }
  return stride;
}

// Walks 0..n-1 in the visiting order, starting at `start`.
class VisitOrder {
 public:
  VisitOrder(std::size_t n, std::size_t start) : n_(n), stride_(visit_stride(n)), index_(start % n) {}
  std::size_t next() {
    const std::size_t current = index_;
    index_ += stride_;
    if (index_ >= n_) {
      index_ -= n_;
    }
    return current;
  }

 private:
  std::size_t n_;
  std::size_t stride_;
  std::size_t index_;
};

}  // namespace mapbench
