// Options: how a mapcore::Map sizes, grows and is maintained.
#pragma once

#include <cstdint>
#include <optional>

namespace mapcore {

// Which Go release's growth rule the map follows.
//   Go122: load factor 6.5 entries per bucket (go1.19, go1.20, go1.22 and later).
//   Go121: load factor 6.0, the integer-division slip of go1.21 (golang/go#63438).
enum class Profile { Go122, Go121 };

// Who may do growth work.
//   Go:     only writes evacuate, and nothing ever shrinks: a map frozen mid-grow keeps its old
//           bucket array forever, exactly as in Go (golang/go#19094, golang/go#20135).
//   Active: a mapcore::Collector may also finish stalled growth and shrink sparse maps.
enum class Maintenance { Go, Active };

struct Options {
  Profile profile = Profile::Go122;
  std::optional<std::uint64_t> seed;  // fixed hash seed (tests, reproducible traces); random when empty
  Maintenance maintenance = Maintenance::Go;
};

}  // namespace mapcore
