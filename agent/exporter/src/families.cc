// Builders of scrape-time metric families.
#include "mapscope/exporter/families.h"

#include <limits>
#include <utility>

namespace mapscope::exporter {

prometheus::MetricFamily make_family(std::string name, std::string help, prometheus::MetricType type) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  return family;
}

std::vector<prometheus::MetricFamily> make_families(std::span<const FamilySpec> specs) {
  std::vector<prometheus::MetricFamily> families;
  families.reserve(specs.size());
  for (const FamilySpec& spec : specs) {
    families.push_back(make_family(spec.name, spec.help, spec.type));
  }
  return families;
}

void add_gauge(prometheus::MetricFamily& family, LabelList labels, double value) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  family.metric.push_back(std::move(metric));
}

void add_counter(prometheus::MetricFamily& family, LabelList labels, double value) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.counter.value = value;
  family.metric.push_back(std::move(metric));
}

void add_histogram(prometheus::MetricFamily& family, LabelList labels, std::span<const double> bounds,
                   std::span<const std::uint64_t> cumulative, std::uint64_t count, double sum) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.histogram.sample_count = count;
  metric.histogram.sample_sum = sum;
  metric.histogram.bucket.reserve(bounds.size() + 1);
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    metric.histogram.bucket.push_back({cumulative[i], bounds[i]});
  }
  metric.histogram.bucket.push_back({count, std::numeric_limits<double>::infinity()});
  family.metric.push_back(std::move(metric));
}

void add_pause_histogram(prometheus::MetricFamily& family, LabelList labels,
                         const mapcore::PauseHistogramSnapshot& pauses) {
  add_histogram(family, std::move(labels), mapcore::kPauseBoundsSeconds, pauses.cumulative, pauses.count,
                pauses.sum_seconds);
}

LabelList with_label(const LabelList& labels, std::string name, std::string value) {
  LabelList out;
  out.reserve(labels.size() + 1);
  out = labels;
  out.push_back({std::move(name), std::move(value)});
  return out;
}

}  // namespace mapscope::exporter
