// WriteGuard: detects two threads writing one map at once, like Go's "concurrent map writes".
//
// Go sets a hashWriting flag for the length of every write and dies if it finds the flag already
// set. mapcore does the same with a relaxed atomic byte (a plain load and store on x86, so the
// check stays on in release builds): overlapping writers are caught with high probability,
// never silently corrupting the map.
#pragma once

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace mapcore::internal {

[[noreturn]] inline void fatal_concurrent_use(const char* what) noexcept {
  std::fprintf(stderr, "mapcore: fatal error: %s\n", what);
  std::abort();
}

class WriteFlag {
 public:
  void enter() noexcept {
    if (writing_.load(std::memory_order_relaxed)) {
      fatal_concurrent_use("concurrent map writes");
    }
    writing_.store(true, std::memory_order_relaxed);
  }
  void leave() noexcept {
    if (!writing_.load(std::memory_order_relaxed)) {
      fatal_concurrent_use("concurrent map writes");
    }
    writing_.store(false, std::memory_order_relaxed);
  }
  // Reads check too, like Go's "concurrent map read and map write".
  void check_read() const noexcept {
    if (writing_.load(std::memory_order_relaxed)) {
      fatal_concurrent_use("concurrent map read and map write");
    }
  }

 private:
  std::atomic<bool> writing_{false};
};

// Scoped write: enter on construction, leave on destruction (also when the write throws).
class WriteScope {
 public:
  explicit WriteScope(WriteFlag& flag) noexcept : flag_(flag) { flag_.enter(); }
  ~WriteScope() { flag_.leave(); }
  WriteScope(const WriteScope&) = delete;
  WriteScope& operator=(const WriteScope&) = delete;

 private:
  WriteFlag& flag_;
};

}  // namespace mapcore::internal
