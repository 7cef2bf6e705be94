// SourceRegistry: the MetricSources an Exporter scrapes, and the scrape itself.
//
// The scrape starts here: collect() runs every source in registration order, times each one and records
// whether it threw (mapscope_scrape_collector_duration_seconds and _success, node_exporter's pair), joins the
// series of families that several sources expose with the same name, type and help, drops families whose
// names are invalid or taken with another type or help, and drops families without series. Removing a source
// waits only for that source's collect() in progress, so a source may be removed while another is slow.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include <prometheus/metric_family.h>

#include "mapscope/exporter/handles.h"
#include "mapscope/exporter/metric_source.h"

namespace mapscope::exporter {

class SourceRegistry final : public Registrar, public std::enable_shared_from_this<SourceRegistry> {
 public:
  // `trusted` sources are the exporter's own, whose label names are checked by tests and at tracking;
  // the label names of other sources are checked on every scrape (with a cache of names seen valid).
  SourceHandle add(std::shared_ptr<MetricSource> source, bool trusted);
  void unregister(std::uint64_t id) override;

  // Every source's valid families, then the duration and success of each source.
  std::vector<prometheus::MetricFamily> collect() const;

 private:
  struct Entry {
    std::shared_ptr<MetricSource> source;
    std::string name;
    bool trusted = false;
    std::mutex in_use;     // held while collect() runs
    bool removed = false;  // set under in_use: no collect() after this
  };

  // Runs one source; its families are appended to `out` (none if it throws). False when it threw.
  bool collect_one(Entry& entry, std::vector<prometheus::MetricFamily>& out) const;
  // Removes invalid, conflicting and empty families and joins shared ones; logs each problem once.
  void keep_valid(std::vector<prometheus::MetricFamily>& families, std::size_t first,
                  const Entry& entry) const;
  bool metric_name_ok(const std::string& name) const;
  bool label_name_ok(const std::string& name) const;
  void log_once(const std::string& key, const std::string& message, const std::string& detail) const;

  mutable std::mutex mutex_;  // guards entries_, next_id_
  std::map<std::uint64_t, std::shared_ptr<Entry>> entries_;
  std::uint64_t next_id_ = 1;

  mutable std::mutex cache_mutex_;  // guards the caches below (scrapes of different URIs may overlap)
  mutable std::unordered_set<std::string> valid_names_;
  mutable std::set<std::string> logged_;
};

}  // namespace mapscope::exporter
