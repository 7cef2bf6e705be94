// ReloadStatus: the outcome of the last configuration load, shared by the agent source and the Exporter.
#pragma once

#include <atomic>
#include <chrono>

namespace mapscope::exporter {

struct ReloadStatus {
  std::atomic<bool> last_successful{true};
  std::atomic<double> last_success_unix_seconds{0};

  void record(bool ok) {
    last_successful.store(ok, std::memory_order_relaxed);
    if (!ok) {
      return;
    }
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    last_success_unix_seconds.store(std::chrono::duration<double>(now).count(), std::memory_order_relaxed);
  }
};

}  // namespace mapscope::exporter
