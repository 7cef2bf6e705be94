// The map types with int64 keys (see typed_maps.h).
#include "typed_maps.h"

namespace mapscope::scenarios {

template std::unique_ptr<DrivenMap> make_typed_map<std::int64_t>(const config::MapSpec& spec,
                                                                 std::size_t stored_size);

}  // namespace mapscope::scenarios
