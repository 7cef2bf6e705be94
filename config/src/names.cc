// YAML spellings of the schema's enumerations.
#include "mapscope/config/names.h"

namespace mapscope::config {

std::string_view to_string(KeyType value) {
  return value == KeyType::Int64 ? "int64" : "string";
}

std::string_view to_string(ValueType value) {
  return value == ValueType::Int64 ? "int64" : "bytes";
}

std::string_view to_string(Profile value) {
  return value == Profile::Go122 ? "go1.22" : "go1.21";
}

std::string_view to_string(HashKind value) {
  return value == HashKind::Default ? "default" : "weak";
}

std::string_view to_string(Maintenance value) {
  return value == Maintenance::Go ? "go" : "active";
}

std::string_view to_string(KeyPattern value) {
  switch (value) {
    case KeyPattern::Sequential:
      return "sequential";
    case KeyPattern::Uniform:
      return "uniform";
    case KeyPattern::Zipfian:
      return "zipfian";
  }
  return "?";
}

std::string_view to_string(EndKind value) {
  switch (value) {
    case EndKind::Duration:
      return "duration";
    case EndKind::Operations:
      return "operations";
    case EndKind::Forever:
      return "forever";
    case EndKind::Until:
      return "until";
  }
  return "?";
}

std::string_view to_string(UntilKind value) {
  switch (value) {
    case UntilKind::Growing:
      return "growing";
    case UntilKind::NotGrowing:
      return "not_growing";
    case UntilKind::EntriesAtLeast:
      return "entries_at_least";
    case UntilKind::EntriesAtMost:
      return "entries_at_most";
  }
  return "?";
}

}  // namespace mapscope::config
