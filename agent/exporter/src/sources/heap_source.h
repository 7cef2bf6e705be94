// HeapSource: the C heap as glibc's allocator sees it (mallinfo2), named after Go's memstats.
#pragma once

#include "mapscope/exporter/metric_source.h"

namespace mapscope::exporter {

class HeapSource final : public MetricSource {
 public:
  std::string name() const override { return "heap"; }
  void collect(std::vector<prometheus::MetricFamily>& out) override;
};

}  // namespace mapscope::exporter
