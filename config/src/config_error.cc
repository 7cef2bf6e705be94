// ConfigError: formats `FILE:LINE:COLUMN: message` once, at construction, with control characters
// escaped so that the message is one line whatever the file contains.
#include "mapscope/config/config_error.h"

#include <utility>

#include "printable.h"

namespace mapscope::config {

namespace {

std::string located(const std::string& file, std::size_t line, std::size_t column,
                    const std::string& message) {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

}  // namespace

ConfigError::ConfigError(std::string file, std::size_t line, std::size_t column, const std::string& message)
    : std::runtime_error(
          located(detail::escape_controls(file), line, column, detail::escape_controls(message))),
      file_(std::move(file)),
      line_(line),
      column_(column),
      message_(detail::escape_controls(message)) {}

}  // namespace mapscope::config
