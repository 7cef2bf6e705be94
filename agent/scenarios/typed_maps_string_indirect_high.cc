// The map types with string keys and values of the IndirectHigh group (see typed_map_group.h).
#include "typed_map_group.h"

namespace mapscope::scenarios {

template std::unique_ptr<DrivenMap> make_typed_map<KeyString, SizeGroup::IndirectHigh>(
    const config::MapSpec& spec, std::size_t stored_size);

}  // namespace mapscope::scenarios
