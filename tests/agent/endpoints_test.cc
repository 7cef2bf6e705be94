// The exporter's HTTP endpoints besides the scrape: landing page, health, readiness, reload, /debug/maps,
// wrong methods and unknown paths.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include <mapcore/map.h>

#include "exposition.h"
#include "http_client.h"
#include "mapscope/exporter/exporter.h"

namespace mapscope::testing {
namespace {

using exporter::Exporter;
using IntMap = mapcore::Map<std::int64_t, std::int64_t>;

Exporter make_exporter() {
  return Exporter({.listen_address = "127.0.0.1:0"});
}

TEST(Endpoints, LandingPageListsTrackedMapsWithTheirNumbers) {
  IntMap sessions, cache;
  for (std::int64_t i = 0; i < 212993; ++i) {
    sessions.insert_or_assign(i, i);  // mid-grow
  }
  for (std::int64_t i = 0; i < 100; ++i) {
    cache.insert_or_assign(i, i);
  }
  Exporter exporter({.listen_address = "127.0.0.1:0", .telemetry_path = "/m"});
  const auto a = exporter.track("sessions", sessions, {{"team", "core"}});
  const auto b = exporter.track("cache<&>", cache);

  HttpResponse page = http_get(exporter.port(), "/");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<a href=\"/m\">"), std::string::npos);
  EXPECT_NE(page.body.find("Tracked maps: 2"), std::string::npos);
  const mapcore::MapStats s = sessions.stats();
  const std::string sessions_row = "<td>sessions</td><td>team=core</td><td class=\"n\">" +
                                   std::to_string(s.entries) + "</td><td class=\"n\">" +
                                   std::to_string(s.buckets) + "</td>";
  EXPECT_NE(page.body.find(sessions_row), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("<td class=\"n\">" + std::to_string(s.oldbucket_bytes) + "</td>"),
            std::string::npos);
  EXPECT_NE(page.body.find("doubling, " + std::to_string(s.evacuation_pending) + " of "), std::string::npos);
  EXPECT_NE(page.body.find("<td>cache&lt;&amp;&gt;</td>"), std::string::npos) << "map names are escaped";
  EXPECT_NE(page.body.find("idle"), std::string::npos);
}

TEST(Endpoints, HealthAndReadiness) {
  Exporter exporter = make_exporter();
  EXPECT_EQ(http_get(exporter.port(), "/healthz").status, 200);
  EXPECT_EQ(http_get(exporter.port(), "/-/healthy").status, 200);
  EXPECT_EQ(http_request(exporter.port(), "POST", "/-/healthy").status, 405);
  EXPECT_EQ(http_get(exporter.port(), "/-/ready").status, 200);
  EXPECT_EQ(http_request(exporter.port(), "HEAD", "/healthz").status, 200);
  EXPECT_EQ(http_request(exporter.port(), "POST", "/healthz").status, 405);
}

TEST(Endpoints, UnknownPathsAre404AndWrongMethods405) {
  Exporter exporter = make_exporter();
  for (const char* path : {"/nope", "/metrics/", "/metricsx", "/debug", "/-/reload/x", "/index.html"}) {
    EXPECT_EQ(http_get(exporter.port(), path).status, 404) << path;
  }
  HttpResponse post = http_request(exporter.port(), "POST", "/metrics");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.headers["allow"], "GET, HEAD");
  EXPECT_EQ(http_request(exporter.port(), "DELETE", "/").status, 405);
  EXPECT_EQ(http_request(exporter.port(), "PUT", "/debug/maps").status, 405);
}

TEST(Endpoints, HeadAnswersEveryGetEndpointWithItsHeadersAndNoBody) {
  IntMap map;
  map.insert_or_assign(1, 1);
  Exporter exporter = make_exporter();
  const auto handle = exporter.track("m", map);
  for (const char* path : {"/metrics", "/", "/debug/maps", "/healthz", "/-/healthy", "/-/ready"}) {
    HttpConnection connection(exporter.port());
    const HttpResponse get = connection.request("GET", path);
    const HttpResponse head = connection.request("HEAD", path);
    ASSERT_EQ(get.status, 200) << path;
    EXPECT_EQ(head.status, 200) << path;
    EXPECT_EQ(head.headers.at("content-type"), get.headers.at("content-type")) << path;
    EXPECT_TRUE(head.body.empty()) << path;
    EXPECT_EQ(connection.request("GET", "/healthz").body, "OK\n") << path << ": no body was left behind";
  }
}

TEST(Endpoints, ConnectionsAreKeptAliveForTheNextRequest) {
  IntMap map;
  Exporter exporter = make_exporter();
  const auto handle = exporter.track("m", map);
  HttpConnection connection(exporter.port());
  for (int scrape = 0; scrape < 5; ++scrape) {
    map.insert_or_assign(scrape, scrape);
    const HttpResponse response = connection.request("GET", "/metrics", "Accept-Encoding: identity\r\n");
    ASSERT_EQ(response.status, 200) << "scrape " << scrape << " on the same connection";
    EXPECT_EQ(response.headers.at("connection"), "keep-alive");
    EXPECT_EQ(parse_exposition(response.body).value("mapcore_map_entries", {{"map", "m"}}), scrape + 1.0);
  }
  EXPECT_EQ(connection.request("GET", "/nope").status, 404);
  EXPECT_EQ(connection.request("GET", "/-/ready").status, 200) << "an error answer keeps the connection too";
  const HttpResponse closing = connection.request("GET", "/healthz", "Connection: close\r\n");
  EXPECT_EQ(closing.headers.at("connection"), "close");
  EXPECT_EQ(connection.request("GET", "/healthz").status, 0) << "closed as announced";
}

TEST(Endpoints, ReloadCallsTheHandlerOnPostOnly) {
  Exporter exporter = make_exporter();
  EXPECT_EQ(http_request(exporter.port(), "POST", "/-/reload").status, 501) << "no handler yet";
  std::atomic<int> calls{0};
  std::atomic<bool> succeed{true};
  exporter.set_reload_handler([&] {
    ++calls;
    return succeed.load();
  });
  EXPECT_EQ(http_request(exporter.port(), "POST", "/-/reload").status, 200);
  succeed = false;
  EXPECT_EQ(http_request(exporter.port(), "POST", "/-/reload").status, 500);
  HttpResponse get = http_get(exporter.port(), "/-/reload");
  EXPECT_EQ(get.status, 405);
  EXPECT_EQ(get.headers["allow"], "POST");
  EXPECT_EQ(calls.load(), 2);
}

TEST(Endpoints, DebugMapsGivesStatsAndChainLengthsPaged) {
  std::vector<std::unique_ptr<IntMap>> maps;
  std::vector<exporter::TrackHandle> handles;
  Exporter exporter = make_exporter();
  for (int m = 0; m < 5; ++m) {
    maps.push_back(std::make_unique<IntMap>());
    for (std::int64_t i = 0; i < std::int64_t{1000} * (m + 1); ++i) {
      maps.back()->insert_or_assign(i, i);
    }
    handles.push_back(exporter.track("map" + std::to_string(m), *maps.back()));
  }
  HttpResponse response = http_get(exporter.port(), "/debug/maps");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.headers["content-type"], "application/json");
  const auto doc = nlohmann::json::parse(response.body);
  EXPECT_EQ(doc["total_maps"], 5);
  EXPECT_EQ(doc["returned"], 5);
  EXPECT_EQ(doc["truncated"], false);
  ASSERT_EQ(doc["maps"].size(), 5u);
  for (int m = 0; m < 5; ++m) {
    const auto& entry = doc["maps"][m];
    const mapcore::MapStats s = maps[m]->stats();
    EXPECT_EQ(entry["map"], "map" + std::to_string(m));
    EXPECT_EQ(entry["stats"]["entries"], s.entries);
    EXPECT_EQ(entry["stats"]["buckets"], s.buckets);
    EXPECT_EQ(entry["stats"]["bytes"]["total"], s.total_bytes());
    std::uint64_t chains = 0;
    for (std::size_t i = 0; i < mapcore::kChainLengthCells; ++i) {
      const std::string key = std::to_string(i + 1) + (i + 1 == mapcore::kChainLengthCells ? "+" : "");
      EXPECT_EQ(entry["chain_lengths"]["lengths"][key], s.chain_lengths[i]) << key;
      chains += s.chain_lengths[i];
    }
    EXPECT_EQ(chains, s.buckets) << "one chain per bucket of the current array";
  }

  const auto page = nlohmann::json::parse(http_get(exporter.port(), "/debug/maps?offset=1&limit=2").body);
  EXPECT_EQ(page["returned"], 2);
  EXPECT_EQ(page["truncated"], true);
  EXPECT_EQ(page["next_offset"], 3);
  EXPECT_EQ(page["maps"][0]["map"], "map1");
  EXPECT_EQ(http_get(exporter.port(), "/debug/maps?limit=0").status, 400);
  EXPECT_EQ(http_get(exporter.port(), "/debug/maps?limit=100000").status, 400);
  EXPECT_EQ(http_get(exporter.port(), "/debug/maps?offset=x").status, 400);
}

}  // namespace
}  // namespace mapscope::testing
