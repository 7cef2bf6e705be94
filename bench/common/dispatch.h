// dispatch(map, key, run): calls run.template operator()<Adapter, K>() for the adapter and key
// type named on a command line ("mapcore" | "absl" | "std", "int64" | "string24" | "string_view").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl_adapter.h"
#include "mapcore_adapter.h"
#include "std_adapter.h"

namespace mapbench {

template <class K, class Run>
bool dispatch_map(std::string_view map, Run& run) {
  if (map == "mapcore") {
    run.template operator()<MapcoreAdapter<K>, K>();
  } else if (map == "absl") {
    run.template operator()<AbslAdapter<K>, K>();
  } else if (map == "std") {
    run.template operator()<StdAdapter<K>, K>();
  } else {
    return false;
  }
  return true;
}

// False when the map or key name is unknown.
template <class Run>
bool dispatch(std::string_view map, std::string_view key, Run& run) {
  if (key == "int64") {
    return dispatch_map<std::int64_t>(map, run);
  }
  if (key == "string24") {
    return dispatch_map<std::string>(map, run);
  }
  if (key == "string_view") {
    return dispatch_map<std::string_view>(map, run);
  }
  return false;
}

}  // namespace mapbench
