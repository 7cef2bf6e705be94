// Rendering a Config back to YAML that loads to an equal Config (--print-config, round trips).
#pragma once

#include <string>

#include "mapscope/config/schema.h"

namespace mapscope::config {

// Every key written explicitly, defaults included.
std::string to_yaml(const Config& config);

}  // namespace mapscope::config
