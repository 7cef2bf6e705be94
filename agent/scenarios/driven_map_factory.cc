#include "driven_map_factory.h"

#include <cstdint>

#include "key_string.h"
#include "value_sizes.h"

namespace mapscope::scenarios {
namespace {

template <class K>
std::unique_ptr<DrivenMap> make_for_key(const config::MapSpec& spec) {
  const std::size_t stored =
      spec.value.type == config::ValueType::Int64 ? 0 : stored_value_size(spec.value.size);
  return make_typed_map<K>(spec, stored);
}

}  // namespace

std::unique_ptr<DrivenMap> make_driven_map(const config::MapSpec& spec) {
  if (spec.key.type == config::KeyType::String) {
    return make_for_key<KeyString>(spec);
  }
  return make_for_key<std::int64_t>(spec);
}

}  // namespace mapscope::scenarios
