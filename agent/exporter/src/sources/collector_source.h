// CollectorSource: the mapcore_gc_* families of an attached mapcore::Collector.
#pragma once

#include <mapcore/collector.h>

#include "mapscope/exporter/metric_source.h"

namespace mapscope::exporter {

class CollectorSource final : public MetricSource {
 public:
  explicit CollectorSource(const mapcore::Collector& collector) : collector_(collector) {}
  std::string name() const override { return "gc"; }
  void collect(std::vector<prometheus::MetricFamily>& out) override;

  static std::vector<prometheus::MetricFamily> families(const mapcore::CollectorStats& stats);

 private:
  const mapcore::Collector& collector_;
};

}  // namespace mapscope::exporter
