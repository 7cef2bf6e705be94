// libFuzzer target: a byte string is a program of map operations, run on mapcore maps and on
// std::unordered_map side by side; any disagreement, crash or sanitizer report is a finding.
// Three maps run each program: a Map with the default hash, a Map with a weak hash (long chains), and a
// SharedMap under Maintenance::Active registered with a Collector. The program may also do background
// work (evacuation without writes on a Map, a collector cycle on the SharedMap), shrink and clear.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <unordered_map>
#include <utility>

#include "mapcore/collector.h"
#include "mapcore/map.h"
#include "mapcore/shared_map.h"

namespace {

// Stops the fuzzer with a message that names the failed check.
void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "map_operations_fuzzer: %s disagrees with std::unordered_map\n", what);
    std::abort();
  }
}

class ByteReader {
 public:
  ByteReader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool done() const { return pos_ >= size_; }
  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::uint16_t word() { return static_cast<std::uint16_t>(byte() | (byte() << 8)); }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

using Key = std::int64_t;
using Value = std::int64_t;

mapcore::Options map_options(mapcore::Maintenance maintenance) {
  return mapcore::Options{.profile = mapcore::Profile::Go122, .seed = 7, .maintenance = maintenance};
}

// A single-owner Map; background work is evacuation without a write, as a Collector's slice does.
template <class MapT>
class PlainSubject {
 public:
  bool insert(Key key, Value value) { return map_.insert_or_assign(key, value); }
  bool erase(Key key) { return map_.erase(key); }
  std::optional<Value> find(Key key) const {
    const Value* found = map_.find(key);
    return found != nullptr ? std::optional<Value>(*found) : std::nullopt;
  }
  void background(std::uint8_t arg) { map_.evacuate(static_cast<std::size_t>(arg % 8)); }
  void shrink() { map_.shrink_to_fit(); }
  void clear() { map_.clear(); }
  std::size_t size() const { return map_.size(); }
  template <class F>
  void for_each(F&& f) const {
    map_.for_each(std::forward<F>(f));
  }
  mapcore::MapStats stats() const { return map_.stats(); }

 private:
  MapT map_{0, map_options(mapcore::Maintenance::Go)};
};

// A SharedMap the Collector maintains: background work is one or two collector cycles, which finish
// stalled grows (a grow is stalled after a cycle that saw no write progress) and shrink sparse maps.
class CollectedSubject {
 public:
  bool insert(Key key, Value value) { return map_.insert_or_assign(key, value); }
  bool erase(Key key) { return map_.erase(key); }
  std::optional<Value> find(Key key) const { return map_.get(key); }
  void background(std::uint8_t arg) {
    for (int cycle = 0; cycle <= arg % 2; ++cycle) {
      collector_.run_cycle();
    }
  }
  void shrink() { map_.shrink_to_fit(); }
  void clear() { map_.clear(); }
  std::size_t size() const { return map_.size(); }
  template <class F>
  void for_each(F&& f) const {
    map_.for_each(std::forward<F>(f));
  }
  mapcore::MapStats stats() const { return map_.stats(); }

 private:
  // A budget of several slices per cycle, and no malloc_trim (slow, and not what is checked here).
  static mapcore::CollectorOptions collector_options() {
    return mapcore::CollectorOptions{.interval = std::chrono::milliseconds(1),
                                     .budget = std::chrono::microseconds(500),
                                     .max_pause = std::chrono::microseconds(100),
                                     .trim_threshold = 0};
  }
  mapcore::SharedMap<Key, Value> map_{0, map_options(mapcore::Maintenance::Active)};
  mapcore::Collector collector_{collector_options()};
  mapcore::Collector::Registration registration_ = collector_.add(map_);  // declared last: ends first
};

template <class Subject>
void run_program(const std::uint8_t* data, std::size_t size) {
  Subject map;
  std::unordered_map<Key, Value> reference;
  ByteReader in(data, size);
  while (!in.done()) {
    const std::uint8_t op = in.byte();
    // Keys come from a small space so that updates, deletes and collisions are frequent; a bulk
    // insert grows the map through several doublings quickly.
    const auto key = static_cast<Key>(in.word() % 4096);
    switch (op % 10) {
      case 0:
      case 1:
      case 2: {
        const auto value = static_cast<Value>(in.byte());
        require(map.insert(key, value) == (reference.count(key) == 0), "insert result");
        reference[key] = value;
        break;
      }
      case 3:
      case 4:
        require(map.erase(key) == (reference.erase(key) == 1), "erase result");
        break;
      case 5: {
        const std::optional<Value> found = map.find(key);
        const auto it = reference.find(key);
        require(found.has_value() == (it != reference.end()), "find presence");
        if (found) {
          require(*found == it->second, "find value");
        }
        break;
      }
      case 6:
        map.background(in.byte());
        break;
      case 7:
        map.shrink();
        break;
      case 8:
        for (Key k = key; k < key + 200; ++k) {
          map.insert(k, k);
          reference[k] = k;
        }
        break;
      default:
        if (in.byte() % 16 == 0) {
          map.clear();
          reference.clear();
        }
        break;
    }
    require(map.size() == reference.size(), "size");
  }
  std::size_t visited = 0;
  map.for_each([&](const Key& k, const Value& v) {
    const auto it = reference.find(k);
    require(it != reference.end() && it->second == v, "for_each entry");
    ++visited;
  });
  require(visited == reference.size(), "for_each count");
  const mapcore::MapStats s = map.stats();
  require(s.entries == reference.size(), "stats entries");
  require(s.growing == (s.old_buckets != 0), "stats grow state");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  run_program<PlainSubject<mapcore::Map<Key, Value>>>(data, size);
  run_program<PlainSubject<mapcore::Map<Key, Value, mapcore::WeakHash<Key>>>>(data, size);
  run_program<CollectedSubject>(data, size);
  return 0;
}
