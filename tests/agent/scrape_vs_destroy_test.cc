// Maps tracked and destroyed while scrapes run in a loop: no crash, no stale series (run under ASan/TSan).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <mapcore/shared_map.h>

#include "exposition.h"
#include "http_client.h"
#include "mapscope/exporter/exporter.h"

namespace mapscope::testing {
namespace {

using exporter::Exporter;
using SharedIntMap = mapcore::SharedMap<std::int64_t, std::int64_t>;

// A map with its tracking: the handle is declared after the map, so it ends first.
struct TrackedMap {
  SharedIntMap map;
  exporter::TrackHandle handle;
};

TEST(ScrapeVsDestroy, MapsComeAndGoWhileScrapesRun) {
  Exporter exporter({.listen_address = "127.0.0.1:0"});
  std::atomic<bool> done{false};
  std::atomic<int> scrapes{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> scrapers;
  scrapers.reserve(2);
  for (int t = 0; t < 2; ++t) {
    scrapers.emplace_back([&, t] {
      while (!done.load()) {
        const HttpResponse response = http_get(exporter.port(), t == 0 ? "/metrics" : "/debug/maps");
        if (response.status != 200) {
          ++failures;
        }
        ++scrapes;
      }
    });
  }
  std::thread landing([&] {
    while (!done.load()) {
      if (http_get(exporter.port(), "/").status != 200) {
        ++failures;
      }
    }
  });

  // Writers keep mutating while their maps are scraped, then the maps are destroyed mid-scrape: at least
  // kGenerations generations, and until kScrapes scrapes overlapped them. The deadline is a hang guard only.
  constexpr int kGenerations = 4;
  constexpr int kScrapes = 10;
  const auto hang_guard = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  int generation = 0;
  while ((generation < kGenerations || scrapes.load() < kScrapes) &&
         std::chrono::steady_clock::now() < hang_guard) {
    std::vector<std::unique_ptr<TrackedMap>> maps;
    for (int m = 0; m < 8; ++m) {
      auto tracked = std::make_unique<TrackedMap>();
      tracked->handle =
          exporter.track("g" + std::to_string(generation) + "m" + std::to_string(m), tracked->map);
      ASSERT_TRUE(tracked->handle.active());
      maps.push_back(std::move(tracked));
    }
    std::thread writer([&] {
      for (std::int64_t i = 0; i < 3000; ++i) {
        for (auto& tracked : maps) {
          tracked->map.insert_or_assign(i, i);
        }
      }
    });
    writer.join();
    maps.clear();  // handles end, then the maps are freed, while scrapers run
    ++generation;
  }
  EXPECT_EQ(exporter.tracked_maps(), 0u);

  // Once every handle is gone, a scrape shows none of the destroyed maps.
  const Exposition after = parse_exposition(http_get(exporter.port(), "/metrics").body);
  EXPECT_EQ(after.count("mapcore_map_entries"), 0u);
  EXPECT_EQ(after.value("mapscope_tracked_maps"), 0.0);
  done = true;
  for (auto& scraper : scrapers) {
    scraper.join();
  }
  landing.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GE(scrapes.load(), kScrapes);
  EXPECT_GE(generation, kGenerations);
}

TEST(ScrapeVsDestroy, SourcesRemovedWhileScrapesRun) {
  Exporter exporter({.listen_address = "127.0.0.1:0"});
  class Counting final : public exporter::MetricSource {
   public:
    explicit Counting(std::shared_ptr<std::atomic<bool>> alive) : alive_(std::move(alive)) {}
    std::string name() const override { return "counting"; }
    void collect(std::vector<prometheus::MetricFamily>& out) override {
      EXPECT_TRUE(alive_->load()) << "collect() after its handle ended";
      prometheus::ClientMetric metric;
      metric.gauge.value = 1;
      out.push_back({"counting_gauge", "Test.", prometheus::MetricType::Gauge, {metric}});
    }

   private:
    std::shared_ptr<std::atomic<bool>> alive_;
  };
  std::atomic<bool> done{false};
  std::thread scraper([&] {
    while (!done.load()) {
      http_get(exporter.port(), "/metrics");
    }
  });
  for (int i = 0; i < 200; ++i) {
    auto alive = std::make_shared<std::atomic<bool>>(true);
    auto handle = exporter.add_source(std::make_shared<Counting>(alive));
    ASSERT_TRUE(handle.active());
    std::this_thread::sleep_for(std::chrono::microseconds(500));
    handle.reset();
    alive->store(false);  // after reset() returns, no collect() may run
  }
  done = true;
  scraper.join();
}

}  // namespace
}  // namespace mapscope::testing
