// Map paths: where in a Go program's memory the pointer to a map's header lives, from a symbol
// path such as main.sessions or main.srv.cache (through struct fields and pointers).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "dwarf_model.h"
#include "remote_memory.h"

namespace mapscope::goproc {

// address = load(address) when `dereference`, then address += offset.
struct PathStep {
  bool dereference = false;
  std::uint64_t offset = 0;
};

struct MapLocation {
  std::uint64_t variable_address = 0;  // link-time address of the global the path starts at
  std::vector<PathStep> steps;         // then these, to the word that holds the *hmap
  TypeId map_type = 0;                 // the map[K]V typedef
};

// The location of `path`, or one line saying why it names no map.
std::variant<MapLocation, std::string> locate_map(const DwarfModel& dwarf, const std::string& path);

// Every global variable of map type, as locations (no steps).
std::vector<std::pair<std::string, MapLocation>> global_maps(const DwarfModel& dwarf);

// The run-time address of the word holding the map pointer (load bias added), following the
// path's pointers in `memory`. A nil pointer on the way gives address 0 and kOk.
RemoteStatus resolve_map_slot(RemoteMemory& memory, const MapLocation& location, std::uint64_t load_bias,
                              std::uint64_t& slot);

}  // namespace mapscope::goproc
