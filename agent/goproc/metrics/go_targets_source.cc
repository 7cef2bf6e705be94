// GoTargetsSource: reads the configured Go programs at scrape time.
#include "mapscope/goproc/go_targets_source.h"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <utility>

#include <mapscope/exporter/logger.h>

namespace mapscope::goproc {
namespace {

bool same_spec(const TargetSpec& a, const TargetSpec& b) {
  return a.name == b.name && a.pid == b.pid && a.pid_file == b.pid_file && a.exe == b.exe &&
         a.maps == b.maps && a.min_bytes == b.min_bytes && a.max_maps == b.max_maps;
}

// The name of a target whose reader failed before naming it.
std::string fallback_name(const TargetSpec& spec) {
  if (!spec.name.empty()) {
    return spec.name;
  }
  if (!spec.exe.empty()) {
    return std::filesystem::path(spec.exe).filename().string();
  }
  if (!spec.pid_file.empty()) {
    return std::filesystem::path(spec.pid_file).filename().string();
  }
  return "pid " + std::to_string(spec.pid);
}

}  // namespace

TargetSpec target_spec(const config::GoTarget& target, std::uint64_t max_maps) {
  TargetSpec spec;
  spec.name = target.name;
  spec.pid = static_cast<pid_t>(target.pid);
  spec.pid_file = target.pid_file;
  spec.exe = target.exe;
  spec.maps = target.maps;
  spec.min_bytes = target.min_bytes;
  spec.max_maps = max_maps;
  return spec;
}

void GoTargetsSource::apply(const std::vector<config::GoTarget>& targets,
                            std::map<std::string, std::string> static_labels, std::uint64_t max_maps) {
  std::vector<TargetSpec> specs;
  specs.reserve(targets.size());
  for (const config::GoTarget& target : targets) {
    specs.push_back(target_spec(target, max_maps));
  }
  std::lock_guard lock(mutex_);
  std::vector<Watched> next;
  next.reserve(specs.size());
  for (TargetSpec& spec : specs) {
    const auto kept = std::find_if(targets_.begin(), targets_.end(), [&spec](const Watched& watched) {
      return watched.target != nullptr && same_spec(watched.target->spec(), spec);
    });
    if (kept != targets_.end()) {
      next.push_back(std::move(*kept));
    } else {
      next.push_back(Watched{std::make_unique<Target>(std::move(spec)), {}, 0});
    }
  }
  targets_ = std::move(next);
  static_labels_ = std::move(static_labels);
  metrics_.set_max_maps(max_maps);
}

std::size_t GoTargetsSource::size() const {
  std::lock_guard lock(mutex_);
  return targets_.size();
}

TargetReading GoTargetsSource::read_safely(Watched& watched) {
  TargetReading reading;
  try {
    reading = watched.target->read();
  } catch (const std::exception& error) {
    ++watched.reader_failures;
    reading = TargetReading{};
    reading.down_reason = std::string("reader failed: ") + error.what();
  }
  if (watched.reader_failures != 0) {
    reading.read_errors_total["internal"] += watched.reader_failures;
  }
  // A pid target is named after its executable while it runs; keep that name once it is gone, so its up
  // series stays the same series.
  const bool named_by_process = !reading.processes.empty() || !watched.target->spec().name.empty();
  if (named_by_process) {
    watched.last_name = reading.name;
  } else if (!watched.last_name.empty()) {
    reading.name = watched.last_name;
  } else if (reading.name.empty()) {
    reading.name = fallback_name(watched.target->spec());
  }
  return reading;
}

void GoTargetsSource::give_unique_names(std::vector<TargetReading>& readings) const {
  std::vector<std::string> names;
  names.reserve(readings.size());
  for (const TargetReading& reading : readings) {
    names.push_back(reading.name);
  }
  for (std::size_t i = 0; i < readings.size(); ++i) {
    const TargetSpec& spec = targets_[i].target->spec();
    const bool shared = std::count(names.begin(), names.end(), names[i]) > 1;
    TargetReading& reading = readings[i];
    const pid_t pid = spec.pid != 0               ? spec.pid
                      : reading.processes.empty() ? 0
                                                  : reading.processes.front().pid;
    if (!shared || !spec.name.empty() || pid == 0) {
      continue;
    }
    reading.name += ":" + std::to_string(pid);
    for (ProcessReading& process : reading.processes) {
      process.label =
          reading.processes.size() == 1 ? reading.name : reading.name + ":" + std::to_string(process.pid);
    }
  }
}

void GoTargetsSource::collect(std::vector<prometheus::MetricFamily>& out) {
  std::lock_guard lock(mutex_);
  std::vector<TargetReading> readings;
  readings.reserve(targets_.size());
  for (Watched& watched : targets_) {
    readings.push_back(read_safely(watched));
  }
  give_unique_names(readings);
  std::vector<std::string> names;
  names.reserve(readings.size());
  for (const TargetReading& reading : readings) {
    names.push_back(reading.name);
  }
  metrics_.keep_only(names);
  for (auto& family : metrics_.families(readings, static_labels_)) {
    out.push_back(std::move(family));
  }
}

}  // namespace mapscope::goproc
