// Field locations, paths and list traversal.
#include "field.h"

#include "printable.h"

namespace mapscope::config::detail {

YAML::Mark Field::mark() const {
  if (keyed && value.IsNull()) {
    return key_mark;
  }
  return value.Mark();
}

void Field::fail(const std::string& problem) const {
  fail_at(mark(), problem);
}

void Field::fail_at(const YAML::Mark& where, const std::string& problem) const {
  source->fail(where, path.empty() ? problem : path + ": " + problem);
}

std::string Field::child_path(const std::string& key) const {
  return path.empty() ? key : path + "." + key;
}

std::string Field::item_path(std::size_t index) const {
  return path + "[" + std::to_string(index) + "]";
}

std::string describe(const YAML::Node& value) {
  switch (value.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return detail::quoted(value.Scalar());
    default:
      return "nothing";
  }
}

std::vector<Field> list_items(const Field& list, const std::string& what) {
  std::vector<Field> items;
  if (list.value.IsNull()) {
    return items;
  }
  if (!list.value.IsSequence()) {
    list.fail("expected a list of " + what + ", got " + describe(list.value));
  }
  std::size_t index = 0;
  for (const YAML::Node& item : list.value) {
    items.push_back(Field{list.source, item, list.item_path(index), item.Mark(), false});
    ++index;
  }
  return items;
}

}  // namespace mapscope::config::detail
