// Strict mapping traversal: yaml-cpp 0.7 accepts unknown and duplicate keys silently (operator[] returns
// the first duplicate), so every key is checked here against the allowed set and the keys seen so far.
// Key problems name their mapping in the message ("in collector"), so they carry no "PATH: " prefix.
#include "mapping_reader.h"

#include <algorithm>

#include "printable.h"
#include "scalars.h"
#include "suggest.h"

namespace mapscope::config::detail {

MappingReader::MappingReader(const Field& mapping, std::vector<std::string_view> allowed)
    : MappingReader(mapping, std::move(allowed), false) {}

MappingReader MappingReader::with_any_keys(const Field& mapping) {
  return MappingReader(mapping, {}, true);
}

MappingReader::MappingReader(const Field& mapping, std::vector<std::string_view> allowed, bool any_key)
    : mapping_(mapping), allowed_(std::move(allowed)), any_key_(any_key) {
  if (mapping.value.IsNull()) {
    return;
  }
  if (!mapping.value.IsMap()) {
    const std::string keys = any_key ? "" : " with keys " + join(allowed_);
    mapping.fail("expected a mapping" + keys + ", got " + describe(mapping.value));
  }
  for (auto it = mapping.value.begin(); it != mapping.value.end(); ++it) {
    check_key(it->first);
    const std::string& key = it->first.Scalar();
    const auto seen =
        std::find_if(entries_.begin(), entries_.end(), [&key](const auto& e) { return e.first == key; });
    if (seen != entries_.end()) {
      mapping.source->fail(it->first.Mark(),
                           "duplicate key " + detail::quoted(key) + " " + where() + " (first at line " +
                               std::to_string(seen->second.key_mark.line + 1) + "); expected each key once");
    }
    entries_.emplace_back(key,
                          Field{mapping.source, it->second, mapping.child_path(key), it->first.Mark(), true});
  }
}

void MappingReader::check_key(const YAML::Node& key) const {
  if (!key.IsScalar()) {
    mapping_.source->fail(key.Mark(), "expected a plain key " + where() + ", got " + describe(key));
  }
  if (any_key_) {
    return;
  }
  const std::string& text = key.Scalar();
  if (std::find(allowed_.begin(), allowed_.end(), text) != allowed_.end()) {
    return;
  }
  std::string problem = "unknown key " + detail::quoted(text) + " " + where();
  if (auto near = closest_match(text, allowed_)) {
    problem += "; did you mean \"" + std::string(*near) + "\"?";
  } else {
    problem += "; expected one of " + join(allowed_);
  }
  mapping_.source->fail(key.Mark(), problem);
}

std::string MappingReader::where() const {
  return mapping_.path.empty() ? "at top level" : "in " + mapping_.path;
}

bool MappingReader::has(std::string_view key) const {
  return find(key).has_value();
}

std::optional<Field> MappingReader::find(std::string_view key) const {
  for (const auto& [name, field] : entries_) {
    if (name == key) {
      return field;
    }
  }
  return std::nullopt;
}

Field MappingReader::require(std::string_view key) const {
  if (auto field = find(key)) {
    return *field;
  }
  mapping_.fail("missing required key \"" + std::string(key) + "\"");
}

}  // namespace mapscope::config::detail
