// A phase: its operation mix, key space, rate and its one end.
#include "mapping_reader.h"
#include "scalars.h"
#include "sections.h"

namespace mapscope::config::detail {

namespace {

using std::chrono::milliseconds;

constexpr std::uint64_t kMaxWeight = 1'000'000;
constexpr double kMaxRate = 1e9;
constexpr std::uint64_t kMaxOperations = 1'000'000'000'000'000ULL;
constexpr std::uint64_t kMaxEntries = 1'000'000'000'000ULL;
constexpr std::chrono::nanoseconds kMaxPhaseDuration = std::chrono::hours(24 * 365 * 10);
const std::vector<std::string_view> kEnds{"duration", "operations", "forever", "until"};
const std::vector<std::string_view> kConditions{"growing", "entries_at_least", "entries_at_most"};

OperationMix read_mix(const Field& field) {
  const MappingReader section(field, {"insert", "update", "delete", "lookup"});
  OperationMix mix;
  auto weight = [&section](std::string_view key) -> std::uint32_t {
    auto value = section.find(key);
    return value ? static_cast<std::uint32_t>(read_unsigned(*value, 0, kMaxWeight)) : 0;
  };
  mix.insert = weight("insert");
  mix.update = weight("update");
  mix.erase = weight("delete");
  mix.lookup = weight("lookup");
  if (mix.total() == 0) {
    field.fail("weights sum to 0; expected at least one of insert, update, delete, lookup above 0");
  }
  return mix;
}

KeySpace read_keys(const Field& field) {
  const MappingReader section(field, {"pattern", "from", "to", "skew"});
  KeySpace keys;
  if (auto value = section.find("pattern")) {
    keys.pattern = static_cast<KeyPattern>(read_choice(*value, {"sequential", "uniform", "zipfian"}));
  }
  if (keys.pattern == KeyPattern::Sequential) {
    for (std::string_view key : {"from", "to", "skew"}) {
      if (auto value = section.find(key)) {
        field.fail_at(value->key_mark, "\"" + std::string(key) +
                                           "\" does not apply to sequential keys; expected it only with "
                                           "pattern uniform or zipfian");
      }
    }
    return keys;
  }
  if (auto value = section.find("from")) {
    keys.from = read_unsigned(*value, 0, UINT64_MAX - 1);
  }
  const Field to = section.require("to");
  keys.to = read_unsigned(to, 0, UINT64_MAX);
  if (keys.to <= keys.from) {
    to.fail(std::to_string(keys.to) + " is not above from (" + std::to_string(keys.from) +
            "); expected the end of the range [from, to)");
  }
  if (auto value = section.find("skew")) {
    if (keys.pattern != KeyPattern::Zipfian) {
      field.fail_at(value->key_mark,
                    "\"skew\" does not apply to uniform keys; expected it only with pattern zipfian");
    }
    keys.skew = read_number_above(*value, 0.0, 0.9999);
  }
  return keys;
}

std::optional<double> read_rate(const Field& field) {
  if (field.value.IsScalar() && field.value.Scalar() == "unlimited") {
    return std::nullopt;
  }
  const bool numeric =
      field.value.IsScalar() && !field.value.Scalar().empty() &&
      std::string_view("0123456789.-").find(field.value.Scalar().front()) != std::string_view::npos;
  if (!numeric) {
    field.fail("expected operations per second or unlimited, got " + describe(field.value));
  }
  return read_number_above(field, 0.0, kMaxRate);
}

void read_until(const Field& field, PhaseEnd& end) {
  const MappingReader section(field, kConditions);
  if (section.entries().empty()) {
    field.fail("no condition; expected one of " + join(kConditions));
  }
  if (section.entries().size() > 1) {
    field.fail_at(section.entries()[1].second.key_mark,
                  "more than one condition; expected exactly one of " + join(kConditions));
  }
  const auto& [name, value] = section.entries().front();
  if (name == "growing") {
    end.until = read_bool(value) ? UntilKind::Growing : UntilKind::NotGrowing;
    return;
  }
  end.until = name == "entries_at_least" ? UntilKind::EntriesAtLeast : UntilKind::EntriesAtMost;
  end.entries = read_unsigned(value, 0, kMaxEntries);
}

// The ends given, in document order.
std::vector<std::pair<std::string, Field>> ends_of(const MappingReader& section) {
  std::vector<std::pair<std::string, Field>> ends;
  for (const auto& entry : section.entries()) {
    if (std::find(kEnds.begin(), kEnds.end(), entry.first) != kEnds.end()) {
      ends.push_back(entry);
    }
  }
  return ends;
}

PhaseEnd read_end(const Field& field, const MappingReader& section) {
  const auto ends = ends_of(section);
  if (ends.empty()) {
    field.fail("no end; expected exactly one of " + join(kEnds));
  }
  if (ends.size() > 1) {
    field.fail_at(ends[1].second.key_mark, "more than one end (\"" + ends[0].first + "\" and \"" +
                                               ends[1].first + "\"); expected exactly one of " + join(kEnds));
  }
  const auto& [name, value] = ends.front();
  PhaseEnd end;
  if (name == "duration") {
    end.kind = EndKind::Duration;
    end.duration = read_duration(value, milliseconds(1), kMaxPhaseDuration);
  } else if (name == "operations") {
    end.kind = EndKind::Operations;
    end.operations = read_unsigned(value, 1, kMaxOperations);
  } else if (name == "forever") {
    end.kind = EndKind::Forever;
    if (!read_bool(value)) {
      value.fail("false does not end a phase; expected true, or another end");
    }
  } else {
    end.kind = EndKind::Until;
    read_until(value, end);
  }
  return end;
}

}  // namespace

Phase read_phase(const Field& field) {
  const MappingReader section(field,
                              {"name", "mix", "keys", "rate", "duration", "operations", "forever", "until"});
  Phase phase;
  phase.name = read_label_value(section.require("name"));
  phase.mix = read_mix(section.require("mix"));
  if (auto value = section.find("keys")) {
    phase.keys = read_keys(*value);
  }
  if (auto value = section.find("rate")) {
    phase.rate = read_rate(*value);
  }
  phase.end = read_end(field, section);
  return phase;
}

}  // namespace mapscope::config::detail
