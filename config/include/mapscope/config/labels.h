// Validation of Prometheus label names and values for static labels and scenario names.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mapscope::config {

// The label naming the Go program (go_targets) a series comes from.
inline constexpr std::string_view kTargetLabel = "target";

// Label names the exporter itself puts on map series (static labels may not use them):
// map, job, instance, region, kind, trigger, op, le, quantile, scenario, phase, target.
const std::vector<std::string>& reserved_label_names();

// Why `name` cannot be a static label name, or nullopt when it can: it must match
// [a-zA-Z_][a-zA-Z0-9_]*, not start with "__" and not be reserved.
std::optional<std::string> label_name_problem(std::string_view name);

// Why `value` cannot be a label value, or nullopt: it must be non-empty (an empty value removes the
// label in Prometheus) and valid UTF-8.
std::optional<std::string> label_value_problem(std::string_view value);

bool is_valid_utf8(std::string_view text);

}  // namespace mapscope::config
