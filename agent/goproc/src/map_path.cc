#include "map_path.h"

namespace mapscope::goproc {
namespace {

std::vector<std::string> split_on_dots(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto dot = path.find('.', start);
    parts.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) {
      return parts;
    }
    start = dot + 1;
  }
}

}  // namespace

std::variant<MapLocation, std::string> locate_map(const DwarfModel& dwarf, const std::string& path) {
  const auto parts = split_on_dots(path);
  // The longest leading run of parts that names a global: package paths hold dots themselves.
  const GlobalVariable* variable = nullptr;
  std::size_t used = parts.size();
  for (; used >= 2 && variable == nullptr; --used) {
    std::string name = parts[0];
    for (std::size_t i = 1; i < used; ++i) {
      name += "." + parts[i];
    }
    variable = dwarf.variable(name);
    if (variable != nullptr) {
      break;
    }
  }
  if (variable == nullptr) {
    return path + ": no global variable of that name in the program's DWARF";
  }
  MapLocation location;
  location.variable_address = variable->address;
  TypeId type = variable->type;
  std::string reached = variable->name;
  PathStep step;
  for (std::size_t i = used; i < parts.size(); ++i) {
    const auto* resolved = dwarf.resolve(type);
    while (resolved != nullptr && resolved->tag == DwarfType::Tag::kPointer && !dwarf.is_map(type)) {
      location.steps.push_back(step);
      step = PathStep{true, 0};
      type = resolved->target;
      resolved = dwarf.resolve(type);
    }
    const auto* member = resolved == nullptr || resolved->tag != DwarfType::Tag::kStruct
                             ? nullptr
                             : resolved->member(parts[i]);
    if (member == nullptr) {
      const std::string type_name = resolved == nullptr ? "an unknown type" : resolved->name;
      std::string reason = path;
      reason.append(": ")
          .append(reached)
          .append(" (")
          .append(type_name)
          .append(") has no field ")
          .append(parts[i]);
      return reason;
    }
    step.offset += member->offset;
    type = member->type;
    reached += "." + parts[i];
  }
  location.steps.push_back(step);
  if (!dwarf.is_map(type)) {
    const auto* t = dwarf.type(type);
    return path + " is " + (t == nullptr ? std::string("of an unknown type") : "a " + t->name) +
           ", not a map";
  }
  location.map_type = type;
  return location;
}

std::vector<std::pair<std::string, MapLocation>> global_maps(const DwarfModel& dwarf) {
  std::vector<std::pair<std::string, MapLocation>> maps;
  for (const auto& variable : dwarf.variables()) {
    if (dwarf.is_map(variable.type)) {
      MapLocation location;
      location.variable_address = variable.address;
      location.steps.push_back({});
      location.map_type = variable.type;
      maps.emplace_back(variable.name, std::move(location));
    }
  }
  return maps;
}

RemoteStatus resolve_map_slot(RemoteMemory& memory, const MapLocation& location, std::uint64_t load_bias,
                              std::uint64_t& slot) {
  std::uint64_t address = location.variable_address + load_bias;
  for (const auto& step : location.steps) {
    if (step.dereference) {
      std::uint64_t pointer = 0;
      const auto status = memory.read_word(address, pointer);
      if (status != RemoteStatus::kOk) {
        return status;
      }
      if (pointer == 0) {
        slot = 0;
        return RemoteStatus::kOk;
      }
      address = pointer;
    }
    address += step.offset;
  }
  slot = address;
  return RemoteStatus::kOk;
}

}  // namespace mapscope::goproc
