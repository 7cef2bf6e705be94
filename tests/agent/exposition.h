// A parser of the Prometheus text exposition format, for asserting on real scrapes.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

namespace mapscope::testing {

struct Exposition {
  std::map<std::string, std::string> types;  // family name -> counter|gauge|histogram|...
  std::map<std::string, std::string> help;   // family name -> HELP text
  // Sample identity -> value. The identity is the sample name and its labels sorted by name:
  // `mapcore_map_entries{map="a",team="core"}`.
  std::map<std::string, double> samples;

  // The value of `name` with exactly these labels, if exposed.
  std::optional<double> value(const std::string& name,
                              const std::map<std::string, std::string>& labels = {}) const;
  // Sample names whose labels include every pair of `labels`.
  std::size_t count(const std::string& name, const std::map<std::string, std::string>& labels = {}) const;
  std::set<std::string> families() const;
};

// Parses exposition text; throws std::runtime_error naming the line on malformed input.
Exposition parse_exposition(const std::string& text);

std::string sample_key(const std::string& name, const std::map<std::string, std::string>& labels);

}  // namespace mapscope::testing
