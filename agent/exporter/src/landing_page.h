// The HTML landing page served at `/`: version, links, and a table of the tracked maps.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "map_registry.h"

namespace mapscope::exporter {

struct LandingPage {
  static constexpr std::size_t kMaxRows = 500;  // beyond, the page points at /debug/maps

  // `maps` holds at most kMaxRows snapshots; `total_maps` counts every tracked map.
  static std::string render(const std::vector<MapSnapshot>& maps, std::size_t total_maps,
                            const std::string& telemetry_path);
  static std::string growth_state(const mapcore::MapStats& stats);
};

std::string html_escape(std::string_view text);

}  // namespace mapscope::exporter
