// The map types with string keys (see typed_maps.h).
#include "key_string.h"
#include "typed_maps.h"
namespace mapscope::scenarios {

template std::unique_ptr<DrivenMap> make_typed_map<KeyString>(const config::MapSpec& spec,
                                                              std::size_t stored_size);

}  // namespace mapscope::scenarios
