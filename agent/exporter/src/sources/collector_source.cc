// CollectorSource: pauses, cycles and reclaimed bytes of the mapcore Collector; Exporter::attach.
#include "collector_source.h"

#include "mapscope/exporter/exporter.h"
#include "mapscope/exporter/families.h"

namespace mapscope::exporter {

std::vector<prometheus::MetricFamily> CollectorSource::families(const mapcore::CollectorStats& stats) {
  using prometheus::MetricType;
  auto pauses = make_family("mapcore_gc_pause_seconds",
                            "Time the collector held one map's lock (one slice of background growth work).",
                            MetricType::Histogram);
  add_pause_histogram(pauses, {}, stats.pauses);
  auto cycles = make_family("mapcore_gc_cycles_total", "Collector cycles run.", MetricType::Counter);
  add_counter(cycles, {}, static_cast<double>(stats.cycles_total));
  auto reclaimed = make_family("mapcore_gc_reclaimed_bytes_total",
                               "Bytes the maintained maps stopped holding thanks to the collector "
                               "(old arrays freed early, shrinks).",
                               MetricType::Counter);
  add_counter(reclaimed, {}, static_cast<double>(stats.reclaimed_bytes_total));
  std::vector<prometheus::MetricFamily> out;
  out.push_back(std::move(pauses));
  out.push_back(std::move(cycles));
  out.push_back(std::move(reclaimed));
  return out;
}

void CollectorSource::collect(std::vector<prometheus::MetricFamily>& out) {
  for (auto& family : families(collector_.stats())) {
    out.push_back(std::move(family));
  }
}

// Defined here rather than in exporter.cc so that a program that never attaches a collector does not
// link mapcore's collector.
SourceHandle Exporter::attach(const mapcore::Collector& collector) {
  return add_source(std::make_shared<CollectorSource>(collector));
}

}  // namespace mapscope::exporter
