// embedded_service: how a C++ service exposes its maps to Prometheus with mapscope's exporter.
//
//   embedded_service [LISTEN_ADDRESS [SECONDS]]     (defaults: 127.0.0.1:8931, run until interrupted)
//
// The service owns two maps: `sessions`, a mapcore::Map written by one worker thread, and `cache`, a
// mapcore::SharedMap that several threads use and that opts into background maintenance. The exporter
// tracks both, and a mapcore::Collector finishes the cache's stalled grows and shrinks it when sparse.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <mapcore/collector.h>
#include <mapcore/map.h>
#include <mapcore/shared_map.h>
#include <mapscope/exporter/exporter.h>

namespace {

std::atomic<bool> stop_requested{false};

void request_stop(int) {
  stop_requested.store(true);
}

// Session ids come and go; the owning thread is the only one touching the map.
void run_sessions(mapcore::Map<std::uint64_t, std::uint64_t>& sessions) {
  std::uint64_t next = 0;
  while (!stop_requested.load()) {
    for (int i = 0; i < 1000; ++i, ++next) {
      sessions.insert_or_assign(next, next * 7);
    }
    for (int i = 0; i < 900 && next > 50000; ++i) {
      sessions.erase(next - 50000 + static_cast<std::uint64_t>(i));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// Fills the cache, then empties most of it: the collector shrinks what Go would keep forever.
void run_cache(mapcore::SharedMap<std::uint64_t, std::uint64_t>& cache) {
  while (!stop_requested.load()) {
    for (std::uint64_t key = 0; key < 200000 && !stop_requested.load(); ++key) {
      cache.insert_or_assign(key, key);
    }
    for (std::uint64_t key = 0; key < 199000 && !stop_requested.load(); ++key) {
      cache.erase(key);
    }
    for (int i = 0; i < 20 && !stop_requested.load(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string listen_address = argc > 1 ? argv[1] : "127.0.0.1:8931";
  const int seconds = argc > 2 ? std::stoi(argv[2]) : 0;
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);

  // The maps first: they must outlive the handles that track them (destroyed in reverse order).
  mapcore::Map<std::uint64_t, std::uint64_t> sessions;
  mapcore::Options cache_options;
  cache_options.maintenance = mapcore::Maintenance::Active;  // the collector may evacuate and shrink it
  mapcore::SharedMap<std::uint64_t, std::uint64_t> cache(0, cache_options);

  mapcore::Collector collector;  // every 100 ms, at most 1 ms of work in slices of at most 250 us
  const mapcore::Collector::Registration maintained = collector.add(cache);
  collector.start();

  mapscope::exporter::ExporterOptions options;
  options.listen_address = listen_address;
  options.labels = {{"service", "embedded-example"}};
  mapscope::exporter::Exporter exporter(options);
  const auto sessions_tracked = exporter.track("sessions", sessions, {{"team", "core"}});
  const auto cache_tracked = exporter.track("cache", cache, {{"team", "storage"}});
  const auto gc_metrics = exporter.attach(collector);
  std::printf("serving http://127.0.0.1:%u/metrics\n", static_cast<unsigned>(exporter.port()));
  std::fflush(stdout);

  std::vector<std::thread> workers;
  workers.emplace_back(run_sessions, std::ref(sessions));
  workers.emplace_back(run_cache, std::ref(cache));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!stop_requested.load() && (seconds == 0 || std::chrono::steady_clock::now() < deadline)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stop_requested.store(true);
  for (auto& worker : workers) {
    worker.join();
  }
  return 0;  // handles, exporter, collector and maps are destroyed in reverse order of declaration
}
