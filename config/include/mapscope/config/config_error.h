// ConfigError: a configuration problem with its exact location in the source.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace mapscope::config {

// what() is exactly one line: `FILE:LINE:COLUMN: what is wrong and what was expected` (1-based).
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string file, std::size_t line, std::size_t column, const std::string& message);

  const std::string& file() const { return file_; }
  std::size_t line() const { return line_; }
  std::size_t column() const { return column_; }
  // The message without its location.
  const std::string& message() const { return message_; }

 private:
  std::string file_;
  std::size_t line_;
  std::size_t column_;
  std::string message_;
};

}  // namespace mapscope::config
