// Exposition parsing: HELP and TYPE comments, samples with escaped label values, +Inf/NaN values.
#include "exposition.h"

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace mapscope::testing {
namespace {

double parse_value(const std::string& text) {
  if (text == "+Inf") {
    return std::numeric_limits<double>::infinity();
  }
  if (text == "-Inf") {
    return -std::numeric_limits<double>::infinity();
  }
  if (text == "NaN") {
    return std::numeric_limits<double>::quiet_NaN();
  }
  std::size_t used = 0;
  const double value = std::stod(text, &used);
  if (used != text.size()) {
    throw std::runtime_error("bad value " + text);
  }
  return value;
}

// Parses `{a="x",b="y"}` starting at text[pos] == '{'; returns the position after '}'.
std::size_t parse_labels(const std::string& text, std::size_t pos,
                         std::map<std::string, std::string>& labels) {
  ++pos;
  while (pos < text.size() && text[pos] != '}') {
    const std::size_t eq = text.find('=', pos);
    if (eq == std::string::npos || eq + 1 >= text.size() || text[eq + 1] != '"') {
      throw std::runtime_error("bad label");
    }
    const std::string name = text.substr(pos, eq - pos);
    std::string value;
    std::size_t i = eq + 2;
    for (; i < text.size() && text[i] != '"'; ++i) {
      if (text[i] == '\\' && i + 1 < text.size()) {
        ++i;
        value += text[i] == 'n' ? '\n' : text[i];
      } else {
        value += text[i];
      }
    }
    if (i >= text.size()) {
      throw std::runtime_error("unterminated label value");
    }
    labels[name] = value;
    pos = i + 1;
    if (pos < text.size() && text[pos] == ',') {
      ++pos;
    }
  }
  if (pos >= text.size()) {
    throw std::runtime_error("unterminated labels");
  }
  return pos + 1;
}

}  // namespace

std::string sample_key(const std::string& name, const std::map<std::string, std::string>& labels) {
  std::string key = name + "{";
  bool first = true;
  for (const auto& [label, value] : labels) {
    if (!first) {
      key += ",";
    }
    first = false;
    key += label;
    key += "=\"";
    key += value;
    key += '"';
  }
  return key + "}";
}

std::optional<double> Exposition::value(const std::string& name,
                                        const std::map<std::string, std::string>& labels) const {
  const auto it = samples.find(sample_key(name, labels));
  if (it == samples.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::size_t Exposition::count(const std::string& name,
                              const std::map<std::string, std::string>& labels) const {
  std::size_t n = 0;
  for (const auto& [key, value] : samples) {
    if (key.compare(0, name.size() + 1, name + "{") != 0) {
      continue;
    }
    bool all = true;
    for (const auto& [label, v] : labels) {
      std::string pair = label;
      pair += "=\"";
      pair += v;
      pair += '"';
      all = all && key.find(pair) != std::string::npos;
    }
    if (all) {
      ++n;
    }
  }
  return n;
}

std::set<std::string> Exposition::families() const {
  std::set<std::string> out;
  for (const auto& [name, type] : types) {
    out.insert(name);
  }
  return out;
}

Exposition parse_exposition(const std::string& text) {
  Exposition out;
  std::istringstream lines(text);
  std::string line;
  std::size_t number = 0;
  while (std::getline(lines, line)) {
    ++number;
    try {
      if (line.empty()) {
        continue;
      }
      if (line.rfind("# TYPE ", 0) == 0 || line.rfind("# HELP ", 0) == 0) {
        const std::size_t name_end = line.find(' ', 7);
        const std::string name = line.substr(7, name_end - 7);
        const std::string rest = name_end == std::string::npos ? "" : line.substr(name_end + 1);
        (line[2] == 'T' ? out.types : out.help)[name] = rest;
        continue;
      }
      if (line[0] == '#') {
        continue;
      }
      std::map<std::string, std::string> labels;
      std::size_t pos = line.find_first_of("{ ");
      const std::string name = line.substr(0, pos);
      if (pos != std::string::npos && line[pos] == '{') {
        pos = parse_labels(line, pos, labels);
      }
      const std::string rest = line.substr(pos + 1);
      const std::string value = rest.substr(0, rest.find(' '));
      out.samples[sample_key(name, labels)] = parse_value(value);
    } catch (const std::exception& error) {
      throw std::runtime_error("exposition line " + std::to_string(number) + ": " + error.what() + ": " +
                               line);
    }
  }
  return out;
}

}  // namespace mapscope::testing
