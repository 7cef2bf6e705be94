// Labels: static labels of exported series, and the one check every label of the exporter goes through.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace mapscope::exporter {

using Labels = std::map<std::string, std::string>;

// Why `name`="`value`" cannot label a map's series, or nullopt when it can. The name must be a valid
// Prometheus label name, not start with "__" and not be one the exporter sets itself (map, region, kind,
// trigger, op, le, quantile, job, instance, scenario, phase); the value must be non-empty UTF-8.
// The text starts with "label NAME".
std::optional<std::string> label_problem(const std::string& name, const std::string& value);

// The first problem of `labels`, or nullopt.
std::optional<std::string> labels_problem(const Labels& labels);

}  // namespace mapscope::exporter
