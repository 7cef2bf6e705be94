// Agent: the running mapscope-agent: exporter, collector and scenarios, and configuration reloads.
//
// A reload (SIGHUP or POST /-/reload) loads the configuration file again and, only if it and its web
// configuration are valid, applies it as a whole: scenarios, Go targets, static labels, basic auth users, the
// tracked map limit and whether the collector runs. The listen address, telemetry path and the collector's
// timing knobs are fixed for the process's life; a reload that changes them logs that a restart is needed. A
// bad file is logged with its location, the running configuration stays, and
// mapscope_config_last_reload_successful becomes 0 until a good reload.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <mapcore/collector.h>
#include <mapscope/config/schema.h>
#include <mapscope/exporter/exporter.h>
#include <mapscope/goproc/go_targets_source.h>
#include <mapscope/scenarios/scenario_set.h>

#include "command_line.h"

namespace mapscope::cli {

// A configuration with everything it refers to loaded and checked.
struct LoadedConfig {
  config::Config config;
  std::optional<exporter::WebConfig> web_config;
};

// Loads the file named by the flags (or the embedded default), applies the flag overrides and loads the
// web configuration. Throws config::ConfigError or std::invalid_argument with a one-line message.
LoadedConfig load_configuration(const CommandLine& flags);

class Agent {
 public:
  // Starts serving and runs the scenarios. Throws std::runtime_error (cannot listen) or
  // std::invalid_argument (a setting the exporter refuses), each with a one-line message.
  Agent(CommandLine flags, LoadedConfig loaded);
  ~Agent();  // stops the scenarios, then the HTTP server (after requests in flight), then the collector

  bool reload();  // true when the new configuration was applied
  std::uint16_t port() const { return exporter_->port(); }

 private:
  void apply(const LoadedConfig& loaded);
  void apply_go_targets(const config::Config& config);
  void log_restart_settings(const config::Config& next) const;

  const CommandLine flags_;
  std::mutex reload_mutex_;  // one reload at a time; guards current_ and stopping_
  LoadedConfig current_;
  bool stopping_ = false;

  std::unique_ptr<mapcore::Collector> collector_;
  std::unique_ptr<exporter::Exporter> exporter_;
  exporter::SourceHandle collector_metrics_;
  std::unique_ptr<scenarios::ScenarioSet> scenarios_;
  std::shared_ptr<goproc::GoTargetsSource> go_targets_;
  exporter::SourceHandle go_metrics_;
};

}  // namespace mapscope::cli
