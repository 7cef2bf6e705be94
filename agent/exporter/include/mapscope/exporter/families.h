// Builders of scrape-time metric families: one place that knows how a gauge, a counter or a histogram
// is laid out in prometheus-cpp's ClientMetric. The exporter's own sources use them, and so can any
// MetricSource an embedding program adds.
#pragma once

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
