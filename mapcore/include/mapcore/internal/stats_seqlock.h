// StatsSeqlock: publishes a MapStats from the owner thread to readers on any thread.
//
// The owner writes without locks or read-modify-write instructions (a sequence counter bumped
// before and after the copy); readers retry while the counter is odd or moved, so they never see
// a torn snapshot. Every word is an atomic with release stores and acquire loads instead of
// fences (ThreadSanitizer does not model fences); on x86 all of them are plain moves.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "mapcore/map_stats.h"

namespace mapcore::internal {

class StatsSeqlock {
 public:
  static_assert(std::is_trivially_copyable_v<MapStats>);
  static constexpr std::size_t kWords = (sizeof(MapStats) + 7) / 8;

  // Owner thread only.
  void publish(const MapStats& stats) noexcept {
    std::array<std::uint64_t, kWords> words{};
    std::memcpy(words.data(), &stats, sizeof(MapStats));
    const std::uint64_t seq = sequence_.load(std::memory_order_relaxed);
    sequence_.store(seq + 1, std::memory_order_relaxed);
    // Release: a reader that sees any new word also sees the odd sequence stored before it.
    for (std::size_t i = 0; i < kWords; ++i) words_[i].store(words[i], std::memory_order_release);
    sequence_.store(seq + 2, std::memory_order_release);
  }

  // Any thread.
  MapStats read() const noexcept {
    std::array<std::uint64_t, kWords> words{};
    for (;;) {
      const std::uint64_t before = sequence_.load(std::memory_order_acquire);
      if ((before & 1) == 0) {
        // Acquire: the sequence is read again only after every word.
        for (std::size_t i = 0; i < kWords; ++i) words[i] = words_[i].load(std::memory_order_acquire);
        if (sequence_.load(std::memory_order_relaxed) == before) break;
      }
    }
    MapStats out;
    std::memcpy(static_cast<void*>(&out), words.data(), sizeof(MapStats));
    return out;
  }

 private:
  std::atomic<std::uint64_t> sequence_{0};
  std::array<std::atomic<std::uint64_t>, kWords> words_{};
};

// A counter written by one thread at a time and read by any: a relaxed load and store, no
// locked instruction on the owner's path.
class OwnerCounter {
 public:
  void add(std::uint64_t n) noexcept {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void sub(std::uint64_t n) noexcept {
    value_.store(value_.load(std::memory_order_relaxed) - n, std::memory_order_relaxed);
  }
  void set(std::uint64_t n) noexcept { value_.store(n, std::memory_order_relaxed); }
  std::uint64_t get() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

}  // namespace mapcore::internal
