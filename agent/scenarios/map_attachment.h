// MapAttachment: whatever makes a scenario's map visible and maintained; undone when destroyed.
//
// The runner destroys its attachment after its thread has stopped and before its map is destroyed, so
// nothing outside (a scrape, the collector) touches a map that is gone.
#pragma once

namespace mapscope::scenarios {

class MapAttachment {
 public:
  virtual ~MapAttachment() = default;
};

}  // namespace mapscope::scenarios
