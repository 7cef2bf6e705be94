// bench_op_instructions: one mapcore operation repeated a fixed number of times, for counting its
// instructions and cache misses with callgrind (bench/instructions/count.sh). Instruction counts
// do not depend on the load of the machine, so they compare two builds of mapcore exactly where
// timings on a shared machine cannot.
//
//   bench_op_instructions <operation> <n> [key]
//     operation: insert_no_hint | insert_with_hint | lookup_hit | lookup_miss | erase | update
//     key:       int64 (the default) | string_view (24-byte keys viewing an arena, as Go's strings)
//
// The setup the operation needs (making the keys, filling the map) runs outside the measured
// function, measured_operation(), which count.sh tells callgrind to count alone (--toggle-collect).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "keys.h"
#include "mapcore/map.h"

namespace {

// Keeps the compiler from dropping lookups whose results are unused.
std::int64_t g_sink = 0;

template <class K>
void insert_all(mapcore::Map<K, std::int64_t>& map, const std::vector<K>& keys) {
  std::int64_t value = 0;
  for (const K& key : keys) {
    map.insert_or_assign(key, ++value);
  }
}

template <class K>
void look_up_all(const mapcore::Map<K, std::int64_t>& map, const std::vector<K>& keys) {
  for (const K& key : keys) {
    const std::int64_t* value = map.find(key);
    g_sink += value != nullptr ? *value : 1;
  }
}

template <class K>
void erase_all(mapcore::Map<K, std::int64_t>& map, const std::vector<K>& keys) {
  for (const K& key : keys) {
    g_sink += map.erase(key) ? 1 : 0;
  }
}

template <class K>
void run_operation(std::string_view operation, mapcore::Map<K, std::int64_t>& map,
                   const std::vector<K>& present, const std::vector<K>& absent) {
  if (operation == "insert_no_hint" || operation == "insert_with_hint" || operation == "update") {
    insert_all(map, present);
  } else if (operation == "lookup_hit") {
    look_up_all(map, present);
  } else if (operation == "lookup_miss") {
    look_up_all(map, absent);
  } else if (operation == "erase") {
    erase_all(map, present);
  }
}

}  // namespace

// The only function callgrind counts. Not inlined, so that it exists under this name; it runs
// the operation for whichever key type main() chose.
extern "C" __attribute__((noinline)) void measured_operation(void (*operation)(void*), void* context) {
  operation(context);
}

namespace {

template <class K>
struct Workload {
  std::string_view operation;
  mapcore::Map<K, std::int64_t>* map;
  const std::vector<K>* present;
  const std::vector<K>* absent;

  static void run(void* self) {
    auto* w = static_cast<Workload*>(self);
    run_operation(w->operation, *w->map, *w->present, *w->absent);
  }
};

template <class K>
std::size_t measure(std::string_view operation, std::size_t n) {
  const mapbench::KeySet<K> present = mapbench::make_key_set<K>(mapbench::kPresentStream, n);
  const mapbench::KeySet<K> absent = mapbench::make_key_set<K>(mapbench::kAbsentStream, n);
  mapcore::Map<K, std::int64_t> map(operation == "insert_no_hint" ? 0 : n);
  if (operation != "insert_no_hint" && operation != "insert_with_hint") {
    insert_all(map, present.keys);
  }
  Workload<K> workload{operation, &map, &present.keys, &absent.keys};
  measured_operation(&Workload<K>::run, &workload);
  return map.size();
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> operations = {
      "insert_no_hint", "insert_with_hint", "lookup_hit", "lookup_miss", "erase", "update"};
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: %s <operation> <n> [int64|string_view]\n", argv[0]);
    return 2;
  }
  const std::string_view operation = argv[1];
  bool known = false;
  for (const std::string_view name : operations) {
    known = known || name == operation;
  }
  char* end = nullptr;
  const unsigned long long n = std::strtoull(argv[2], &end, 10);
  const std::string_view key = argc == 4 ? argv[3] : "int64";
  if (!known || *end != '\0' || n == 0 || (key != "int64" && key != "string_view")) {
    std::fprintf(stderr,
                 "%s: expected an operation (insert_no_hint, insert_with_hint, lookup_hit, lookup_miss, "
                 "erase, update), a positive count and a key type (int64, string_view), got '%s' '%s' '%s'\n",
                 argv[0], argv[1], argv[2], argc == 4 ? argv[3] : "");
    return 2;
  }
  const std::size_t entries =
      key == "int64" ? measure<std::int64_t>(operation, n) : measure<std::string_view>(operation, n);
  std::printf("%s %llu %s entries=%zu sink=%lld\n", argv[1], n, std::string(key).c_str(), entries,
              static_cast<long long>(g_sink));
  return 0;
}
