// Two threads writing one Map at once abort with Go's message. Made deterministic by a hash that
// parks the first writer inside its write until the second writer has started.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <thread>

#include "mapcore/map.h"

namespace mapcore {
namespace {

// The first call parks until `release` is set; the map calls the hash inside its write.
struct ParkingHash {
  static inline std::atomic<int> calls{0};
  static inline std::atomic<bool> parked{false};
  std::uint64_t operator()(std::int64_t key, std::uint64_t seed) const {
    if (calls.fetch_add(1) == 0) {
      parked.store(true);
      for (;;) std::this_thread::yield();  // the second writer aborts the process meanwhile
    }
    return Hash<std::int64_t>{}(key, seed);
  }
};

void two_writers() {
  Map<std::int64_t, std::int64_t, ParkingHash> map;
  std::thread first([&] { map.insert_or_assign(1, 1); });
  while (!ParkingHash::parked.load()) std::this_thread::yield();
  map.insert_or_assign(2, 2);
  first.join();
}

void reader_during_write() {
  Map<std::int64_t, std::int64_t, ParkingHash> map;
  std::thread first([&] {
    map.erase(1);
    map.insert_or_assign(1, 1);
  });
  while (!ParkingHash::parked.load()) std::this_thread::yield();
  (void)map.find(2);
  first.join();
}

TEST(ConcurrentWriteDeathTest, TwoWritersAbortWithGosMessage) {
  ::testing::GTEST_FLAG(death_test_style) = "threadsafe";
  EXPECT_DEATH(two_writers(), "concurrent map writes");
}

TEST(ConcurrentWriteDeathTest, ReadDuringWriteAborts) {
  ::testing::GTEST_FLAG(death_test_style) = "threadsafe";
  EXPECT_DEATH(reader_during_write(), "concurrent map read and map write");
}

TEST(ConcurrentWrite, OneWriterAtATimeIsFine) {
  Map<std::int64_t, std::int64_t> map;
  for (int round = 0; round < 4; ++round) {
    std::thread writer([&] {
      for (std::int64_t k = 0; k < 10'000; ++k) map.insert_or_assign(k, round);
    });
    writer.join();  // hand-over through join: ordered, never overlapping
  }
  EXPECT_EQ(map.size(), 10'000u);
  EXPECT_EQ(*map.find(7), 3);
}

}  // namespace
}  // namespace mapcore
