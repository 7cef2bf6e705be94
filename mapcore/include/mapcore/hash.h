// Seeded hashing for mapcore::Map.
//
// A hasher is called as hasher(key, seed) and returns 64 bits. Each map draws its own seed (Go
// does the same, and reseeds an emptied map) so that no fixed set of keys collides in every map.
// The bucket index takes the low bits of the hash and the tophash the top 8 bits, so both ends
// must be well mixed.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace mapcore {

// The byte hash under every string and integer key: XXH3, seeded per map.
inline std::uint64_t hash_bytes(const void* data, std::size_t size, std::uint64_t seed) noexcept {
  return XXH3_64bits_withSeed(data, size, seed);
}

// mapcore::Hash<K>: integers, enums, pointers, strings and string views out of the box; any
// other type with a std::hash specialisation has that result mixed with the seed.
template <class K, class Enable = void>
struct Hash {
  std::uint64_t operator()(const K& key, std::uint64_t seed) const
      noexcept(noexcept(std::hash<K>{}(key))) requires requires {
    std::hash<K>{}(key);
  }
  {
    const std::size_t h = std::hash<K>{}(key);  // often the identity: mix it with the seed
    return hash_bytes(&h, sizeof(h), seed);
  }
};

// Integers, enums and pointers hash their bytes with XXH3, as Go hashes them with memhash64. A
// cheaper multiply-and-fold mix was tried first: on sequential keys it spread entries so evenly,
// for some seeds, that delete/insert churn never made the overflow buckets that drive Go's
// same-size grows; XXH3 reproduces Go's rate for every seed.
template <class K>
struct Hash<K, std::enable_if_t<std::is_integral_v<K> || std::is_enum_v<K> || std::is_pointer_v<K>>> {
  std::uint64_t operator()(K key, std::uint64_t seed) const noexcept {
    static_assert(sizeof(K) <= sizeof(std::uint64_t));
    return hash_bytes(&key, sizeof(K), seed);
  }
};

// Strings hash their characters, whatever holds them: both hashers are transparent, so a
// Map<std::string, V> can be searched with a std::string_view or a string literal (see
// TransparentLookup) and builds no std::string to do it.
template <>
struct Hash<std::string_view> {
  using is_transparent = void;
  std::uint64_t operator()(std::string_view key, std::uint64_t seed) const noexcept {
    return hash_bytes(key.data(), key.size(), seed);
  }
};

template <>
struct Hash<std::string> : Hash<std::string_view> {};

// A Hash and an Eq that both declare is_transparent take any key type they can hash and compare
// (mapcore::Hash<std::string> with the default std::equal_to<>): Map::find and contains then accept
// such keys without converting them to K.
template <class H, class E>
concept TransparentLookup = requires {
  typename H::is_transparent;
  typename E::is_transparent;
};

// A deliberately weak hash: only `kDistinct` values, all of them landing in a handful of
// buckets, so overflow chains grow long. Used to demonstrate and test overflow behaviour.
template <class K, class Strong = Hash<K>>
struct WeakHash {
  static constexpr std::uint64_t kDistinct = 64;
  std::uint64_t operator()(const K& key, std::uint64_t seed) const {
    const std::uint64_t h = Strong{}(key, seed) % kDistinct;
    return (h << 56) | h;  // few tophash values, few bucket indexes
  }
};

}  // namespace mapcore
