// PrebuiltMap: one filled map kept between benchmarks that only read it (or leave it as they
// found it), so that lookups, iteration and the read/write mix of one map and size share a
// single build. Asking for another map first releases the one held, so two large maps never
// coexist.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <typeinfo>
#include <vector>

namespace mapbench {

class PrebuiltMap {
 public:
  template <class Adapter, class K>
  static Adapter& get(const std::vector<K>& keys) {
    PrebuiltMap& held = the_one();
    const std::string id = std::string(typeid(Adapter).name()) + "/" + std::to_string(keys.size());
    if (held.id_ != id) {
      held.map_.reset();
      auto map = std::make_shared<Adapter>(0);
      for (std::size_t i = 0; i < keys.size(); ++i) {
        map->insert(keys[i], static_cast<std::int64_t>(i));
      }
      held.map_ = map;
      held.id_ = id;
    }
    return *std::static_pointer_cast<Adapter>(held.map_);
  }

 private:
  // One holder for every map type (a static in get() would be one per instantiation).
  static PrebuiltMap& the_one() {
    static PrebuiltMap held;
    return held;
  }

  std::string id_;
  std::shared_ptr<void> map_;
};

}  // namespace mapbench
