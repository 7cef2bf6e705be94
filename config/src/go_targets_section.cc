// The `go_targets` list: Go programs the agent reads from outside, each found by pid, pid file or
// executable, with the maps to publish.
#include <algorithm>
#include <array>
#include <filesystem>
#include <optional>
#include <string_view>

#include "mapping_reader.h"
#include "mapscope/config/labels.h"
#include "printable.h"
#include "scalars.h"
#include "sections.h"

namespace mapscope::config::detail {

namespace {

constexpr std::uint64_t kMaxMinBytes = std::uint64_t{1} << 40;  // 1 TiB
constexpr std::string_view kSymbolExample = "such as main.sessions or main.srv.cache";

// The three ways to find a target, of which exactly one is given.
constexpr std::array<std::string_view, 3> kFinders{"pid", "pid_file", "exe"};

bool is_identifier_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;  // Go allows letters
}

bool is_identifier_char(unsigned char c) {
  return is_identifier_start(c) || (c >= '0' && c <= '9');
}

// A character that can appear in neither an import path nor a Go identifier.
bool is_foreign(unsigned char c) {
  return c <= ' ' || c == 0x7f ||
         std::string_view("\"'`()[]{}*,;:\\|<>?!#$%&=^").find(static_cast<char>(c)) != std::string_view::npos;
}

// A symbol path is an import path, a dot, a variable and optionally .field.field: the last element (after
// the last '/') holds at least one dot, no element is empty and the final name is a Go identifier. Which
// dot ends the import path is for the reader to find in the program's DWARF (gopkg.in/yaml.v3.cache).
std::optional<std::string> symbol_path_problem(std::string_view path) {
  const bool clean = std::none_of(path.begin(), path.end(), [](char c) { return is_foreign(c); });
  const std::size_t slash = path.rfind('/');
  const std::string_view last = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const std::size_t dot = last.rfind('.');
  const std::string_view name = dot == std::string_view::npos ? std::string_view() : last.substr(dot + 1);
  const bool well_formed =
      clean && is_valid_utf8(path) && !path.starts_with('/') && !path.starts_with('.') &&
      path.find("//") == std::string_view::npos && path.find("..") == std::string_view::npos &&
      last.find('.') != 0 && !name.empty() && is_identifier_start(static_cast<unsigned char>(name.front())) &&
      std::all_of(name.begin(), name.end(),
                  [](char c) { return is_identifier_char(static_cast<unsigned char>(c)); });
  if (well_formed) {
    return std::nullopt;
  }
  return "invalid symbol path " + detail::quoted(path) + "; expected a package path and a variable, " +
         std::string(kSymbolExample);
}

std::vector<std::string> read_maps(const Field& field) {
  std::vector<std::string> maps;
  const std::vector<Field> items = list_items(field, "symbol paths");
  if (items.empty()) {
    field.fail("empty list; expected symbol paths " + std::string(kSymbolExample) +
               ", or no maps key to watch every global map");
  }
  for (const Field& item : items) {
    std::string path = read_string(item);
    if (auto problem = symbol_path_problem(path)) {
      item.fail(*problem);
    }
    const auto seen = std::find(maps.begin(), maps.end(), path);
    if (seen != maps.end()) {
      item.fail("duplicate map " + detail::quoted(path) + " (first at line " +
                std::to_string(items[static_cast<std::size_t>(seen - maps.begin())].mark().line + 1) +
                "); expected each map once");
    }
    maps.push_back(std::move(path));
  }
  return maps;
}

std::string read_utf8_path(const Field& field) {
  std::string path = read_string(field);
  if (path.empty() || !is_valid_utf8(path)) {
    field.fail("expected a non-empty UTF-8 path, got " + describe(field.value));
  }
  return path;
}

std::string read_exe(const Field& field) {
  std::string path = read_utf8_path(field);
  if (!path.starts_with('/') || path.ends_with('/')) {
    field.fail(detail::quoted(path) +
               " is not an absolute path to a file; expected a path such as /usr/bin/prometheus");
  }
  return std::filesystem::path(path).lexically_normal().string();
}

// Exactly one way to find the target, reported at the second one given or at the mapping.
void read_finder(const MappingReader& section, GoTarget& target) {
  std::optional<Field> first;
  std::string_view first_key;
  for (std::string_view key : kFinders) {
    const std::optional<Field> value = section.find(key);
    if (!value) {
      continue;
    }
    if (first) {
      section.self().fail_at(value->key_mark, "both \"" + std::string(first_key) + "\" and \"" +
                                                  std::string(key) +
                                                  "\"; expected exactly one of pid, pid_file, exe");
    }
    first = value;
    first_key = key;
  }
  if (!first) {
    section.self().fail("no process to watch; expected exactly one of pid, pid_file, exe");
  }
  if (first_key == "pid") {
    target.pid = static_cast<std::uint32_t>(read_unsigned(*first, 1, GoTarget::kMaxPid));
  } else if (first_key == "pid_file") {
    target.pid_file = read_utf8_path(*first);
  } else {
    target.exe = read_exe(*first);
  }
}

GoTarget read_go_target(const Field& field) {
  const MappingReader section(field, {"name", "pid", "pid_file", "exe", "maps", "min_bytes"});
  GoTarget target;
  if (auto value = section.find("name")) {
    target.name = read_label_value(*value);
  }
  read_finder(section, target);
  const std::optional<Field> maps = section.find("maps");
  if (maps) {
    target.maps = read_maps(*maps);
  }
  if (auto value = section.find("min_bytes")) {
    if (maps) {
      field.fail_at(value->key_mark,
                    "min_bytes applies only without maps (to every global map); expected one of them");
    }
    target.min_bytes = read_size(*value, 0, kMaxMinBytes);
  }
  return target;
}

// The name a target's series carry when it is known before the program is found.
std::string known_name(const GoTarget& target) {
  if (!target.name.empty()) {
    return target.name;
  }
  return target.exe.empty() ? std::string() : std::filesystem::path(target.exe).filename().string();
}

// Where a target's name, or failing that the target itself, is, for messages about another target.
YAML::Mark target_mark(const Field& item) {
  const YAML::Node& mapping = item.value;
  const YAML::Node name = mapping["name"];
  return name ? name.Mark() : item.value.Mark();
}

// Two targets may not carry the same name nor watch the same pid, pid file or executable.
void check_distinct(const std::vector<Field>& items, const std::vector<GoTarget>& targets) {
  const std::size_t last = targets.size() - 1;
  const GoTarget& target = targets[last];
  for (std::size_t i = 0; i < last; ++i) {
    const GoTarget& other = targets[i];
    const std::string first = " (first at line " + std::to_string(target_mark(items[i]).line + 1) + ")";
    const std::string name = known_name(target);
    if (!name.empty() && name == known_name(other)) {
      items[last].fail_at(target_mark(items[last]), "duplicate target name " + detail::quoted(name) + first +
                                                        "; expected unique names (give one with name:)");
    }
    const bool same_process = (target.pid != 0 && target.pid == other.pid) ||
                              (!target.pid_file.empty() && target.pid_file == other.pid_file) ||
                              (!target.exe.empty() && target.exe == other.exe);
    if (same_process) {
      items[last].fail("watches the same process as go_targets[" + std::to_string(i) + "]" + first +
                       "; expected each process watched once");
    }
  }
}

}  // namespace

std::vector<GoTarget> read_go_targets(const Field& field) {
  std::vector<GoTarget> targets;
  const std::vector<Field> items = list_items(field, "Go targets");
  for (const Field& item : items) {
    targets.push_back(read_go_target(item));
    check_distinct(items, targets);
  }
  return targets;
}

}  // namespace mapscope::config::detail
