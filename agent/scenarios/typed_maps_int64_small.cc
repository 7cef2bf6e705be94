// The map types with int64 keys and values of the Small group (see typed_map_group.h).
#include "typed_map_group.h"

namespace mapscope::scenarios {

template std::unique_ptr<DrivenMap> make_typed_map<std::int64_t, SizeGroup::Small>(
    const config::MapSpec& spec, std::size_t stored_size);

}  // namespace mapscope::scenarios
