// The HTML landing page served at `/`: version, links, and a table of the tracked maps.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "map_registry.h"

namespace mapscope::exporter {

struct LandingPage {
  static constexpr std::size_t kMaxRows = 500;  // beyond, the page points at /debug/maps

  struct Link {
    std::string path;
    std::string title;
  };

  // `maps` holds at most kMaxRows snapshots; `total_maps` counts every tracked map; `links` are the
  // endpoints the page lists, in order.
  static std::string render(const std::vector<MapSnapshot>& maps, std::size_t total_maps,
                            const std::vector<Link>& links);
  static std::string growth_state(const mapcore::MapStats& stats);
};

std::string html_escape(std::string_view text);

}  // namespace mapscope::exporter
