// HeapSource: mallinfo2 at scrape time (it walks free chunks under each arena's lock: never call it
// on a hot path).
#include "heap_source.h"

#include <malloc.h>

#include "mapscope/exporter/families.h"

namespace mapscope::exporter {

void HeapSource::collect(std::vector<prometheus::MetricFamily>& out) {
  using prometheus::MetricType;
  const struct mallinfo2 info = mallinfo2();
  // In use: allocated chunks of the arenas plus mmapped chunks. Sys: what the arenas and mmapped chunks
  // took from the OS. Idle: free chunks the allocator keeps.
  auto inuse = make_family("mapscope_heap_inuse_bytes",
                           "Bytes of the C heap in allocated chunks (glibc mallinfo2).", MetricType::Gauge);
  add_gauge(inuse, {}, static_cast<double>(info.uordblks + info.hblkhd));
  auto sys = make_family("mapscope_heap_sys_bytes",
                         "Bytes the C heap obtained from the OS (glibc mallinfo2).", MetricType::Gauge);
  add_gauge(sys, {}, static_cast<double>(info.arena + info.hblkhd));
  auto idle = make_family("mapscope_heap_idle_bytes",
                          "Bytes of the C heap in free chunks the allocator keeps (glibc mallinfo2).",
                          MetricType::Gauge);
  add_gauge(idle, {}, static_cast<double>(info.fordblks));
  out.push_back(std::move(inuse));
  out.push_back(std::move(sys));
  out.push_back(std::move(idle));
}

}  // namespace mapscope::exporter
