// libFuzzer target: a byte string is a program of map operations, run on mapcore::Map and on
// std::unordered_map side by side; any disagreement, crash or sanitizer report is a finding.
// Two maps run each program: one with the default hash and one with a weak hash (long chains),
// and the program may also evacuate without writes, shrink and clear.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>

#include "mapcore/map.h"

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

template <class MapT>
void run_program(const std::uint8_t* data, std::size_t size) {
  MapT map(0, mapcore::Options{.profile = mapcore::Profile::Go122, .seed = 7, .maintenance = mapcore::Maintenance::Go});
  std::unordered_map<std::int64_t, std::int64_t> reference;
  ByteReader in(data, size);
  while (!in.done()) {
    const std::uint8_t op = in.byte();
    // Keys come from a small space so that updates, deletes and collisions are frequent; a bulk
    // insert grows the map through several doublings quickly.
    const auto key = static_cast<std::int64_t>(in.word() % 4096);
    switch (op % 10) {
      case 0:
      case 1:
      case 2: {
        const auto value = static_cast<std::int64_t>(in.byte());
        require(map.insert_or_assign(key, value) == (reference.count(key) == 0), "insert result");
        reference[key] = value;
        break;
      }
      case 3:
      case 4:
        require(map.erase(key) == (reference.erase(key) == 1), "erase result");
        break;
      case 5: {
        const auto* found = map.find(key);
        const auto it = reference.find(key);
        require((found != nullptr) == (it != reference.end()), "find presence");
        if (found != nullptr) {
          require(*found == it->second, "find value");
        }
        break;
      }
      case 6:
        map.evacuate(static_cast<std::size_t>(in.byte() % 8));
        break;
      case 7:
        map.shrink_to_fit();
        break;
      case 8:
        for (std::int64_t k = key; k < key + 200; ++k) {
          map.insert_or_assign(k, k);
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
  map.for_each([&](const std::int64_t& k, const std::int64_t& v) {
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
  run_program<mapcore::Map<std::int64_t, std::int64_t>>(data, size);
  run_program<mapcore::Map<std::int64_t, std::int64_t, mapcore::WeakHash<std::int64_t>>>(data, size);
  return 0;
}
