// Loading and validating the agent's YAML configuration.
#pragma once

#include <string>
#include <string_view>

#include "mapscope/config/schema.h"

namespace mapscope::config {

// Reads, parses and validates the file. Throws ConfigError (location in `path`) on any problem, including
// a file that cannot be read (reported at 1:1). A relative server.web_config_file is resolved against
// the directory of `path`.
Config load_config_file(const std::string& path);

// Parses and validates YAML text; `name` is the FILE part of error locations (e.g. "<default>").
Config load_config_string(std::string_view yaml, std::string_view name);

// The embedded default configuration (config/examples/default.yaml, compiled in).
std::string_view default_config_yaml();

// The embedded default, loaded.
Config default_config();

}  // namespace mapscope::config
