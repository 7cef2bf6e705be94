// MetricSource: one named source of metric families, read at scrape time.
//
// A source is what node_exporter calls a "collector": it builds fresh MetricFamily values from live
// state on every scrape (the equivalent of client_golang's const metrics), so nothing is cached between
// scrapes and nothing must be updated on the hot path of the code it observes. The exporter times every
// source on every scrape and reports it as mapscope_scrape_collector_duration_seconds{collector="<name>"},
// and mapscope_scrape_collector_success{collector="<name>"} is 0 when collect() threw.
#pragma once

#include <string>
#include <vector>

#include <prometheus/metric_family.h>

namespace mapscope::exporter {

class MetricSource {
 public:
  virtual ~MetricSource() = default;

  // The `collector` label value of this source's duration and success series; unique among the exporter's
  // sources.
  virtual std::string name() const = 0;

  // Appends this source's families. Called on a scrape thread, never concurrently with itself: keep it
  // short, because a slow source stalls every scraper. Family and label names must pass
  // prometheus::CheckMetricName / CheckLabelName; families that do not are dropped (and logged).
  virtual void collect(std::vector<prometheus::MetricFamily>& out) = 0;
};

}  // namespace mapscope::exporter
