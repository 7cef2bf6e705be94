// SourceRegistry: registration of sources and the timed, validated scrape.
#include "source_registry.h"

#include <chrono>
#include <exception>
#include <iterator>

#include <prometheus/check_names.h>

#include "mapscope/exporter/families.h"
#include "mapscope/exporter/logger.h"

namespace mapscope::exporter {

SourceHandle SourceRegistry::add(std::shared_ptr<MetricSource> source, bool trusted) {
  if (source == nullptr) {
    return {};
  }
  std::string name = source->name();
  std::lock_guard lock(mutex_);
  for (const auto& [id, entry] : entries_) {
    if (entry->name == name) {
      log_warn("metric source not added: a source with this name exists", {{"collector", name}});
      return {};
    }
  }
  auto entry = std::make_shared<Entry>();
  entry->source = std::move(source);
  entry->name = std::move(name);
  entry->trusted = trusted;
  const std::uint64_t id = next_id_++;
  entries_.emplace(id, std::move(entry));
  return SourceHandle{weak_from_this(), id};
}

void SourceRegistry::unregister(std::uint64_t id) {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(id);
    if (it == entries_.end()) {
      return;
    }
    entry = std::move(it->second);
    entries_.erase(it);
  }
  std::lock_guard in_use(entry->in_use);  // waits for a collect() in progress
  entry->removed = true;
  entry->source.reset();
}

std::vector<prometheus::MetricFamily> SourceRegistry::collect() const {
  std::vector<std::shared_ptr<Entry>> entries;
  {
    std::lock_guard lock(mutex_);
    entries.reserve(entries_.size());
    for (const auto& [id, entry] : entries_) {
      entries.push_back(entry);
    }
  }
  std::vector<prometheus::MetricFamily> out;
  auto durations =
      make_family("mapscope_scrape_collector_duration_seconds",
                  "Time each metric source took in the last scrape.", prometheus::MetricType::Gauge);
  auto successes = make_family("mapscope_scrape_collector_success",
                               "Whether each metric source succeeded in the last scrape (1) or threw (0).",
                               prometheus::MetricType::Gauge);
  for (const auto& entry : entries) {
    const auto start = std::chrono::steady_clock::now();
    const std::size_t first = out.size();
    bool succeeded = false;
    {
      std::lock_guard in_use(entry->in_use);
      if (entry->removed) {
        continue;
      }
      succeeded = collect_one(*entry, out);
    }
    keep_valid(out, first, *entry);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    add_gauge(durations, {{"collector", entry->name}}, took.count());
    add_gauge(successes, {{"collector", entry->name}}, succeeded ? 1 : 0);
  }
  out.push_back(std::move(durations));
  out.push_back(std::move(successes));
  return out;
}

bool SourceRegistry::collect_one(Entry& entry, std::vector<prometheus::MetricFamily>& out) const {
  const std::size_t first = out.size();
  try {
    entry.source->collect(out);
    return true;
  } catch (const std::exception& error) {
    out.resize(first);
    log_once("throw:" + entry.name, "metric source failed; its families are left out of this scrape",
             entry.name + ": " + error.what());
    return false;
  }
}

void SourceRegistry::keep_valid(std::vector<prometheus::MetricFamily>& families, std::size_t first,
                                const Entry& entry) const {
  std::size_t kept = first;
  for (std::size_t i = first; i < families.size(); ++i) {
    prometheus::MetricFamily& family = families[i];
    if (family.metric.empty()) {
      continue;
    }
    if (!metric_name_ok(family.name)) {
      log_once("name:" + family.name, "metric family dropped: invalid name", entry.name + ": " + family.name);
      continue;
    }
    std::size_t same_name = kept;
    for (std::size_t j = 0; j < kept && same_name == kept; ++j) {
      same_name = families[j].name == family.name ? j : kept;
    }
    const bool joinable = same_name < kept && families[same_name].type == family.type &&
                          families[same_name].help == family.help;
    if (same_name < kept && !joinable) {
      log_once("dup:" + family.name, "metric family dropped: another source exposes it differently",
               entry.name + ": " + family.name);
      continue;
    }
    bool labels_ok = true;
    for (const auto& metric : family.metric) {
      if (entry.trusted) {
        break;
      }
      for (const auto& label : metric.label) {
        labels_ok = labels_ok && label_name_ok(label.name);
      }
    }
    if (!labels_ok) {
      log_once("label:" + family.name, "metric family dropped: invalid label name",
               entry.name + ": " + family.name);
      continue;
    }
    if (joinable) {
      // Sources that share a family (the per-map families of mapcore maps and of Go programs) expose
      // one family with the series of both, as client_golang's registry does for equal name, type and help.
      auto& into = families[same_name].metric;
      into.insert(into.end(), std::make_move_iterator(family.metric.begin()),
                  std::make_move_iterator(family.metric.end()));
      continue;
    }
    if (kept != i) {
      families[kept] = std::move(family);
    }
    ++kept;
  }
  families.resize(kept);
}

bool SourceRegistry::metric_name_ok(const std::string& name) const {
  std::lock_guard lock(cache_mutex_);
  if (valid_names_.contains(name)) {
    return true;
  }
  if (!prometheus::CheckMetricName(name)) {
    return false;
  }
  valid_names_.insert(name);
  return true;
}

bool SourceRegistry::label_name_ok(const std::string& name) const {
  std::lock_guard lock(cache_mutex_);
  const std::string key = "label:" + name;
  if (valid_names_.contains(key)) {
    return true;
  }
  if (!prometheus::CheckLabelName(name)) {
    return false;
  }
  valid_names_.insert(key);
  return true;
}

void SourceRegistry::log_once(const std::string& key, const std::string& message,
                              const std::string& detail) const {
  {
    std::lock_guard lock(cache_mutex_);
    if (!logged_.insert(key).second) {
      return;
    }
  }
  log_warn(message, {{"detail", detail}});
}

}  // namespace mapscope::exporter
