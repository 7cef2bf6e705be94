// to_yaml: every key written explicitly, so the output documents the effective configuration and loads
// back to an equal Config. Strings from users are double-quoted so that "null", "true" or "123" stay text.
#include "mapscope/config/writer.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <charconv>
#include <cmath>

#include "mapscope/config/names.h"
#include "mapscope/config/units.h"

namespace mapscope::config {

namespace {

// Shortest text that reads back to the same double; whole numbers without an exponent ("100000").
std::string number_text(double value) {
  constexpr double kWholeLimit = 1e15;
  if (value == std::floor(value) && std::fabs(value) < kWholeLimit) {
    return std::to_string(static_cast<long long>(value));
  }
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), result.ptr);
}

void write_quoted(YAML::Emitter& out, const char* key, const std::string& value) {
  out << YAML::Key << key << YAML::Value << YAML::DoubleQuoted << value;
}

template <typename T>
void write_plain(YAML::Emitter& out, const char* key, const T& value) {
  out << YAML::Key << key << YAML::Value << value;
}

void write_server(YAML::Emitter& out, const ServerConfig& server) {
  out << YAML::Key << "server" << YAML::Value << YAML::BeginMap;
  write_quoted(out, "listen_address", server.listen_address);
  write_quoted(out, "telemetry_path", server.telemetry_path);
  write_quoted(out, "web_config_file", server.web_config_file);
  write_plain(out, "max_tracked_maps", server.max_tracked_maps);
  write_plain(out, "write_pause_buckets", server.write_pause_buckets);
  out << YAML::EndMap;
}

void write_labels(YAML::Emitter& out, const std::map<std::string, std::string>& labels) {
  out << YAML::Key << "labels" << YAML::Value;
  if (labels.empty()) {
    out << YAML::Flow;
  }
  out << YAML::BeginMap;
  for (const auto& [name, value] : labels) {
    write_quoted(out, name.c_str(), value);
  }
  out << YAML::EndMap;
}

void write_collector(YAML::Emitter& out, const CollectorConfig& collector) {
  out << YAML::Key << "collector" << YAML::Value << YAML::BeginMap;
  write_plain(out, "enabled", collector.enabled);
  write_plain(out, "interval", format_duration(collector.interval));
  write_plain(out, "budget", format_duration(collector.budget));
  write_plain(out, "max_pause", format_duration(collector.max_pause));
  write_plain(out, "trim_threshold", format_size(collector.trim_threshold));
  out << YAML::EndMap;
}

void write_map_spec(YAML::Emitter& out, const MapSpec& map) {
  out << YAML::Key << "map" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "key" << YAML::Value;
  if (map.key.type == KeyType::Int64) {
    out << "int64";
  } else {
    out << YAML::Flow << YAML::BeginMap << YAML::Key << "type" << YAML::Value << "string" << YAML::Key
        << "length" << YAML::Value << map.key.length << YAML::EndMap;
  }
  out << YAML::Key << "value" << YAML::Value;
  if (map.value.type == ValueType::Int64) {
    out << "int64";
  } else {
    out << YAML::Flow << YAML::BeginMap << YAML::Key << "type" << YAML::Value << "bytes" << YAML::Key
        << "size" << YAML::Value << format_size(map.value.size) << YAML::EndMap;
  }
  write_plain(out, "profile", std::string(to_string(map.profile)));
  write_plain(out, "hint", map.hint);
  write_plain(out, "hash", std::string(to_string(map.hash)));
  write_plain(out, "maintenance", std::string(to_string(map.maintenance)));
  out << YAML::EndMap;
}

void write_mix(YAML::Emitter& out, const OperationMix& mix) {
  out << YAML::Key << "mix" << YAML::Value << YAML::Flow << YAML::BeginMap;
  write_plain(out, "insert", mix.insert);
  write_plain(out, "update", mix.update);
  write_plain(out, "delete", mix.erase);
  write_plain(out, "lookup", mix.lookup);
  out << YAML::EndMap;
}

void write_keys(YAML::Emitter& out, const KeySpace& keys) {
  out << YAML::Key << "keys" << YAML::Value << YAML::Flow << YAML::BeginMap;
  write_plain(out, "pattern", std::string(to_string(keys.pattern)));
  if (keys.pattern != KeyPattern::Sequential) {
    write_plain(out, "from", keys.from);
    write_plain(out, "to", keys.to);
  }
  if (keys.pattern == KeyPattern::Zipfian) {
    write_plain(out, "skew", number_text(keys.skew));
  }
  out << YAML::EndMap;
}

void write_end(YAML::Emitter& out, const PhaseEnd& end) {
  switch (end.kind) {
    case EndKind::Duration:
      write_plain(out, "duration", format_duration(end.duration));
      break;
    case EndKind::Operations:
      write_plain(out, "operations", end.operations);
      break;
    case EndKind::Forever:
      write_plain(out, "forever", true);
      break;
    case EndKind::Until:
      out << YAML::Key << "until" << YAML::Value << YAML::Flow << YAML::BeginMap;
      if (end.until == UntilKind::Growing || end.until == UntilKind::NotGrowing) {
        write_plain(out, "growing", end.until == UntilKind::Growing);
      } else {
        write_plain(out, end.until == UntilKind::EntriesAtLeast ? "entries_at_least" : "entries_at_most",
                    end.entries);
      }
      out << YAML::EndMap;
      break;
  }
}

void write_phase(YAML::Emitter& out, const Phase& phase) {
  out << YAML::BeginMap;
  write_quoted(out, "name", phase.name);
  write_mix(out, phase.mix);
  write_keys(out, phase.keys);
  write_plain(out, "rate", phase.rate ? number_text(*phase.rate) : std::string("unlimited"));
  write_end(out, phase.end);
  out << YAML::EndMap;
}

void write_scenario(YAML::Emitter& out, const Scenario& scenario) {
  out << YAML::BeginMap;
  write_quoted(out, "name", scenario.name);
  write_map_spec(out, scenario.map);
  if (scenario.repeat_forever) {
    write_plain(out, "repeat", std::string("forever"));
  } else if (scenario.repeat != 1) {
    write_plain(out, "repeat", scenario.repeat);
  }
  out << YAML::Key << "phases" << YAML::Value << YAML::BeginSeq;
  for (const Phase& phase : scenario.phases) {
    write_phase(out, phase);
  }
  out << YAML::EndSeq << YAML::EndMap;
}

void write_go_target(YAML::Emitter& out, const GoTarget& target) {
  out << YAML::BeginMap;
  if (!target.name.empty()) {
    write_quoted(out, "name", target.name);
  }
  if (target.pid != 0) {
    write_plain(out, "pid", target.pid);
  } else if (!target.pid_file.empty()) {
    write_quoted(out, "pid_file", target.pid_file);
  } else {
    write_quoted(out, "exe", target.exe);
  }
  if (target.maps.empty()) {
    write_plain(out, "min_bytes", format_size(target.min_bytes));
  } else {
    out << YAML::Key << "maps" << YAML::Value << YAML::BeginSeq;
    for (const std::string& map : target.maps) {
      out << YAML::DoubleQuoted << map;
    }
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
}

}  // namespace

std::string to_yaml(const Config& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  write_server(out, config.server);
  write_labels(out, config.labels);
  write_collector(out, config.collector);
  out << YAML::Key << "scenarios" << YAML::Value << YAML::BeginSeq;
  for (const Scenario& scenario : config.scenarios) {
    write_scenario(out, scenario);
  }
  out << YAML::EndSeq;
  out << YAML::Key << "go_targets" << YAML::Value << YAML::BeginSeq;
  for (const GoTarget& target : config.go_targets) {
    write_go_target(out, target);
  }
  out << YAML::EndSeq << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace mapscope::config
