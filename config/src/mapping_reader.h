// MappingReader: a YAML mapping read strictly. Construction rejects non-mappings, non-scalar keys,
// unknown keys (with a suggestion) and duplicate keys, in document order, before any value is read.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "field.h"

namespace mapscope::config::detail {

class MappingReader {
 public:
  // Only `allowed` keys may appear. An empty value reads as an empty mapping.
  MappingReader(const Field& mapping, std::vector<std::string_view> allowed);

  // Any key may appear (e.g. label names); duplicates are still rejected.
  static MappingReader with_any_keys(const Field& mapping);

  bool has(std::string_view key) const;
  // The value of `key`, or nullopt when absent.
  std::optional<Field> find(std::string_view key) const;
  // The value of a required key; a missing one is reported at the mapping itself.
  Field require(std::string_view key) const;
  // Every entry in document order, keyed by its key's text.
  const std::vector<std::pair<std::string, Field>>& entries() const { return entries_; }
  const Field& self() const { return mapping_; }

 private:
  MappingReader(const Field& mapping, std::vector<std::string_view> allowed, bool any_key);
  void check_key(const YAML::Node& key) const;
  std::string where() const;

  Field mapping_;
  std::vector<std::string_view> allowed_;
  bool any_key_;
  std::vector<std::pair<std::string, Field>> entries_;
};

}  // namespace mapscope::config::detail
