// Source: the name of the text being loaded, and the one way a problem in it is reported.
#pragma once

#include <yaml-cpp/mark.h>

#include <string>

namespace mapscope::config::detail {

class Source {
 public:
  explicit Source(std::string name) : name_(std::move(name)) {}

  const std::string& name() const { return name_; }

  // Throws ConfigError at `mark` (yaml-cpp marks are 0-based; a null mark reports 1:1).
  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& message) const;

 private:
  std::string name_;
};

}  // namespace mapscope::config::detail
