// The `scenarios` list: each scenario's name, map and phase list, and the rules across them.
#include <algorithm>

#include "mapping_reader.h"
#include "printable.h"
#include "scalars.h"
#include "sections.h"

namespace mapscope::config::detail {

namespace {

constexpr std::uint32_t kMaxKeyLength = 4096;
constexpr std::uint64_t kMaxValueSize = 1ULL << 20;  // 1 MiB
constexpr std::uint64_t kMaxHint = 100'000'000;
constexpr std::uint64_t kMaxRepeat = 1'000'000'000;

// A type given as a bare scalar (`int64`) or as a mapping with its parameter ({type: string, length: 16}).
// Returns the type index; `parameter` receives the parameter's field when one is given.
std::size_t read_typed(const Field& field, const std::vector<std::string_view>& types,
                       std::string_view parameter, std::optional<Field>& parameter_field) {
  if (field.value.IsScalar()) {
    return read_choice(field, types);
  }
  const MappingReader spec(field, {"type", parameter});
  const std::size_t type = read_choice(spec.require("type"), types);
  parameter_field = spec.find(parameter);
  return type;
}

KeySpec read_key(const Field& field) {
  std::optional<Field> length;
  const std::size_t type = read_typed(field, {"int64", "string"}, "length", length);
  KeySpec key;
  if (type == 0) {
    if (length) {
      field.fail_at(length->key_mark, "length applies only to string keys; expected no length");
    }
    return key;
  }
  key.type = KeyType::String;
  if (!length) {
    field.fail("string keys need a length; expected {type: string, length: BYTES}");
  }
  key.length = static_cast<std::uint32_t>(read_unsigned(*length, 1, kMaxKeyLength));
  return key;
}

ValueSpec read_value(const Field& field) {
  std::optional<Field> size;
  const std::size_t type = read_typed(field, {"int64", "bytes"}, "size", size);
  ValueSpec value;
  if (type == 0) {
    if (size) {
      field.fail_at(size->key_mark, "size applies only to bytes values; expected no size");
    }
    return value;
  }
  value.type = ValueType::Bytes;
  if (!size) {
    field.fail("bytes values need a size; expected {type: bytes, size: BYTES}");
  }
  value.size = read_size(*size, 1, kMaxValueSize);
  return value;
}

void read_repeat(const Field& field, Scenario& scenario) {
  if (field.value.IsScalar() && field.value.Scalar() == "forever") {
    scenario.repeat_forever = true;
    return;
  }
  const std::string& text = field.value.IsScalar() ? field.value.Scalar() : std::string();
  if (text.empty() || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    field.fail("expected a count from 1 to " + std::to_string(kMaxRepeat) + " or forever, got " +
               describe(field.value));
  }
  scenario.repeat = read_unsigned(field, 1, kMaxRepeat);
}

// Where the name of an already validated scenario or phase mapping is (duplicates were rejected, so
// operator[] finds the only one).
YAML::Mark name_mark(const Field& item) {
  const YAML::Node& mapping = item.value;
  return mapping["name"].Mark();
}

void check_unique_phase_names(const std::vector<Field>& items, const std::vector<Phase>& phases) {
  for (std::size_t i = 1; i < phases.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (phases[i].name != phases[j].name) {
        continue;
      }
      items[i].fail_at(name_mark(items[i]), "duplicate phase name " + detail::quoted(phases[i].name) +
                                                " (first at line " +
                                                std::to_string(name_mark(items[j]).line + 1) +
                                                "); expected unique names in a scenario");
    }
  }
}

// A phase that runs forever must be the last, and a scenario ending in one cannot repeat.
void check_forever_phases(const std::vector<Field>& items, const Scenario& scenario,
                          const std::optional<Field>& repeat) {
  for (std::size_t i = 0; i + 1 < scenario.phases.size(); ++i) {
    if (scenario.phases[i].end.kind != EndKind::Forever) {
      continue;
    }
    items[i + 1].fail("unreachable: phase " + detail::quoted(scenario.phases[i].name) +
                      " before it runs forever; expected forever only in the last phase");
  }
  const bool repeats = scenario.repeat_forever || scenario.repeat > 1;
  if (repeat && repeats && scenario.phases.back().end.kind == EndKind::Forever) {
    repeat->fail(
        "the last phase runs forever, so the phases never repeat; expected no repeat or a last phase "
        "that ends");
  }
}

}  // namespace

MapSpec read_map_spec(const Field& field) {
  const MappingReader section(field, {"key", "value", "profile", "hint", "hash", "maintenance"});
  MapSpec map;
  if (auto value = section.find("key")) {
    map.key = read_key(*value);
  }
  if (auto value = section.find("value")) {
    map.value = read_value(*value);
  }
  if (auto value = section.find("profile")) {
    map.profile = static_cast<Profile>(read_choice(*value, {"go1.22", "go1.21"}));
  }
  if (auto value = section.find("hint")) {
    map.hint = read_unsigned(*value, 0, kMaxHint);
  }
  if (auto value = section.find("hash")) {
    map.hash = static_cast<HashKind>(read_choice(*value, {"default", "weak"}));
  }
  if (auto value = section.find("maintenance")) {
    map.maintenance = static_cast<Maintenance>(read_choice(*value, {"go", "active"}));
  }
  return map;
}

Scenario read_scenario(const Field& field) {
  const MappingReader section(field, {"name", "map", "phases", "repeat"});
  Scenario scenario;
  scenario.name = read_label_value(section.require("name"));
  if (auto value = section.find("map")) {
    scenario.map = read_map_spec(*value);
  }
  const Field phases = section.require("phases");
  const std::vector<Field> items = list_items(phases, "phases");
  if (items.empty()) {
    phases.fail("empty list; expected at least one phase");
  }
  for (const Field& item : items) {
    scenario.phases.push_back(read_phase(item));
  }
  check_unique_phase_names(items, scenario.phases);
  const std::optional<Field> repeat = section.find("repeat");
  if (repeat) {
    read_repeat(*repeat, scenario);
  }
  check_forever_phases(items, scenario, repeat);
  return scenario;
}

std::vector<Scenario> read_scenarios(const Field& field) {
  std::vector<Scenario> scenarios;
  const std::vector<Field> items = list_items(field, "scenarios");
  for (const Field& item : items) {
    Scenario scenario = read_scenario(item);
    for (std::size_t i = 0; i < scenarios.size(); ++i) {
      if (scenarios[i].name != scenario.name) {
        continue;
      }
      item.fail_at(name_mark(item), "duplicate scenario name " + detail::quoted(scenario.name) +
                                        " (first at line " + std::to_string(name_mark(items[i]).line + 1) +
                                        "); expected unique names");
    }
    scenarios.push_back(std::move(scenario));
  }
  return scenarios;
}

}  // namespace mapscope::config::detail
