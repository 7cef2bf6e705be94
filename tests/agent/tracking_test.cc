// Tracking rules: the tracked-map limit, duplicate and invalid names and labels, handles' lifetime.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include <mapcore/map.h>

#include "exposition.h"
#include "http_client.h"
#include "log_capture.h"
#include "mapscope/exporter/exporter.h"
#include "mapscope/exporter/logger.h"

namespace mapscope::testing {
namespace {

using exporter::Exporter;
using IntMap = mapcore::Map<std::int64_t, std::int64_t>;

Exposition scrape(const Exporter& exporter) {
  return parse_exposition(http_get(exporter.port(), "/metrics").body);
}

TEST(Tracking, RefusesPastTheLimitLogsOnceAndCounts) {
  LogCapture log;
  Exporter exporter({.listen_address = "127.0.0.1:0", .max_tracked_maps = 3});
  std::vector<IntMap> maps(6);
  std::vector<exporter::TrackHandle> handles;
  for (std::size_t i = 0; i < maps.size(); ++i) {
    handles.push_back(exporter.track("m" + std::to_string(i), maps[i]));
  }
  for (std::size_t i = 0; i < maps.size(); ++i) {
    EXPECT_EQ(handles[i].active(), i < 3) << i;
  }
  EXPECT_EQ(exporter.tracked_maps(), 3u);
  EXPECT_EQ(log.count("limit of 3 tracked maps"), 1u) << "logged once, not per refusal";

  const Exposition e = scrape(exporter);
  EXPECT_EQ(e.value("mapscope_tracked_maps"), 3.0);
  EXPECT_EQ(e.value("mapscope_track_rejected_total"), 3.0);
  EXPECT_EQ(e.count("mapcore_map_entries"), 3u);
  EXPECT_FALSE(e.value("mapcore_map_entries", {{"map", "m3"}}));

  handles[0].reset();  // room for one more
  EXPECT_TRUE(exporter.track("m5", maps[5]).active());
  exporter.set_max_tracked_maps(10);
  const auto more = exporter.track("m4", maps[4]);
  EXPECT_TRUE(more.active());
}

TEST(Tracking, RefusesDuplicatesAndInvalidNamesOrLabels) {
  Exporter exporter({.listen_address = "127.0.0.1:0", .labels = {{"env", "test"}}});
  IntMap a, b;
  const auto first = exporter.track("sessions", a, {{"team", "core"}});
  ASSERT_TRUE(first.active());
  EXPECT_FALSE(exporter.track("sessions", b, {{"team", "core"}}).active()) << "same name and labels";
  const auto other_team = exporter.track("sessions", b, {{"team", "edge"}});
  EXPECT_TRUE(other_team.active()) << "different labels are different series";
  EXPECT_FALSE(exporter.track("", b).active());
  EXPECT_FALSE(exporter.track("bad\xff", b).active()) << "invalid UTF-8";
  EXPECT_FALSE(exporter.track("x", b, {{"region", "eu"}}).active()) << "reserved by mapcore_map_memory_bytes";
  EXPECT_FALSE(exporter.track("x", b, {{"map", "y"}}).active());
  EXPECT_FALSE(exporter.track("x", b, {{"__x", "y"}}).active());
  EXPECT_FALSE(exporter.track("x", b, {{"1abc", "y"}}).active());
  EXPECT_FALSE(exporter.track("x", b, {{"team", ""}}).active()) << "empty value";
  EXPECT_FALSE(exporter.track("x", b, {{"env", "prod"}}).active()) << "taken by the exporter's labels";
  EXPECT_EQ(scrape(exporter).value("mapscope_track_rejected_total"), 9.0);
  EXPECT_THROW(Exporter({.listen_address = "127.0.0.1:0", .labels = {{"le", "x"}}}), std::invalid_argument);
}

TEST(Tracking, ExporterLabelsChangeLive) {
  Exporter exporter({.listen_address = "127.0.0.1:0", .labels = {{"env", "test"}}});
  IntMap a;
  const auto handle = exporter.track("a", a);
  EXPECT_TRUE(scrape(exporter).value("mapcore_map_entries", {{"map", "a"}, {"env", "test"}}));
  exporter.set_labels({{"env", "prod"}, {"dc", "x"}});
  EXPECT_TRUE(scrape(exporter).value("mapcore_map_entries", {{"map", "a"}, {"env", "prod"}, {"dc", "x"}}));
  EXPECT_THROW(exporter.set_labels({{"op", "x"}}), std::invalid_argument);
  EXPECT_TRUE(scrape(exporter).value("mapcore_map_entries", {{"map", "a"}, {"env", "prod"}, {"dc", "x"}}));
}

TEST(Tracking, HandlesEndTrackingOnResetMoveAndAfterTheExporter) {
  IntMap a, b;
  auto exporter = std::make_unique<Exporter>(exporter::ExporterOptions{.listen_address = "127.0.0.1:0"});
  exporter::TrackHandle handle = exporter->track("a", a);
  exporter::TrackHandle moved = std::move(handle);
  EXPECT_FALSE(handle.active());  // NOLINT(bugprone-use-after-move): moved-from state is specified
  EXPECT_TRUE(moved.active());
  EXPECT_EQ(exporter->tracked_maps(), 1u);
  moved = exporter->track("b", b);  // the old registration ends
  EXPECT_EQ(exporter->tracked_maps(), 1u);
  EXPECT_TRUE(scrape(*exporter).value("mapcore_map_entries", {{"map", "b"}}));
  EXPECT_FALSE(scrape(*exporter).value("mapcore_map_entries", {{"map", "a"}}));
  exporter.reset();
  moved.reset();  // the exporter is gone: nothing to do, no crash
  EXPECT_FALSE(moved.active());
}

class FailingSource final : public exporter::MetricSource {
 public:
  std::string name() const override { return "failing"; }
  void collect(std::vector<prometheus::MetricFamily>& out) override {
    out.push_back({"half_built", "", prometheus::MetricType::Gauge, {}});
    throw std::runtime_error("cannot read");
  }
};

class BadNamesSource final : public exporter::MetricSource {
 public:
  std::string name() const override { return "badnames"; }
  void collect(std::vector<prometheus::MetricFamily>& out) override {
    prometheus::ClientMetric metric;
    metric.gauge.value = 1;
    out.push_back({"good_gauge", "A good gauge.", prometheus::MetricType::Gauge, {metric}});
    out.push_back({"bad-name", "Bad.", prometheus::MetricType::Gauge, {metric}});
    out.push_back({"mapscope_tracked_maps", "A duplicate.", prometheus::MetricType::Gauge, {metric}});
    prometheus::ClientMetric labelled = metric;
    labelled.label = {{"bad-label", "x"}};
    out.push_back({"bad_label_gauge", "Bad label.", prometheus::MetricType::Gauge, {labelled}});
  }
};

TEST(Sources, FailingInvalidAndDuplicateFamiliesAreLeftOut) {
  LogCapture log;
  Exporter exporter({.listen_address = "127.0.0.1:0"});
  const auto failing = exporter.add_source(std::make_shared<FailingSource>());
  const auto bad = exporter.add_source(std::make_shared<BadNamesSource>());
  ASSERT_TRUE(failing.active());
  EXPECT_FALSE(exporter.add_source(std::make_shared<FailingSource>()).active()) << "names are unique";
  const HttpResponse response = http_get(exporter.port(), "/metrics");
  ASSERT_EQ(response.status, 200);
  const Exposition e = parse_exposition(response.body);
  EXPECT_EQ(e.value("good_gauge"), 1.0);
  EXPECT_EQ(e.types.count("half_built"), 0u);
  EXPECT_EQ(e.types.count("bad_label_gauge"), 0u);
  EXPECT_EQ(e.count("mapscope_tracked_maps"), 1u);
  EXPECT_EQ(response.body.find("bad-name"), std::string::npos);
  EXPECT_TRUE(e.value("mapscope_scrape_collector_duration_seconds", {{"collector", "badnames"}}));
  EXPECT_EQ(e.value("mapscope_scrape_collector_success", {{"collector", "badnames"}}), 1.0)
      << "families dropped for their names do not make the source fail";
  EXPECT_EQ(e.value("mapscope_scrape_collector_success", {{"collector", "failing"}}), 0.0);
  EXPECT_EQ(log.count("cannot read"), 1u);
  http_get(exporter.port(), "/metrics");
  EXPECT_EQ(log.count("cannot read"), 1u) << "each problem is logged once";
}

}  // namespace
}  // namespace mapscope::testing
