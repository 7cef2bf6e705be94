// Loading: YAML text -> one document -> validated Config, every problem reported with its location.
#include "mapscope/config/loader.h"

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

Config read_config(const Field& document) {
  const MappingReader top(document, {"server", "labels", "collector", "scenarios"});
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
  check_scenario_count(config, top);
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
  std::filesystem::path web_config = config.server.web_config_file;
  if (!web_config.empty() && web_config.is_relative()) {
    config.server.web_config_file = (std::filesystem::path(path).parent_path() / web_config).string();
  }
  return config;
}

Config default_config() {
  return load_config_string(default_config_yaml(), "<default>");
}

}  // namespace mapscope::config
