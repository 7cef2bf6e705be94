// The exporter's scrape time against the number of tracked maps (1, 100, 1,000, 10,000): an
// Exporter on 127.0.0.1:0 tracks that many maps, some of them mid-grow, and is scraped over real
// HTTP (plain text, as Prometheus without gzip). Each point reports the wall time of a whole
// scrape on loopback (p50, p99, max) and the server-side time of the maps source
// (mapscope_scrape_collector_duration_seconds{collector="maps"}, as the exporter itself measured it).
//
//   exporter_scrape_bench [--quick] RESULT.json
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "mapcore/map.h"
#include "mapscope/exporter/exporter.h"

namespace {

using Clock = std::chrono::steady_clock;
using IntMap = mapcore::Map<std::int64_t, std::int64_t>;

// One HTTP/1.0 GET on loopback; returns the whole response.
std::string http_get(std::uint16_t port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) std::abort();
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) std::abort();
  const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) std::abort();
  std::string response;
  char buffer[1 << 16];
  for (ssize_t n; (n = read(fd, buffer, sizeof(buffer))) > 0;)
    response.append(buffer, static_cast<std::size_t>(n));
  close(fd);
  return response;
}

// The value of mapscope_scrape_collector_duration_seconds{collector="maps"} in an exposition text.
double maps_source_seconds(const std::string& text) {
  const std::string key = "mapscope_scrape_collector_duration_seconds{collector=\"maps\"} ";
  const auto at = text.find(key);
  return at == std::string::npos ? -1 : std::strtod(text.c_str() + at + key.size(), nullptr);
}

struct Point {
  std::size_t maps = 0;
  std::size_t bytes = 0;
  std::vector<double> wall_ns;
  std::vector<double> source_ns;
};

double percentile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1,
                         static_cast<std::size_t>(q * static_cast<double>(values.size())))];
}

Point measure(std::size_t map_count, int scrapes) {
  mapscope::exporter::ExporterOptions options;
  options.listen_address = "127.0.0.1:0";
  options.max_tracked_maps = map_count + 1;
  mapscope::exporter::Exporter exporter(options);
  std::vector<std::unique_ptr<IntMap>> maps;
  std::vector<mapscope::exporter::TrackHandle> handles;
  for (std::size_t i = 0; i < map_count; ++i) {
    maps.push_back(std::make_unique<IntMap>());
    // Every fourth map stops right after a doubling starts (insert 105), so it reports old buckets.
    const std::int64_t entries = i % 4 == 0 ? 105 : static_cast<std::int64_t>(50 + i % 50);
    for (std::int64_t k = 0; k < entries; ++k) maps.back()->insert_or_assign(k, k);
    handles.push_back(exporter.track("map-" + std::to_string(i), *maps.back(), {{"team", "bench"}}));
  }
  Point point;
  point.maps = map_count;
  http_get(exporter.port(), "/metrics");  // warm up
  for (int s = 0; s < scrapes; ++s) {
    const auto start = Clock::now();
    const std::string response = http_get(exporter.port(), "/metrics");
    point.wall_ns.push_back(static_cast<double>(std::chrono::nanoseconds(Clock::now() - start).count()));
    point.bytes = response.size();
    // The maps source's time of this scrape is reported by the next one.
    const double seconds = maps_source_seconds(response);
    if (s > 0 && seconds >= 0) point.source_ns.push_back(seconds * 1e9);
  }
  return point;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  const char* result_path = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      quick = true;
    } else {
      result_path = argv[i];
    }
  }
  const std::vector<std::size_t> sizes =
      quick ? std::vector<std::size_t>{1, 10} : std::vector<std::size_t>{1, 100, 1000, 10000};
  std::string json = "{\"points\": [";
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const Point p = measure(sizes[i], sizes[i] >= 10000 ? 10 : 30);
    const double source_p50 = p.source_ns.empty() ? 0 : percentile(p.source_ns, 0.5);
    std::printf(
        "%6zu maps: scrape p50 %.2f ms, p99 %.2f ms, max %.2f ms; maps source p50 %.2f ms; %zu bytes\n",
        p.maps, percentile(p.wall_ns, 0.5) / 1e6, percentile(p.wall_ns, 0.99) / 1e6,
        percentile(p.wall_ns, 1.0) / 1e6, source_p50 / 1e6, p.bytes);
    char entry[400];
    std::snprintf(entry, sizeof(entry),
                  "%s{\"maps\": %zu, \"p50_ns\": %.0f, \"p99_ns\": %.0f, \"max_ns\": %.0f, "
                  "\"maps_source_p50_ns\": %.0f, "
                  "\"bytes\": %zu}",
                  i == 0 ? "" : ", ", p.maps, percentile(p.wall_ns, 0.5), percentile(p.wall_ns, 0.99),
                  percentile(p.wall_ns, 1.0), source_p50, p.bytes);
    json += entry;
  }
  json += "]}\n";
  if (result_path != nullptr) {
    FILE* out = std::fopen(result_path, "w");
    if (out == nullptr) return 2;
    std::fputs(json.c_str(), out);
    std::fclose(out);
  }
  return 0;
}
