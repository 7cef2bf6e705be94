// Uses the installed exporter: tracks a map of 5,000 entries and serves /metrics on a free loopback port,
// which it prints as `port=N`, until its standard input closes.
#include <mapcore/map.h>
#include <mapscope/exporter/exporter.h>

#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>

int main() {
  mapcore::Map<std::int64_t, std::int64_t> map;
  for (std::int64_t key = 0; key < 5000; ++key) {
    map.insert_or_assign(key, key * 2);
  }
  mapscope::exporter::ExporterOptions options;
  options.listen_address = "127.0.0.1:0";
  mapscope::exporter::Exporter exporter(options);
  const auto handle = exporter.track("consumer", map, {{"team", "outside"}});
  std::printf("port=%u\n", static_cast<unsigned>(exporter.port()));
  std::fflush(stdout);
  std::string ignored;
  while (std::getline(std::cin, ignored)) {
  }
  return handle.active() ? 0 : 1;
}
