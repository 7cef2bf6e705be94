// Agent: startup, reload and orderly shutdown of the standalone agent.
#include "agent.h"

#include <mapscope/config/loader.h>
#include <mapscope/exporter/logger.h>
#include <stdexcept>

namespace mapscope::cli {
namespace {

mapcore::CollectorOptions collector_options(const config::CollectorConfig& config) {
  mapcore::CollectorOptions options;
  options.interval = config.interval;
  options.budget = config.budget;
  options.max_pause = config.max_pause;
  options.trim_threshold = config.trim_threshold;
  return options;
}

exporter::ExporterOptions exporter_options(const LoadedConfig& loaded) {
  exporter::ExporterOptions options;
  options.listen_address = loaded.config.server.listen_address;
  options.telemetry_path = loaded.config.server.telemetry_path;
  options.max_tracked_maps = loaded.config.server.max_tracked_maps;
  options.write_pause_buckets = loaded.config.server.write_pause_buckets;
  options.labels = loaded.config.labels;
  options.web_config = loaded.web_config;
  return options;
}

}  // namespace

LoadedConfig load_configuration(const CommandLine& flags) {
  LoadedConfig loaded;
  if (!flags.config_file.empty()) {
    loaded.config = config::load_config_file(flags.config_file);
  } else if (flags.go_pids.empty()) {
    loaded.config = config::default_config();
  }  // else: only the Go processes of --go.pid, with every other setting at its default
  flags.override_server(loaded.config);
  flags.add_go_pids(loaded.config);
  // The file's values were checked by the loader; what fails here came from a flag.
  try {
    exporter::Exporter::check_listen_address(loaded.config.server.listen_address);
  } catch (const std::invalid_argument& error) {
    throw std::invalid_argument(std::string("--web.listen-address: ") + error.what());
  }
  try {
    exporter::Exporter::check_telemetry_path(loaded.config.server.telemetry_path);
  } catch (const std::invalid_argument& error) {
    throw std::invalid_argument(std::string("--web.telemetry-path: ") + error.what());
  }
  if (!loaded.config.server.web_config_file.empty()) {
    loaded.web_config = exporter::load_web_config_file(loaded.config.server.web_config_file);
  }
  exporter::Exporter::check_labels(loaded.config.labels);
  return loaded;
}

Agent::Agent(CommandLine flags, LoadedConfig loaded) : flags_(std::move(flags)), current_(std::move(loaded)) {
  collector_ = std::make_unique<mapcore::Collector>(collector_options(current_.config.collector));
  exporter_ = std::make_unique<exporter::Exporter>(exporter_options(current_));
  collector_metrics_ = exporter_->attach(*collector_);
  if (current_.config.collector.enabled) {
    collector_->start();
  }
  scenarios_ = std::make_unique<scenarios::ScenarioSet>(*exporter_, *collector_);
  scenarios_->apply(current_.config.scenarios);
  go_targets_ = std::make_shared<goproc::GoTargetsSource>();
  apply_go_targets(current_.config);
  go_metrics_ = exporter_->add_source(go_targets_);
  exporter_->set_reload_handler([this] { return reload(); });
  exporter::log_info("ready", {{"scenarios", std::to_string(current_.config.scenarios.size())},
                               {"go_targets", std::to_string(current_.config.go_targets.size())},
                               {"collector", current_.config.collector.enabled ? "running" : "disabled"}});
}

Agent::~Agent() {
  {
    std::lock_guard lock(reload_mutex_);
    stopping_ = true;  // a reload arriving now is refused
  }
  exporter_->set_reload_handler(nullptr);
  scenarios_.reset();   // joins the scenario threads; their maps stop being tracked
  go_metrics_.reset();  // waits for a scrape reading the Go targets
  collector_metrics_.reset();
  exporter_.reset();  // answers the requests in flight, then stops
  collector_.reset();
}

bool Agent::reload() {
  std::lock_guard lock(reload_mutex_);
  if (stopping_) {
    return false;
  }
  const std::string source = flags_.config_source();
  LoadedConfig next;
  try {
    next = load_configuration(flags_);
  } catch (const std::exception& error) {
    exporter::log_error("reload failed; the running configuration stays",
                        {{"file", source}, {"err", error.what()}});
    exporter_->record_reload(false);
    return false;
  }
  try {
    log_restart_settings(next.config);
    apply(next);
  } catch (const std::exception& error) {
    exporter::log_error("reload failed while applying", {{"file", source}, {"err", error.what()}});
    exporter_->record_reload(false);
    return false;
  }
  current_ = std::move(next);
  exporter_->record_reload(true);
  exporter::log_info("configuration reloaded",
                     {{"file", source},
                      {"scenarios", std::to_string(current_.config.scenarios.size())},
                      {"go_targets", std::to_string(current_.config.go_targets.size())}});
  return true;
}

void Agent::apply(const LoadedConfig& loaded) {
  exporter_->set_labels(loaded.config.labels);
  exporter_->set_web_config(loaded.web_config);
  exporter_->set_max_tracked_maps(loaded.config.server.max_tracked_maps);
  exporter_->set_write_pause_buckets(loaded.config.server.write_pause_buckets);
  if (loaded.config.collector.enabled) {
    collector_->start();
  } else {
    collector_->stop();
  }
  scenarios_->apply(loaded.config.scenarios);
  apply_go_targets(loaded.config);
}

void Agent::apply_go_targets(const config::Config& config) {
  go_targets_->apply(config.go_targets, config.labels, config.server.max_tracked_maps);
}

void Agent::log_restart_settings(const config::Config& next) const {
  const config::ServerConfig& now = current_.config.server;
  if (next.server.listen_address != now.listen_address) {
    exporter::log_warn("listen address changed; it takes effect at restart",
                       {{"running", now.listen_address}, {"configured", next.server.listen_address}});
  }
  if (next.server.telemetry_path != now.telemetry_path) {
    exporter::log_warn("telemetry path changed; it takes effect at restart",
                       {{"running", now.telemetry_path}, {"configured", next.server.telemetry_path}});
  }
  const config::CollectorConfig& a = current_.config.collector;
  const config::CollectorConfig& b = next.collector;
  if (a.interval != b.interval || a.budget != b.budget || a.max_pause != b.max_pause ||
      a.trim_threshold != b.trim_threshold) {
    exporter::log_warn(
        "collector interval, budget, max_pause or trim_threshold changed; they take effect at restart");
  }
}

}  // namespace mapscope::cli
