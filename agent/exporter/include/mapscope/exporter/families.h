// Builders of scrape-time metric families: one place that knows how a gauge, a counter or a histogram
// is laid out in prometheus-cpp's ClientMetric. The exporter's own sources use them, and so can any
// MetricSource an embedding program adds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <mapcore/pause_histogram.h>
#include <prometheus/client_metric.h>
#include <prometheus/metric_family.h>

namespace mapscope::exporter {

using LabelList = std::vector<prometheus::ClientMetric::Label>;

prometheus::MetricFamily make_family(std::string name, std::string help, prometheus::MetricType type);

// One family of a source's fixed list, at `index` of the source's own enum of its families.
struct FamilySpec {
  std::size_t index;
  const char* name;
  const char* help;
  prometheus::MetricType type;
};

// Whether every spec stands at its own index (for a static_assert beside a list of specs).
constexpr bool specs_in_order(std::span<const FamilySpec> specs) {
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].index != i) {
      return false;
    }
  }
  return true;
}

// An empty family for each spec, in order.
std::vector<prometheus::MetricFamily> make_families(std::span<const FamilySpec> specs);

void add_gauge(prometheus::MetricFamily& family, LabelList labels, double value);
void add_counter(prometheus::MetricFamily& family, LabelList labels, double value);

// A histogram series: `cumulative[i]` observations at or below `bounds[i]` (the two spans have the same
// length), plus the +Inf bucket (= count) and the sum.
void add_histogram(prometheus::MetricFamily& family, LabelList labels, std::span<const double> bounds,
                   std::span<const std::uint64_t> cumulative, std::uint64_t count, double sum);

// Cumulative buckets at mapcore::kPauseBoundsSeconds plus +Inf (= count), and the sum.
void add_pause_histogram(prometheus::MetricFamily& family, LabelList labels,
                         const mapcore::PauseHistogramSnapshot& pauses);

// `labels` plus one more label, for the series of a family that splits a value by a dimension.
LabelList with_label(const LabelList& labels, std::string name, std::string value);

}  // namespace mapscope::exporter
