// The `labels` section (static labels on every map series) and the label-value rule of names.
#include "mapping_reader.h"
#include "mapscope/config/labels.h"
#include "scalars.h"
#include "sections.h"

namespace mapscope::config::detail {

std::map<std::string, std::string> read_labels(const Field& field) {
  const MappingReader section = MappingReader::with_any_keys(field);
  std::map<std::string, std::string> labels;
  for (const auto& [name, value] : section.entries()) {
    if (auto problem = label_name_problem(name)) {
      field.fail_at(value.key_mark, *problem);
    }
    labels.emplace(name, read_label_value(value));
  }
  return labels;
}

std::string read_label_value(const Field& field) {
  std::string text = read_string(field);
  if (auto problem = label_value_problem(text)) {
    field.fail(*problem);
  }
  return text;
}

}  // namespace mapscope::config::detail
