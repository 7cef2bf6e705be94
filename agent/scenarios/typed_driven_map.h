// TypedDrivenMap<K, V>: DrivenMap over a mapcore::SharedMap<K, V> built from a scenario's `map` section.
//
// K is std::int64_t or KeyString; V is std::int64_t, FixedBytes<N> or OutOfLineBytes (fixed_bytes.h).
// Every written value is stamped with a running counter so that updates really change the stored bytes.
#pragma once

#include <cstdint>
#include <type_traits>
#include <utility>

#include "driven_map.h"
#include "fixed_bytes.h"
#include "key_string.h"
#include "mapcore/options.h"
#include "mapcore/shared_map.h"
#include "mapscope/config/schema.h"
#include "scenario_hash.h"
#include "value_sizes.h"

namespace mapscope::scenarios {

template <class K, class V>
class TypedDrivenMap final : public DrivenMap {
 public:
  using Shared = mapcore::SharedMap<K, V, ScenarioHash<K>>;

  explicit TypedDrivenMap(const config::MapSpec& spec)
      : map_(spec.hint, options_for(spec), ScenarioHash<K>{spec.hash == config::HashKind::Weak}),
        key_(initial_key(spec)),
        key_length_(spec.key.length),
        value_size_(spec.value.size),
        value_block_bytes_(kOutOfLine ? stored_value_size(spec.value.size) : 0) {}

  void insert(std::uint64_t key) override {
    set_key(key);
    map_.insert_or_assign(key_, next_value());
  }

  void update(std::uint64_t key) override {
    set_key(key);
    map_.with_lock([this](auto& map) {
      if (map.contains(key_)) {
        map.insert_or_assign(key_, next_value());
      }
    });
  }

  void erase(std::uint64_t key) override {
    set_key(key);
    map_.erase(key_);
  }

  bool lookup(std::uint64_t key) override {
    set_key(key);
    return map_.contains(key_);
  }

  bool contains(std::uint64_t key) const override { return map_.contains(key_for(key)); }

  std::uint64_t size() const override { return map_.size(); }
  bool growing() const override {
    return map_.with_lock([](const auto& map) { return map.growing(); });
  }
  // An out-of-line value's block is the value's own, not an allocation of the map's; Go's map
  // allocates it, so it counts as Go counts it: one rounded block per live entry.
  mapcore::MapStats stats() const override {
    mapcore::MapStats stats = map_.stats();
    if constexpr (kOutOfLine) {
      stats.indirect_bytes += stats.entries * value_block_bytes_;
    }
    return stats;
  }
  mapcore::PauseHistogramSnapshot write_pauses() const override { return map_.write_pauses(); }

  mapcore::Collector::Registration register_with(mapcore::Collector& collector) override {
    return collector.add(map_);
  }
  bool active_maintenance() const override {
    return map_.options().maintenance == mapcore::Maintenance::Active;
  }

 private:
  static constexpr bool kOutOfLine = std::is_same_v<V, OutOfLineBytes>;

  static mapcore::Options options_for(const config::MapSpec& spec) {
    mapcore::Options options;
    options.profile =
        spec.profile == config::Profile::Go121 ? mapcore::Profile::Go121 : mapcore::Profile::Go122;
    options.maintenance = spec.maintenance == config::Maintenance::Active ? mapcore::Maintenance::Active
                                                                          : mapcore::Maintenance::Go;
    return options;
  }

  static K initial_key(const config::MapSpec& spec) {
    if constexpr (std::is_same_v<K, KeyString>) {
      return KeyString::for_number(0, spec.key.length);
    } else {
      return K{};
    }
  }

  K key_for(std::uint64_t number) const {
    if constexpr (std::is_same_v<K, KeyString>) {
      return KeyString::for_number(number, key_length_);
    } else {
      return static_cast<K>(number);
    }
  }

  // The driver reuses one key object: rewriting it in place costs no allocation per operation.
  void set_key(std::uint64_t number) {
    if constexpr (std::is_same_v<K, KeyString>) {
      key_.set_number(number);
    } else {
      key_ = static_cast<K>(number);
    }
  }

  V next_value() {
    ++stamp_;
    if constexpr (std::is_integral_v<V>) {
      return static_cast<V>(stamp_);
    } else if constexpr (kOutOfLine) {
      return OutOfLineBytes::filled(stamp_, value_size_, value_block_bytes_);
    } else {
      return V::filled(stamp_, value_size_);
    }
  }

  Shared map_;
  K key_;  // the driver's reusable key
  std::uint32_t key_length_;
  std::size_t value_size_;
  std::size_t value_block_bytes_;  // out-of-line values: the block Go's allocator gives each
  std::uint64_t stamp_ = 0;
};

}  // namespace mapscope::scenarios
