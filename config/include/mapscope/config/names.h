// The YAML spelling of the schema's enumerations, for logs, labels and the writer.
#pragma once

#include <string_view>

#include "mapscope/config/schema.h"

namespace mapscope::config {

std::string_view to_string(KeyType value);      // "int64" | "string"
std::string_view to_string(ValueType value);    // "int64" | "bytes"
std::string_view to_string(Profile value);      // "go1.22" | "go1.21"
std::string_view to_string(HashKind value);     // "default" | "weak"
std::string_view to_string(Maintenance value);  // "go" | "active"
std::string_view to_string(KeyPattern value);   // "sequential" | "uniform" | "zipfian"
std::string_view to_string(EndKind value);      // "duration" | "operations" | "forever" | "until"
std::string_view to_string(UntilKind value);    // "growing" | "not_growing" | "entries_at_least" | ...

}  // namespace mapscope::config
