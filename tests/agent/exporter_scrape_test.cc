// A real HTTP scrape of an in-process Exporter on 127.0.0.1:0, parsed, against the maps' own stats().
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>

#include <mapcore/collector.h>
#include <mapcore/map.h>
#include <mapcore/shared_map.h>

#include "exposition.h"
#include "http_client.h"
#include "mapscope/exporter/exporter.h"

namespace mapscope::testing {
namespace {

using exporter::Exporter;
using IntMap = mapcore::Map<std::int64_t, std::int64_t>;
using SharedIntMap = mapcore::SharedMap<std::int64_t, std::int64_t>;
using LabelMap = std::map<std::string, std::string>;

Exposition scrape(const Exporter& exporter, const std::string& path = "/metrics") {
  HttpResponse response = http_get(exporter.port(), path);
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(response.headers["content-type"].find("text/plain"), std::string::npos);
  return parse_exposition(response.body);
}

double d(std::uint64_t value) {
  return static_cast<double>(value);
}

// Every mapcore_map_* series of `labels` equals what stats() and write_pauses() say.
void expect_series_equal_stats(const Exposition& e, const LabelMap& labels, const mapcore::MapStats& s,
                               const mapcore::PauseHistogramSnapshot& pauses) {
  const auto with = [labels](const std::string& name, const std::string& value) {
    LabelMap out = labels;
    out[name] = value;
    return out;
  };
  EXPECT_EQ(e.value("mapcore_map_entries", labels), d(s.entries));
  EXPECT_EQ(e.value("mapcore_map_buckets", labels), d(s.buckets));
  EXPECT_EQ(e.value("mapcore_map_buckets_log2", labels), d(s.log2_buckets));
  EXPECT_EQ(e.value("mapcore_map_overflow_buckets", labels), d(s.overflow_buckets));
  EXPECT_DOUBLE_EQ(*e.value("mapcore_map_overflow_ratio", labels), d(s.overflow_buckets) / d(s.buckets));
  EXPECT_DOUBLE_EQ(*e.value("mapcore_map_load_factor", labels), d(s.entries) / d(s.buckets));
  EXPECT_EQ(e.value("mapcore_map_load_factor_limit", labels), s.load_factor_limit);
  EXPECT_EQ(e.value("mapcore_map_memory_bytes", with("region", "buckets")), d(s.bucket_bytes));
  EXPECT_EQ(e.value("mapcore_map_memory_bytes", with("region", "overflow")), d(s.overflow_bytes));
  EXPECT_EQ(e.value("mapcore_map_memory_bytes", with("region", "oldbuckets")), d(s.oldbucket_bytes));
  EXPECT_EQ(e.value("mapcore_map_memory_bytes", with("region", "indirect")), d(s.indirect_bytes));
  EXPECT_EQ(e.value("mapcore_map_grow_in_progress", labels), s.growing ? 1.0 : 0.0);
  EXPECT_EQ(e.value("mapcore_map_evacuation_pending_buckets", labels), d(s.evacuation_pending));
  EXPECT_DOUBLE_EQ(*e.value("mapcore_map_grow_start_timestamp_seconds", labels),
                   s.growing ? s.grow_started_unix_seconds : 0.0);
  EXPECT_EQ(e.value("mapcore_map_grows_total", with("kind", "double")), d(s.grows_double_total));
  EXPECT_EQ(e.value("mapcore_map_grows_total", with("kind", "samesize")), d(s.grows_same_size_total));
  EXPECT_EQ(e.value("mapcore_map_grows_total", with("kind", "shrink")), d(s.shrinks_total));
  EXPECT_EQ(e.value("mapcore_map_evacuated_buckets_total", with("trigger", "write")),
            d(s.evacuated_buckets_total - s.evacuated_by_collector_total));
  EXPECT_EQ(e.value("mapcore_map_evacuated_buckets_total", with("trigger", "collector")),
            d(s.evacuated_by_collector_total));
  EXPECT_EQ(e.value("mapcore_map_operations_total", with("op", "insert")), d(s.inserts_total));
  EXPECT_EQ(e.value("mapcore_map_operations_total", with("op", "update")), d(s.updates_total));
  EXPECT_EQ(e.value("mapcore_map_operations_total", with("op", "delete")), d(s.deletes_total));
  EXPECT_EQ(e.value("mapcore_map_write_pause_seconds_count", labels), d(pauses.count));
  EXPECT_DOUBLE_EQ(*e.value("mapcore_map_write_pause_seconds_sum", labels), pauses.sum_seconds);
  for (std::size_t i = 0; i < mapcore::kPauseBoundsSeconds.size(); ++i) {
    std::ostringstream le;
    le << mapcore::kPauseBoundsSeconds[i];
    EXPECT_EQ(e.value("mapcore_map_write_pause_seconds_bucket", with("le", le.str())),
              d(pauses.cumulative[i]))
        << "le=" << le.str();
  }
  EXPECT_EQ(e.value("mapcore_map_write_pause_seconds_bucket", with("le", "+Inf")), d(pauses.count));
}

TEST(ExporterScrape, SeriesOfAMapAndASharedMapEqualTheirStats) {
  IntMap sessions;
  SharedIntMap cache;
  // 212,993 sequential inserts start the 15->16 doubling and then stop: a grow stays in progress.
  for (std::int64_t i = 0; i < 212993; ++i) {
    sessions.insert_or_assign(i, i);
  }
  for (std::int64_t i = 0; i < 1000; ++i) {
    sessions.insert_or_assign(i, -i);
  }
  for (std::int64_t i = 0; i < 5000; ++i) {
    cache.insert_or_assign(i, i);
  }
  for (std::int64_t i = 0; i < 4000; ++i) {
    cache.erase(i);
  }

  Exporter exporter({.listen_address = "127.0.0.1:0", .labels = {{"instance_role", "test"}}});
  ASSERT_NE(exporter.port(), 0);
  const auto sessions_handle = exporter.track("sessions", sessions, {{"team", "core"}});
  const auto cache_handle = exporter.track("cache", cache);
  ASSERT_TRUE(sessions_handle.active());
  ASSERT_TRUE(cache_handle.active());

  const Exposition e = scrape(exporter);
  const mapcore::MapStats sessions_stats = sessions.stats();
  ASSERT_TRUE(sessions_stats.growing) << "the test wants a grow in progress";
  EXPECT_GT(sessions_stats.oldbucket_bytes, 0u);
  expect_series_equal_stats(e, {{"map", "sessions"}, {"team", "core"}, {"instance_role", "test"}},
                            sessions_stats, sessions.write_pauses());
  expect_series_equal_stats(e, {{"map", "cache"}, {"instance_role", "test"}}, cache.stats(),
                            cache.write_pauses());
  EXPECT_EQ(e.value("mapscope_tracked_maps"), 2.0);
  EXPECT_EQ(e.value("mapscope_track_rejected_total"), 0.0);
}

// write_pause_buckets = false keeps each map's histogram to +Inf, _sum and _count; a reload turns the
// buckets back on.
TEST(ExporterScrape, WritePauseBucketsCanBeLeftOut) {
  IntMap sessions;
  for (std::int64_t i = 0; i < 10'000; ++i) {
    sessions.insert_or_assign(i, i);  // doublings: growth work that the write-pause histogram records
  }
  const mapcore::PauseHistogramSnapshot pauses = sessions.write_pauses();
  ASSERT_GT(pauses.count, 0u);
  Exporter exporter({.listen_address = "127.0.0.1:0", .write_pause_buckets = false});
  const auto handle = exporter.track("sessions", sessions);
  const LabelMap labels{{"map", "sessions"}};

  const Exposition without = scrape(exporter);
  EXPECT_EQ(without.count("mapcore_map_write_pause_seconds_bucket", labels), 1u);
  EXPECT_EQ(without.value("mapcore_map_write_pause_seconds_bucket", {{"map", "sessions"}, {"le", "+Inf"}}),
            d(pauses.count));
  EXPECT_EQ(without.value("mapcore_map_write_pause_seconds_count", labels), d(pauses.count));
  EXPECT_DOUBLE_EQ(*without.value("mapcore_map_write_pause_seconds_sum", labels), pauses.sum_seconds);
  EXPECT_EQ(without.types.at("mapcore_map_write_pause_seconds"), "histogram");

  exporter.set_write_pause_buckets(true);
  const Exposition with = scrape(exporter);
  EXPECT_EQ(with.count("mapcore_map_write_pause_seconds_bucket", labels),
            mapcore::kPauseBoundsSeconds.size() + 1);
}

TEST(ExporterScrape, TypesAndHelpOfEveryFamily) {
  IntMap map;
  map.insert_or_assign(1, 1);
  Exporter exporter({.listen_address = "127.0.0.1:0"});
  const auto handle = exporter.track("m", map);
  const Exposition e = scrape(exporter);
  const std::map<std::string, std::string> expected = {
      {"mapcore_map_entries", "gauge"},
      {"mapcore_map_memory_bytes", "gauge"},
      {"mapcore_map_grows_total", "counter"},
      {"mapcore_map_evacuated_buckets_total", "counter"},
      {"mapcore_map_operations_total", "counter"},
      {"mapcore_map_write_pause_seconds", "histogram"},
      {"mapscope_build_info", "gauge"},
      {"mapscope_heap_inuse_bytes", "gauge"},
      {"process_cpu_seconds_total", "counter"},
      {"process_resident_memory_bytes", "gauge"},
      {"mapscope_scrape_collector_duration_seconds", "gauge"},
      {"mapscope_scrape_collector_success", "gauge"},
      {"process_network_receive_bytes_total", "counter"},
      {"process_network_transmit_bytes_total", "counter"},
  };
  for (const auto& [name, type] : expected) {
    EXPECT_EQ(e.types.at(name), type) << name;
  }
  for (const auto& [name, type] : e.types) {
    EXPECT_FALSE(e.help.at(name).empty()) << name;
  }
}

TEST(ExporterScrape, CollectorFamiliesEqualItsStats) {
  mapcore::Options options;
  options.maintenance = mapcore::Maintenance::Active;
  SharedIntMap map(0, options);
  for (std::int64_t i = 0; i < 212993; ++i) {
    map.insert_or_assign(i, i);  // stalls mid-grow
  }
  mapcore::Collector collector;
  const auto registration = collector.add(map);
  collector.run_cycle();
  collector.run_cycle();

  Exporter exporter({.listen_address = "127.0.0.1:0"});
  const auto map_handle = exporter.track("m", map);
  const auto gc = exporter.attach(collector);
  ASSERT_TRUE(gc.active());
  EXPECT_FALSE(exporter.attach(collector).active()) << "one collector at a time";

  const Exposition e = scrape(exporter);
  const mapcore::CollectorStats s = collector.stats();
  EXPECT_GE(s.cycles_total, 2u);
  EXPECT_EQ(e.value("mapcore_gc_cycles_total"), d(s.cycles_total));
  EXPECT_EQ(e.value("mapcore_gc_reclaimed_bytes_total"), d(s.reclaimed_bytes_total));
  EXPECT_EQ(e.value("mapcore_gc_pause_seconds_count"), d(s.pauses.count));
  EXPECT_GT(s.pauses.count, 0u);
  EXPECT_DOUBLE_EQ(*e.value("mapcore_gc_pause_seconds_sum"), s.pauses.sum_seconds);
  EXPECT_EQ(e.value("mapcore_gc_pause_seconds_bucket", {{"le", "+Inf"}}), d(s.pauses.count));
  const mapcore::MapStats stats = map.stats();
  EXPECT_GT(stats.evacuated_by_collector_total, 0u);
  EXPECT_EQ(e.value("mapcore_map_evacuated_buckets_total", {{"map", "m"}, {"trigger", "collector"}}),
            d(stats.evacuated_by_collector_total));
}

TEST(ExporterScrape, DurationOfEveryCollectorAndBuiltinFamilies) {
  Exporter exporter({.listen_address = "127.0.0.1:0"});
  IntMap map;
  const auto handle = exporter.track("m", map);
  const auto started = std::chrono::steady_clock::now();
  const Exposition e = scrape(exporter);
  const double scrape_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  for (const char* collector : {"maps", "heap", "process", "agent"}) {
    const auto took = e.value("mapscope_scrape_collector_duration_seconds", {{"collector", collector}});
    ASSERT_TRUE(took.has_value()) << collector;
    EXPECT_GE(*took, 0.0);
    // In seconds, and part of this scrape: no source took longer than the whole request did.
    EXPECT_LE(*took, scrape_seconds) << collector;
    EXPECT_EQ(e.value("mapscope_scrape_collector_success", {{"collector", collector}}), 1.0) << collector;
  }
  ASSERT_TRUE(e.value("mapscope_heap_inuse_bytes"));
#if !defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer replaces glibc's malloc, whose mallinfo2 then reports nothing.
  EXPECT_GT(*e.value("mapscope_heap_inuse_bytes"), 0.0);
  EXPECT_GE(*e.value("mapscope_heap_sys_bytes"), *e.value("mapscope_heap_inuse_bytes"));
#endif
  EXPECT_GT(*e.value("process_resident_memory_bytes"), 0.0);
  EXPECT_GT(*e.value("process_open_fds"), 2.0);
  EXPECT_GE(*e.value("process_threads"), 2.0);
  EXPECT_EQ(e.value("mapscope_config_last_reload_successful"), 1.0);
  EXPECT_GT(*e.value("mapscope_config_last_reload_success_timestamp_seconds"), 1.6e9);
  EXPECT_EQ(e.count("mapscope_build_info"), 1u);
  exporter.record_reload(false);
  EXPECT_EQ(scrape(exporter).value("mapscope_config_last_reload_successful"), 0.0);
}

TEST(ExporterScrape, TelemetryPathIsConfigurable) {
  Exporter exporter({.listen_address = "127.0.0.1:0", .telemetry_path = "/custom/metrics"});
  IntMap map;
  const auto handle = exporter.track("m", map);
  EXPECT_EQ(scrape(exporter, "/custom/metrics").value("mapcore_map_entries", {{"map", "m"}}), 0.0);
  EXPECT_EQ(http_get(exporter.port(), "/metrics").status, 404);
}

TEST(ExporterScrape, BindFailureIsAOneLineError) {
  Exporter first({.listen_address = "127.0.0.1:0"});
  const std::string taken = "127.0.0.1:" + std::to_string(first.port());
  try {
    Exporter second({.listen_address = taken});
    FAIL() << "a second server bound " << taken;
  } catch (const std::runtime_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("cannot listen on " + taken), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  EXPECT_THROW(Exporter({.listen_address = "[::1]:0"}), std::invalid_argument);
  EXPECT_THROW(Exporter({.listen_address = "127.0.0.1:0s"}), std::invalid_argument);
  EXPECT_THROW(Exporter({.listen_address = "127.0.0.1:0", .telemetry_path = "metrics"}),
               std::invalid_argument);
}

}  // namespace
}  // namespace mapscope::testing
