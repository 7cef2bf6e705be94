// ConfigError: formats `FILE:LINE:COLUMN: message` once, at construction.
#include "mapscope/config/config_error.hpp"

#include <utility>

namespace mapscope::config {

namespace {

std::string located(const std::string& file, std::size_t line, std::size_t column,
                    const std::string& message) {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

}  // namespace

ConfigError::ConfigError(std::string file, std::size_t line, std::size_t column, std::string message)
    : std::runtime_error(located(file, line, column, message)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      message_(std::move(message)) {}

}  // namespace mapscope::config
