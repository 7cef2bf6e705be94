// HashSeed: a map's hash seed and the random bits it draws.
//
// As in Go, every map gets a random seed and a new one whenever it becomes empty or is cleared,
// so that keys that collided once need not collide again; a fixed Options::seed never changes
// (tests, reproducible traces). The same generator gives the bits Go's incrnoverflow samples.
#pragma once

#include <cstdint>
#include <optional>
#include <random>

namespace mapcore::internal {

class HashSeed {
 public:
  explicit HashSeed(std::optional<std::uint64_t> fixed)
      : fixed_(fixed.has_value()), state_(fixed ? *fixed ^ 0x9e3779b97f4a7c15ULL : from_device()) {
    seed_ = fixed ? *fixed : next_random();
  }

  std::uint64_t value() const noexcept { return seed_; }

  // The map became empty: a new seed, unless it is fixed.
  void renew() noexcept {
    if (!fixed_) {
      seed_ = next_random();
    }
  }

  std::uint64_t next_random() noexcept {  // xorshift64*
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545f4914f6cdd1dULL;
  }

 private:
  static std::uint64_t from_device() {
    std::random_device device;
    return (std::uint64_t{device()} << 32) ^ device();
  }

  bool fixed_;
  std::uint64_t state_;
  std::uint64_t seed_ = 0;
};

}  // namespace mapcore::internal
