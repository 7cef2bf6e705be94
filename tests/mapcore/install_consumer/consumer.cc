// Uses the installed headers and library: a map that grows, and a statistics snapshot.
#include <mapcore/map.h>
#include <mapcore/shared_map.h>

#include <cstdio>

int main() {
  mapcore::SharedMap<long, long> map(1000);
  for (long k = 0; k < 5000; ++k) map.insert_or_assign(k, k * 2);
  const mapcore::MapStats s = map.stats();
  const auto value = map.get(4321);
  std::printf("entries=%llu B=%llu value=%ld\n", static_cast<unsigned long long>(s.entries),
              static_cast<unsigned long long>(s.log2_buckets), value.value_or(-1));
  return s.entries == 5000 && s.log2_buckets == 10 && value == 8642 ? 0 : 1;
}
