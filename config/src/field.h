// Field: one YAML value being read, with its path in the configuration and where it sits in the source.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "source.h"

namespace mapscope::config::detail {

struct Field {
  const Source* source = nullptr;
  YAML::Node value;
  std::string path;     // e.g. "scenarios[0].phases[1].rate"; empty for the document itself
  YAML::Mark key_mark;  // where the key is, for keyed fields
  bool keyed = false;

  // Where a problem with the value is reported: the value itself, or its key when the value is empty
  // (yaml-cpp places an empty value's mark at the next token, which may be lines away).
  YAML::Mark mark() const;

  // Throws ConfigError at mark() with "PATH: problem".
  [[noreturn]] void fail(const std::string& problem) const;
  // Throws ConfigError at `where` with "PATH: problem".
  [[noreturn]] void fail_at(const YAML::Mark& where, const std::string& problem) const;

  // The path of a child: "path.key" or "path[index]".
  std::string child_path(const std::string& key) const;
  std::string item_path(std::size_t index) const;
};

// How a value looks, for "got ..." in messages: `a mapping`, `a list`, `nothing`, `"text"`.
std::string describe(const YAML::Node& value);

// The items of a list (an empty value reads as an empty list).
std::vector<Field> list_items(const Field& list, const std::string& what);

}  // namespace mapscope::config::detail
