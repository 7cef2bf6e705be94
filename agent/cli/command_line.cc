// CommandLine: flag definitions with CLI11; usage errors are one line and exit code 2.
#include "command_line.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <stdexcept>

namespace mapscope::cli {

void CommandLine::override_server(config::Config& config) const {
  if (listen_address) {
    config.server.listen_address = *listen_address;
  }
  if (telemetry_path) {
    config.server.telemetry_path = *telemetry_path;
  }
  if (web_config_file) {
    config.server.web_config_file = *web_config_file;
  }
}

std::string CommandLine::config_source() const {
  if (!config_file.empty()) {
    return config_file;
  }
  return go_pids.empty() ? "<default>" : "--go.pid";
}

void CommandLine::add_go_pids(config::Config& config) const {
  for (const std::uint32_t pid : go_pids) {
    const auto same = std::find_if(config.go_targets.begin(), config.go_targets.end(),
                                   [pid](const config::GoTarget& target) { return target.pid == pid; });
    if (same != config.go_targets.end()) {
      throw std::invalid_argument("--go.pid=" + std::to_string(pid) +
                                  ": the configuration already watches it (go_targets[" +
                                  std::to_string(same - config.go_targets.begin()) + "])");
    }
    config::GoTarget target;
    target.pid = pid;
    config.go_targets.push_back(std::move(target));
  }
}

ParseResult parse_command_line(int argc, char** argv) {
  ParseResult result;
  CommandLine& flags = result.flags;
  CLI::App app{
      "mapscope-agent: a Prometheus exporter of Go-faithful hash maps, running the configured workload "
      "scenarios and watching Go programs.\nWithout --config.file it runs the embedded default configuration "
      "(--print-default-config); with --go.pid and no file, it only watches those processes.",
      "mapscope-agent"};
  app.option_defaults()->always_capture_default();

  std::string listen_address, telemetry_path, web_config_file;
  auto* listen = app.add_option("--web.listen-address", listen_address,
                                "Address to listen on, HOST:PORT or :PORT (overrides server.listen_address; "
                                "default 127.0.0.1:8931)");
  auto* path = app.add_option(
      "--web.telemetry-path", telemetry_path,
      "Path under which to expose metrics (overrides server.telemetry_path; default /metrics)");
  auto* web = app.add_option("--web.config.file", web_config_file,
                             "Exporter-toolkit web configuration file for basic authentication "
                             "(overrides server.web_config_file)");
  app.add_option("--config.file", flags.config_file,
                 "Configuration file (YAML); default: the embedded default");
  app.add_option("--go.pid", flags.go_pids,
                 "Watch the Go process with this pid (repeatable); without --config.file no scenarios run")
      ->check(CLI::Range(std::uint32_t{1}, config::GoTarget::kMaxPid))
      ->type_name("PID")
      ->take_all();
  app.add_flag("--check-config", flags.check_config,
               "Validate the configuration and exit: 0 valid, 2 invalid");
  app.add_flag("--print-default-config", flags.print_default_config,
               "Print the embedded default configuration");
  std::string level = "info", format = "logfmt";
  app.add_option("--log.level", level, "Only log messages with the given severity or above")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  app.add_option("--log.format", format, "Output format of log messages")
      ->check(CLI::IsMember({"logfmt", "json"}));
  app.add_flag("--version", flags.version, "Show version information and exit");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    result.exit_code = 0;
    return result;
  } catch (const CLI::ParseError& error) {
    std::string message = error.what();
    if (const std::size_t newline = message.find('\n'); newline != std::string::npos) {
      message.resize(newline);
    }
    std::fprintf(stderr, "mapscope-agent: %s; see --help\n", message.c_str());
    result.exit_code = 2;
    return result;
  }
  if (listen->count() != 0) {
    flags.listen_address = listen_address;
  }
  if (path->count() != 0) {
    flags.telemetry_path = telemetry_path;
  }
  if (web->count() != 0) {
    flags.web_config_file = web_config_file;
  }
  flags.log_level = *exporter::parse_log_level(level);
  flags.log_format = *exporter::parse_log_format(format);
  return result;
}

}  // namespace mapscope::cli
