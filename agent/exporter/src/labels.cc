// The label check shared by the exporter's options, set_labels() and track().
#include "mapscope/exporter/labels.h"

#include <prometheus/check_names.h>

#include <mapscope/config/labels.h>

namespace mapscope::exporter {

std::optional<std::string> label_problem(const std::string& name, const std::string& value) {
  if (const auto problem = config::label_name_problem(name)) {
    return "label " + name + ": " + *problem;
  }
  if (!prometheus::CheckLabelName(name)) {
    return "label " + name + ": not a valid Prometheus label name";
  }
  if (const auto problem = config::label_value_problem(value)) {
    return "label " + name + ": " + *problem;
  }
  return std::nullopt;
}

std::optional<std::string> labels_problem(const Labels& labels) {
  for (const auto& [name, value] : labels) {
    if (auto problem = label_problem(name, value)) {
      return problem;
    }
  }
  return std::nullopt;
}

}  // namespace mapscope::exporter
