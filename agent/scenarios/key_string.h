// KeyString: a string key of a fixed length holding a key number, laid out like Go's string header.
//
// A Go map[string]V stores 16-byte string headers (pointer, length) in its buckets; the characters live
// in separate allocations that the map does not own and Go's map size does not include. KeyString is the
// same 16 bytes (an owned pointer and a length), so a bucket of string keys has Go's size, and its
// characters, like Go's, are outside the map's byte counts.
//
// The key number is written in decimal, right-aligned and zero-padded to the length ("00000042"). A
// length shorter than the number keeps its low digits: keys of length L repeat every 10^L numbers.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "mapcore/hash.h"

namespace mapscope::scenarios {

class KeyString {
 public:
  KeyString() = default;
  explicit KeyString(std::string_view text);
  KeyString(const KeyString& other);
  KeyString(KeyString&& other) noexcept = default;
  KeyString& operator=(const KeyString& other);
  KeyString& operator=(KeyString&& other) noexcept = default;
  ~KeyString() = default;

  // A key of `length` characters holding `number`.
  static KeyString for_number(std::uint64_t number, std::uint32_t length);
  // Rewrites the characters in place for another number (no allocation): the driver reuses one key.
  void set_number(std::uint64_t number);

  std::string_view view() const { return {data_.get(), size_}; }
  friend bool operator==(const KeyString& a, const KeyString& b) { return a.view() == b.view(); }

 private:
  std::unique_ptr<char[]> data_;
  std::uint64_t size_ = 0;
};

static_assert(sizeof(KeyString) == 16, "the size of Go's string header");

}  // namespace mapscope::scenarios

// Seeded like mapcore's own string hash, so WeakHash<KeyString> builds on it as it does on std::string.
template <>
struct mapcore::Hash<mapscope::scenarios::KeyString> {
  std::uint64_t operator()(const mapscope::scenarios::KeyString& key, std::uint64_t seed) const noexcept {
    const std::string_view text = key.view();
    return hash_bytes(text.data(), text.size(), seed);
  }
};
