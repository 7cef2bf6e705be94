// Loading: YAML text -> one document -> validated Config, every problem reported with its location.
#include "mapscope/config/loader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "mapping_reader.h"
#include "mapscope/config/config_error.h"
#include "mapscope/config/yaml_document.h"
#include "sections.h"
#include "source.h"

namespace mapscope::config {

namespace {

using detail::Field;
using detail::MappingReader;
using detail::Source;

void check_scenario_count(const Config& config, const MappingReader& top) {
  if (config.scenarios.size() <= config.server.max_tracked_maps) {
    return;
  }
  const Field scenarios = *top.find("scenarios");
  scenarios.fail_at(scenarios.key_mark,
                    std::to_string(config.scenarios.size()) + " scenarios exceed server.max_tracked_maps (" +
                        std::to_string(config.server.max_tracked_maps) + "); expected at most that many");
}

// Each Go target publishes at least one map (or the maps it lists), and they count against the same limit
// as the scenarios' maps.
void check_go_map_count(const Config& config, const MappingReader& top) {
  std::uint64_t maps = config.scenarios.size();
  for (const GoTarget& target : config.go_targets) {
    maps += std::max<std::uint64_t>(1, target.maps.size());
  }
  if (maps <= config.server.max_tracked_maps) {
    return;
  }
  const Field targets = *top.find("go_targets");
  targets.fail_at(targets.key_mark,
                  std::to_string(config.scenarios.size()) + " scenarios and the Go targets' " +
                      std::to_string(maps - config.scenarios.size()) +
                      " maps (each target at least one) exceed server.max_tracked_maps (" +
                      std::to_string(config.server.max_tracked_maps) + "); expected at most that many");
}

Config read_config(const Field& document) {
  const MappingReader top(document, {"server", "labels", "collector", "scenarios", "go_targets"});
  Config config;
  if (auto value = top.find("server")) {
    config.server = detail::read_server(*value);
  }
  if (auto value = top.find("labels")) {
    config.labels = detail::read_labels(*value);
  }
  if (auto value = top.find("collector")) {
    config.collector = detail::read_collector(*value);
  }
  if (auto value = top.find("scenarios")) {
    config.scenarios = detail::read_scenarios(*value);
  }
  if (auto value = top.find("go_targets")) {
    config.go_targets = detail::read_go_targets(*value);
  }
  check_scenario_count(config, top);
  check_go_map_count(config, top);
  return config;
}

std::string read_file(const std::string& path) {
  const Source source(path);
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    source.fail(YAML::Mark(), "is a directory; expected a configuration file");
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    source.fail(YAML::Mark(), std::string("cannot open: ") + std::strerror(errno));
  }
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) {
    source.fail(YAML::Mark(), "cannot read the file");
  }
  return text.str();
}

}  // namespace

Config load_config_string(std::string_view yaml, std::string_view name) {
  const Source source{std::string(name)};
  const YAML::Node document = load_yaml_document(yaml, name);
  return read_config(Field{&source, document, "", YAML::Mark(), false});
}

Config load_config_file(const std::string& path) {
  Config config = load_config_string(read_file(path), path);
  const std::filesystem::path directory = std::filesystem::path(path).parent_path();
  const auto resolve = [&directory](std::string& file) {
    if (!file.empty() && std::filesystem::path(file).is_relative()) {
      file = (directory / file).string();
    }
  };
  resolve(config.server.web_config_file);
  for (GoTarget& target : config.go_targets) {
    resolve(target.pid_file);
  }
  return config;
}

Config default_config() {
  return load_config_string(default_config_yaml(), "<default>");
}

}  // namespace mapscope::config
