// Turns yaml-cpp's 0-based marks into the 1-based locations of ConfigError.
#include "source.h"

#include <algorithm>

#include "mapscope/config/config_error.h"

namespace mapscope::config::detail {

void Source::fail(const YAML::Mark& mark, const std::string& message) const {
  const auto line = static_cast<std::size_t>(std::max(mark.line, 0)) + 1;
  const auto column = static_cast<std::size_t>(std::max(mark.column, 0)) + 1;
  throw ConfigError(name_, line, column, message);
}

}  // namespace mapscope::config::detail
