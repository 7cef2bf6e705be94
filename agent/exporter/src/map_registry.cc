// MapRegistry: tracked maps, their validation and the scrape-side lock.
#include "map_registry.h"

#include <mapscope/config/labels.h>

#include "mapscope/exporter/logger.h"

namespace mapscope::exporter {
namespace {

// Name and labels joined with bytes that cannot appear in valid label names or UTF-8 values.
std::string identity_of(const std::string& name, const Labels& labels) {
  std::string identity = name;
  for (const auto& [key, value] : labels) {
    identity += '\xff';
    identity += key;
    identity += '\xfe';
    identity += value;
  }
  return identity;
}

}  // namespace

MapRegistry::MapRegistry(Labels exporter_labels, std::uint64_t max_maps)
    : exporter_labels_(std::move(exporter_labels)), max_maps_(max_maps) {}

std::string MapRegistry::label_problem(const std::string& name, const Labels& labels) const {
  if (const auto problem = config::label_value_problem(name)) {
    return "map name: " + *problem;
  }
  if (auto problem = labels_problem(labels)) {
    return std::move(*problem);
  }
  std::lock_guard lock(labels_mutex_);
  for (const auto& [key, value] : labels) {
    if (exporter_labels_.contains(key)) {
      return "label " + key + " is already one of the exporter's static labels";
    }
  }
  return {};
}

TrackHandle MapRegistry::reject(const std::string& name, const std::string& reason, bool log_once) {
  rejected_total_.fetch_add(1, std::memory_order_relaxed);
  if (!log_once || !limit_logged_.exchange(true)) {
    log_warn("map not tracked", {{"map", name}, {"reason", reason}});
  }
  return TrackHandle{};
}

TrackHandle MapRegistry::add(std::string name, std::unique_ptr<TrackedMap> map, Labels labels) {
  if (map == nullptr) {
    return reject(name, "no map given", false);
  }
  if (auto problem = label_problem(name, labels); !problem.empty()) {
    return reject(name, problem, false);
  }
  std::string identity = identity_of(name, labels);

  std::unique_lock lock(mutex_);
  const std::uint64_t limit = max_maps_.load(std::memory_order_relaxed);
  if (entries_.size() >= limit) {
    lock.unlock();
    return reject(
        name,
        "the limit of " + std::to_string(limit) +
            " tracked maps is reached; further refusals are only counted in mapscope_track_rejected_total",
        true);
  }
  if (identities_.contains(identity)) {
    lock.unlock();
    return reject(name, "a map with this name and these labels is already tracked", false);
  }
  const std::uint64_t id = next_id_++;
  identities_.insert(identity);
  entries_.emplace(id, Entry{std::move(name), std::move(labels), std::move(identity), std::move(map)});
  return TrackHandle{weak_from_this(), id};
}

void MapRegistry::unregister(std::uint64_t id) {
  std::unique_ptr<TrackedMap> adapter;  // destroyed outside the lock
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(id);
  if (it == entries_.end()) {
    return;
  }
  identities_.erase(it->second.identity);
  adapter = std::move(it->second.map);
  entries_.erase(it);
}

void MapRegistry::set_exporter_labels(Labels labels) {
  std::lock_guard lock(labels_mutex_);
  exporter_labels_ = std::move(labels);
}

std::vector<MapSnapshot> MapRegistry::read(std::size_t offset, std::size_t limit) const {
  std::vector<MapSnapshot> out;
  Labels exporter_labels;
  {
    std::lock_guard lock(labels_mutex_);
    exporter_labels = exporter_labels_;
  }
  std::lock_guard lock(mutex_);
  if (offset >= entries_.size()) {
    return out;
  }
  out.reserve(std::min(limit, entries_.size() - offset));
  auto it = std::next(entries_.begin(), static_cast<std::ptrdiff_t>(offset));
  for (; it != entries_.end() && out.size() < limit; ++it) {
    const Entry& entry = it->second;
    out.push_back({entry.name, entry.labels, entry.map->stats(), entry.map->write_pauses()});
  }
  if (!exporter_labels.empty()) {
    for (MapSnapshot& map : out) {
      map.labels.insert(exporter_labels.begin(), exporter_labels.end());
    }
  }
  return out;
}

std::size_t MapRegistry::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace mapscope::exporter
