// The families of watched Go programs, built from readings: the per-map families shared with mapcore maps
// (state only), the per-target and per-process families, the cumulative GC pause histogram, targets that go
// down and come back, and the tracked-map limit. The last test serves them beside a tracked mapcore map
// through a real Exporter over HTTP.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <mapcore/map.h>
#include <prometheus/metric_family.h>

#include "exposition.h"
#include "http_client.h"
#include "log_capture.h"
#include "mapscope/exporter/exporter.h"
#include "mapscope/exporter/logger.h"
#include "mapscope/goproc/go_target_metrics.h"

namespace mapscope::testing {
namespace {

using goproc::GoTargetMetrics;
using goproc::MapReading;
using goproc::ProcessReading;
using goproc::TargetReading;
using Labels = std::map<std::string, std::string>;

// A map frozen in the middle of a doubling from B=11 to B=12, as Go leaves one that stops being written.
MapReading frozen_map(std::string path) {
  MapReading map;
  map.path = std::move(path);
  map.impl = "classic";
  mapcore::MapStats& s = map.stats;
  s.load_factor_limit = 6.5;
  s.entries = 13'313;
  s.log2_buckets = 12;
  s.buckets = 4096;
  s.overflow_buckets = 3;
  s.bucket_bytes = 4096 * 144;
  s.overflow_bytes = 3 * 144;
  s.oldbucket_bytes = 2048 * 144;
  s.growing = true;
  s.evacuation_pending = 2047;
  s.grow_started_unix_seconds = 1'700'000'000.5;
  return map;
}

ProcessReading process(pid_t pid, std::vector<MapReading> maps = {}) {
  ProcessReading p;
  p.pid = pid;
  p.exe = "/usr/local/bin/api";
  p.go_version = "go1.19.8";
  p.maps = std::move(maps);
  p.runtime.heap_inuse_bytes = 8 << 20;
  p.runtime.heap_sys_bytes = 12 << 20;
  p.runtime.gc_cycles = 42;
  return p;
}

// A target read with these processes, labelled as the reader labels them.
TargetReading up(std::string name, std::vector<ProcessReading> processes) {
  TargetReading reading;
  reading.name = std::move(name);
  reading.up = true;
  reading.processes = std::move(processes);
  for (ProcessReading& process : reading.processes) {
    process.label =
        reading.processes.size() == 1 ? reading.name : reading.name + ":" + std::to_string(process.pid);
  }
  return reading;
}

TargetReading down(std::string name, std::string reason) {
  TargetReading reading;
  reading.name = std::move(name);
  reading.down_reason = std::move(reason);
  reading.read_errors_total["no_process"] = 1;
  return reading;
}

// The families rendered the way a scrape parses them.
Exposition render(const std::vector<prometheus::MetricFamily>& families) {
  std::string text;
  for (const auto& family : families) {
    if (family.metric.empty()) {
      continue;
    }
    const char* type = family.type == prometheus::MetricType::Counter     ? "counter"
                       : family.type == prometheus::MetricType::Histogram ? "histogram"
                                                                          : "gauge";
    text += "# HELP " + family.name + " " + family.help + "\n# TYPE " + family.name + " " + type + "\n";
    for (const auto& metric : family.metric) {
      const auto series = [&](const std::string& suffix, double value, const std::string& extra) {
        std::string labels;
        for (const auto& label : metric.label) {
          labels += (labels.empty() ? "" : ",") + label.name + "=\"" + label.value + "\"";
        }
        if (!extra.empty()) {
          labels += (labels.empty() ? "" : ",") + extra;
        }
        std::array<char, 32> number{};
        const auto end = std::to_chars(number.data(), number.data() + number.size(), value).ptr;
        text += family.name + suffix + "{" + labels + "} " + std::string(number.data(), end) + "\n";
      };
      if (family.type == prometheus::MetricType::Histogram) {
        for (const auto& bucket : metric.histogram.bucket) {
          const std::string le = std::isinf(bucket.upper_bound) ? "+Inf" : std::to_string(bucket.upper_bound);
          series("_bucket", static_cast<double>(bucket.cumulative_count), "le=\"" + le + "\"");
        }
        series("_sum", metric.histogram.sample_sum, "");
        series("_count", static_cast<double>(metric.histogram.sample_count), "");
      } else {
        series("", family.type == prometheus::MetricType::Counter ? metric.counter.value : metric.gauge.value,
               "");
      }
    }
  }
  return parse_exposition(text);
}

const prometheus::MetricFamily* find(const std::vector<prometheus::MetricFamily>& families,
                                     const std::string& name) {
  const auto it = std::find_if(families.begin(), families.end(),
                               [&name](const auto& family) { return family.name == name; });
  return it == families.end() ? nullptr : &*it;
}

TEST(GoTargetMetrics, GoMapsHaveTheMapcoreStateFamiliesWithTargetAndStaticLabels) {
  GoTargetMetrics metrics;
  const auto families = metrics.families(
      {up("api", {process(100, {frozen_map("main.sessions"), frozen_map("main.srv.cache")})})},
      {{"team", "core"}});
  const Exposition e = render(families);
  const Labels sessions{{"map", "main.sessions"}, {"target", "api"}, {"team", "core"}};
  EXPECT_EQ(e.value("mapcore_map_entries", sessions), 13'313);
  EXPECT_EQ(e.value("mapcore_map_buckets", sessions), 4096);
  EXPECT_EQ(e.value("mapcore_map_buckets_log2", sessions), 12);
  EXPECT_EQ(e.value("mapcore_map_overflow_buckets", sessions), 3);
  EXPECT_DOUBLE_EQ(*e.value("mapcore_map_overflow_ratio", sessions), 3.0 / 4096);
  EXPECT_DOUBLE_EQ(*e.value("mapcore_map_load_factor", sessions), 13'313.0 / 4096);
  EXPECT_EQ(e.value("mapcore_map_load_factor_limit", sessions), 6.5);
  Labels region = sessions;
  region["region"] = "oldbuckets";
  EXPECT_EQ(e.value("mapcore_map_memory_bytes", region), 2048 * 144);
  region["region"] = "buckets";
  EXPECT_EQ(e.value("mapcore_map_memory_bytes", region), 4096 * 144);
  region["region"] = "overflow";
  EXPECT_EQ(e.value("mapcore_map_memory_bytes", region), 3 * 144);
  region["region"] = "indirect";
  EXPECT_EQ(e.value("mapcore_map_memory_bytes", region), 0);
  EXPECT_EQ(e.value("mapcore_map_grow_in_progress", sessions), 1);
  EXPECT_EQ(e.value("mapcore_map_evacuation_pending_buckets", sessions), 2047);
  EXPECT_EQ(e.value("mapcore_map_grow_start_timestamp_seconds", sessions), 1'700'000'000.5);
  EXPECT_EQ(e.count("mapcore_map_entries"), 2U);
  // A Go map counts no operations: the activity families are absent, not zero.
  for (const char* absent : {"mapcore_map_operations_total", "mapcore_map_grows_total",
                             "mapcore_map_evacuated_buckets_total", "mapcore_map_write_pause_seconds"}) {
    EXPECT_EQ(find(families, absent), nullptr) << absent;
  }
  // The help is the mapcore maps' own, so an exporter joins both into one family.
  EXPECT_EQ(e.help.at("mapcore_map_entries"), "Live entries in the map.");
}

// A Swiss map of go1.24 drained to one entry: 128 tables of 1,024 slots kept, many of them tombstones.
MapReading drained_swiss_map(std::string path) {
  MapReading map;
  map.path = std::move(path);
  map.impl = "swiss";
  map.stats.load_factor_limit = 0.875;
  map.stats.entries = 1;
  map.stats.buckets = 131'072;
  map.stats.bucket_bytes = 1024 + 128 * (32 + 2'228'224 / 128);
  map.swiss = goproc::SwissShape{
      .tables = 128, .directory_entries = 128, .capacity_slots = 131'072, .tombstones = 46'320};
  return map;
}

TEST(GoTargetMetrics, SwissMapsAddTheirShapeAndEveryMapSaysItsImplementation) {
  GoTargetMetrics metrics;
  const auto families = metrics.families(
      {up("api", {process(100, {drained_swiss_map("main.cache"), frozen_map("main.old")})})}, {});
  const Exposition e = render(families);
  const Labels cache{{"map", "main.cache"}, {"target", "api"}};
  EXPECT_EQ(e.value("mapcore_map_tables", cache), 128);
  EXPECT_EQ(e.value("mapcore_map_directory_entries", cache), 128);
  EXPECT_EQ(e.value("mapcore_map_capacity_slots", cache), 131'072);
  EXPECT_EQ(e.value("mapcore_map_tombstones", cache), 46'320);
  EXPECT_DOUBLE_EQ(*e.value("mapcore_map_load_factor", cache), 1.0 / 131'072);
  EXPECT_EQ(e.value("mapcore_map_load_factor_limit", cache), 0.875);
  Labels region = cache;
  region["region"] = "overflow";
  EXPECT_EQ(e.value("mapcore_map_memory_bytes", region), 0);
  region["region"] = "oldbuckets";
  EXPECT_EQ(e.value("mapcore_map_memory_bytes", region), 0);
  EXPECT_EQ(e.value("mapscope_go_map_info", {{"map", "main.cache"}, {"target", "api"}, {"impl", "swiss"}}),
            1);
  EXPECT_EQ(e.value("mapscope_go_map_info", {{"map", "main.old"}, {"target", "api"}, {"impl", "classic"}}),
            1);
  // The Swiss shape is the Swiss maps' only: a classic map has none of it.
  EXPECT_EQ(e.count("mapcore_map_tables"), 1U);
  EXPECT_EQ(e.count("mapcore_map_tombstones"), 1U);
}

TEST(GoTargetMetrics, ClassicOnlyScrapesHaveNoSwissFamilies) {
  GoTargetMetrics metrics;
  const auto families = metrics.families({up("api", {process(100, {frozen_map("main.old")})})}, {});
  for (const char* absent : {"mapcore_map_tables", "mapcore_map_directory_entries",
                             "mapcore_map_capacity_slots", "mapcore_map_tombstones"}) {
    EXPECT_EQ(find(families, absent), nullptr) << absent;
  }
}

TEST(GoTargetMetrics, TargetAndProcessFamilies) {
  GoTargetMetrics metrics;
  TargetReading reading = up("api", {process(100)});
  reading.read_errors_total["memory"] = 2;
  const Exposition e = render(metrics.families({reading}, {}));
  EXPECT_EQ(e.value("mapscope_go_target_up", {{"target", "api"}}), 1);
  EXPECT_EQ(
      e.value("mapscope_go_target_info",
              {{"target", "api"}, {"pid", "100"}, {"go_version", "go1.19.8"}, {"exe", "/usr/local/bin/api"}}),
      1);
  EXPECT_EQ(e.value("mapscope_go_heap_inuse_bytes", {{"target", "api"}}), 8 << 20);
  EXPECT_EQ(e.value("mapscope_go_heap_sys_bytes", {{"target", "api"}}), 12 << 20);
  EXPECT_EQ(e.value("mapscope_go_gc_cycles_total", {{"target", "api"}}), 42);
  EXPECT_EQ(e.types.at("mapscope_go_gc_cycles_total"), "counter");
  EXPECT_EQ(e.value("mapscope_go_read_errors_total", {{"target", "api"}, {"kind", "memory"}}), 2);
  EXPECT_EQ(e.types.at("mapscope_go_gc_pause_seconds"), "histogram");
  EXPECT_EQ(e.value("mapscope_go_gc_pause_seconds_count", {{"target", "api"}}), 0);
}

TEST(GoTargetMetrics, SeveralProcessesOfOneExecutableAreLabelledNameColonPid) {
  GoTargetMetrics metrics;
  const Exposition e = render(metrics.families(
      {up("api", {process(100, {frozen_map("main.a")}), process(200, {frozen_map("main.a")})})}, {}));
  EXPECT_EQ(e.value("mapscope_go_target_up", {{"target", "api"}}), 1);
  EXPECT_EQ(e.value("mapcore_map_entries", {{"map", "main.a"}, {"target", "api:100"}}), 13'313);
  EXPECT_EQ(e.value("mapcore_map_entries", {{"map", "main.a"}, {"target", "api:200"}}), 13'313);
  EXPECT_EQ(e.count("mapscope_go_target_info"), 2U);
  EXPECT_EQ(e.value("mapscope_go_heap_inuse_bytes", {{"target", "api:200"}}), 8 << 20);
}

TEST(GoTargetMetrics, GcPausesAccumulateAcrossScrapesInTheirBuckets) {
  GoTargetMetrics metrics;
  TargetReading first = up("api", {process(100)});
  first.processes[0].runtime.new_gc_pauses_seconds = {5e-6, 1e-5, 3e-4};
  metrics.families({first}, {});
  TargetReading second = up("api", {process(100)});
  second.processes[0].runtime.new_gc_pauses_seconds = {0.2, 2.0};
  const Exposition e = render(metrics.families({second}, {}));
  const auto bucket = [&e](const char* le) {
    return e.value("mapscope_go_gc_pause_seconds_bucket", {{"target", "api"}, {"le", le}});
  };
  EXPECT_EQ(e.value("mapscope_go_gc_pause_seconds_count", {{"target", "api"}}), 5);
  EXPECT_NEAR(*e.value("mapscope_go_gc_pause_seconds_sum", {{"target", "api"}}), 2.2003150, 1e-6);
  EXPECT_EQ(bucket("0.000010"), 2) << "10 us is the first bound, inclusive";
  EXPECT_EQ(bucket("0.000500"), 3);
  EXPECT_EQ(bucket("0.250000"), 4);
  EXPECT_EQ(bucket("1.000000"), 4);
  EXPECT_EQ(bucket("+Inf"), 5);
  // A scrape without new pauses shows the same totals.
  EXPECT_EQ(render(metrics.families({up("api", {process(100)})}, {}))
                .value("mapscope_go_gc_pause_seconds_count", {{"target", "api"}}),
            5);
  // A restarted program (another pid) starts a new histogram; the old one is forgotten.
  TargetReading restarted = up("api", {process(300)});
  restarted.processes[0].runtime.new_gc_pauses_seconds = {1e-3};
  EXPECT_EQ(render(metrics.families({restarted}, {}))
                .value("mapscope_go_gc_pause_seconds_count", {{"target", "api"}}),
            1);
}

TEST(GoTargetMetrics, ADownTargetIsZeroWhileOthersGoOnAndIsLoggedOncePerChange) {
  LogCapture log;
  GoTargetMetrics metrics;
  const auto scrape = [&metrics](const TargetReading& api) {
    return render(metrics.families({api, up("worker", {process(7, {frozen_map("main.jobs")})})}, {}));
  };
  Exposition e = scrape(up("api", {process(100, {frozen_map("main.a")})}));
  EXPECT_EQ(e.value("mapscope_go_target_up", {{"target", "api"}}), 1);
  EXPECT_EQ(log.count("msg=\"Go target up\" target=api"), 1U);

  e = scrape(down("api", "no process 100"));
  EXPECT_EQ(e.value("mapscope_go_target_up", {{"target", "api"}}), 0);
  EXPECT_EQ(e.value("mapscope_go_target_up", {{"target", "worker"}}), 1);
  EXPECT_EQ(e.value("mapcore_map_entries", {{"map", "main.jobs"}, {"target", "worker"}}), 13'313);
  EXPECT_FALSE(e.value("mapcore_map_entries", {{"map", "main.a"}, {"target", "api"}}));
  EXPECT_EQ(e.count("mapscope_go_target_info", {{"target", "api"}}), 0U);
  EXPECT_EQ(e.value("mapscope_go_read_errors_total", {{"target", "api"}, {"kind", "no_process"}}), 1);

  scrape(down("api", "no process 100"));
  scrape(down("api", "no process 100"));
  EXPECT_EQ(log.count("msg=\"Go target down\" target=api reason=\"no process 100\""), 1U)
      << "once per change, not per scrape";
  scrape(down("api", "permission denied"));
  EXPECT_EQ(log.count("Go target down"), 2U) << "a new reason is a change";
  scrape(up("api", {process(101)}));
  EXPECT_EQ(log.count("msg=\"Go target up\" target=api pids=101"), 1U);
}

TEST(GoTargetMetrics, ProblemsShortOfDownAreLoggedOncePerChange) {
  LogCapture log;
  GoTargetMetrics metrics;
  TargetReading reading = up("api", {process(100, {frozen_map("main.a")})});
  reading.problems = {"main.b: an address of the map could not be read"};
  metrics.families({reading}, {});
  metrics.families({reading}, {});
  EXPECT_EQ(log.count("Go target read with problems"), 1U);
  EXPECT_EQ(log.count("main.b: an address of the map could not be read"), 1U);
  reading.problems.clear();
  metrics.families({reading}, {});
  EXPECT_EQ(log.count("Go target read with problems"), 1U) << "no problems, no line";
}

TEST(GoTargetMetrics, MapsPastTheTrackedMapLimitAreLeftOutAndLoggedOnce) {
  LogCapture log;
  GoTargetMetrics metrics(3);
  const std::vector<TargetReading> readings{
      up("a", {process(1, {frozen_map("main.x"), frozen_map("main.y")})}),
      up("b", {process(2, {frozen_map("main.x"), frozen_map("main.y")})})};
  EXPECT_EQ(render(metrics.families(readings, {})).count("mapcore_map_entries"), 3U);
  EXPECT_EQ(render(metrics.families(readings, {})).count("mapscope_go_target_up"), 2U);
  EXPECT_EQ(log.count("tracked-map limit"), 1U);
}

// A source serving GoTargetMetrics' families, for the exporter to join with its own.
class ReadingsSource final : public exporter::MetricSource {
 public:
  explicit ReadingsSource(std::vector<TargetReading> readings) : readings_(std::move(readings)) {}
  std::string name() const override { return "go"; }
  void collect(std::vector<prometheus::MetricFamily>& out) override {
    for (auto& family : metrics_.families(readings_, {})) {
      out.push_back(std::move(family));
    }
  }

 private:
  std::vector<TargetReading> readings_;
  GoTargetMetrics metrics_;
};

TEST(GoTargetMetrics, AnExporterServesGoAndMapcoreMapsAsOneFamily) {
  exporter::Exporter exporter({.listen_address = "127.0.0.1:0"});
  mapcore::Map<std::int64_t, std::int64_t> map;
  map.insert_or_assign(1, 1);
  const auto handle = exporter.track("local", map);
  const auto go = exporter.add_source(std::make_shared<ReadingsSource>(
      std::vector{up("api", {process(100, {frozen_map("main.sessions")})})}));
  ASSERT_TRUE(go.active());
  const std::string body = http_get(exporter.port(), "/metrics").body;
  const Exposition e = parse_exposition(body);
  EXPECT_EQ(e.value("mapcore_map_entries", {{"map", "local"}}), 1);
  EXPECT_EQ(e.value("mapcore_map_entries", {{"map", "main.sessions"}, {"target", "api"}}), 13'313);
  std::size_t type_lines = 0;
  for (std::size_t at = body.find("# TYPE mapcore_map_entries "); at != std::string::npos;
       at = body.find("# TYPE mapcore_map_entries ", at + 1)) {
    ++type_lines;
  }
  EXPECT_EQ(type_lines, 1U) << "one family, both maps' series";
  EXPECT_EQ(e.count("mapcore_map_operations_total"), 3U) << "the mapcore map's counters only";
  EXPECT_TRUE(e.value("mapscope_scrape_collector_duration_seconds", {{"collector", "go"}}));
}

}  // namespace
}  // namespace mapscope::testing
