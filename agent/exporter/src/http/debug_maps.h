// The /debug/maps JSON document: every tracked map's statistics and overflow-chain length distribution.
//
// The distribution is MapStats::chain_lengths, maintained exactly by the map, so a response costs O(1)
// per map and never walks a table; the number of maps per response is capped (offset/limit paging).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "map_registry.h"

namespace mapscope::exporter {

struct DebugMaps {
  static constexpr std::size_t kDefaultLimit = 100;
  static constexpr std::size_t kMaxLimit = 1000;

  // Parses `offset` and `limit` from a query string ("offset=100&limit=50"); bad values give an error text.
  struct Page {
    std::size_t offset = 0;
    std::size_t limit = kDefaultLimit;
  };
  static std::optional<Page> parse_query(const char* query, std::string& error);

  static std::string render(const std::vector<MapSnapshot>& maps, std::size_t total_maps, const Page& page);
};

}  // namespace mapscope::exporter
