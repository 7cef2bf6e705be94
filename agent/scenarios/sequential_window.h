// SequentialWindow: the live keys of a sequential key space, [oldest, next).
//
// One window per scenario, kept across its phases and repeats: a fill phase followed by a drain phase
// deletes exactly what was filled, oldest first. Inserts take `next` (always a fresh key), deletes take
// `oldest` (FIFO), lookups and updates walk the window cyclically so they always hit.
#pragma once

#include <cstdint>

namespace mapscope::scenarios {

class SequentialWindow {
 public:
  std::uint64_t take_for_insert() { return next_++; }

  // The oldest live key, which leaves the window. An empty window gives `oldest`, which is absent from
  // the map: the delete is then a no-op, as Go's delete of a missing key is.
  std::uint64_t take_for_delete() {
    if (oldest_ == next_) {
      return oldest_;
    }
    return oldest_++;
  }

  // The next live key in cyclic order; on an empty window `next`, which is absent (a miss).
  std::uint64_t next_for_read() {
    if (oldest_ == next_) {
      return next_;
    }
    if (cursor_ < oldest_ || cursor_ >= next_) {
      cursor_ = oldest_;
    }
    return cursor_++;
  }

  std::uint64_t oldest() const { return oldest_; }
  std::uint64_t next() const { return next_; }
  std::uint64_t size() const { return next_ - oldest_; }

 private:
  std::uint64_t oldest_ = 0;
  std::uint64_t next_ = 0;
  std::uint64_t cursor_ = 0;
};

}  // namespace mapscope::scenarios
