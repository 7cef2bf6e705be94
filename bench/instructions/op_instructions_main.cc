// bench_op_instructions: one mapcore operation repeated a fixed number of times, for counting its
// instructions with callgrind (bench/instructions/count.sh). Instruction counts do not depend on
// the load of the machine, so they compare two builds of mapcore exactly where timings on a
// shared machine cannot.
//
//   bench_op_instructions <operation> <n>
//     operation: insert_no_hint | insert_with_hint | lookup_hit | lookup_miss | erase | update
//
// The setup the operation needs (filling the map) runs outside the measured function,
// measured_operation(), which count.sh tells callgrind to count alone (--toggle-collect).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "keys.h"
#include "mapcore/map.h"

namespace {

using IntMap = mapcore::Map<std::int64_t, std::int64_t>;
using Keys = std::vector<std::int64_t>;

// Keeps the compiler from dropping lookups whose results are unused.
std::int64_t g_sink = 0;

void insert_all(IntMap& map, const Keys& keys) {
  for (const std::int64_t key : keys) {
    map.insert_or_assign(key, key);
  }
}

void look_up_all(const IntMap& map, const Keys& keys) {
  for (const std::int64_t key : keys) {
    const std::int64_t* value = map.find(key);
    g_sink += value != nullptr ? *value : 1;
  }
}

void erase_all(IntMap& map, const Keys& keys) {
  for (const std::int64_t key : keys) {
    g_sink += map.erase(key) ? 1 : 0;
  }
}

}  // namespace

// The only function callgrind counts. Not inlined, so that it exists under this name.
extern "C" __attribute__((noinline)) void measured_operation(std::string_view operation, IntMap& map,
                                                             const Keys& present, const Keys& absent) {
  if (operation == "insert_no_hint" || operation == "insert_with_hint") {
    insert_all(map, present);
  } else if (operation == "update") {
    insert_all(map, present);
  } else if (operation == "lookup_hit") {
    look_up_all(map, present);
  } else if (operation == "lookup_miss") {
    look_up_all(map, absent);
  } else if (operation == "erase") {
    erase_all(map, present);
  }
}

int main(int argc, char** argv) {
  const std::vector<std::string_view> operations = {
      "insert_no_hint", "insert_with_hint", "lookup_hit", "lookup_miss", "erase", "update"};
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <operation> <n>\n", argv[0]);
    return 2;
  }
  const std::string_view operation = argv[1];
  bool known = false;
  for (const std::string_view name : operations) {
    known = known || name == operation;
  }
  char* end = nullptr;
  const unsigned long long n = std::strtoull(argv[2], &end, 10);
  if (!known || *end != '\0' || n == 0) {
    std::fprintf(stderr,
                 "%s: expected an operation (insert_no_hint, insert_with_hint, lookup_hit, lookup_miss, "
                 "erase, update) and a positive count, got '%s' '%s'\n",
                 argv[0], argv[1], argv[2]);
    return 2;
  }
  const Keys present = mapbench::make_keys<std::int64_t>(mapbench::kPresentStream, n);
  const Keys absent = mapbench::make_keys<std::int64_t>(mapbench::kAbsentStream, n);
  IntMap map(operation == "insert_no_hint" ? 0 : n);
  if (operation != "insert_no_hint" && operation != "insert_with_hint") {
    insert_all(map, present);
  }
  measured_operation(operation, map, present, absent);
  std::printf("%s %llu entries=%zu sink=%lld\n", argv[1], n, map.size(), static_cast<long long>(g_sink));
  return 0;
}
